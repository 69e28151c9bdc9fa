package kevy_test

import (
	"context"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
