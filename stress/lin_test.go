package stress

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/faults"
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
	shards := 7
	if len(k.shards) == 1 {
		shards = k.shards[0]
	}
	k.schedule(len(k.engines), func(r, i int) bool {
		e := k.engines[i]
		return t.Run(fmt.Sprintf("%s/shards=%d/round=%d", engineName(e), shards, r), func(t *testing.T) {
			res := runJudged(t, k, roundConfig{test: t.Name(), engine: e, shards: shards, seed: k.roundSeed(r) ^ 0xca5ce1,
				round: r, workers: k.workers, dur: k.round, cancelRate: 0.3}, fams)
			fig.cancelled.Add(int64(lostCalls(res.h)))
		})
	})
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

// TestBrokenEngineIsCaught proves that the checks can fail: each test-only
// defect of package internal/faults is switched on in turn, and the
// workload must report a failure (a non-linearizable history or a broken
// invariant) within a few rounds. The defects:
//
//   - early-reply (actor): a shard answers a write before applying it;
//   - early-release (actor): the coordinator releases each shard's hold as
//     soon as its part of a multi-key command ran;
//   - skip-lock (locked): a multi-key command takes one shard's lock at a
//     time instead of all of them.
func TestBrokenEngineIsCaught(t *testing.T) {
	k, fams := setup(t)
	cases := []struct {
		defect faults.Switch
		engine kevy.Engine
	}{
		{faults.EarlyReply, kevy.EngineActor},
		{faults.EarlyRelease, kevy.EngineActor},
		{faults.SkipLock, kevy.EngineLocked},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("defect=%s/%s", tc.defect, engineName(tc.engine)), func(t *testing.T) {
			defer faults.Reset()
			const attempts = 3
			for r := 0; r < attempts; r++ {
				restore := faults.Set(tc.defect, true)
				rc := roundConfig{test: t.Name(), engine: tc.engine, shards: 7, seed: k.roundSeed(r), round: r,
					workers: k.workers, dur: k.round}
				res, err := runRound(rc, fams)
				restore()
				if err != nil {
					t.Fatalf("round: %v", err)
				}
				failure, check := judge(t, k, res, false)
				faults.Reset()
				if failure != "" {
					fig.defectsCaught.Add(1)
					first, _, _ := strings.Cut(failure, "\n")
					t.Logf("caught in round %d (%d ops, %d objects not linearizable): %s", r, check.Ops, len(check.Illegal), first)
					return
				}
				t.Logf("round %d: %d ops and the defect went unnoticed", r, check.Ops)
			}
			t.Fatalf("the %s defect went unnoticed in %d rounds: the harness cannot see it", tc.defect, attempts)
		})
	}
}
