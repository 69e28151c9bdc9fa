package locked

import (
	"github.com/kevydb/kevy/internal/faults"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// faultSplit is the SkipLock defect (package internal/faults), for the
// stress harness's proof that its checks fail: a multi-key command that
// spans shards runs with one shard's lock at a time instead of all of
// them, so it is not atomic. ok is false when the defect is off or the
// command does not split; c is then untouched.
func (e *Engine) faultSplit(c *shard.Ctx) (resp.Reply, bool, error) {
	if !faults.Has(faults.SkipLock) {
		return resp.Reply{}, false, nil
	}
	return faults.RunSplit(e.router, c.Cmd, c.Args, func(i int, args []string) (resp.Reply, error) {
		part := e.getCtx(c.DB, c.Client, c.Cmd, args)
		defer e.putCtx(part)
		return e.one(part, i)
	})
}
