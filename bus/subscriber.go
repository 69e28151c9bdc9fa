package bus

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// SubscriberConfig configures a [Subscriber]. The zero value bounds the
// stream to DefaultBufferBytes, with Redis's confirmations in it.
type SubscriberConfig struct {
	// Buffer bounds how many messages may wait in the subscriber's stream:
	// a message or confirmation that finds that many waiting cuts the
	// subscriber off (see ErrSlowSubscriber). Zero means no bound on the
	// count (BufferBytes still bounds the stream).
	Buffer int

	// BufferBytes bounds the bytes waiting in the stream, each message
	// counted for its channel, pattern and payload plus a fixed overhead
	// (MessageOverhead), as Redis counts a pub/sub client's output buffer
	// (client-output-buffer-limit pubsub): a message that would pass it
	// cuts the subscriber off. Zero means DefaultBufferBytes; a negative
	// value means no bound.
	BufferBytes int64

	// OmitConfirmations leaves the subscribe/unsubscribe confirmations out
	// of the stream, which then carries only KindMessage and KindPMessage.
	// Zero (false) delivers them, as Redis does on the connection.
	OmitConfirmations bool
}

// Subscriber is one subscribing party, the equivalent of a Redis connection
// in subscribed mode (one per kevy PubSub). It has one stream, read with
// [Subscriber.Receive] or [Subscriber.TryReceive], which receives
// confirmations and messages in order until the subscriber is closed, cut
// off, or the bus is closed; then, once the messages still waiting have
// been read, Receive returns the error that says why (also [Subscriber.Err]).
// The stream is a queue that grows as messages wait and shrinks as they
// are read, bounded by [SubscriberConfig]: a subscriber that is reading
// rides out a burst; one that does not read is cut off.
//
// A Subscriber is safe for concurrent use by multiple goroutines; changes
// made concurrently apply in some order, each change as a whole.
type Subscriber struct {
	bus      *Bus
	omit     bool
	maxMsgs  int
	maxBytes int64
	err      atomic.Pointer[error] // why the stream ended; set before ready is signalled
	ready    chan struct{}         // cap 1: signalled when a message waits or the stream ends

	mu    sync.Mutex // guards the stream: the bus goroutine appends, readers take
	q     []Message  // q[head:] wait
	head  int
	bytes int64 // counted size of q[head:]

	// Owned by the bus goroutine (run); see tables.
	channels map[string]int // subscribed channel → index in its chanEntry.subs
	patterns []string       // subscribed patterns, in subscription order
	dead     bool           // the stream ended; the subscriber is out of the tables
}

// NewSubscriber registers a new subscriber with no subscriptions. It returns
// ErrClosed after Close.
func (b *Bus) NewSubscriber(cfg SubscriberConfig) (*Subscriber, error) {
	maxBytes := cfg.BufferBytes
	switch {
	case maxBytes == 0:
		maxBytes = DefaultBufferBytes
	case maxBytes < 0:
		maxBytes = 0
	}
	s := &Subscriber{
		bus:      b,
		omit:     cfg.OmitConfirmations,
		maxMsgs:  max(cfg.Buffer, 0),
		maxBytes: maxBytes,
		ready:    make(chan struct{}, 1),
		channels: make(map[string]int),
	}
	r := b.get(opRegister)
	r.sub = s
	if _, err := b.call(r); err != nil {
		return nil, err
	}
	return s, nil
}

// TryReceive returns the next message of the stream if one is waiting.
func (s *Subscriber) TryReceive() (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head == len(s.q) {
		return Message{}, false
	}
	m := s.q[s.head]
	s.q[s.head] = Message{}
	s.head++
	s.bytes -= m.size()
	switch {
	case s.head == len(s.q):
		s.head = 0
		s.q = s.q[:0]
		if cap(s.q) > 4096 {
			s.q = nil // a burst's queue is not kept
		}
	case s.head >= 4096 && s.head > len(s.q)/2:
		n := copy(s.q, s.q[s.head:])
		clear(s.q[n:])
		s.q, s.head = s.q[:n], 0
	}
	return m, true
}

// Receive returns the next message of the stream, waiting until one
// arrives or ctx ends (then it returns ctx.Err()). Once the stream has
// ended and its last message was read, it returns the error Err reports.
func (s *Subscriber) Receive(ctx context.Context) (Message, error) {
	for {
		if m, ok := s.TryReceive(); ok {
			return m, nil
		}
		if err := s.Err(); err != nil {
			if m, ok := s.TryReceive(); ok { // delivered just before the end
				return m, nil
			}
			return Message{}, err
		}
		select {
		case <-s.ready:
		case <-ctx.Done():
			return Message{}, ctx.Err()
		}
	}
}

// Ready returns a channel that receives a value when messages wait in the
// stream or the stream ends, for a reader that selects on several sources:
// after it fires, read with TryReceive until it reports none, then check
// Err. It is the same channel on every call.
func (s *Subscriber) Ready() <-chan struct{} { return s.ready }

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

// Close unsubscribes from everything, without confirmations, and ends the
// stream; Err then reports ErrSubscriberClosed. Close is
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

// MessageOverhead is what a waiting message is counted for besides its
// channel, pattern and payload: the size of a Message.
const MessageOverhead = int64(unsafe.Sizeof(Message{}))

// size is what m counts against a stream's BufferBytes.
func (m *Message) size() int64 {
	return MessageOverhead + int64(len(m.Channel)+len(m.Pattern)+len(m.Payload))
}

// push appends m to the stream, or reports false when the stream's bounds
// do not allow it. Called by the bus goroutine only.
func (s *Subscriber) push(m Message) bool {
	size := m.size()
	s.mu.Lock()
	waiting := len(s.q) - s.head
	if (s.maxMsgs > 0 && waiting >= s.maxMsgs) || (s.maxBytes > 0 && s.bytes+size > s.maxBytes) {
		s.mu.Unlock()
		return false
	}
	s.q = append(s.q, m)
	s.bytes += size
	s.mu.Unlock()
	s.signal()
	return true
}

func (s *Subscriber) signal() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
