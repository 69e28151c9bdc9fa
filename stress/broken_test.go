package stress

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/faults"
)

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
