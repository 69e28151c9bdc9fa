package serveconn_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// engines runs fn on a store of each engine.
func engines(t *testing.T, fn func(t *testing.T, db *kevy.Store)) {
	for _, e := range []kevy.Engine{kevy.EngineActor, kevy.EngineLocked} {
		t.Run(e.String(), func(t *testing.T) {
			db, err := kevy.Open(kevy.Config{Shards: 2, Engine: e})
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			fn(t, db)
		})
	}
}

// waitBlocked waits until n of the registry's clients are blocked.
func waitBlocked(t *testing.T, reg *serveconn.Registry, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return reg.Stats().Blocked == n }, 10*time.Second, time.Millisecond)
}

// TestBlockedClientThatLeaves: a client blocked in a blocking command
// that closes its connection is unregistered before anything is handed to
// it: the connection ends at once, and a later push stays in the store.
func TestBlockedClientThatLeaves(t *testing.T) {
	engines(t, func(t *testing.T, db *kevy.Store) {
		for _, cmd := range [][]string{
			{"BLPOP", "jobs", "0"}, {"BRPOP", "jobs", "0"}, {"BLPOP", "jobs", "100"},
			{"BLMOVE", "jobs", "dst", "LEFT", "RIGHT", "0"}, {"BRPOPLPUSH", "jobs", "dst", "0"},
			{"BLMPOP", "0", "1", "jobs", "LEFT"}, {"BZPOPMIN", "zjobs", "0"}, {"BZPOPMAX", "zjobs", "0"},
			{"BZMPOP", "0", "1", "zjobs", "MIN"},
		} {
			cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
			s := serve(t, db, cfg)
			s.send(cmd...)
			waitBlocked(t, cfg.Registry, 1)
			require.NoError(t, s.nc.Close())
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				t.Fatalf("%v: the connection of a client that left is still served", cmd)
			}
			assert.Zero(t, cfg.Registry.Len(), "%v", cmd)
			assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "RPUSH", "jobs", "j1"))
			assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "ZADD", "zjobs", "1", "m"))
			assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "LLEN", "jobs"), "%v", cmd)
			assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "ZCARD", "zjobs"), "%v", cmd)
			db.Exec(ctxT(t), "DEL", "jobs", "zjobs", "dst")
		}
	})
}

// TestBlockedClientLeavingRacesAPush: the client closes its connection and
// a push follows at once, before the server may have noticed: the element
// popped for the client that left is given back, never lost.
func TestBlockedClientLeavingRacesAPush(t *testing.T) {
	engines(t, func(t *testing.T, db *kevy.Store) {
		count := func(keys ...string) int64 { // elements in the lists and sorted sets keys
			n := int64(0)
			for _, k := range keys {
				n += db.Exec(ctxT(t), "LLEN", k).Int + db.Exec(ctxT(t), "ZCARD", k).Int
			}
			return n
		}
		cases := []struct {
			block, push []string
			keys        []string // where the element may be
		}{
			{[]string{"BLPOP", "q", "0"}, []string{"RPUSH", "q", "a"}, []string{"q"}},
			{[]string{"BRPOP", "q", "0"}, []string{"RPUSH", "q", "a"}, []string{"q"}},
			{[]string{"BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "5"}, []string{"RPUSH", "q", "a"}, []string{"q"}},
			{[]string{"BZPOPMIN", "z", "0"}, []string{"ZADD", "z", "1.5", "m"}, []string{"z"}},
			{[]string{"BZMPOP", "0", "1", "z", "MAX", "COUNT", "3"}, []string{"ZADD", "z", "1.5", "m"}, []string{"z"}},
			{[]string{"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}, []string{"RPUSH", "q", "a"}, []string{"q", "d"}},
		}
		for _, tc := range cases {
			for i := range 50 {
				cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
				s := serve(t, db, cfg)
				s.send(tc.block...)
				waitBlocked(t, cfg.Registry, 1)
				require.NoError(t, s.nc.Close())
				db.Exec(ctxT(t), tc.push...)
				<-s.done
				require.Equal(t, int64(1), count(tc.keys...), "%v round %d", tc.block, i)
				db.Exec(ctxT(t), "DEL", "q", "z", "d")
			}
		}
		// Given back where it came from: a list keeps its order.
		db.Exec(ctxT(t), "RPUSH", "q", "x", "y")
		cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
		s := serve(t, db, cfg)
		s.send("BLPOP", "empty", "q", "0")
		assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("q"), bulk("x")}), s.read())
		assert.Equal(t, resp.BulkArray([]string{"y"}), db.Exec(ctxT(t), "LRANGE", "q", "0", "-1"))
	})
}

// TestBlockedClientPipelineWaits: commands a blocked client pipelines
// behind its blocking command wait, in order, until it is unblocked (as in
// Redis): none runs early.
func TestBlockedClientPipelineWaits(t *testing.T) {
	engines(t, func(t *testing.T, db *kevy.Store) {
		cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
		s := serve(t, db, cfg)
		s.sendRaw("BLPOP q 0\r\nSET after 1\r\n")
		waitBlocked(t, cfg.Registry, 1)
		s.sendRaw("INCR after\r\nPING\r\n")
		assert.Equal(t, resp.NilReply, db.Exec(ctxT(t), "GET", "after"), "nothing runs while blocked")
		db.Exec(ctxT(t), "RPUSH", "q", "v")
		assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("q"), bulk("v")}), s.read())
		assert.Equal(t, resp.OK, s.read())
		assert.Equal(t, resp.IntReply(2), s.read())
		assert.Equal(t, resp.PongReply, s.read())
		assert.Equal(t, resp.PongReply, s.do("PING"))
	})
}

// TestClientKillOfBlockedClient: CLIENT KILL ends a blocked client's wait
// and connection; a later push stays in the store.
func TestClientKillOfBlockedClient(t *testing.T) {
	engines(t, func(t *testing.T, db *kevy.Store) {
		cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
		victim := serve(t, db, cfg)
		id := victim.do("CLIENT", "ID")
		victim.send("BLPOP", "jobs", "0")
		waitBlocked(t, cfg.Registry, 1)
		killer := serve(t, db, cfg)
		assert.Equal(t, resp.IntReply(1), killer.do("CLIENT", "KILL", "ID", strconv.FormatInt(id.Int, 10)))
		assert.Equal(t, "", victim.waitClosed())
		assert.Equal(t, resp.IntReply(1), killer.do("RPUSH", "jobs", "j"))
		assert.Equal(t, resp.IntReply(1), killer.do("LLEN", "jobs"))
	})
}

// TestShutdownEndsBlockedClients: Shutdown does not wait for a blocked
// command: the client is closed at once, without a reply.
func TestShutdownEndsBlockedClients(t *testing.T) {
	engines(t, func(t *testing.T, db *kevy.Store) {
		cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
		s := serve(t, db, cfg)
		s.send("BLPOP", "jobs", "0")
		waitBlocked(t, cfg.Registry, 1)
		s.conn.Shutdown()
		assert.Equal(t, "", s.waitClosed())
		assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "RPUSH", "jobs", "j"))
		assert.Equal(t, resp.IntReply(1), db.Exec(ctxT(t), "LLEN", "jobs"))
	})
}
