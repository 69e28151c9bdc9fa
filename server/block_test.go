package server_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/server"
)

// blockedCount returns blocked_clients from INFO clients.
func blockedCount(t *testing.T, db *kevy.Store) int {
	t.Helper()
	info, err := db.Info(context.Background(), "clients")
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "blocked_clients:"); ok {
			n, err := strconv.Atoi(v)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no blocked_clients in INFO")
	return 0
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return l
}

// TestGhostBlockedClients: clients blocked in BLPOP that close their
// sockets are gone at once: they do not count against maxclients, a push
// that follows stays in the list (given back if it was popped for a
// client that left), and shutdown does not wait for them.
func TestGhostBlockedClients(t *testing.T) {
	for _, e := range []kevy.Engine{kevy.EngineActor, kevy.EngineLocked} {
		t.Run(e.String(), func(t *testing.T) {
			db, err := kevy.Open(kevy.Config{Shards: 2, Engine: e})
			require.NoError(t, err)
			defer db.Close()
			srv := server.New(db, server.Config{MaxClients: 3})
			l := listen(t)
			done := make(chan error, 1)
			go func() { done <- srv.Serve(l) }()
			addr := l.Addr().String()

			for round := range 20 {
				var ghosts []*client
				for range 3 {
					c := dial(t, addr)
					_, err := c.nc.Write(resp.AppendCommand(nil, "BLPOP", "jobs", "0"))
					require.NoError(t, err)
					ghosts = append(ghosts, c)
				}
				require.Eventually(t, func() bool { return blockedCount(t, db) == 3 }, 10*time.Second, time.Millisecond)
				for _, g := range ghosts {
					require.NoError(t, g.nc.Close())
				}
				require.Equal(t, resp.IntReply(1), db.Exec(context.Background(), "RPUSH", "jobs", "j"))
				// Maxclients is 3: a new client is served once the ghosts
				// are gone.
				require.Eventually(t, func() bool { return srv.Clients() == 0 }, 10*time.Second, time.Millisecond)
				c := dial(t, addr)
				require.Equal(t, resp.IntReply(1), c.do("LLEN", "jobs"), "round %d", round)
				require.Equal(t, resp.IntReply(1), c.do("DEL", "jobs"))
				require.NoError(t, c.nc.Close())
				require.Eventually(t, func() bool { return srv.Clients() == 0 }, 10*time.Second, time.Millisecond)
			}

			// A live blocked client does not hold up shutdown either.
			live := dial(t, addr)
			_, err = live.nc.Write(resp.AppendCommand(nil, "BLPOP", "jobs", "0"))
			require.NoError(t, err)
			require.Eventually(t, func() bool { return blockedCount(t, db) == 1 }, 10*time.Second, time.Millisecond)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			require.NoError(t, srv.Shutdown(ctx))
			assert.Less(t, time.Since(start), 5*time.Second)
			require.ErrorIs(t, <-done, server.ErrServerClosed)
			assert.Equal(t, "", live.readToEOF())
		})
	}
}
