package kevy_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPubSubBasics(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ps := db.Subscribe(ctx, "news", "sport")
		defer ps.Close()
		v, err := ps.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, &kevy.Subscription{Kind: "subscribe", Channel: "news", Count: 1}, v)
		v, _ = ps.Receive(ctx)
		assert.Equal(t, &kevy.Subscription{Kind: "subscribe", Channel: "sport", Count: 2}, v)
		require.NoError(t, ps.PSubscribe(ctx, "n*"))
		v, _ = ps.Receive(ctx)
		assert.Equal(t, &kevy.Subscription{Kind: "psubscribe", Channel: "n*", Count: 3}, v)

		n, err := db.Publish(ctx, "news", "hello")
		require.NoError(t, err)
		assert.Equal(t, int64(2), n, "channel and pattern both count")
		m, err := ps.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, &kevy.Message{Channel: "news", Payload: "hello"}, m)
		m, _ = ps.ReceiveMessage(ctx)
		assert.Equal(t, &kevy.Message{Channel: "news", Pattern: "n*", Payload: "hello"}, m)

		chs, _ := db.PubSubChannels(ctx, "")
		assert.ElementsMatch(t, []string{"news", "sport"}, chs)
		num, _ := db.PubSubNumSub(ctx, "news", "none")
		assert.Equal(t, map[string]int64{"news": 1, "none": 0}, num)
		pat, _ := db.PubSubNumPat(ctx)
		assert.Equal(t, int64(1), pat)

		require.NoError(t, ps.Close())
		n, _ = db.Publish(ctx, "news", "gone")
		assert.Zero(t, n)
	})
}

func TestPubSubChannelOrderPerPublisher(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ps := db.Subscribe(ctx, "c")
		defer ps.Close()
		_, err := ps.Receive(ctx) // confirmation
		require.NoError(t, err)
		ch := ps.Channel()
		const pubs, per = 4, 200
		var wg sync.WaitGroup
		for p := 0; p < pubs; p++ {
			wg.Go(func() {
				for i := 0; i < per; i++ {
					db.Publish(ctx, "c", fmt.Sprintf("%d:%d", p, i))
				}
			})
		}
		last := make([]int, pubs)
		for i := range last {
			last[i] = -1
		}
		for got := 0; got < pubs*per; got++ {
			select {
			case m := <-ch:
				var p, i int
				_, err := fmt.Sscanf(m.Payload, "%d:%d", &p, &i)
				require.NoError(t, err)
				require.Equal(t, last[p]+1, i, "publisher %d out of order", p)
				last[p] = i
			case <-time.After(10 * time.Second):
				t.Fatal("timed out")
			}
		}
		wg.Wait()
	})
}

func TestPubSubSlowSubscriberCutOff(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{PubSubBuffer: 8})
	slow := db.Subscribe(ctx, "c")
	defer slow.Close()
	fast := db.Subscribe(ctx, "c")
	defer fast.Close()
	fastCh := fast.Channel()
	for i := 0; i < 100; i++ {
		_, err := db.Publish(ctx, "c", strconv.Itoa(i))
		require.NoError(t, err, "PUBLISH never blocks or fails because of a slow reader")
		select {
		case m := <-fastCh:
			require.Equal(t, strconv.Itoa(i), m.Payload, "the reader that keeps up gets everything")
		case <-time.After(10 * time.Second):
			t.Fatal("timed out")
		}
	}
	for {
		_, err := slow.Receive(ctx)
		if err != nil {
			assert.True(t, errors.Is(err, kevy.ErrSlowSubscriber), "got %v", err)
			break
		}
	}
	assert.ErrorIs(t, slow.Err(), kevy.ErrSlowSubscriber)
}

func TestConnSubscriberMode(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		assert.Equal(t, `["subscribe" "a" :1]`, show(c.Exec(ctx, "SUBSCRIBE", "a", "b")))
		r, err := c.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, `["subscribe" "b" :2]`, show(r))
		assert.Equal(t, "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
			show(c.Exec(ctx, "GET", "x")))
		assert.Equal(t, `["pong" ""]`, show(c.Exec(ctx, "PING")))
		n, _ := db.Publish(ctx, "b", "hi")
		assert.Equal(t, int64(1), n)
		r, err = c.Receive(ctx)
		require.NoError(t, err)
		assert.Equal(t, `["message" "b" "hi"]`, show(r))
		assert.Equal(t, `["unsubscribe" "a" :1]`, show(c.Exec(ctx, "UNSUBSCRIBE")))
		r, _ = c.Receive(ctx)
		assert.Equal(t, `["unsubscribe" "b" :0]`, show(r))
		assert.Equal(t, "+PONG", show(c.Exec(ctx, "PING")), "back to normal mode")
		assert.Equal(t, `["unsubscribe" (nil) :0]`, show(c.Exec(ctx, "UNSUBSCRIBE")))
	})
}

