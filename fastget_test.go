package kevy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
)

// GET has a fast path without the command table
// (shard.Keyspace.GetFast): the lock-based engine's typed Store.Get, and
// every GET an actor shard runs. These cases run the same GET through the
// fast paths and through the lock-based engine's Exec (the general path)
// on identical stores and require the same answer and the same observable
// effects: hit and miss counters, commands counted, error statistics, the
// slow log, LFU counters, keymiss notifications, and what stays in the
// keyspace (where an actor shard, which owns its keys, deletes an expired
// one as Redis does and a reader under a read lock cannot).
func TestGetFastPathMatchesExec(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		cfg   kevy.Config
		setup [][]string
		key   string
		sleep time.Duration // after setup: lets a PX expire
	}{
		{name: "hit", setup: [][]string{{"SET", "k", "v"}}, key: "k"},
		{name: "miss", key: "nokey"},
		{name: "empty value", setup: [][]string{{"SET", "k", ""}}, key: "k"},
		{name: "with ttl", setup: [][]string{{"SET", "k", "v", "EX", "100"}}, key: "k"},
		{name: "expired", setup: [][]string{{"SET", "k", "v", "PX", "1"}}, key: "k", sleep: 5 * time.Millisecond},
		{name: "wrong type", setup: [][]string{{"RPUSH", "k", "a"}}, key: "k"},
		{name: "hash tag", setup: [][]string{{"SET", "{user}:1", "x"}}, key: "{user}:1"},
		{name: "lfu hit", cfg: kevy.Config{MaxMemoryPolicy: kevy.AllKeysLFU}, setup: [][]string{{"SET", "k", "v"}}, key: "k"},
		{name: "slowlog on", cfg: kevy.Config{SlowlogThreshold: time.Nanosecond}, setup: [][]string{{"SET", "k", "v"}}, key: "k"},
		{name: "keymiss notified", cfg: kevy.Config{NotifyKeyspaceEvents: "Em"}, key: "nokey"},
	}
	type outcome struct {
		val                          string
		err                          string
		hits, misses, commands, errs int64
		slowlog                      int
		freq                         kevy.Reply
		dbsize                       kevy.Reply
		events                       []string
	}
	observe := func(t *testing.T, cfg kevy.Config, engine kevy.Engine, setup [][]string, sleep time.Duration, key string, typed bool) outcome {
		cfg.Engine, cfg.Shards = engine, 4
		db := mustOpen(t, cfg)
		for _, cmd := range setup {
			require.NotEqual(t, kevy.ReplyError, db.Exec(ctx, cmd...).Kind, cmd)
		}
		time.Sleep(sleep)
		var sub *kevy.PubSub
		if cfg.NotifyKeyspaceEvents != "" {
			sub = db.PSubscribe(ctx, "__key*__:*")
			defer sub.Close()
			_, err := sub.Receive(ctx) // the subscription's confirmation
			require.NoError(t, err)
		}
		before := mustStats(t, db)
		var o outcome
		if typed {
			v, err := db.Get(ctx, key)
			o.val = v
			if errors.Is(err, kevy.Nil) {
				o.err = "nil"
			} else if err != nil {
				o.err = err.Error()
			}
		} else {
			r := db.Exec(ctx, "GET", key)
			switch r.Kind {
			case kevy.ReplyNil:
				o.err = "nil"
			case kevy.ReplyError:
				o.err = r.Str
			default:
				o.val = r.Str
			}
		}
		after := mustStats(t, db)
		o.hits, o.misses = after.Hits-before.Hits, after.Misses-before.Misses
		o.commands, o.errs = after.Commands-before.Commands, after.ErrorReplies-before.ErrorReplies
		o.slowlog = after.SlowlogLen - before.SlowlogLen
		o.freq = db.Exec(ctx, "OBJECT", "FREQ", key)
		o.dbsize = db.Exec(ctx, "DBSIZE")
		if sub != nil {
			db.Publish(ctx, "__keyevent@0__:zz-end", "end") // a marker after any event GET sent
			for {
				rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				m, err := sub.ReceiveMessage(rctx)
				cancel()
				require.NoError(t, err)
				if m.Payload == "end" {
					break
				}
				o.events = append(o.events, m.Channel+" "+m.Payload)
			}
		}
		return o
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			general := observe(t, tc.cfg, kevy.EngineLocked, tc.setup, tc.sleep, tc.key, false)
			fast := observe(t, tc.cfg, kevy.EngineLocked, tc.setup, tc.sleep, tc.key, true)
			// The typed method reports an error reply as an error whose text
			// is the reply's.
			assert.Equal(t, general, fast, "locked: Store.Get against Exec")
			for _, typed := range []bool{false, true} {
				actor := observe(t, tc.cfg, kevy.EngineActor, tc.setup, tc.sleep, tc.key, typed)
				want := general
				if tc.name == "expired" {
					want.dbsize = kevy.Reply{Kind: kevy.ReplyInt, Int: 0} // deleted on access
				}
				assert.Equal(t, want, actor, "actor (typed %v) against locked Exec", typed)
			}
			switch tc.name {
			case "hit", "lfu hit", "slowlog on":
				assert.Equal(t, "v", fast.val)
				assert.Equal(t, int64(1), fast.hits)
			case "miss", "expired":
				assert.Equal(t, "nil", fast.err)
				assert.Equal(t, int64(1), fast.misses)
			case "wrong type":
				assert.True(t, strings.HasPrefix(fast.err, "WRONGTYPE"), fast.err)
				assert.Equal(t, int64(1), fast.errs)
			case "keymiss notified":
				assert.Equal(t, []string{"__keyevent@0__:keymiss nokey"}, fast.events)
			}
			assert.Equal(t, int64(1), fast.commands, "GET is counted once")
		})
	}
}

// A closed store and a cancelled context end the fast path as they end
// Exec.
func TestGetFastPathClosedAndCancelled(t *testing.T) {
	db := mustOpen(t, kevy.Config{Engine: kevy.EngineLocked})
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, db.Set(ctx, "k", "v", 0))
	cancel()
	_, err := db.Get(ctx, "k")
	assert.ErrorIs(t, err, context.Canceled)
	require.NoError(t, db.Close())
	_, err = db.Get(context.Background(), "k")
	assert.ErrorIs(t, err, kevy.ErrClosed)
}

func mustStats(t *testing.T, db *kevy.Store) kevy.Stats {
	t.Helper()
	st, err := db.Stats(context.Background())
	require.NoError(t, err)
	return st
}
