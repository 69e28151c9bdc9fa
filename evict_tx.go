package kevy

import (
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// reserveForExec checks the memory limit once for a transaction, before
// its commands run, as Redis checks EXEC: when a queued command is flagged
// denyoom and the store is over its limit, keys are evicted from the held
// shards; if that fails, the whole transaction is discarded with
// EXECABORT and Redis's OOM error. Once it passed, the queued commands run
// without further checks, so a transaction is never cut in the middle.
func reserveForExec(g *shard.Ctx, queue []queued) (resp.Reply, bool) {
	need := false
	for _, q := range queue {
		if q.cmd.Flags&shard.FlagDenyOOM != 0 {
			need = true
			break
		}
	}
	if !need {
		return resp.Reply{}, true
	}
	rep, ok := g.ReserveMemory()
	if !ok {
		return resp.Err("EXECABORT Transaction discarded because of: " + rep.Str), false
	}
	return resp.Reply{}, true
}
