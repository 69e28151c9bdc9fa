package kevy_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runScripts(t *testing.T, scripts map[string][]step) {
	names := make([]string, 0, len(scripts))
	for n := range scripts {
		names = append(names, n)
	}
	sort.Strings(names)
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, n := range names {
			t.Run(n, func(t *testing.T) {
				require.NoError(t, db.FlushAll(context.Background()))
				runSteps(t, db, scripts[n])
			})
		}
	})
}

// TestScripts runs every script group on every engine variant.
func TestScripts(t *testing.T) {
	names := make([]string, 0, len(scriptGroups))
	for g := range scriptGroups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		t.Run(g, func(t *testing.T) { runScripts(t, scriptGroups[g]) })
	}
}

func TestTypedStrings(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		_, err := db.Get(ctx, "missing")
		assert.ErrorIs(t, err, kevy.Nil)

		require.NoError(t, db.Set(ctx, "k", "v", 0))
		v, err := db.Get(ctx, "k")
		require.NoError(t, err)
		assert.Equal(t, "v", v)

		require.NoError(t, db.Set(ctx, "t", "v", 90*time.Second))
		ttl, err := db.TTL(ctx, "t")
		require.NoError(t, err)
		assert.Equal(t, 90*time.Second, ttl)
		require.NoError(t, db.Set(ctx, "t", "w", kevy.KeepTTL))
		ttl, _ = db.TTL(ctx, "t")
		assert.Equal(t, 90*time.Second, ttl)
		require.NoError(t, db.Set(ctx, "t", "w", 1500*time.Millisecond))
		pttl, _ := db.PTTL(ctx, "t")
		assert.InDelta(t, 1500*time.Millisecond, pttl, float64(100*time.Millisecond))

		ok, err := db.SetNX(ctx, "k", "other", 0)
		require.NoError(t, err)
		assert.False(t, ok)
		ok, err = db.SetNX(ctx, "nx", "x", time.Minute)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = db.SetXX(ctx, "absent", "x", 0)
		require.NoError(t, err)
		assert.False(t, ok)

		old, err := db.SetArgs(ctx, "k", "v2", kevy.SetArgs{Get: true})
		require.NoError(t, err)
		assert.Equal(t, "v", old)

		n, err := db.Incr(ctx, "n")
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		n, _ = db.IncrBy(ctx, "n", 41)
		assert.Equal(t, int64(42), n)
		n, _ = db.DecrBy(ctx, "n", 2)
		assert.Equal(t, int64(40), n)
		n, _ = db.Decr(ctx, "n")
		assert.Equal(t, int64(39), n)
		f, err := db.IncrByFloat(ctx, "f", 2.5)
		require.NoError(t, err)
		assert.Equal(t, 2.5, f)

		_, err = db.Incr(ctx, "k")
		assert.ErrorIs(t, err, kevy.ErrNotInteger)
		assert.Equal(t, "ERR value is not an integer or out of range", err.Error())

		require.NoError(t, db.MSet(ctx, "a", "1", "b", "2"))
		require.NoError(t, db.MSet(ctx, map[string]any{"c": 3}))
		vals, err := db.MGet(ctx, "a", "b", "c", "zz")
		require.NoError(t, err)
		assert.Equal(t, []any{"1", "2", "3", nil}, vals)
		ok, err = db.MSetNX(ctx, "a", "x", "new", "y")
		require.NoError(t, err)
		assert.False(t, ok)

		l, err := db.Append(ctx, "s", "abc")
		require.NoError(t, err)
		assert.Equal(t, int64(3), l)
		l, _ = db.SetRange(ctx, "s", 1, "XY")
		assert.Equal(t, int64(3), l)
		sub, _ := db.GetRange(ctx, "s", 0, -1)
		assert.Equal(t, "aXY", sub)
		l, _ = db.StrLen(ctx, "s")
		assert.Equal(t, int64(3), l)

		got, err := db.GetDel(ctx, "s")
		require.NoError(t, err)
		assert.Equal(t, "aXY", got)
		_, err = db.GetDel(ctx, "s")
		assert.ErrorIs(t, err, kevy.Nil)

		require.NoError(t, db.SetEx(ctx, "ex", "v", time.Hour))
		got, err = db.GetEx(ctx, "ex", 0)
		require.NoError(t, err)
		assert.Equal(t, "v", got)
		ttl, _ = db.TTL(ctx, "ex")
		assert.Equal(t, time.Duration(-1), ttl)

		prev, err := db.GetSet(ctx, "ex", "w")
		require.NoError(t, err)
		assert.Equal(t, "v", prev)
	})
}

