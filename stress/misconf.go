package stress

import (
	"strings"

	"github.com/kevydb/kevy/shard"
)

// Writes refused by a failed log. A shard whose append-only file fails
// answers MISCONF to the writes of the batch whose commit failed, which
// were applied in memory, and from then on refuses every write before
// running it, until the log recovers. So a MISCONF reply by itself does
// not say whether the write took effect, but one to a call made after its
// shard had already answered MISCONF to someone does: that call found the
// log failed and was not run. refineMisconf uses this to keep the number
// of writes of unknown outcome small (each one multiplies the states the
// checker must consider).

// refused reports whether a canonical reply is a MISCONF refusal, or an
// EXEC reply holding one.
func refused(reply string) bool {
	if strings.HasPrefix(reply, "-MISCONF ") {
		return true
	}
	elems, ok := arrElems(reply)
	if !ok {
		return false
	}
	for _, e := range elems {
		if strings.HasPrefix(e, "-MISCONF ") {
			return true
		}
	}
	return false
}

// objShards returns the shards an object's keys live on.
func (h *History) objShards(obj string, r shard.Router) []int {
	if strings.HasPrefix(obj, keyObj) {
		rest := obj[len(keyObj):]
		_, key, _ := strings.Cut(rest, "/")
		return []int{r.Shard(key)}
	}
	return h.ObjShards[obj]
}

// refineMisconf marks as refused (no effect, outcome known) every MISCONF
// reply to a call made after one of the shards it needed had answered
// MISCONF to a single-key write outside a transaction (so because of its
// own log) already.
func (h *History) refineMisconf() {
	r := shard.NewRouter(h.Shards)
	first := map[int]int64{} // shard -> earliest return of a MISCONF reply
	for _, op := range h.Ops {
		if !op.Unknown || !refused(op.Reply) || !strings.HasPrefix(op.Obj, keyObj) || op.Tx {
			continue // in a transaction, another key's shard may have refused it
		}
		sh := h.objShards(op.Obj, r)[0]
		if t, ok := first[sh]; !ok || op.Return < t {
			first[sh] = op.Return
		}
	}
	for i := range h.Ops {
		op := &h.Ops[i]
		if !op.Unknown || !refused(op.Reply) {
			continue
		}
		for _, sh := range h.objShards(op.Obj, r) {
			if t, ok := first[sh]; ok && op.Call > t {
				op.Unknown = false
				break
			}
		}
	}
}
