package stress

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/kevydb/kevy/shard"
)

// Checking a history: it is split into one history per object (a key, an
// MSET group, an account group), and each is checked for linearizability
// against the sequential model with porcupine. The model is
// nondeterministic where Redis is (SPOP, expiry at the edge of a call,
// calls whose outcome is unknown).

// checkResult is what checking a history found.
type checkResult struct {
	Ops      int      // operations checked
	Objects  int      // per-object histories checked
	Illegal  []string // objects whose history is not linearizable
	TimedOut bool     // porcupine gave up: the result is inconclusive
	Visual   string   // an HTML visualization of the first illegal object, if written
}

// ok reports whether the history passed.
func (r checkResult) ok() bool { return len(r.Illegal) == 0 }

// model returns porcupine's model for histories whose objects start as
// init says (missing objects start empty).
func model(init map[string]kstate) porcupine.Model {
	nm := porcupine.NondeterministicModel{
		Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
			by := map[string][]porcupine.Operation{}
			var names []string
			for _, op := range history {
				obj := op.Input.(*Op).Obj
				if _, seen := by[obj]; !seen {
					names = append(names, obj)
				}
				by[obj] = append(by[obj], op)
			}
			sort.Strings(names)
			out := make([][]porcupine.Operation, len(names))
			for i, n := range names {
				out[i] = by[n]
			}
			return out
		},
		Init: func() []any { return []any{kstate{T: tInit}} },
		Step: func(state, input, _ any) []any {
			return step(init, state.(kstate), input.(*Op))
		},
		Equal: func(a, b any) bool { return a.(kstate) == b.(kstate) },
		DescribeOperation: func(input, _ any) string {
			op := input.(*Op)
			out := strings.Join(op.Args, " ") + " -> "
			if op.Unknown {
				return out + "(unknown)"
			}
			return out + strings.ReplaceAll(op.Reply, sepArr, ", ")
		},
		DescribeState: func(state any) string { return state.(kstate).String() },
	}
	return nm.ToModel()
}

// step applies one op to one state: the possible next states.
func step(init map[string]kstate, st kstate, op *Op) []any {
	if st.T == tInit {
		st = init[op.Obj]
	}
	if !op.Unknown && refused(op.Reply) {
		return []any{st} // refused before it ran: see misconf.go
	}
	var outs []outcome
	switch {
	case strings.HasPrefix(op.Obj, keyObj):
		outs = apply(st, op.Args, op.CallMs, op.RetMs)
	case strings.HasPrefix(op.Obj, groupObj):
		outs = applyGroup(st, op.Args)
	case strings.HasPrefix(op.Obj, acctObj):
		outs = applyAcct(st, op.Args)
	}
	var next []any
	if op.Unknown {
		next = append(next, st) // it may not have happened
	}
	for _, o := range outs {
		if op.Unknown || o.accepts(op.Reply) {
			next = append(next, o.next)
		}
	}
	return next
}

// operations converts a history to porcupine's form.
func operations(ops []Op) []porcupine.Operation {
	out := make([]porcupine.Operation, len(ops))
	for i := range ops {
		op := &ops[i]
		ret := op.Return
		if ret < 0 {
			ret = math.MaxInt64
		}
		out[i] = porcupine.Operation{ClientId: op.Client, Input: op, Call: op.Call, Output: op, Return: ret}
	}
	return out
}

// checkHistory checks h. When it fails, the objects at fault are found
// and, with visual, the first one's visualization written under failDir.
func checkHistory(h *History, timeout time.Duration, visual bool) checkResult {
	m := model(h.Init)
	ops := operations(h.Ops)
	res := checkResult{Ops: len(ops), Objects: len(m.Partition(ops))}
	switch porcupine.CheckOperationsTimeout(m, ops, timeout) {
	case porcupine.Ok:
		return res
	case porcupine.Unknown:
		res.TimedOut = true
		return res
	}
	for _, part := range m.Partition(ops) {
		result, info := porcupine.CheckOperationsVerbose(m, part, timeout)
		if result != porcupine.Illegal {
			continue
		}
		obj := part[0].Input.(*Op).Obj
		res.Illegal = append(res.Illegal, obj)
		if visual && res.Visual == "" {
			res.Visual = visualize(h, obj, m, info)
		}
	}
	if len(res.Illegal) == 0 {
		res.Illegal = []string{"(the whole history; no single object failed alone)"}
	}
	return res
}

