package kevy

import (
	"context"

	"github.com/kevydb/kevy/internal/faults"
	"github.com/kevydb/kevy/resp"
)

// faultSplit is the actor engine's EarlyRelease defect (package
// internal/faults), for the stress harness's proof that its checks fail: a
// multi-key command that spans shards runs one shard at a time, each
// shard's hold released as soon as its part ran. ok is false when the
// defect is off or the command does not split; r is then untouched.
func (e *actorEngine) faultSplit(ctx context.Context, r *request) (resp.Reply, bool, error) {
	if !faults.Has(faults.EarlyRelease) {
		return resp.Reply{}, false, nil
	}
	rep, ok, err := faults.RunSplit(e.router, r.cmd, r.args, func(i int, args []string) (resp.Reply, error) {
		rep, _, _, err := e.coordinateRun(ctx, []int{i}, r.db, r.cmd, args, r.cl, nil)
		return rep, err
	})
	if ok {
		e.put(r)
	}
	return rep, ok, err
}
