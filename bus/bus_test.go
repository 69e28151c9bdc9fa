package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublishWithoutSubscribers(t *testing.T) {
	b := newBus(t)
	n, err := b.Publish("news", "hello")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.False(t, b.Active())
	allocs := testing.AllocsPerRun(1000, func() {
		if n, err := b.Publish("news", "hello"); n != 0 || err != nil {
			t.Fatal(n, err)
		}
	})
	assert.Zero(t, allocs, "the empty-table fast path must not allocate")
	require.NoError(t, b.PublishBatch([]Publication{{"a", "b"}}))
}

func TestSubscribeConfirmations(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 0)
	steps := []struct {
		name  string
		do    func() (int, error)
		count int
		want  []Message
	}{
		{"SUBSCRIBE a b a", func() (int, error) { return s.Subscribe("a", "b", "a") }, 2,
			[]Message{conf(KindSubscribe, "a", 1), conf(KindSubscribe, "b", 2), conf(KindSubscribe, "a", 2)}},
		{"PSUBSCRIBE a* a*", func() (int, error) { return s.PSubscribe("a*", "a*") }, 3,
			[]Message{conf(KindPSubscribe, "a*", 3), conf(KindPSubscribe, "a*", 3)}},
		{"SUBSCRIBE", func() (int, error) { return s.Subscribe() }, 3, nil},
		{"UNSUBSCRIBE zz a", func() (int, error) { return s.Unsubscribe("zz", "a") }, 2,
			[]Message{conf(KindUnsubscribe, "zz", 3), conf(KindUnsubscribe, "a", 2)}},
		{"UNSUBSCRIBE", func() (int, error) { return s.Unsubscribe() }, 1,
			[]Message{conf(KindUnsubscribe, "b", 1)}},
		{"UNSUBSCRIBE (none left)", func() (int, error) { return s.Unsubscribe() }, 1,
			[]Message{{Kind: KindUnsubscribe, Count: 1, NilChannel: true}}},
		{"PSUBSCRIBE b? c?", func() (int, error) { return s.PSubscribe("b?", "c?") }, 3,
			[]Message{conf(KindPSubscribe, "b?", 2), conf(KindPSubscribe, "c?", 3)}},
		{"PUNSUBSCRIBE", func() (int, error) { return s.PUnsubscribe() }, 0,
			[]Message{conf(KindPUnsubscribe, "a*", 2), conf(KindPUnsubscribe, "b?", 1), conf(KindPUnsubscribe, "c?", 0)}},
		{"PUNSUBSCRIBE (none left)", func() (int, error) { return s.PUnsubscribe() }, 0,
			[]Message{{Kind: KindPUnsubscribe, NilChannel: true}}},
		{"UNSUBSCRIBE \"\"", func() (int, error) { return s.Unsubscribe("") }, 0,
			[]Message{conf(KindUnsubscribe, "", 0)}},
	}
	for _, st := range steps {
		n, err := st.do()
		require.NoError(t, err, st.name)
		assert.Equal(t, st.count, n, st.name)
		assert.Equal(t, st.want, drain(s), st.name)
	}
	assert.False(t, b.Active())
}

func TestOmitConfirmations(t *testing.T) {
	b := newBus(t)
	s, err := b.NewSubscriber(SubscriberConfig{OmitConfirmations: true})
	require.NoError(t, err)
	n, err := s.Subscribe("a", "b")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	_, err = b.Publish("a", "x")
	require.NoError(t, err)
	_, err = s.Unsubscribe()
	require.NoError(t, err)
	assert.Equal(t, []Message{msg("a", "x")}, drain(s))
}

