package dict

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSharedReadsWriteNothing runs the *Shared reads from several goroutines
// at once on a table in the middle of a resize: the race detector fails the
// test if any of them writes to the Dict.
func TestSharedReadsWriteNothing(t *testing.T) {
	d := New[ent](0)
	fill(d, "", 2048)
	d.Set("grow", ent{n: -1})
	d.RehashStep(100)
	require.True(t, d.rehashing())
	idx := d.rehashIdx

	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 0))
			for i := range 2048 {
				p := d.GetShared(fmt.Sprint(i))
				if assert.NotNil(t, p) {
					assert.Equal(t, i, p.n)
				}
			}
			assert.Nil(t, d.GetShared("missing"))
			n := 0
			d.RangeShared(func(string, *ent) bool { n++; return true })
			assert.Equal(t, 2049, n)
			seen := map[string]bool{}
			cursor := uint64(0)
			for {
				cursor = d.ScanShared(cursor, func(k string, _ *ent) { seen[k] = true })
				if cursor == 0 {
					break
				}
			}
			assert.Len(t, seen, 2049)
			for range 100 {
				src := r
				if g%2 == 0 {
					src = nil
				}
				k, v, ok := d.RandomShared(src)
				if assert.True(t, ok) && k != "grow" {
					assert.Equal(t, k, fmt.Sprint(v.n))
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, idx, d.rehashIdx, "shared reads did rehash work")
	checkInvariants(t, d)
}

func TestSharedEmpty(t *testing.T) {
	var d Dict[ent]
	assert.Nil(t, d.GetShared("a"))
	d.RangeShared(func(string, *ent) bool { t.Fatal("RangeShared on empty dict"); return false })
	assert.Zero(t, d.ScanShared(0, func(string, *ent) { t.Fatal("ScanShared on empty dict") }))
	_, _, ok := d.RandomShared(nil)
	assert.False(t, ok)
	assert.False(t, d.Contains("a"))
	d.Set("a", ent{n: 1})
	assert.True(t, d.Contains("a"))
}
