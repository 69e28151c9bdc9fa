package dict

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullScan runs a scan to completion, calling between (if not nil) after
// every step, and returns how many times each key was reported.
func fullScan(t *testing.T, d *Dict[ent], between func(step int)) map[string]int {
	t.Helper()
	seen := map[string]int{}
	cursor := uint64(0)
	for step := 0; ; step++ {
		cursor = d.Scan(cursor, func(k string, _ *ent) { seen[k]++ })
		if cursor == 0 {
			return seen
		}
		require.Less(t, step, 1<<22, "scan does not terminate")
		if between != nil {
			between(step)
		}
	}
}

func TestScanStatic(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 100, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			d := New[ent](0)
			for i := range n {
				d.Set(fmt.Sprint(i), ent{n: i})
			}
			seen := fullScan(t, d, nil)
			assert.Len(t, seen, n)
			for k, c := range seen {
				assert.Equal(t, 1, c, "key %q reported %d times by a scan of an unchanging table", k, c)
			}
		})
	}
}

func TestScanDuringRehash(t *testing.T) {
	d := New[ent](0)
	for i := range 1024 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	d.Set("x", ent{n: 0}) // starts growing 1024 -> 2048
	d.RehashStep(300)
	require.True(t, d.rehashing())
	seen := fullScan(t, d, nil)
	assert.Len(t, seen, d.Len())
}

// TestScanGuarantee interleaves inserts, deletes and rehash work between
// scan steps, in phases that grow the table by a large factor and then shrink
// it, and checks that every key present for the whole scan was reported.
func TestScanGuarantee(t *testing.T) {
	type phase struct {
		name          string
		stable, churn int // keys kept throughout; keys inserted or deleted
		grow          bool
	}
	phases := []phase{
		{"grow", 200, 20000, true},
		{"shrink", 200, 20000, false},
		{"steady", 2000, 2000, true},
	}
	for seed := range uint64(3) {
		for _, ph := range phases {
			t.Run(fmt.Sprint(ph.name, "/seed", seed), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, 7))
				d := New[ent](0)
				stable := map[string]bool{}
				for i := range ph.stable {
					k := fmt.Sprint("s", i)
					d.Set(k, ent{n: i})
					stable[k] = true
				}
				var churn []string
				if !ph.grow {
					for i := range ph.churn {
						k := fmt.Sprint("c", i)
						d.Set(k, ent{n: i})
						churn = append(churn, k)
					}
					for d.RehashStep(1 << 20) {
					}
				}
				next := 0
				seen := fullScan(t, d, func(step int) {
					for range rng.IntN(40) {
						switch {
						case ph.grow && len(churn) < ph.churn:
							k := fmt.Sprint("g", next)
							next++
							d.Set(k, ent{n: 0})
							churn = append(churn, k)
						case len(churn) > 0:
							j := rng.IntN(len(churn))
							d.Delete(churn[j])
							churn[j] = churn[len(churn)-1]
							churn = churn[:len(churn)-1]
						}
					}
					if rng.IntN(3) == 0 {
						d.RehashStep(rng.IntN(4))
					}
					if rng.IntN(50) == 0 {
						d.Get("s0")
					}
				})
				for k := range stable {
					assert.Positive(t, seen[k], "stable key %q never reported", k)
				}
				checkInvariants(t, d)
			})
		}
	}
}

func TestScanDeleteCurrent(t *testing.T) {
	d := New[ent](0)
	for i := range 512 {
		d.Set(fmt.Sprint(i), ent{n: i})
	}
	d.Set("grow", ent{n: -1})
	require.True(t, d.rehashing())
	seen := map[string]bool{}
	cursor := uint64(0)
	for {
		cursor = d.Scan(cursor, func(k string, v *ent) {
			seen[k] = true
			if v.n%3 == 0 {
				_, ok := d.Delete(k)
				require.True(t, ok)
			}
		})
		if cursor == 0 {
			break
		}
	}
	assert.Len(t, seen, 513)
	assert.Equal(t, 513-171, d.Len())
	checkInvariants(t, d)
}

func TestIncReverse(t *testing.T) {
	// With mask 0b111 the cursor visits indices in reversed-binary order.
	want := []uint64{0, 4, 2, 6, 1, 5, 3, 7, 0}
	v := uint64(0)
	for i, w := range want {
		require.Equal(t, w, v, "step %d", i)
		v = incReverse(v, 7)
	}
}