// TestCounting checks Redis's receiver count: once per channel subscription
// and once per matching (pattern, subscriber) pair, with one delivery each.
func TestCounting(t *testing.T) {
	b := newBus(t)
	s1 := newSub(t, b, 0)
	s2 := newSub(t, b, 0)
	_, err := s1.Subscribe("news.tech")
	require.NoError(t, err)
	_, err = s1.PSubscribe("news.*", "*.tech", "sport.*")
	require.NoError(t, err)
	_, err = s2.PSubscribe("news.*")
	require.NoError(t, err)
	drain(s1)
	drain(s2)

	n, err := b.Publish("news.tech", "p1")
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []Message{msg("news.tech", "p1"), pmsg("news.*", "news.tech", "p1"), pmsg("*.tech", "news.tech", "p1")}, drain(s1))
	assert.Equal(t, []Message{pmsg("news.*", "news.tech", "p1")}, drain(s2))

	n, err = b.Publish("weather", "p2")
	require.NoError(t, err)
	assert.Zero(t, n)
	// "*" does not match the empty channel name, as in Redis.
	_, err = s2.PSubscribe("*")
	require.NoError(t, err)
	n, err = b.Publish("", "p3")
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestIntrospection(t *testing.T) {
	b := newBus(t)
	s1 := newSub(t, b, 0)
	s2 := newSub(t, b, 0)
	_, err := s1.Subscribe("a", "b", "")
	require.NoError(t, err)
	_, err = s2.Subscribe("a", "c")
	require.NoError(t, err)
	_, err = s1.PSubscribe("x*", "y*")
	require.NoError(t, err)
	_, err = s2.PSubscribe("x*")
	require.NoError(t, err)

	chans, err := b.Channels()
	require.NoError(t, err)
	assert.Equal(t, []string{"", "a", "b", "c"}, chans)
	chans, err = b.Channels("*")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, chans)
	chans, err = b.Channels("[ab]")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, chans)
	_, err = b.Channels("a", "b")
	assert.Error(t, err)

	counts, err := b.NumSub("a", "b", "c", "x*", "nope")
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1, 1, 0, 0}, counts)
	counts, err = b.NumSub()
	require.NoError(t, err)
	assert.Empty(t, counts)

	np, err := b.NumPat()
	require.NoError(t, err)
	assert.Equal(t, 2, np, "NUMPAT counts distinct patterns")

	require.NoError(t, s1.Close())
	chans, err = b.Channels()
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "c"}, chans)
	np, err = b.NumPat()
	require.NoError(t, err)
	assert.Equal(t, 1, np)
	counts, err = b.NumSub("a")
	require.NoError(t, err)
	assert.Equal(t, []int{1}, counts)
	checkTables(t, b)
}

func TestPublishBatch(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 0)
	_, err := s.PSubscribe("__keyspace@0__:*")
	require.NoError(t, err)
	drain(s)
	require.NoError(t, b.PublishBatch([]Publication{
		{"__keyspace@0__:k1", "set"}, {"other", "x"}, {"__keyspace@0__:k2", "del"},
	}))
	// A synchronous call orders after the batch queued before it.
	_, err = b.NumPat()
	require.NoError(t, err)
	assert.Equal(t, []Message{
		pmsg("__keyspace@0__:*", "__keyspace@0__:k1", "set"),
		pmsg("__keyspace@0__:*", "__keyspace@0__:k2", "del"),
	}, drain(s))
}

// TestPublisherOrder runs several publishers at once against a channel
// subscriber and a pattern subscriber, and checks that each sees every
// publisher's messages complete and in publication order.
func TestPublisherOrder(t *testing.T) {
	b := newBus(t)
	const publishers, perPublisher = 4, 500
	// PublishBatch does not wait, so publishers can outrun the readers: give
	// the buffers room for everything (TestSlowSubscriber covers the rest).
	subs := []*Subscriber{newSub(t, b, publishers*perPublisher), newSub(t, b, publishers*perPublisher)}
	_, err := subs[0].Subscribe("ch")
	require.NoError(t, err)
	_, err = subs[1].PSubscribe("c?")
	require.NoError(t, err)
	drain(subs[0])
	drain(subs[1])

	var readers sync.WaitGroup
	for _, s := range subs {
		readers.Go(func() {
			next := make([]int, publishers)
			for got := 0; got < publishers*perPublisher; got++ {
				m, err := s.Receive(context.Background())
				if !assert.NoError(t, err, "stream ended early") {
					return
				}
				var p, seq int
				_, err = fmt.Sscanf(m.Payload, "%d/%d", &p, &seq)
				require.NoError(t, err)
				assert.Equal(t, next[p], seq, "publisher %d", p)
				next[p] = seq + 1
			}
		})
	}
	var pubs sync.WaitGroup
	for p := 0; p < publishers; p++ {
		pubs.Go(func() {
			for i := 0; i < perPublisher; i++ {
				payload := fmt.Sprintf("%d/%d", p, i)
				if i%2 == 0 {
					n, err := b.Publish("ch", payload)
					assert.NoError(t, err)
					assert.Equal(t, 2, n)
				} else {
					assert.NoError(t, b.PublishBatch([]Publication{{"ch", payload}}))
				}
			}
		})
	}
	pubs.Wait()
	readers.Wait()
	for _, s := range subs {
		assert.NoError(t, s.Err())
	}
}

