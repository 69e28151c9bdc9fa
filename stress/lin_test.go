package stress

import (
	"fmt"
	"os"
	"testing"

	"github.com/kevydb/kevy"
	"go.uber.org/goleak"
)

// TestLinearizability runs the workload on both engines and every shard
// count, and checks each round's history: per object linearizability, the
// multi-key invariants, and the final state.
func TestLinearizability(t *testing.T) {
	k, fams := setup(t)
	type cfg struct {
		e      kevy.Engine
		shards int
	}
	var cfgs []cfg
	for _, e := range k.engines {
		for _, n := range k.shards {
			cfgs = append(cfgs, cfg{e, n})
		}
	}
	k.schedule(len(cfgs), func(r, i int) bool {
		c := cfgs[i]
		return t.Run(fmt.Sprintf("%s/shards=%d/round=%d", engineName(c.e), c.shards, r), func(t *testing.T) {
			runJudged(t, k, roundConfig{test: t.Name(), engine: c.e, shards: c.shards, seed: k.roundSeed(r),
				round: r, workers: k.workers, dur: k.round}, fams)
		})
	})
}

// TestCancellationStorm is the workload with a third of the calls made
// under deadlines of up to two milliseconds, so they are abandoned at
// every stage (queued, running, blocked, inside EXEC). An abandoned call
// may still take effect; the history must stay linearizable, pooled
// requests must never be reused while a shard still holds them (replies
// would cross), and no goroutine may be left behind.
func TestCancellationStorm(t *testing.T) {
	k, fams := setup(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	shards := []int{7}
	if len(k.shards) == 1 {
		shards = k.shards
	}
	var n int
	for _, e := range k.engines {
		for _, s := range shards {
			k.schedule(1, func(r, _ int) bool {
				n++
				return t.Run(fmt.Sprintf("%s/shards=%d/round=%d", engineName(e), s, r), func(t *testing.T) {
					res := runJudged(t, k, roundConfig{test: t.Name(), engine: e, shards: s, seed: k.roundSeed(r + n*1000),
						round: r, workers: k.workers, dur: k.round, cancelRate: 0.3}, fams)
					fig.cancelled.Add(int64(lostCalls(res.h)))
				})
			})
		}
	}
}

// TestReplay checks a saved history again: KEVY_STRESS_REPLAY=path.
func TestReplay(t *testing.T) {
	path := os.Getenv("KEVY_STRESS_REPLAY")
	if path == "" {
		t.Skip("set KEVY_STRESS_REPLAY to a saved history (stress/failures/*.json)")
	}
	h, err := loadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := loadKnobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range h.Notes {
		t.Logf("note recorded while running: %s", n)
	}
	res := checkHistory(h, k.checkTimeout, true)
	t.Logf("%s: %d ops in %d histories (engine %s, %d shards, seed %d)", path, res.Ops, res.Objects, h.Engine, h.Shards, h.Seed)
	if res.TimedOut {
		t.Fatalf("inconclusive: the check timed out")
	}
	for _, obj := range res.Illegal {
		t.Errorf("not linearizable: %s\n%s\nwhere it breaks:\n%s", obj, describeObject(h, obj, 40), explain(h, obj, 15))
	}
	if res.Visual != "" {
		t.Logf("visualization: %s", res.Visual)
	}
}
