package serveconn_test

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// The idle timeout and the time-based (soft) output limits, in fake time.

// bubbleStore opens a store inside the current synctest bubble.
func bubbleStore(t *testing.T) *kevy.Store {
	t.Helper()
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestIdleTimeoutCountsEveryByte: a client that keeps sending, however
// slowly, or keeps reading a long reply, is not idle; one that does
// nothing for the timeout is closed, and a blocked one is exempt.
func TestIdleTimeoutCountsEveryByte(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := bubbleStore(t)
		cfg := &serveconn.Config{IdleTimeout: time.Second}

		// A 2 MB upload over 6.4 seconds, 64 KB every 200 ms.
		up := serve(t, db, cfg)
		cmd := resp.AppendCommand(nil, "SET", "big", strings.Repeat("u", 2<<20))
		for len(cmd) > 0 {
			n := min(len(cmd), 64<<10)
			up.sendRaw(string(cmd[:n]))
			cmd = cmd[n:]
			time.Sleep(200 * time.Millisecond)
		}
		assert.Equal(t, resp.OK, up.read())

		// A 2 MB download read 64 KB every 200 ms.
		up.send("GET", "big")
		var got []byte
		for len(got) < 2<<20+11 {
			time.Sleep(200 * time.Millisecond)
			require.NoError(t, up.nc.SetReadDeadline(time.Now().Add(time.Minute)))
			buf := make([]byte, 64<<10)
			n, err := up.nc.Read(buf)
			require.NoError(t, err)
			got = append(got, buf[:n]...)
		}
		assert.Equal(t, "$2097152\r\nuuu", string(got[:13]))

		// Idle: closed after the timeout.
		time.Sleep(1500 * time.Millisecond)
		assert.Equal(t, "", up.waitClosed())

		// Blocked: exempt, as in Redis (BLPOP has its own timeout).
		b := serve(t, db, cfg)
		b.send("BLPOP", "q", "0")
		time.Sleep(5 * time.Second)
		db.Exec(ctxT(t), "RPUSH", "q", "v")
		assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("q"), bulk("v")}), b.read())
	})
}

// TestSoftOutputLimits: a client whose pending output stays at or over a
// class's soft limit for longer than its seconds is closed; under it, or
// for less, it is not.
func TestSoftOutputLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := bubbleStore(t)
		cfg := withLimits(func(l *serveconn.Limits) {
			l.Normal = serveconn.OutputLimit{Soft: 64 << 10, SoftSeconds: 2 * time.Second}
			l.PubSub = serveconn.OutputLimit{Soft: 64 << 10, SoftSeconds: 2 * time.Second}
		})

		// Normal: a 1 MB reply the client reads only after 1 s is fine.
		s := serve(t, db, cfg)
		require.Equal(t, resp.OK, s.do("SET", "big", strings.Repeat("x", 1<<20)))
		s.send("GET", "big")
		time.Sleep(time.Second)
		assert.Equal(t, 1<<20, len(s.read().Str))
		// Not read for 3 s: closed.
		s.send("GET", "big")
		time.Sleep(3 * time.Second)
		s.waitClosed()
		assert.ErrorContains(t, s.err, "output buffer")

		// Pub/sub: a subscriber that does not read is closed once its
		// queue stayed over 64 KB for 2 s (checked, as in Redis, when
		// output is added).
		sub := serve(t, db, cfg)
		sub.send("SUBSCRIBE", "c")
		sub.read()
		payload := strings.Repeat("p", 1024)
		for range 100 {
			db.Exec(ctxT(t), "PUBLISH", "c", payload)
		}
		time.Sleep(3 * time.Second)
		assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "PUBLISH", "c", payload))
		// Let the subscriber take the message before the client starts
		// reading: draining the queue first would reset the soft timer.
		synctest.Wait()
		sub.waitClosed()
		assert.ErrorContains(t, sub.err, "output buffer")
	})
}