// TestSlowSubscriber checks the cut-off: the publisher never waits, the
// slow subscriber keeps what was buffered and then learns why its stream
// ended, and the others keep receiving.
func TestSlowSubscriber(t *testing.T) {
	b := newBus(t)
	slow := newSub(t, b, 4)
	fast := newSub(t, b, 0)
	_, err := slow.Subscribe("ch")
	require.NoError(t, err)
	_, err = slow.PSubscribe("c*")
	require.NoError(t, err)
	_, err = fast.Subscribe("ch")
	require.NoError(t, err)
	drain(fast)
	// slow holds 2 confirmations; two more messages fill it.

	n, err := b.Publish("ch", "m1") // message + pmessage: buffer now full
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = b.Publish("ch", "m2") // overflows: slow is cut off, still counted
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for i := 3; i <= 100; i++ {
		n, err = b.Publish("ch", fmt.Sprint("m", i))
		require.NoError(t, err)
		assert.Equal(t, 1, n, "slow is out of the tables")
	}

	got := drain(slow)
	assert.Equal(t, []Message{conf(KindSubscribe, "ch", 1), conf(KindPSubscribe, "c*", 2),
		msg("ch", "m1"), pmsg("c*", "ch", "m1")}, got)
	_, err = slow.Receive(context.Background())
	assert.ErrorIs(t, err, ErrSlowSubscriber, "the stream ended")
	assert.ErrorIs(t, slow.Err(), ErrSlowSubscriber)
	assert.Equal(t, "bus: subscriber too slow, disconnected (buffer of 4 messages full)", slow.Err().Error())
	_, err = slow.Subscribe("x")
	assert.ErrorIs(t, err, ErrSlowSubscriber)
	assert.NoError(t, slow.Close())

	assert.Len(t, drain(fast), 100)
	assert.NoError(t, fast.Err())
	counts, err := b.NumSub("ch")
	require.NoError(t, err)
	assert.Equal(t, []int{1}, counts)
	np, err := b.NumPat()
	require.NoError(t, err)
	assert.Zero(t, np)
	checkTables(t, b)
}

// TestSlowOnConfirmation: a confirmation that finds the buffer full cuts
// the subscriber off too, and the call reports it.
func TestSlowOnConfirmation(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 2)
	_, err := s.Subscribe("a", "b", "c", "d")
	assert.ErrorIs(t, err, ErrSlowSubscriber)
	assert.Len(t, drain(s), 2)
	assert.False(t, b.Active(), "its subscriptions are gone")
	chans, err := b.Channels()
	require.NoError(t, err)
	assert.Empty(t, chans)
}

func TestSubscriberClose(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 0)
	_, err := s.Subscribe("a")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	assert.Equal(t, []Message{conf(KindSubscribe, "a", 1)}, drain(s))
	_, err = s.Receive(context.Background())
	assert.ErrorIs(t, err, ErrSubscriberClosed)
	assert.ErrorIs(t, s.Err(), ErrSubscriberClosed)
	_, err = s.Subscribe("b")
	assert.ErrorIs(t, err, ErrSubscriberClosed)
	assert.False(t, b.Active())
	n, err := b.Publish("a", "x")
	require.NoError(t, err)
	assert.Zero(t, n)
}

// TestClose checks shutdown with readers blocked on their streams: Close
// wakes them all, and every later call returns ErrClosed.
func TestClose(t *testing.T) {
	b := New(Config{})
	var subs []*Subscriber
	for i := 0; i < 3; i++ {
		s := newSub(t, b, 0)
		_, err := s.Subscribe(fmt.Sprint("ch", i))
		require.NoError(t, err)
		drain(s)
		subs = append(subs, s)
	}
	idle := newSub(t, b, 0) // no subscriptions: closed all the same
	subs = append(subs, idle)
	var readers sync.WaitGroup
	for _, s := range subs {
		readers.Go(func() { readToEnd(s) })
	}
	require.NoError(t, b.Close())
	readers.Wait()
	require.NoError(t, b.Close(), "Close is idempotent")

	for _, s := range subs {
		assert.ErrorIs(t, s.Err(), ErrClosed)
		_, err := s.Subscribe("x")
		assert.ErrorIs(t, err, ErrClosed)
		assert.NoError(t, s.Close())
	}
	_, err := b.Publish("ch0", "x")
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, b.PublishBatch([]Publication{{"a", "b"}}), ErrClosed)
	_, err = b.NewSubscriber(SubscriberConfig{})
	assert.ErrorIs(t, err, ErrClosed)
	_, err = b.Channels()
	assert.ErrorIs(t, err, ErrClosed)
	_, err = b.NumSub("a")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = b.NumPat()
	assert.ErrorIs(t, err, ErrClosed)
	assert.False(t, b.Active())
}