func TestKeyspaceNotifications(t *testing.T) {
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.NotifyKeyspaceEvents = "KEA"
			db := mustOpen(t, cfg)
			ps := db.PSubscribe(ctx, "__key*__:*")
			defer ps.Close()
			_, err := ps.Receive(ctx)
			require.NoError(t, err)
			require.NoError(t, db.Set(ctx, "k", "v", 0))
			_, err = db.Del(ctx, "k")
			require.NoError(t, err)
			want := []kevy.Message{
				{Pattern: "__key*__:*", Channel: "__keyspace@0__:k", Payload: "set"},
				{Pattern: "__key*__:*", Channel: "__keyevent@0__:set", Payload: "k"},
				{Pattern: "__key*__:*", Channel: "__keyspace@0__:k", Payload: "del"},
				{Pattern: "__key*__:*", Channel: "__keyevent@0__:del", Payload: "k"},
			}
			for _, w := range want {
				rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				m, err := ps.ReceiveMessage(rctx)
				cancel()
				require.NoError(t, err)
				assert.Equal(t, w, *m)
			}
		})
	}
}

func TestKeyspaceNotificationExpired(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{NotifyKeyspaceEvents: "Ex", Shards: 2})
	ps := db.Subscribe(ctx, "__keyevent@0__:expired")
	defer ps.Close()
	_, err := ps.Receive(ctx)
	require.NoError(t, err)
	require.NoError(t, db.Set(ctx, "gone", "v", 50*time.Millisecond))
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := ps.ReceiveMessage(rctx) // the reaper expires it: nobody reads the key
	require.NoError(t, err)
	assert.Equal(t, "gone", m.Payload)
}

// TestPubSubBurstWhileReading: subscribers with the default bounds that
// read as fast as they can are not cut off by an ordinary burst: the
// keyspace notifications of an MSET of 100,000 keys, and 100,000 messages
// published as fast as four goroutines can (a quarter of that under the
// race detector).
func TestPubSubBurstWhileReading(t *testing.T) {
	n := 100_000
	if raceEnabled {
		n = 25_000 // the race detector slows every step tenfold; the bound is the same
	}
	for _, cfg := range []kevy.Config{{Engine: kevy.EngineActor, Shards: 4}, {Engine: kevy.EngineLocked, Shards: 4}} {
		t.Run(cfg.Engine.String(), func(t *testing.T) { burstWhileReading(t, mustOpen(t, cfg), n) })
	}
}

func burstWhileReading(t *testing.T, db *kevy.Store, n int) {
	ctx := context.Background()
	// read counts the messages p receives, until want or an error.
	read := func(p *kevy.PubSub, want int) <-chan error {
		done := make(chan error, 1)
		go func() {
			for got := 0; got < want; {
				v, err := p.Receive(ctx)
				if err != nil {
					done <- err
					return
				}
				if _, ok := v.(*kevy.Message); ok {
					got++
				}
			}
			done <- nil
		}()
		return done
	}

	require.Equal(t, "+OK", show(db.Exec(ctx, "CONFIG", "SET", "notify-keyspace-events", "K$")))
	notes := db.PSubscribe(ctx, "__keyspace@0__:*")
	defer notes.Close()
	done := read(notes, n)
	args := []any{"MSET"}
	for i := range n {
		args = append(args, "k"+strconv.Itoa(i), "v")
	}
	_, err := db.Do(ctx, args...)
	require.NoError(t, err)
	require.NoError(t, <-done)

	sub := db.Subscribe(ctx, "burst")
	defer sub.Close()
	done = read(sub, n)
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				_, err := db.Publish(ctx, "burst", strconv.Itoa(p*n+i))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, <-done)
	assert.NoError(t, sub.Err())
}

// TestPubSubBufferBytes: an embedded subscriber's waiting messages are
// bounded in bytes: one that does not read is cut off once they pass
// Config.PubSubBufferBytes.
func TestPubSubBufferBytes(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{PubSubBufferBytes: 64 << 10})
	slow := db.Subscribe(ctx, "c")
	defer slow.Close()
	c := db.Conn()
	defer c.Close()
	require.Equal(t, `["subscribe" "c" :1]`, show(c.Exec(ctx, "SUBSCRIBE", "c")))
	payload := strings.Repeat("p", 1024)
	for range 100 { // 100 KB of payloads
		_, err := db.Publish(ctx, "c", payload)
		require.NoError(t, err)
	}
	var err error
	for got := 0; err == nil; got++ {
		_, err = slow.Receive(ctx)
		require.Less(t, got, 100)
	}
	assert.ErrorIs(t, err, kevy.ErrSlowSubscriber)
	assert.ErrorContains(t, err, "65536 bytes")
	for err == nil {
		_, err = c.Receive(ctx)
	}
	assert.ErrorIs(t, err, kevy.ErrSlowSubscriber, "a Conn in subscriber mode too")
}
