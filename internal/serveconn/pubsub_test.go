package serveconn_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// TestBackpressureAfterUnsubscribe: a connection that subscribed and
// unsubscribed is a normal one again: when it stops reading its replies,
// the server stops reading its commands, instead of queueing their
// replies without bound.
func TestBackpressureAfterUnsubscribe(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	s.send("SUBSCRIBE", "c")
	s.read()
	s.send("UNSUBSCRIBE", "c")
	s.read()
	require.Equal(t, resp.OK, s.do("SET", "v", strings.Repeat("x", 1000)))
	const n = 20_000
	var buf []byte
	for range n {
		buf = resp.AppendCommand(buf, "GET", "v")
		buf = resp.AppendCommand(buf, "INCR", "n")
	}
	s.sendRaw(string(buf)) // and read nothing yet
	// The server runs what it read, then blocks writing the replies.
	last, stable := int64(-1), 0
	for stable < 10 {
		time.Sleep(20 * time.Millisecond) // waiting for the server to stall: nothing to coordinate with
		cur := db.Exec(ctxT(t), "GET", "n")
		v, _ := strconv.ParseInt(cur.Str, 10, 64)
		if v == last {
			stable++
		} else {
			last, stable = v, 0
		}
	}
	assert.Less(t, last, int64(n/4), "commands run while the client reads none of the replies")
	// Reading the replies, the client gets every one, in order.
	for i := range n {
		require.Equal(t, resp.Bulk, s.read().Kind)
		require.Equal(t, resp.IntReply(int64(i+1)), s.read())
	}
	assert.Equal(t, resp.PongReply, s.do("PING"))
}

// TestSubscriberReadingRidesOutABurst: a subscriber that reads is not cut
// off by a burst of 100,000 pipelined PUBLISH (20,000 under the race
// detector), within the pubsub class's
// byte limit; one that does not read is cut off by that limit, which
// CONFIG SET client-output-buffer-limit changes for connections already
// subscribed.
func TestSubscriberReadingRidesOutABurst(t *testing.T) {
	db := testStore(t)
	reg, release := serveconn.Acquire(db) // the store's registry: CONFIG SET reaches it
	defer release()
	cfg := &serveconn.Config{Registry: reg}
	sub := serve(t, db, cfg)
	sub.send("SUBSCRIBE", "news")
	sub.read()
	pub := serve(t, db, cfg)
	n := 100_000
	if raceEnabled {
		n = 20_000
	}
	var buf []byte
	for i := range n {
		buf = resp.AppendCommand(buf, "PUBLISH", "news", strconv.Itoa(i))
	}
	pub.sendRaw(string(buf))
	published := make(chan struct{})
	go func() { // the publisher reads its replies as they come
		defer close(published)
		for range n {
			if r, err := pub.rd.ReadReply(); err != nil || r.Kind != resp.Int || r.Int != 1 {
				t.Errorf("PUBLISH: %v %v", r, err)
				return
			}
		}
	}()
	for i := range n {
		r := sub.read()
		require.Equal(t, resp.ArrayReply([]resp.Reply{bulk("message"), bulk("news"), bulk(strconv.Itoa(i))}), r, i)
	}
	<-published

	// A subscriber that does not read: cut off at the hard limit CONFIG
	// SET gave the pubsub class.
	assert.Equal(t, resp.OK, pub.do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0"))
	assert.Equal(t, bulk("normal 0 0 0 slave 268435456 67108864 60 pubsub 262144 0 0"),
		pub.do("CONFIG", "GET", "client-output-buffer-limit").Elems[1])
	payload := strings.Repeat("p", 1024)
	for range 1000 { // 1 MB
		r := pub.do("PUBLISH", "news", payload)
		if r.Int == 0 {
			break
		}
	}
	sub.waitClosed()
	assert.ErrorContains(t, sub.err, "output buffer")
}