func TestTypedKeys(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		require.NoError(t, db.MSet(ctx, "a", "1", "b", "2", "c", "3"))
		n, err := db.Exists(ctx, "a", "b", "x")
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		typ, _ := db.Type(ctx, "a")
		assert.Equal(t, "string", typ)

		keys, err := db.Keys(ctx, "*")
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"a", "b", "c"}, keys)

		size, _ := db.DBSize(ctx)
		assert.Equal(t, int64(3), size)

		require.NoError(t, db.Rename(ctx, "a", "z"))
		assert.ErrorIs(t, db.Rename(ctx, "a", "z"), kevy.ErrNoSuchKey)
		ok, err := db.RenameNX(ctx, "z", "b")
		require.NoError(t, err)
		assert.False(t, ok)

		n, _ = db.Copy(ctx, "z", "z2", 0, false)
		assert.Equal(t, int64(1), n)
		moved, _ := db.Move(ctx, "z2", 3)
		assert.True(t, moved)

		ok, _ = db.Expire(ctx, "b", time.Minute)
		assert.True(t, ok)
		ttl, _ := db.TTL(ctx, "b")
		assert.Equal(t, time.Minute, ttl)
		ok, _ = db.ExpireNX(ctx, "b", time.Hour)
		assert.False(t, ok)
		ok, _ = db.ExpireGT(ctx, "b", time.Hour)
		assert.True(t, ok)
		ok, _ = db.Persist(ctx, "b")
		assert.True(t, ok)
		ttl, _ = db.TTL(ctx, "b")
		assert.Equal(t, time.Duration(-1), ttl)
		ttl, _ = db.TTL(ctx, "nope")
		assert.Equal(t, time.Duration(-2), ttl)
		at := time.Now().Add(time.Hour).Truncate(time.Second)
		ok, _ = db.ExpireAt(ctx, "b", at)
		assert.True(t, ok)
		et, _ := db.ExpireTime(ctx, "b")
		assert.Equal(t, time.Duration(at.Unix())*time.Second, et)

		enc, err := db.ObjectEncoding(ctx, "c")
		require.NoError(t, err)
		assert.Equal(t, "int", enc)

		k, err := db.RandomKey(ctx)
		require.NoError(t, err)
		assert.Contains(t, []string{"b", "c", "z"}, k)

		var all []string
		var cursor uint64
		for {
			page, next, err := db.Scan(ctx, cursor, "", 1)
			require.NoError(t, err)
			all = append(all, page...)
			if cursor = next; cursor == 0 {
				break
			}
		}
		assert.ElementsMatch(t, []string{"b", "c", "z"}, all)

		d, _ := db.Del(ctx, "b", "c", "nope")
		assert.Equal(t, int64(2), d)
		require.NoError(t, db.FlushAll(ctx))
		_, err = db.RandomKey(ctx)
		assert.ErrorIs(t, err, kevy.Nil)

		pong, _ := db.Ping(ctx)
		assert.Equal(t, "PONG", pong)
		tm, err := db.Time(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), tm, 5*time.Second)
	})
}

