package kevy_test

import (
	"context"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
