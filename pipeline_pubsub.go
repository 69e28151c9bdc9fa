package kevy

import "context"

// Pipeline methods for the pub/sub commands (PubSubPipeCmdable): each
// queues its command and returns a command object that holds the result
// once the pipeline has run.

// Publish queues PUBLISH.
func (p *Pipeline) Publish(_ context.Context, channel string, message any) *IntCmd {
	words, err := publishArgv(new([3]string), channel, message)
	return queueErr(p, &IntCmd{}, words, err)
}

// PubSubChannels queues PUBSUB CHANNELS.
func (p *Pipeline) PubSubChannels(_ context.Context, pattern string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, pubsubChannelsArgv(pattern)...)
}

// PubSubNumSub queues PUBSUB NUMSUB.
func (p *Pipeline) PubSubNumSub(_ context.Context, channels ...string) *MapStringIntCmd {
	return queue(p, &MapStringIntCmd{}, keyArgs("PUBSUB", "NUMSUB", channels)...)
}

// PubSubNumPat queues PUBSUB NUMPAT.
func (p *Pipeline) PubSubNumPat(_ context.Context) *IntCmd {
	return queue(p, &IntCmd{}, "PUBSUB", "NUMPAT")
}
