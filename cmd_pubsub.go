package kevy

import "context"

// The pub/sub commands of the typed API (go-redis's PubSubCmdable),
// immediate and deferred. Subscribing needs a subscription set:
// Store.Subscribe and Store.PSubscribe (pubsub.go).

// PubSubCmdable is the pub/sub commands of Store, Conn and Tx.
type PubSubCmdable interface {
	Publish(ctx context.Context, channel string, message any) (int64, error)
	PubSubChannels(ctx context.Context, pattern string) ([]string, error)
	PubSubNumSub(ctx context.Context, channels ...string) (map[string]int64, error)
	PubSubNumPat(ctx context.Context) (int64, error)
}

// PubSubPipeCmdable is PubSubCmdable deferred: what a Pipeliner queues.
type PubSubPipeCmdable interface {
	Publish(ctx context.Context, channel string, message any) *IntCmd
	PubSubChannels(ctx context.Context, pattern string) *StringSliceCmd
	PubSubNumSub(ctx context.Context, channels ...string) *MapStringIntCmd
	PubSubNumPat(ctx context.Context) *IntCmd
}

var (
	_ PubSubCmdable     = (*Store)(nil)
	_ PubSubCmdable     = (*Conn)(nil)
	_ PubSubCmdable     = (*Tx)(nil)
	_ PubSubPipeCmdable = (*Pipeline)(nil)
)

// The pub/sub commands are connection commands, registered by pubsub.go's
// init, after this package's variables are initialised: the methods look
// them up when called.

// publishArgv builds PUBLISH channel message in a.
func publishArgv(a *[3]string, channel string, message any) ([]string, error) {
	m, err := argString(message)
	if err != nil {
		return nil, err
	}
	a[0], a[1], a[2] = "PUBLISH", channel, m
	return a[:], nil
}

// Publish posts message to channel and returns the number of receivers
// (a subscriber matching by channel and by a pattern counts twice, as in
// Redis).
func (x cmdable) Publish(ctx context.Context, channel string, message any) (int64, error) {
	var a [3]string
	argv, err := publishArgv(&a, channel, message)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, mustCmd("publish"), argv)
}

// pubsubChannelsArgv builds PUBSUB CHANNELS [pattern].
func pubsubChannelsArgv(pattern string) []string {
	argv := []string{"PUBSUB", "CHANNELS"}
	if pattern != "" {
		argv = append(argv, pattern)
	}
	return argv
}

// PubSubChannels returns the active channels matching pattern ("" = all).
func (x cmdable) PubSubChannels(ctx context.Context, pattern string) ([]string, error) {
	return call(ctx, x, mustCmd("pubsub").Subs["channels"], pubsubChannelsArgv(pattern), toStrings)
}

// PubSubNumSub returns the number of subscribers of each channel.
func (x cmdable) PubSubNumSub(ctx context.Context, channels ...string) (map[string]int64, error) {
	return call(ctx, x, mustCmd("pubsub").Subs["numsub"], keyArgs("PUBSUB", "NUMSUB", channels), toIntMap)
}

// PubSubNumPat returns the number of subscribed patterns.
func (x cmdable) PubSubNumPat(ctx context.Context) (int64, error) {
	a := [2]string{"PUBSUB", "NUMPAT"}
	return x.integer(ctx, mustCmd("pubsub").Subs["numpat"], a[:])
}