// TestCloseRacingCalls closes the bus while goroutines publish, subscribe
// and read: every call must return, with either success or ErrClosed.
func TestCloseRacingCalls(t *testing.T) {
	b := New(Config{Mailbox: 4})
	s := newSub(t, b, 8)
	_, err := s.PSubscribe("*")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() { readToEnd(s) })
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for i := 0; ; i++ {
				var err error
				switch i % 3 {
				case 0:
					_, err = b.Publish("ch", "x")
				case 1:
					err = b.PublishBatch([]Publication{{"ch", "y"}})
				default:
					var sub *Subscriber
					if sub, err = b.NewSubscriber(SubscriberConfig{Buffer: 1}); err == nil {
						_, err = sub.Subscribe("ch")
						if errors.Is(err, ErrSlowSubscriber) {
							err = nil
						}
					}
				}
				if err != nil {
					assert.ErrorIs(t, err, ErrClosed)
					return
				}
			}
		})
	}
	for i := 0; i < 200; i++ {
		_, err := b.Publish("ch", "z")
		require.NoError(t, err)
	}
	require.NoError(t, b.Close())
	wg.Wait()
}

func TestPublishAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under -race")
	}
	b := newBus(t)
	s := newSub(t, b, 0)
	_, err := s.Subscribe("ch")
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(500, func() {
		if _, err := b.Publish("ch", "payload"); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.TryReceive(); !ok {
			t.Fatal("not delivered")
		}
	})
	assert.Zero(t, allocs, "Publish to a subscriber must not allocate")
}

// TestSlowSubscriberBytes: the stream is bounded in bytes, each message
// counted for its channel, pattern and payload plus MessageOverhead; the
// message that would pass the bound cuts the subscriber off.
func TestSlowSubscriberBytes(t *testing.T) {
	b := newBus(t)
	payload := strings.Repeat("p", 100)
	size := MessageOverhead + int64(len("ch")+len(payload))
	s, err := b.NewSubscriber(SubscriberConfig{BufferBytes: 3 * size, OmitConfirmations: true})
	require.NoError(t, err)
	_, err = s.Subscribe("ch")
	require.NoError(t, err)
	for range 3 {
		_, err := b.Publish("ch", payload)
		require.NoError(t, err)
	}
	require.NoError(t, s.Err(), "exactly at the bound")
	_, err = b.Publish("ch", "x")
	require.NoError(t, err)
	assert.ErrorIs(t, s.Err(), ErrSlowSubscriber)
	assert.Equal(t, fmt.Sprintf("bus: subscriber too slow, disconnected (buffer of %d bytes full)", 3*size), s.Err().Error())
	assert.Len(t, drain(s), 3)

	// A negative bound is none.
	u, err := b.NewSubscriber(SubscriberConfig{BufferBytes: -1, OmitConfirmations: true})
	require.NoError(t, err)
	_, err = u.Subscribe("ch")
	require.NoError(t, err)
	for range 1000 {
		_, err := b.Publish("ch", payload)
		require.NoError(t, err)
	}
	assert.NoError(t, u.Err())
	assert.Len(t, drain(u), 1000)
}

// TestBurstWhileReading: a subscriber with the default bounds that reads
// as fast as it can is not cut off by a burst of 100,000 small messages
// published as fast as possible (a fixed buffer of 1024 messages was).
func TestBurstWhileReading(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 0)
	_, err := s.Subscribe("ch")
	require.NoError(t, err)
	drain(s)
	const n = 100_000
	done := make(chan int)
	go func() {
		got := 0
		for got < n {
			if _, err := s.Receive(context.Background()); err != nil {
				break
			}
			got++
		}
		done <- got
	}()
	batch := make([]Publication, 0, 100)
	for i := range n {
		batch = append(batch, Publication{"ch", strconv.Itoa(i)})
		if len(batch) == cap(batch) {
			require.NoError(t, b.PublishBatch(batch))
			batch = make([]Publication, 0, 100)
		}
	}
	assert.Equal(t, n, <-done)
	assert.NoError(t, s.Err())
	// The queue that absorbed the burst is not kept.
	s.mu.Lock()
	assert.LessOrEqual(t, cap(s.q), 4096)
	s.mu.Unlock()
}

func TestReady(t *testing.T) {
	b := newBus(t)
	s := newSub(t, b, 0)
	_, err := s.Subscribe("ch")
	require.NoError(t, err)
	<-s.Ready()
	assert.Len(t, drain(s), 1)
	select {
	case <-s.Ready():
		t.Fatal("Ready fired with nothing waiting")
	default:
	}
	go func() { _, _ = b.Publish("ch", "x") }()
	<-s.Ready()
	assert.Equal(t, []Message{msg("ch", "x")}, drain(s))
	require.NoError(t, s.Close())
	<-s.Ready()
	_, ok := s.TryReceive()
	assert.False(t, ok)
	assert.ErrorIs(t, s.Err(), ErrSubscriberClosed)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = newSub(t, b, 0).Receive(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}
