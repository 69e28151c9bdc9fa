package dict

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ent is the value type of the tests: a key and a number.
type ent struct {
	k string
	n int
}

// checkInvariants verifies the internal structure of d: every node sits in
// the bucket its hash selects, the moved
// part of t[0] is empty, the counts match and no key appears twice.
func checkInvariants[V any](t *testing.T, d *Dict[V]) {
	t.Helper()
	seen := make(map[string]bool, d.Len())
	for ti := range d.t {
		tb := &d.t[ti]
		if tb.b == nil {
			require.Zero(t, tb.used, "table %d: used without buckets", ti)
			continue
		}
		require.Equal(t, 0, len(tb.b)&(len(tb.b)-1), "table %d: size %d not a power of two", ti, len(tb.b))
		count := 0
		for i, head := range tb.b {
			if ti == 0 && d.rehashing() && i < d.rehashIdx {
				require.Nil(t, head, "t[0] bucket %d below rehashIdx %d not empty", i, d.rehashIdx)
			}
			for n := head; n != nil; n = n.next {
				require.Equal(t, uint64(i), maphash.String(d.seed, n.key())&tb.mask(), "key %q in wrong bucket", n.key())
				require.False(t, seen[n.key()], "key %q stored twice", n.key())
				seen[n.key()] = true
				count++
			}
		}
		require.Equal(t, tb.used, count, "table %d used count", ti)
	}
	if !d.rehashing() {
		require.Zero(t, d.rehashIdx)
	}
	require.Zero(t, d.pause)
}

// assertSame checks that d holds exactly the entries of model.
func assertSame(t *testing.T, d *Dict[ent], model map[string]int) {
	t.Helper()
	require.Equal(t, len(model), d.Len())
	for k, want := range model {
		p := d.Get(k)
		require.NotNil(t, p, "key %q missing", k)
		require.Equal(t, want, p.n, "key %q", k)
	}
	got := 0
	d.Range(func(k string, v *ent) bool {
		want, ok := model[k]
		require.True(t, ok, "Range returned deleted key %q", k)
		require.Equal(t, want, v.n)
		got++
		return true
	})
	require.Equal(t, len(model), got)
}

func TestZeroValue(t *testing.T) {
	var d Dict[ent]
	assert.Zero(t, d.Len())
	assert.Nil(t, d.Get("a"))
	_, ok := d.Delete("a")
	assert.False(t, ok)
	_, _, ok = d.Random()
	assert.False(t, ok)
	assert.Zero(t, d.Sample(5, func(string, *ent) bool { return true }))
	assert.Zero(t, d.Scan(0, func(string, *ent) { t.Fatal("scan of empty dict visited an entry") }))
	assert.False(t, d.RehashStep(10))
	assert.True(t, d.Set("a", ent{n: 1}))
	assert.False(t, d.Set("a", ent{k: "ignored", n: 2}))
	assert.Equal(t, ent{k: "a", n: 2}, *d.Get("a"), "Set keeps the key it was given")
	old, ok := d.Delete("a")
	assert.True(t, ok)
	assert.Equal(t, ent{k: "a", n: 2}, old)
	assert.Zero(t, d.Len())
}

// TestStringValues checks a Dict of strings: a set, each value its key.
func TestStringValues(t *testing.T) {
	d := New[string](0)
	for i := range 100 {
		assert.True(t, d.Set(fmt.Sprint("m", i), ""))
	}
	assert.False(t, d.Set("m7", "x"))
	p, inserted := d.GetOrInsert("m100")
	assert.True(t, inserted)
	assert.Equal(t, "m100", *p)
	assert.Equal(t, "m7", *d.Get("m7"))
	n := 0
	d.Range(func(k string, v *string) bool {
		assert.Equal(t, k, *v)
		n++
		return true
	})
	assert.Equal(t, 101, n)
}

// TestLayoutChecked checks that a value type without a leading string key
// is refused when the first table is allocated.
func TestLayoutChecked(t *testing.T) {
	assert.Panics(t, func() { New[int](1) })
	assert.Panics(t, func() { New[struct{ n, m int }](1) })
	assert.Panics(t, func() {
		New[struct {
			n int
			k string
		}](1)
	})
	var d Dict[struct{}]
	assert.Panics(t, func() { d.Set("a", struct{}{}) })
	assert.NotPanics(t, func() { New[struct{ k, v string }](1) })
}

func TestBinaryKeys(t *testing.T) {
	d := New[ent](0)
	keys := []string{"", "\x00", "\x00\x00", "a\x00b", "a\x00c", "\xff\xfe"}
	for i, k := range keys {
		require.True(t, d.Set(k, ent{n: i}))
	}
	for i, k := range keys {
		require.NotNil(t, d.Get(k), "%q", k)
		assert.Equal(t, i, d.Get(k).n)
	}
	assert.Nil(t, d.Get("a"))
	checkInvariants(t, d)
}

func TestPointerStability(t *testing.T) {
	d := New[ent](0)
	p, inserted := d.GetOrInsert("stable")
	require.True(t, inserted)
	p.n = 7
	// Force many grows, shrinks and rehashes around the stable key.
	for round := range 3 {
		for i := range 5000 {
			d.Set(fmt.Sprint(round, "/", i), ent{n: i})
		}
		for i := range 5000 {
			d.Delete(fmt.Sprint(round, "/", i))
		}
		for d.RehashStep(100) {
		}
	}
	q := d.Get("stable")
	require.Same(t, p, q)
	q.n++
	assert.Equal(t, 8, p.n)
	q2, inserted := d.GetOrInsert("stable")
	assert.False(t, inserted)
	assert.Same(t, p, q2)
	checkInvariants(t, d)
}

