package shard

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllocSize(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{0, 0}, {1, 8}, {8, 8}, {9, 16}, {15, 16}, {16, 16}, {17, 24}, {33, 48}, {100, 112},
		{1024, 1024}, {1025, 1152}, {32768, 32768}, {32769, 40960}, {100000, 106496},
	} {
		assert.Equal(t, tc.want, allocSize(tc.n), "allocSize(%d)", tc.n)
	}
}

func TestEvictionPoolKeepsBest(t *testing.T) {
	var p evictionPool
	r := rand.New(rand.NewPCG(1, 2))
	scores := map[string]uint64{}
	for i := range 200 {
		k := "k" + strconv.Itoa(i)
		s := r.Uint64N(1000)
		scores[k] = s
		p.insert(s, 0, k)
		require.LessOrEqual(t, p.n, evpoolSize)
		for j := 1; j < p.n; j++ {
			require.LessOrEqual(t, p.e[j-1].score, p.e[j].score, "pool out of order")
		}
	}
	// The pool holds the 16 best scores seen.
	var all []uint64
	for _, s := range scores {
		all = append(all, s)
	}
	best := p.pop()
	for _, s := range all {
		assert.LessOrEqual(t, s, best.score)
	}
	// Better candidates push the worst out of a full pool.
	for p.n < evpoolSize {
		p.insert(0, 0, "filler")
	}
	p.insert(5000, 1, "best")
	assert.Equal(t, evpoolSize, p.n)
	c := p.pop()
	assert.Equal(t, "best", c.key)
	assert.Equal(t, 1, c.db)
	for p.n < evpoolSize {
		p.insert(10, 0, "x")
	}
	p.insert(1, 0, "worse than all") // dropped
	for p.n > 0 {
		assert.NotEqual(t, "worse than all", p.pop().key)
	}
}

func TestEvictionPolicyNames(t *testing.T) {
	for _, p := range []EvictionPolicy{NoEviction, AllKeysLRU, AllKeysLFU, AllKeysRandom, VolatileLRU,
		VolatileLFU, VolatileRandom, VolatileTTL} {
		q, ok := ParseEvictionPolicy(p.String())
		assert.True(t, ok)
		assert.Equal(t, p, q)
		assert.True(t, p.Valid())
	}
	_, ok := ParseEvictionPolicy("allkeys-lru\x00")
	assert.False(t, ok)
	assert.False(t, EvictionPolicy(99).Valid())
	assert.Equal(t, "EvictionPolicy(99)", EvictionPolicy(99).String())
}

// TestAccountingInvariant runs random commands, through Ctx.Run as the
// engines do, and checks after each that every database's accounted total
// is exactly the sum of its entries' current sizes, and the store's total
// the sum over databases.
func TestAccountingInvariant(t *testing.T) {
	rt := NewRuntime(1)
	ks := New(Options{Runtime: rt, Seed: 7})
	r := rand.New(rand.NewPCG(3, 4))
	key := func() string { return "k" + strconv.Itoa(r.IntN(40)) }
	val := func() string { return string(make([]byte, r.IntN(100))) }
	num := func() string { return strconv.Itoa(r.IntN(5)) }
	gens := []func() []string{
		func() []string { return []string{"SET", key(), val()} },
		func() []string { return []string{"SET", key(), val(), "PX", strconv.Itoa(1 + r.IntN(3))} },
		func() []string { return []string{"APPEND", key(), val()} },
		func() []string { return []string{"SETRANGE", key(), num(), val()} },
		func() []string { return []string{"INCR", key()} },
		func() []string { return []string{"DEL", key(), key()} },
		func() []string { return []string{"GETDEL", key()} },
		func() []string { return []string{"EXPIRE", key(), "100"} },
		func() []string { return []string{"PERSIST", key()} },
		func() []string { return []string{"RENAME", key(), key()} },
		func() []string { return []string{"COPY", key(), key(), "DB", num(), "REPLACE"} },
		func() []string { return []string{"MOVE", key(), num()} },
		func() []string { return []string{"HSET", key(), val(), val(), "f" + num(), val()} },
		func() []string { return []string{"HDEL", key(), "f" + num()} },
		func() []string { return []string{"SADD", key(), num(), val()} },
		func() []string { return []string{"SREM", key(), num()} },
		func() []string { return []string{"SPOP", key()} },
		func() []string { return []string{"RPUSH", key(), val(), val()} },
		func() []string { return []string{"LPOP", key()} },
		func() []string { return []string{"LSET", key(), "0", val()} },
		func() []string { return []string{"ZADD", key(), num(), val()} },
		func() []string { return []string{"ZREM", key(), val()} },
		func() []string { return []string{"GET", key()} },
		func() []string { return []string{"SWAPDB", num(), num()} },
		func() []string {
			if r.IntN(20) == 0 {
				return []string{"FLUSHDB"}
			}
			return []string{"EXISTS", key()}
		},
		func() []string {
			if r.IntN(50) == 0 {
				return []string{"FLUSHALL"}
			}
			return []string{"TTL", key()}
		},
	}
	var c Ctx
	for i := range 20000 {
		args := gens[r.IntN(len(gens))]()
		cmd, errRep := Resolve(args)
		require.NotNil(t, cmd, "%v: %s", args, errRep.Str)
		if cmd.Run == nil {
			continue // a command of another package
		}
		c.Bind(ks, 1)
		c.DB, c.Cmd = r.IntN(5), cmd
		c.SetArgs(args)
		c.Run()
		c.Reset()
		if i%50 == 0 {
			ks.ActiveExpire(Now(), time.Millisecond)
			ks.SettleMemory()
		}
		checkAccounting(t, ks, args)
	}
	ks.SettleMemory()
	checkAccounting(t, ks, nil)
	assert.Equal(t, ks.UsedMemory(), rt.Used())
}

func checkAccounting(t *testing.T, ks *Keyspace, args []string) {
	t.Helper()
	for d := range ks.dbs {
		db := &ks.dbs[d]
		var sum int64
		db.Range(func(e *Entry) bool {
			sum += db.accounted(e)
			return true
		})
		require.Equal(t, sum, db.mem, "db %d: mem is not the sum of its entries, after %v", d, args)
	}
	// Ctx.Run's settle re-accounted every entry the command changed.
	for d := range ks.dbs {
		ks.dbs[d].Range(func(e *Entry) bool {
			require.Zero(t, e.flags&entQueued, "key %q in db %d not re-accounted after %v", e.Key, d, args)
			return true
		})
	}
	ks.SettleMemory()
	for d := range ks.dbs {
		db := &ks.dbs[d]
		require.Empty(t, db.touched, "db %d: accounting queue not empty after a settle", d)
		var sum int64
		db.Range(func(e *Entry) bool {
			require.Zero(t, e.flags&entQueued, "key %q in db %d still queued after a settle", e.Key, d)
			sum += entrySize(e)
			return true
		})
		require.Equal(t, sum, db.mem, "db %d: mem is not the sum of its entries' sizes after a settle (%v)", d, args)
	}
	var pub int64
	for _, p := range ks.mem.pub {
		pub += p
	}
	require.Equal(t, ks.mem.used, pub)
}
