package bus

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// DefaultBufferBytes bounds a subscriber's stream when its
// SubscriberConfig.BufferBytes is zero: 32 MiB, the hard limit of Redis's
// client-output-buffer-limit pubsub. The stream grows only as messages
// wait, so a subscriber that keeps up costs little, and one that is
// reading rides out a burst of hundreds of thousands of small messages.
const DefaultBufferBytes = 32 << 20

// DefaultMailbox is the capacity of the bus goroutine's request channel when
// [Config].Mailbox is zero.
const DefaultMailbox = 1024

// maxBatch bounds how many queued requests the bus goroutine drains per
// wake-up.
const maxBatch = 256

// Config configures a [Bus]. The zero Config is ready to use.
type Config struct {
	// Mailbox is the capacity of the request channel of the bus goroutine:
	// how many publications and subscription changes may queue before a
	// caller waits for the bus to catch up. Zero means DefaultMailbox.
	Mailbox int
}

// Bus is kevy's publish/subscribe hub: an actor (one goroutine) that owns
// the channel and pattern subscription tables and delivers each PUBLISH to
// the subscribers' bounded buffers. Create it with [New] and stop it with
// [Bus.Close]. A Bus is safe for concurrent use by multiple goroutines.
type Bus struct {
	// live mirrors the number of subscriptions in the tables (channel plus
	// pattern, summed over subscribers), or -1 once the bus is closed. Only
	// run writes it, before it answers the request that changed it, so a
	// Publish that starts after a Subscribe returned sees it non-zero.
	live atomic.Int64

	reqs      chan *request // never closed
	quit      chan struct{} // closed once by Close
	done      chan struct{} // closed by run when it returns
	closeOnce sync.Once
	pool      sync.Pool // *request with a cap-1 reply channel; per Bus

	t *tables // owned by run
}

// New starts a bus. Its goroutine runs until [Bus.Close].
func New(cfg Config) *Bus {
	n := cfg.Mailbox
	if n <= 0 {
		n = DefaultMailbox
	}
	b := &Bus{
		reqs: make(chan *request, n),
		quit: make(chan struct{}),
		done: make(chan struct{}),
		t:    newTables(),
	}
	b.pool.New = func() any { return &request{reply: make(chan result, 1)} }
	go b.run()
	return b
}

// Close stops the bus: it ends the stream of every subscriber (whose Err
// then reports [ErrClosed]), answers queued requests with
// ErrClosed, and waits for the bus goroutine to exit. Every later call on the
// bus or its subscribers returns ErrClosed. Close is idempotent and always
// returns nil.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() { close(b.quit) })
	<-b.done
	return nil
}

// Active reports whether anyone subscribes to anything. Publishers of
// generated messages (keyspace notifications) can test it before building
// them. It is one atomic load.
func (b *Bus) Active() bool { return b.live.Load() > 0 }

// Publish posts payload to channel, like PUBLISH, and returns the number of
// receivers as Redis counts them: one per subscriber of the channel plus one
// per (pattern, subscriber) pair whose pattern matches the channel, so a
// subscriber reached both ways, or by two patterns, counts (and receives the
// message) once per match. It never blocks on a subscriber: one whose stream
// is at its bounds is cut off instead (see [ErrSlowSubscriber]), and still counted.
//
// When there are no subscriptions at all, Publish returns 0 at once, without
// a message to the bus goroutine and without allocating. Otherwise it waits
// for the bus goroutine, which has delivered the message to every receiver's
// stream when Publish returns. Messages from one goroutine reach each
// subscriber in the order they were published.
func (b *Bus) Publish(channel, payload string) (int, error) {
	switch n := b.live.Load(); {
	case n == 0:
		return 0, nil
	case n < 0:
		return 0, ErrClosed
	}
	r := b.get(opPublish)
	r.channel, r.payload = channel, payload
	res, err := b.call(r)
	return res.n, err
}

// PublishBatch posts every publication of pubs, in order, as Publish would,
// but does not wait for delivery or report receiver counts: it returns once
// the bus has queued the batch (waiting only if the bus's mailbox is full).
// It is meant for generated messages such as keyspace notifications, which a
// shard can gather over one batch of commands and hand over in one message.
// PublishBatch takes ownership of pubs: the caller must not modify the slice
// afterwards. With no subscriptions it drops the batch at once.
func (b *Bus) PublishBatch(pubs []Publication) error {
	switch n := b.live.Load(); {
	case n == 0 || len(pubs) == 0:
		return nil
	case n < 0:
		return ErrClosed
	}
	r := b.get(opPublishBatch)
	r.pubs = pubs
	select {
	case b.reqs <- r: // run recycles r
		return nil
	case <-b.done:
		return ErrClosed
	}
}

// Channels returns the active channels (those with at least one channel
// subscriber; patterns do not count), sorted, like PUBSUB CHANNELS. With no
// argument it returns all of them; with one, only those the glob pattern
// matches, with Redis's matching rules (so pattern "*" leaves out the empty
// channel name, as in Redis). More than one pattern is an error.
func (b *Bus) Channels(pattern ...string) ([]string, error) {
	if len(pattern) > 1 {
		return nil, fmt.Errorf("bus: Channels takes at most one pattern, got %d", len(pattern))
	}
	r := b.get(opChannels)
	r.names = pattern
	res, err := b.call(r)
	return res.strs, err
}

// NumSub returns, for each channel given, its number of channel subscribers
// (patterns do not count), like PUBSUB NUMSUB.
func (b *Bus) NumSub(channels ...string) ([]int, error) {
	r := b.get(opNumSub)
	r.names = channels
	res, err := b.call(r)
	return res.ints, err
}

// NumPat returns the number of distinct patterns subscribed to by anyone,
// like PUBSUB NUMPAT in Redis 7.0 (two subscribers of one pattern count
// once).
func (b *Bus) NumPat() (int, error) {
	res, err := b.call(b.get(opNumPat))
	return res.n, err
}

// op says what a request asks of the bus goroutine.
type op uint8

const (
	opPublish op = iota + 1
	opPublishBatch
	opRegister
	opSubscribe
	opPSubscribe
	opUnsubscribe
	opPUnsubscribe
	opCloseSub
	opChannels
	opNumSub
	opNumPat
	opInspect
)

// request is one message to the bus goroutine. Requests are pooled per Bus
// and recycled only after their reply has been received (or, for
// PublishBatch, by run once it has applied the batch).
type request struct {
	op      op
	sub     *Subscriber
	channel string   // opPublish
	payload string   // opPublish
	names   []string // channels or patterns; borrowed from the caller until the reply
	pubs    []Publication
	fn      func(*tables) // opInspect: run on the bus goroutine (tests)
	reply   chan result   // cap 1: run never blocks on a caller; unused by opPublishBatch
}

// result is the answer to a request.
type result struct {
	n    int
	strs []string
	ints []int
	err  error
}

func (b *Bus) get(o op) *request {
	r := b.pool.Get().(*request)
	r.op = o
	return r
}

func (b *Bus) put(r *request) {
	*r = request{reply: r.reply}
	b.pool.Put(r)
}

// call sends r to the bus goroutine and waits for its answer. After Close it
// returns ErrClosed; a request the closing bus never answered is then not
// recycled, since the bus might still hold it.
func (b *Bus) call(r *request) (result, error) {
	select {
	case b.reqs <- r:
	case <-b.done:
		return result{}, ErrClosed
	}
	select {
	case res := <-r.reply:
		b.put(r)
		return res, res.err
	case <-b.done:
		select {
		case res := <-r.reply:
			b.put(r)
			return res, res.err
		default:
			return result{}, ErrClosed
		}
	}
}
