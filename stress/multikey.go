package stress

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kevydb/kevy"
)

// The workers' multi-key operations: MSET groups (all-or-nothing) and
// account transfers (a constant total), and the final sweep that reads
// every object once the workers stopped.

func (w *worker) groupOp() {
	g := w.l.groups[w.g.r.IntN(len(w.l.groups))]
	c := w.conns[g.db]
	ctx, cancel := w.callCtx()
	defer cancel()
	n := strconv.Itoa(len(g.keys))
	s := w.rec.begin()
	switch x := w.g.r.IntN(10); {
	case x < 3 || x == 4:
		tok := w.g.token()
		args := []string{"MSET"}
		for _, k := range g.keys {
			args = append(args, k, tok)
		}
		name := "MSET"
		if x == 4 {
			name, args[0] = "MSETNX", "MSETNX"
		}
		w.rec.end(g.obj, []string{name, tok}, s, c.Exec(ctx, args...))
	case x == 3:
		w.rec.end(g.obj, []string{"DEL", n}, s, c.Exec(ctx, append([]string{"DEL"}, g.keys...)...))
	case x == 5:
		reps, _, ok := w.txn(ctx, c, append([]string{"MGET"}, g.keys...))
		if ok {
			w.checkAllOrNothing(g, reps[0])
			w.rec.end(g.obj, []string{"MGET", n}, s, reps[0])
		}
	default:
		rep := c.Exec(ctx, append([]string{"MGET"}, g.keys...)...)
		w.checkAllOrNothing(g, rep)
		w.rec.end(g.obj, []string{"MGET", n}, s, rep)
	}
}

// checkAllOrNothing: an MGET of a group sees every key equal.
func (w *worker) checkAllOrNothing(g multiDef, rep kevy.Reply) {
	if rep.Kind != kevy.ReplyArray {
		return
	}
	fig.observations.Add(1)
	for _, e := range rep.Elems[1:] {
		if e.Kind != rep.Elems[0].Kind || e.Str != rep.Elems[0].Str {
			w.note(fmt.Sprintf("worker %d: MGET of %s saw a partial write: %s", w.id, g.obj, canon(rep)))
			return
		}
	}
}

func (w *worker) acctOp() {
	a := w.l.accts[w.g.r.IntN(len(w.l.accts))]
	c := w.conns[a.db]
	ctx, cancel := w.callCtx()
	defer cancel()
	i := w.g.r.IntN(len(a.keys))
	j := (i + 1 + w.g.r.IntN(len(a.keys)-1)) % len(a.keys)
	amount := w.g.n(1, 20)
	switch x := w.g.r.IntN(10); {
	case x < 4:
		s := w.rec.begin()
		_, raw, ok := w.txn(ctx, c,
			[]string{"INCRBY", a.keys[i], strconv.Itoa(-amount)},
			[]string{"INCRBY", a.keys[j], strconv.Itoa(amount)})
		if ok {
			w.rec.end(a.obj, []string{"XFER", strconv.Itoa(i), strconv.Itoa(j), strconv.Itoa(amount)}, s, raw)
		}
	case x < 6:
		w.watchedTransfer(ctx, c, a, i, j, amount)
	default:
		all := make([]string, len(a.keys))
		idx := make([]string, len(a.keys))
		for k := range a.keys {
			all[k], idx[k] = a.keys[k], strconv.Itoa(k)
		}
		s := w.rec.begin()
		var rep kevy.Reply
		if x < 8 {
			reps, _, ok := w.txn(ctx, c, append([]string{"MGET"}, all...))
			if !ok {
				return
			}
			rep = reps[0]
		} else {
			rep = c.Exec(ctx, append([]string{"MGET"}, all...)...)
		}
		w.checkTotal(a, rep)
		w.rec.end(a.obj, append([]string{"MGET"}, idx...), s, rep)
	}
}

