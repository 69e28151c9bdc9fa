package kevy_test

func init() {
	pipeCases["pubsub"] = []pipeCase{
		{method: "Publish", args: []any{"news", "hello"}},
		{method: "Publish", args: []any{"news", 42}},
		{method: "Publish", args: []any{"news", struct{}{}}, want: "can't marshal"},
		{method: "PubSubChannels", args: []any{""}},
		{method: "PubSubChannels", args: []any{"n*"}},
		{method: "PubSubNumSub", args: []any{"news", "other"}},
		{method: "PubSubNumSub", args: nil},
		{method: "PubSubNumPat", args: nil},
	}
}