func TestConnSelect(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.NoError(t, c.Select(ctx, 5))
		assert.Equal(t, 5, c.DB())
		require.NoError(t, c.Set(ctx, "k", "in5", 0))
		_, err := db.Get(ctx, "k")
		assert.ErrorIs(t, err, kevy.Nil, "Store methods use database 0")
		v, _ := c.Get(ctx, "k")
		assert.Equal(t, "in5", v)
		assert.ErrorIs(t, c.Select(ctx, 16), kevy.ErrDBIndex)
		require.NoError(t, db.SwapDB(ctx, 0, 5))
		v, _ = db.Get(ctx, "k")
		assert.Equal(t, "in5", v)
		require.NoError(t, c.Close())
		_, err = c.Get(ctx, "k")
		assert.Error(t, err)
	})
}

func TestDo(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		v, err := db.Do(ctx, "SET", "k", 42)
		require.NoError(t, err)
		assert.Equal(t, "OK", v)
		v, err = db.Do(ctx, "GET", []byte("k"))
		require.NoError(t, err)
		assert.Equal(t, "42", v)
		v, err = db.Do(ctx, "INCRBY", "k", int64(8))
		require.NoError(t, err)
		assert.Equal(t, int64(50), v)
		v, err = db.Do(ctx, "INCRBYFLOAT", "k", 0.5)
		require.NoError(t, err)
		assert.Equal(t, "50.5", v)
		v, err = db.Do(ctx, "SET", "b", true)
		require.NoError(t, err)
		v, _ = db.Do(ctx, "MGET", "b", "nope")
		assert.Equal(t, []any{"1", nil}, v)
		_, err = db.Do(ctx, "GET", "nope")
		assert.ErrorIs(t, err, kevy.Nil)
		_, err = db.Do(ctx, "NOSUCH")
		var rerr kevy.Error
		require.ErrorAs(t, err, &rerr)
		assert.Equal(t, "ERR unknown command 'NOSUCH', with args beginning with: ", err.Error())
		_, err = db.Do(ctx, "GET", struct{}{})
		assert.Error(t, err)
	})
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db, err := kevy.Open(v.cfg)
			require.NoError(t, err)
			require.NoError(t, db.Set(ctx, "k", "v", 0))
			c := db.Conn()
			require.NoError(t, db.Close())
			require.NoError(t, db.Close(), "Close is idempotent")
			_, err = db.Get(ctx, "k")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			assert.ErrorIs(t, db.Set(ctx, "k", "v", 0), kevy.ErrClosed)
			_, err = c.Get(ctx, "k")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			_, err = db.Keys(ctx, "*")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			_, err = db.Info(ctx)
			assert.ErrorIs(t, err, kevy.ErrClosed)
			r := db.Exec(ctx, "GET", "k")
			assert.Equal(t, kevy.ReplyError, r.Kind)
			assert.Equal(t, "ERR kevy: store closed", r.Str)
			_, err = db.Do(ctx, "PING")
			assert.ErrorIs(t, err, kevy.ErrClosed)
		})
	}
}

func TestCancelledContext(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := db.Set(ctx, "k", "v", 0)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
		// Every route: one shard, several shards (holds), fan-out, local.
		for _, args := range [][]string{{"SET", "k", "v"}, {"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}, {"DBSIZE"}, {"PING"}} {
			r := db.Exec(ctx, args...)
			assert.Equal(t, "ERR context canceled", r.Str, "%v", args)
		}
		n, err := db.DBSize(context.Background())
		require.NoError(t, err)
		assert.Zero(t, n, "nothing ran")
	})
}

func TestOpenValidates(t *testing.T) {
	for _, cfg := range []kevy.Config{
		{Shards: -1},
		{Shards: 100000},
		{Databases: -1},
		{Engine: kevy.Engine(9)},
	} {
		_, err := kevy.Open(cfg)
		assert.Error(t, err, "%+v", cfg)
	}
	db := mustOpen(t, kevy.Config{})
	cfg := db.Config()
	assert.Equal(t, 16, cfg.Databases)
	assert.Positive(t, cfg.Shards)
}
