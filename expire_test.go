package kevy_test

import (
	"context"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Time-dependent behaviour runs inside synctest bubbles: the store (its
// shard goroutines and reaper ticks) lives in the bubble, time advances only
// when every goroutine is idle, and a goroutine leaked by Close would
// deadlock the bubble and fail the test.

func TestLazyExpiry(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				require.NoError(t, db.Set(ctx, "k", "v", 1500*time.Millisecond))
				require.NoError(t, db.Set(ctx, "forever", "v", 0))
				time.Sleep(time.Second)
				got, err := db.Get(ctx, "k")
				require.NoError(t, err)
				assert.Equal(t, "v", got)
				ttl, _ := db.PTTL(ctx, "k")
				assert.Equal(t, 500*time.Millisecond, ttl)
				time.Sleep(600 * time.Millisecond)
				_, err = db.Get(ctx, "k")
				assert.ErrorIs(t, err, kevy.Nil)
				n, _ := db.Exists(ctx, "k", "forever")
				assert.Equal(t, int64(1), n)
				ttl, _ = db.TTL(ctx, "k")
				assert.Equal(t, time.Duration(-2), ttl)
			})
		})
	}
}

// TestActiveExpiry checks that the reaper deletes expired keys nobody
// reads, within a few ticks, and counts them.
func TestActiveExpiry(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				const n = 500
				for i := 0; i < n; i++ {
					require.NoError(t, db.Set(ctx, "tmp:"+strconv.Itoa(i), "v", time.Second))
				}
				for i := 0; i < 50; i++ {
					require.NoError(t, db.Set(ctx, "keep:"+strconv.Itoa(i), "v", 0))
				}
				size, _ := db.DBSize(ctx)
				assert.Equal(t, int64(n+50), size)
				time.Sleep(3 * time.Second) // 30 reaper ticks
				synctest.Wait()
				size, _ = db.DBSize(ctx) // DBSIZE does not expire keys itself
				assert.Equal(t, int64(50), size)
				info, err := db.Info(ctx, "stats")
				require.NoError(t, err)
				assert.Contains(t, info, "expired_keys:500\r\n")
			})
		})
	}
}

// TestExpireAcrossCommands: keys expire for every command family, not just
// GET.
func TestExpireAcrossCommands(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				db, err := kevy.Open(v.cfg)
				require.NoError(t, err)
				defer db.Close()
				require.NoError(t, db.Set(ctx, "a", "1", time.Second))
				require.NoError(t, db.Set(ctx, "b", "2", time.Second))
				require.NoError(t, db.Set(ctx, "c", "3", time.Second))
				time.Sleep(1100 * time.Millisecond)
				n, err := db.Incr(ctx, "a")
				require.NoError(t, err)
				assert.Equal(t, int64(1), n, "INCR of an expired key starts from 0")
				ttl, _ := db.TTL(ctx, "a")
				assert.Equal(t, time.Duration(-1), ttl)
				assert.ErrorIs(t, db.Rename(ctx, "b", "b2"), kevy.ErrNoSuchKey)
				keys, _ := db.Keys(ctx, "*")
				assert.Equal(t, []string{"a"}, keys)
				l, _ := db.Append(ctx, "c", "x")
				assert.Equal(t, int64(1), l)
			})
		})
	}
}
