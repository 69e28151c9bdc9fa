package bus

// The kinds of [Message], named as Redis names the first element of the
// corresponding RESP push.
const (
	KindMessage      = "message"      // a PUBLISH to a subscribed channel
	KindPMessage     = "pmessage"     // a PUBLISH to a channel a subscribed pattern matches
	KindSubscribe    = "subscribe"    // confirmation of one channel of a SUBSCRIBE
	KindPSubscribe   = "psubscribe"   // confirmation of one pattern of a PSUBSCRIBE
	KindUnsubscribe  = "unsubscribe"  // confirmation of one channel of an UNSUBSCRIBE
	KindPUnsubscribe = "punsubscribe" // confirmation of one pattern of a PUNSUBSCRIBE
)

// Message is one item of a subscriber's stream: a published message, or a
// confirmation of a subscription change, in the order Redis would have sent
// them on the subscriber's connection.
//
// For KindMessage, Channel and Payload are set. For KindPMessage, Pattern is
// the subscribed pattern that matched Channel. For the four confirmation
// kinds, Channel holds the channel or pattern named (the second element of
// Redis's reply, as in go-redis's Subscription) and Count the subscriber's
// number of channel plus pattern subscriptions after that change; NilChannel
// marks the single reply Redis sends, with a null name, to an UNSUBSCRIBE or
// PUNSUBSCRIBE without arguments from a subscriber that had nothing to drop.
//
// The strings are shared with the publisher (no copy is made per receiver).
type Message struct {
	Kind       string
	Channel    string
	Pattern    string
	Payload    string
	Count      int
	NilChannel bool
}

// Publication is one message for [Bus.PublishBatch].
type Publication struct {
	Channel string
	Payload string
}
