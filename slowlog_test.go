package kevy_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlowlog(t *testing.T) {
	ctx := context.Background()
	forEachMem(t, kevy.Config{SlowlogThreshold: time.Nanosecond}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.Equal(t, "+OK", show(c.Exec(ctx, "SLOWLOG", "RESET")))
		require.Equal(t, "+OK", show(c.Exec(ctx, "CLIENT", "SETNAME", "me")))
		c.Exec(ctx, "SET", "k", strings.Repeat("x", 200))
		long := []string{"RPUSH", "l"}
		for i := range 40 {
			long = append(long, strconv.Itoa(i))
		}
		c.Exec(ctx, long...)
		c.Exec(ctx, "GET", "k")
		got := c.Exec(ctx, "SLOWLOG", "GET", "3")
		require.Equal(t, kevy.ReplyArray, got.Kind)
		require.Len(t, got.Elems, 3)
		get, push, set := got.Elems[0], got.Elems[1], got.Elems[2]
		for _, e := range got.Elems {
			require.Len(t, e.Elems, 6)
			assert.Equal(t, kevy.ReplyInt, e.Elems[0].Kind)
			assert.InDelta(t, time.Now().Unix(), e.Elems[1].Int, 5)
			assert.Equal(t, kevy.ReplyInt, e.Elems[2].Kind)
			assert.Equal(t, `""`, show(e.Elems[4]))
		}
		assert.Greater(t, get.Elems[0].Int, push.Elems[0].Int)
		assert.Equal(t, `["GET" "k"]`, show(get.Elems[3]))
		assert.Equal(t, `"me"`, show(get.Elems[5]))
		assert.Equal(t, `"`+strings.Repeat("x", 128)+`... (72 more bytes)"`, show(set.Elems[3].Elems[2]))
		require.Len(t, push.Elems[3].Elems, 32)
		assert.Equal(t, `"... (11 more arguments)"`, show(push.Elems[3].Elems[31]))
		assert.Equal(t, kevy.ReplyInt, c.Exec(ctx, "SLOWLOG", "LEN").Kind)
		// Disabled: nothing more is logged.
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "slowlog-log-slower-than", "-1")))
		require.Equal(t, "+OK", show(c.Exec(ctx, "SLOWLOG", "RESET")))
		c.Exec(ctx, "GET", "k")
		assert.Equal(t, ":0", show(c.Exec(ctx, "SLOWLOG", "LEN")))
		// slowlog-max-len bounds it.
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2")))
		for range 5 {
			c.Exec(ctx, "GET", "k")
		}
		assert.Equal(t, ":2", show(c.Exec(ctx, "SLOWLOG", "LEN")))
		entries := db.SlowlogGet(-1)
		require.Len(t, entries, 2) // newest first; SLOWLOG is logged too, as in Redis
		assert.Equal(t, []string{"SLOWLOG", "LEN"}, entries[0].Args)
		assert.Equal(t, []string{"GET", "k"}, entries[1].Args)
		assert.Equal(t, "me", entries[1].ClientName)
		db.SlowlogReset()
		assert.Empty(t, db.SlowlogGet(-1))
	})
}

func TestSlowlogMatchesRedis(t *testing.T) {
	diffRedis(t, []string{
		"SLOWLOG RESET", "SLOWLOG LEN", "SLOWLOG GET", "SLOWLOG GET 0", "SLOWLOG GET -1", "SLOWLOG GET -2",
		"SLOWLOG GET x", "SLOWLOG GET 1 2", "SLOWLOG LEN x", "SLOWLOG RESET x", "SLOWLOG HELP", "SLOWLOG NOSUCH",
		"SLOWLOG",
	}, func(line string, want, got kevy.Reply) { assert.Equal(t, show(want), show(got), line) })
}

func TestObjectIdletimeAndFreq(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer func() { require.NoError(t, db.Close()) }()
				ctx := context.Background()
				c := db.Conn()
				defer c.Close()
				c.Exec(ctx, "SET", "k", "v")
				time.Sleep(10 * time.Second)
				synctest.Wait()
				idle := c.Exec(ctx, "OBJECT", "IDLETIME", "k")
				assert.GreaterOrEqual(t, idle.Int, int64(9), "idle time after 10s")
				// OBJECT itself does not touch the key.
				assert.GreaterOrEqual(t, c.Exec(ctx, "OBJECT", "IDLETIME", "k").Int, int64(9))
				// Neither do EXISTS, TYPE, TTL, PTTL, EXPIRETIME (LOOKUP_NOTOUCH).
				for _, cmd := range [][]string{{"EXISTS", "k"}, {"TYPE", "k"}, {"TTL", "k"}, {"PTTL", "k"}, {"EXPIRETIME", "k"}} {
					c.Exec(ctx, cmd...)
					assert.GreaterOrEqual(t, c.Exec(ctx, "OBJECT", "IDLETIME", "k").Int, int64(9), "%v leaves the access time", cmd)
				}
				assert.Equal(t, ":1", show(c.Exec(ctx, "TOUCH", "k", "nosuch")))
				assert.LessOrEqual(t, c.Exec(ctx, "OBJECT", "IDLETIME", "k").Int, int64(1), "TOUCH updates the access time")
				time.Sleep(5 * time.Second)
				c.Exec(ctx, "GET", "k")
				assert.LessOrEqual(t, c.Exec(ctx, "OBJECT", "IDLETIME", "k").Int, int64(1), "GET updates the access time")
				// Under an LFU policy: FREQ counts accesses, IDLETIME errs.
				require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")))
				c.Exec(ctx, "SET", "f", "v")
				assert.Equal(t, ":5", show(c.Exec(ctx, "OBJECT", "FREQ", "f")), "LFU_INIT_VAL")
				for range 100 {
					c.Exec(ctx, "GET", "f")
				}
				assert.Greater(t, c.Exec(ctx, "OBJECT", "FREQ", "f").Int, int64(5))
				require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "lfu-decay-time", "1")))
				before := c.Exec(ctx, "OBJECT", "FREQ", "f").Int
				time.Sleep(3 * time.Minute)
				synctest.Wait()
				assert.Equal(t, max(before-3, 0), c.Exec(ctx, "OBJECT", "FREQ", "f").Int, "one decrement per idle minute")
				assert.True(t, strings.HasPrefix(c.Exec(ctx, "OBJECT", "IDLETIME", "f").Str, "ERR An LFU maxmemory policy is selected"))
			})
		})
	}
}
