package kevy_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Behaviour of the bitmap, HLL and geo commands that Redis cannot be
// compared with: the memory limit on a growing string, values changed in
// place staying private to their key, and the accounting of what they
// hold. (Replies and errors are compared with redis-server in
// bitmaps_redis_test.go, hll_redis_test.go, geo_redis_test.go.)

// TestGrowthBoundedByMaxMemory: a command that would grow a string past
// maxmemory (a far SETBIT, BITFIELD or SETRANGE) is refused with the OOM
// error under noeviction and changes nothing; a policy that evicts makes
// room first. Redis checks only before a command, so there one command
// may allocate up to proto-max-bulk-len past the limit.
func TestGrowthBoundedByMaxMemory(t *testing.T) {
	ctx := context.Background()
	forEachMem(t, kevy.Config{MaxMemory: 256 << 10}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.Equal(t, ":0", show(c.Exec(ctx, "SETBIT", "b", "7", "1")))
		for _, cmd := range [][]string{
			{"SETBIT", "b", "4294967295", "1"},
			{"SETBIT", "fresh", "8000000", "1"},
			{"BITFIELD", "b", "SET", "u8", "#1000000", "1"},
			{"BITFIELD", "fresh", "GET", "u8", "0", "INCRBY", "i8", "4000000", "1"},
			{"SETRANGE", "b", "3000000", "x"},
			{"SETRANGE", "fresh", "3000000", "x"},
		} {
			assert.Equal(t, "-"+oomText, show(c.Exec(ctx, cmd...)), cmd)
		}
		assert.Equal(t, `"\x01"`, show(c.Exec(ctx, "GET", "b")), "the refused commands changed nothing")
		assert.Equal(t, ":0", show(c.Exec(ctx, "EXISTS", "fresh")))
		// Growth within the limit works.
		assert.Equal(t, ":0", show(c.Exec(ctx, "SETBIT", "b", "800000", "1")))
		assert.Equal(t, ":100001", show(c.Exec(ctx, "STRLEN", "b")))
		assert.Positive(t, stats(t, db).EvictionFailures)
	})
	forEachMem(t, kevy.Config{MaxMemory: 512 << 10, MaxMemoryPolicy: kevy.AllKeysLRU}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		val := strings.Repeat("v", 1000)
		for i := range 300 {
			require.Equal(t, kevy.ReplyStatus, c.Exec(ctx, "SET", "fill"+strconv.Itoa(i), val).Kind)
		}
		before := stats(t, db).EvictedKeys
		assert.Equal(t, ":0", show(c.Exec(ctx, "SETBIT", "b", "2000000", "1")), "eviction makes room for 250 KB")
		assert.Equal(t, ":250001", show(c.Exec(ctx, "STRLEN", "b")))
		assert.Greater(t, stats(t, db).EvictedKeys, before)
		assert.Equal(t, "-"+oomText, show(c.Exec(ctx, "SETBIT", "b", "8000000", "1")), "more than the whole limit")
	})
}

// TestInPlaceValuesArePrivate: a value changed in place by SETBIT,
// APPEND, SETRANGE or PFADD is copied for replies, COPY, GET and the log,
// so no reply or other key ever sees a later change.
func TestInPlaceValuesArePrivate(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		c.Exec(ctx, "SETBIT", "{k}a", "0", "1")
		got := c.Exec(ctx, "GET", "{k}a")
		require.Equal(t, "\x80", got.Str)
		c.Exec(ctx, "COPY", "{k}a", "{k}b")
		c.Exec(ctx, "COPY", "{k}a", "other")
		c.Exec(ctx, "SETBIT", "{k}a", "1", "1")
		c.Exec(ctx, "APPEND", "{k}a", "tail")
		c.Exec(ctx, "SETRANGE", "{k}a", "0", "\xff")
		assert.Equal(t, "\x80", got.Str, "an earlier reply changed")
		assert.Equal(t, `"\x80"`, show(c.Exec(ctx, "GET", "{k}b")), "the copy changed")
		assert.Equal(t, `"\x80"`, show(c.Exec(ctx, "GET", "other")), "the copy on another shard changed")
		assert.Equal(t, `"\xfftail"`, show(c.Exec(ctx, "GET", "{k}a")))
		assert.Equal(t, "raw", c.Exec(ctx, "OBJECT", "ENCODING", "{k}a").Str)

		c.Exec(ctx, "PFADD", "h", "a")
		h1 := c.Exec(ctx, "GET", "h").Str
		c.Exec(ctx, "RENAME", "h", "h2")
		c.Exec(ctx, "PFADD", "h2", "b", "c", "d")
		assert.NotEqual(t, h1, c.Exec(ctx, "GET", "h2").Str)
		assert.Equal(t, ":4", show(c.Exec(ctx, "PFCOUNT", "h2")))
		assert.Equal(t, 21, len(h1)) // header, XZERO, VAL, XZERO

		// INCR and SET replace an in-place value with a plain one.
		c.Exec(ctx, "SETBIT", "n", "2", "1")
		c.Exec(ctx, "SETBIT", "n", "3", "1")
		assert.Equal(t, `"0"`, show(c.Exec(ctx, "GET", "n")))
		assert.Equal(t, ":1", show(c.Exec(ctx, "INCR", "n")))
		assert.Equal(t, "int", c.Exec(ctx, "OBJECT", "ENCODING", "n").Str)
		assert.Equal(t, ":1", show(c.Exec(ctx, "GETBIT", "n", "7")))
	})
}

// TestInPlaceValuesAccounted: the memory a bitmap holds is accounted as
// it grows and freed when the key goes.
func TestInPlaceValuesAccounted(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		base := stats(t, db).UsedMemory
		c.Exec(ctx, "SETBIT", "b", "1000000", "1") // 125 KB
		grown := stats(t, db).UsedMemory - base
		assert.GreaterOrEqual(t, grown, int64(125000))
		assert.Less(t, grown, int64(300000))
		usage := c.Exec(ctx, "MEMORY", "USAGE", "b")
		assert.GreaterOrEqual(t, usage.Int, int64(125000))
		c.Exec(ctx, "DEL", "b")
		assert.Less(t, stats(t, db).UsedMemory-base, int64(1000))
	})
}

// TestPFSelfTest runs PFSELFTEST (ten million additions to a dense and a
// sparse HLL): it answers OK, as redis-server does.
func TestPFSelfTest(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("ten million additions, single-threaded: too slow under -short or -race")
	}
	db := mustOpen(t, kevy.Config{Shards: 1})
	assert.Equal(t, "+OK", show(db.Exec(context.Background(), "PFSELFTEST")))
	assert.Equal(t, "-ERR wrong number of arguments for 'pfselftest' command", show(db.Exec(context.Background(), "PFSELFTEST", "x")))
}
