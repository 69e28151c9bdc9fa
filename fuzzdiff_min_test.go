package kevy_test

import (
	"slices"
	"time"

	"github.com/kevydb/kevy"
)

// The differential fuzzer's minimiser: delta debugging (Zeller's ddmin,
// complements only) over the commands before a divergence. A candidate
// subsequence is replayed on a freshly flushed redis-server and a fresh
// store; it is kept when it fails the same way:
//
//   - a reply divergence must happen at the same command (which every
//     candidate ends with) and nowhere before it;
//   - a digest divergence must show in a digest taken after the last
//     command, with no reply divergence on the way.
//
// Requiring the same failing command keeps the minimiser from wandering
// off to another bug, or to an artefact of a subsequence (a random SPOP
// that a dropped EXEC moved into a transaction).

// fzMinimized is the minimiser's result.
type fzMinimized struct {
	idx  []int      // program indices of the minimised sequence
	f    *fzFailure // its failure when replayed, nil if it did not reproduce
	runs int
	took time.Duration
	note string
}

func minimizeFz(addr string, cfg kevy.Config, prog []fzOp, f *fzFailure, budget time.Duration) fzMinimized {
	start := time.Now()
	deadline := start.Add(budget)
	var m fzMinimized
	test := func(idx []int) (*fzFailure, bool) {
		m.runs++
		_, g, err := runFz(addr, cfg, prog, idx, 0, f.State)
		if err != nil || g == nil {
			return g, false
		}
		if f.State {
			return g, g.State
		}
		return g, !g.State && g.Op == f.Op
	}
	var items []int
	full := func(items []int) []int {
		if f.State {
			return items
		}
		return append(slices.Clone(items), f.Op)
	}
	n := f.Op
	if f.State {
		n = f.Op + 1
	}
	for i := range n {
		items = append(items, i)
	}
	if _, ok := test(full(items)); !ok {
		m.idx, m.note = full(items), "; did not reproduce on replay, not minimised"
		m.took = time.Since(start)
		return m
	}
	items = ddmin(items, func(c []int) bool {
		_, ok := test(full(c))
		return ok
	}, deadline)
	if time.Now().After(deadline) {
		m.note = "; budget exhausted, not minimal"
	}
	m.idx = full(items)
	m.f, _ = test(m.idx)
	m.took = time.Since(start)
	return m
}

// ddmin returns a subsequence of items for which test holds and from
// which no single chunk at the finest granularity can be removed, or the
// best found when the deadline passes. test(items) must hold.
func ddmin(items []int, test func([]int) bool, deadline time.Time) []int {
	if test(nil) {
		return nil
	}
	n := 2
	for len(items) >= 2 && time.Now().Before(deadline) {
		chunk := (len(items) + n - 1) / n
		reduced := false
		for start := 0; start < len(items) && time.Now().Before(deadline); start += chunk {
			end := min(start+chunk, len(items))
			comp := append(slices.Clone(items[:start]), items[end:]...)
			if test(comp) {
				items, reduced = comp, true
				n = max(n-1, 2)
				break
			}
		}
		if !reduced {
			if n >= len(items) {
				break
			}
			n = min(2*n, len(items))
		}
	}
	return items
}