// watchedTransfer moves amount from account i to j optimistically: WATCH
// both, read both, then MULTI/SET/SET/EXEC, which aborts if either
// changed in between.
func (w *worker) watchedTransfer(ctx context.Context, c *kevy.Conn, a multiDef, i, j, amount int) {
	defer c.Exec(context.Background(), "UNWATCH")
	if r := c.Exec(ctx, "WATCH", a.keys[i], a.keys[j]); r.Kind != kevy.ReplyStatus {
		return
	}
	s := w.rec.begin()
	rep := c.Exec(ctx, "MGET", a.keys[i], a.keys[j])
	si, sj := strconv.Itoa(i), strconv.Itoa(j)
	if w.rec.end(a.obj, []string{"MGET", si, sj}, s, rep) != fateReply || rep.Kind != kevy.ReplyArray {
		return
	}
	vi, ok1 := parseInt(rep.Elems[0].Str)
	vj, ok2 := parseInt(rep.Elems[1].Str)
	if !ok1 || !ok2 {
		w.note(fmt.Sprintf("worker %d: account %s holds %s", w.id, a.obj, canon(rep)))
		return
	}
	s = w.rec.begin()
	_, raw, ok := w.txn(ctx, c,
		[]string{"SET", a.keys[i], itoa(vi - int64(amount))},
		[]string{"SET", a.keys[j], itoa(vj + int64(amount))})
	if ok {
		w.rec.end(a.obj, []string{"WXFER", si, sj, itoa(vi), itoa(vj), strconv.Itoa(amount)}, s, raw)
	}
}

// checkTotal: an observation of every account sums to the initial total.
func (w *worker) checkTotal(a multiDef, rep kevy.Reply) {
	if rep.Kind != kevy.ReplyArray {
		return
	}
	fig.observations.Add(1)
	var sum int64
	for _, e := range rep.Elems {
		v, ok := parseInt(e.Str)
		if !ok {
			w.note(fmt.Sprintf("worker %d: account group %s holds %s", w.id, a.obj, canon(rep)))
			return
		}
		sum += v
	}
	if want := int64(acctInitial * len(a.keys)); sum != want {
		w.note(fmt.Sprintf("worker %d: accounts %s sum to %d, not %d: %s", w.id, a.obj, sum, want, canon(rep)))
	}
}

// sweep reads every object once, after the workers stopped, so that the
// final state is checked too.
func (w *worker) sweep(ctx context.Context) error {
	for _, k := range w.l.keys {
		c := w.conns[k.db]
		s := w.rec.begin()
		t := c.Exec(ctx, "TYPE", k.name)
		w.rec.end(k.obj, []string{"TYPE", k.name}, s, t)
		var args []string
		switch t.Str {
		case "string":
			args = []string{"GET", k.name}
		case "list":
			args = []string{"LRANGE", k.name, "0", "-1"}
		case "hash":
			args = []string{"HGETALL", k.name}
		case "set":
			args = []string{"SMEMBERS", k.name}
		case "zset":
			args = []string{"ZRANGE", k.name, "0", "-1", "WITHSCORES"}
		}
		for _, a := range [][]string{args, {"PEXPIRETIME", k.name}} {
			if a == nil {
				continue
			}
			s := w.rec.begin()
			r := c.Exec(ctx, a...)
			if r.Kind == kevy.ReplyError && classify(r) != fateReply {
				return fmt.Errorf("stress: sweep: %s", r.Str)
			}
			w.rec.end(k.obj, a, s, r)
		}
	}
	for _, g := range w.l.groups {
		s := w.rec.begin()
		rep := w.conns[g.db].Exec(ctx, append([]string{"MGET"}, g.keys...)...)
		w.checkAllOrNothing(g, rep)
		w.rec.end(g.obj, []string{"MGET", strconv.Itoa(len(g.keys))}, s, rep)
	}
	for _, a := range w.l.accts {
		idx := make([]string, len(a.keys))
		for k := range idx {
			idx[k] = strconv.Itoa(k)
		}
		s := w.rec.begin()
		rep := w.conns[a.db].Exec(ctx, append([]string{"MGET"}, a.keys...)...)
		w.checkTotal(a, rep)
		w.rec.end(a.obj, append([]string{"MGET"}, idx...), s, rep)
	}
	return nil
}