func TestGrowAndShrinkRules(t *testing.T) {
	d := New[ent](0)
	for i := range 4 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	assert.Len(t, d.t[0].b, 4, "load factor 1 reached but not exceeded")
	assert.False(t, d.rehashing())
	d.Set("4", ent{n: 4})
	assert.True(t, d.rehashing() || len(d.t[0].b) == 8, "fifth key must grow the table")
	for d.RehashStep(1) {
	}
	assert.Len(t, d.t[0].b, 8)

	for i := 5; i < 1000; i++ {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	for d.RehashStep(1 << 20) {
	}
	assert.Len(t, d.t[0].b, 1024)
	// 103 keys in 1024 buckets is still 10% full; at 102 the table
	// shrinks to the next power of two at or above the count.
	for i := 999; i >= 103; i-- {
		d.Delete(fmt.Sprint(i))
	}
	assert.False(t, d.rehashing())
	assert.Len(t, d.t[0].b, 1024)
	d.Delete("102")
	assert.True(t, d.rehashing())
	assert.Len(t, d.t[1].b, 128)
	for d.RehashStep(1) {
	}
	assert.Len(t, d.t[0].b, 128)
	// Never below the minimum size.
	for i := range 102 {
		d.Delete(fmt.Sprint(i))
		d.RehashStep(1 << 10)
	}
	assert.Zero(t, d.Len())
	assert.Len(t, d.t[0].b, minSize)
	checkInvariants(t, d)
}

func TestIncrementalRehashIsBounded(t *testing.T) {
	d := New[ent](0)
	for i := range 1 << 12 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	for d.RehashStep(1 << 20) {
	}
	// The next insert starts a grow; it and every following operation
	// move at most one bucket.
	d.Set("grow", ent{n: 0})
	require.True(t, d.rehashing())
	before := d.t[0].used
	d.Get("0")
	assert.LessOrEqual(t, before-d.t[0].used, 8, "one Get moved a whole chain at most")
	assert.True(t, d.rehashing())
	checkInvariants(t, d)
}

func TestNewHint(t *testing.T) {
	d := New[ent](1000)
	assert.Len(t, d.t[0].b, 1024)
	for i := range 1000 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	assert.False(t, d.rehashing(), "a hinted dict does not resize while filling up to the hint")
	checkInvariants(t, d)
}

func TestClear(t *testing.T) {
	d := New[ent](0)
	for i := range 100 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	d.Clear()
	assert.Zero(t, d.Len())
	assert.Nil(t, d.Get("1"))
	d.Set("x", ent{n: 1})
	assert.Equal(t, 1, d.Get("x").n)
	checkInvariants(t, d)
}

// TestModel runs random operations against a Go map, in phases that grow
// the key space and then shrink it, so that both kinds of resize happen with
// operations interleaved in the middle of rehashing.
func TestModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			d := New[ent](0)
			model := map[string]int{}
			steps := 20000
			if testing.Short() {
				steps = 5000
			}
			keySpace := 8
			for step := range steps {
				switch {
				case step%4000 < 2000:
					keySpace = min(keySpace+1, 4000)
				default:
					keySpace = max(keySpace-2, 4)
				}
				k := fmt.Sprint("k", rng.IntN(keySpace))
				switch op := rng.IntN(10); {
				case op < 4:
					v := rng.Int()
					p, inserted := d.GetOrInsert(k)
					_, had := model[k]
					require.Equal(t, !had, inserted, "GetOrInsert(%q)", k)
					p.n = v
					model[k] = v
				case op < 7:
					old, ok := d.Delete(k)
					want, had := model[k]
					require.Equal(t, had, ok, "Delete(%q)", k)
					if had {
						require.Equal(t, want, old.n)
					}
					delete(model, k)
				case op < 9:
					p := d.Get(k)
					want, had := model[k]
					require.Equal(t, had, p != nil, "Get(%q)", k)
					if had {
						require.Equal(t, want, p.n)
					}
				default:
					d.RehashStep(rng.IntN(3))
				}
				require.Equal(t, len(model), d.Len())
				if step%997 == 0 {
					checkInvariants(t, d)
					assertSame(t, d, model)
				}
			}
			checkInvariants(t, d)
			assertSame(t, d, model)
		})
	}
}

func TestRangeStopsAndDeletes(t *testing.T) {
	d := New[ent](0)
	for i := range 512 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	d.Set("grow", ent{n: 0}) // leave a rehash in progress
	require.True(t, d.rehashing())
	n := 0
	d.Range(func(string, *ent) bool { n++; return n < 10 })
	assert.Equal(t, 10, n)

	// Deleting the current key from inside Range is allowed.
	seen := map[string]bool{}
	d.Range(func(k string, v *ent) bool {
		seen[k] = true
		if v.n%2 == 1 {
			_, ok := d.Delete(k)
			require.True(t, ok)
		}
		return true
	})
	assert.Len(t, seen, 513)
	assert.Equal(t, 257, d.Len())
	d.Range(func(k string, v *ent) bool {
		assert.Zero(t, v.n%2, k)
		v.n += 1000
		return true
	})
	assert.Equal(t, 1000, d.Get("0").n)
	checkInvariants(t, d)
}

// TestNodeSizes pins the node sizes docs/memory.md counts: a set member's
// 24 bytes, and a value of 56 bytes (a keyspace entry) filling 64.
func TestNodeSizes(t *testing.T) {
	assert.Equal(t, uintptr(24), unsafe.Sizeof(node[string]{}))
	assert.Equal(t, uintptr(64), unsafe.Sizeof(node[[56]byte]{}))
}