// visualize writes porcupine's HTML view of one object's history; it
// returns the file's path, or a note of why it could not.
func visualize(h *History, obj string, m porcupine.Model, info porcupine.LinearizationInfo) string {
	dir := failDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "(no visualization: " + err.Error() + ")"
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d-seed%d-%s.html", sanitize(h.Test), h.Engine, h.Shards, h.Seed, sanitize(obj)))
	if err := porcupine.VisualizePath(m, info, path); err != nil {
		return "(no visualization: " + err.Error() + ")"
	}
	return path
}

// describeObject lists one object's operations in call order, for a
// failure message (at most limit of them, the last ones).
func describeObject(h *History, obj string, limit int) string {
	var ops []Op
	for _, op := range h.Ops {
		if op.Obj == obj {
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Call < ops[j].Call })
	if len(ops) > limit {
		ops = ops[len(ops)-limit:]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "initial state %s\n", h.Init[obj])
	for _, op := range ops {
		ret := "never"
		if op.Return >= 0 {
			ret = fmt.Sprintf("%.3fms", float64(op.Return)/1e6)
		}
		reply := strings.ReplaceAll(op.Reply, sepArr, ", ")
		if op.Unknown {
			reply = "(unknown)"
		}
		fmt.Fprintf(&b, "  w%-2d [%.3fms .. %s] %s -> %s\n", op.Client, float64(op.Call)/1e6, ret,
			strings.Join(op.Args, " "), reply)
	}
	return b.String()
}

// explain describes why obj's history fails: the end of the longest
// prefix porcupine could linearize, with the model's possible states
// after each step, and the operations that could come next, none of which
// the model allows.
func explain(h *History, obj string, steps int) string {
	var ops []Op
	for _, op := range h.Ops {
		if op.Obj == obj {
			ops = append(ops, op)
		}
	}
	m := model(h.Init)
	res, info := porcupine.CheckOperationsVerbose(m, operations(ops), 0)
	if res != porcupine.Illegal {
		return "(linearizable on its own)"
	}
	var best []porcupine.Operation
	for _, part := range info.PartialLinearizationsOperations() {
		for _, l := range part {
			if len(l) > len(best) {
				best = l
			}
		}
	}
	var b strings.Builder
	states := []kstate{{T: tInit}}
	for i, o := range best {
		op := o.Input.(*Op)
		var next []kstate
		for _, s := range states {
			for _, n := range step(h.Init, s, op) {
				if k := n.(kstate); !slices.Contains(next, k) {
					next = append(next, k)
				}
			}
		}
		states = next
		if i >= len(best)-steps {
			fmt.Fprintf(&b, "  %s\n      -> %v\n", m.DescribeOperation(op, op), states)
		}
	}
	fmt.Fprintf(&b, "linearized %d of %d operations; none of those that may come next fits:\n", len(best), len(ops))
	done := map[*Op]bool{}
	for _, o := range best {
		done[o.Input.(*Op)] = true
	}
	var minRet int64 = math.MaxInt64
	for i := range ops {
		if op := &ops[i]; !done[op] && op.Return >= 0 {
			minRet = min(minRet, op.Return)
		}
	}
	for i := range ops {
		if op := &ops[i]; !done[op] && op.Call <= minRet {
			fmt.Fprintf(&b, "  w%d [%.3fms] %s\n", op.Client, float64(op.Call)/1e6, m.DescribeOperation(op, op))
		}
	}
	return b.String()
}

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

// opShards returns the shards of the keys an operation touches: its key's,
// an MSET group's (all of its keys), or the two accounts of a transfer.
func (h *History) opShards(op *Op, r shard.Router) []int {
	switch {
	case strings.HasPrefix(op.Obj, keyObj):
		_, key, _ := strings.Cut(op.Obj[len(keyObj):], "/")
		return []int{r.Shard(key)}
	case strings.HasPrefix(op.Obj, acctObj) && len(op.Args) >= 3:
		all := h.ObjShards[op.Obj]
		var out []int
		for _, a := range op.Args[1:3] {
			if i, err := strconv.Atoi(a); err == nil && i >= 0 && i < len(all) {
				out = append(out, all[i])
			}
		}
		return out
	}
	return h.ObjShards[op.Obj]
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
		sh := h.opShards(&op, r)[0]
		if t, ok := first[sh]; !ok || op.Return < t {
			first[sh] = op.Return
		}
	}
	for i := range h.Ops {
		op := &h.Ops[i]
		if !op.Unknown || !refused(op.Reply) {
			continue
		}
		for _, sh := range h.opShards(op, r) {
			if t, ok := first[sh]; ok && op.Call > t {
				op.Unknown = false
				break
			}
		}
	}
}
