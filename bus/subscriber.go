package bus

import (
	"slices"
	"sync/atomic"
)

// SubscriberConfig configures a [Subscriber]. The zero value gives a buffer
// of DefaultBuffer messages and Redis's confirmations in the stream.
type SubscriberConfig struct {
	// Buffer is the capacity, in messages, of the subscriber's channel. A
	// message or confirmation that finds it full cuts the subscriber off
	// (see ErrSlowSubscriber). Zero means DefaultBuffer.
	Buffer int

	// OmitConfirmations leaves the subscribe/unsubscribe confirmations out
	// of the stream, which then carries only KindMessage and KindPMessage,
	// for a go-redis-style Channel() that hands the stream to the user as
	// it is. Zero (false) delivers them, as Redis does on the connection.
	OmitConfirmations bool
}

// Subscriber is one subscribing party, the equivalent of a Redis connection
// in subscribed mode (one per kevy PubSub). It has one bounded message
// channel, [Subscriber.Messages], which receives confirmations and messages
// in order until the subscriber is closed, cut off, or the bus is closed;
// then the channel is closed (after the messages still buffered in it) and
// [Subscriber.Err] says why.
//
// A Subscriber is safe for concurrent use by multiple goroutines; changes
// made concurrently apply in some order, each change as a whole.
type Subscriber struct {
	bus  *Bus
	ch   chan Message // buffered; sent to and closed only by the bus goroutine
	omit bool
	err  atomic.Pointer[error] // why ch was closed; set before closing it

	// Owned by the bus goroutine (run); see tables.
	channels map[string]int // subscribed channel → index in its chanEntry.subs
	patterns []string       // subscribed patterns, in subscription order
	dead     bool           // ch is closed; the subscriber is out of the tables
}

// NewSubscriber registers a new subscriber with no subscriptions. It returns
// ErrClosed after Close.
func (b *Bus) NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	n := cfg.Buffer
	if n <= 0 {
		n = DefaultBuffer
	}
	s := &Subscriber{
		bus:      b,
		ch:       make(chan Message, n),
		omit:     cfg.OmitConfirmations,
		channels: make(map[string]int),
	}
	r := b.get(opRegister)
	r.sub = s
	if _, err := b.call(r); err != nil {
		return nil, err
	}
	return s, nil
}

// Messages returns the subscriber's stream. It is the same channel on every
// call. It is closed when the subscriber is closed or cut off or the bus is
// closed, after the messages already in it have been received.
func (s *Subscriber) Messages() <-chan Message { return s.ch }

// Err returns nil while the subscriber is open, and afterwards why it ended:
// ErrSubscriberClosed after Close, ErrClosed after the bus closed, or an
// error wrapping ErrSlowSubscriber after a cut-off. It is also what the
// subscriber's methods return from then on.
func (s *Subscriber) Err() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Subscribe subscribes to the channels, like SUBSCRIBE: the stream receives
// one KindSubscribe confirmation per channel given, repeated ones included,
// each with the running subscription count. It returns the count after the
// last one. When Subscribe returns, every later Publish to these channels
// reaches the subscriber. With no channels it only returns the count.
func (s *Subscriber) Subscribe(channels ...string) (int, error) {
	return s.change(opSubscribe, channels)
}

// PSubscribe subscribes to the glob patterns (Redis's glob rules), like
// PSUBSCRIBE, with one KindPSubscribe confirmation per pattern given.
func (s *Subscriber) PSubscribe(patterns ...string) (int, error) {
	return s.change(opPSubscribe, patterns)
}

// Unsubscribe unsubscribes from the channels, like UNSUBSCRIBE, with one
// KindUnsubscribe confirmation per channel given, subscribed or not. With no
// channels it drops every channel subscription (in name order), one
// confirmation each; if there were none, it sends the single confirmation
// Redis sends, with NilChannel set and the current count (which still counts
// patterns).
func (s *Subscriber) Unsubscribe(channels ...string) (int, error) {
	return s.change(opUnsubscribe, channels)
}

// PUnsubscribe is [Subscriber.Unsubscribe] for patterns (PUNSUBSCRIBE); with
// no patterns it drops them all, in subscription order.
func (s *Subscriber) PUnsubscribe(patterns ...string) (int, error) {
	return s.change(opPUnsubscribe, patterns)
}

func (s *Subscriber) change(o op, names []string) (int, error) {
	if err := s.Err(); err != nil {
		return 0, err
	}
	r := s.bus.get(o)
	r.sub, r.names = s, names
	res, err := s.bus.call(r)
	return res.n, err
}

// Close unsubscribes from everything, without confirmations, and closes the
// message channel; Err then reports ErrSubscriberClosed. Close is
// idempotent, returns nil, and is a no-op after a cut-off or Bus.Close.
func (s *Subscriber) Close() error {
	if s.Err() != nil {
		return nil
	}
	r := s.bus.get(opCloseSub)
	r.sub = s
	_, _ = s.bus.call(r) // the only possible error is ErrClosed: already closed then
	return nil
}

// count is the number of subscriptions, as Redis's clientSubscriptionsCount.
// Owned by run.
func (s *Subscriber) count() int { return len(s.channels) + len(s.patterns) }

// channelNames lists s's channels in name order, for UNSUBSCRIBE with no
// arguments. Owned by run.
func (s *Subscriber) channelNames() []string {
	names := make([]string, 0, len(s.channels))
	for ch := range s.channels {
		names = append(names, ch)
	}
	slices.Sort(names)
	return names
}
