package stress

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/shard"
	"golang.org/x/sync/errgroup"
)

// The linearizability workload: workers (an errgroup) issue random
// operations of every active family on the layout's keys, plus
// transactions and multi-key commands on its groups, each worker through
// its own connections (one per database), and record a history.

// roundConfig describes one round.
type roundConfig struct {
	test       string
	engine     kevy.Engine
	shards     int
	seed       uint64
	round      int
	workers    int
	dur        time.Duration
	cancelRate float64          // fraction of calls made with a deadline that may cut them short
	dir        string           // data directory; "" = in memory
	fsync      kevy.FsyncPolicy // for dir
	// during, when set, runs alongside the workers (fault injection); it
	// must return when ctx ends.
	during func(ctx context.Context, db *kevy.Store) error
	// before, when set, runs after the workers stopped, before the final
	// sweep (recovery of a fault).
	before func(db *kevy.Store) error
}

// roundResult is a finished round: its history and what checking found.
type roundResult struct {
	h       *History
	check   checkResult
	notes   []string // invariant violations seen while running
	workErr error    // a worker's panic or a store error
	db      *kevy.Store
}

// runRound opens a store, runs the workload, sweeps the final state into
// the history, and returns the open store (the caller closes it).
func runRound(rc roundConfig, fams []*family) (*roundResult, error) {
	db, err := kevy.Open(kevy.Config{Engine: rc.engine, Shards: rc.shards, Dir: rc.dir, Fsync: rc.fsync})
	if err != nil {
		return nil, err
	}
	l := newLayout(rc.shards, fams)
	start := time.Now()
	h := &History{Test: rc.test, Engine: rc.engine.String(), Shards: rc.shards, Seed: rc.seed, Round: rc.round,
		Started: start, Init: l.init(), Dir: rc.dir}
	h.ObjShards = map[string][]int{}
	router := shard.NewRouter(rc.shards)
	for _, m := range append(append([]multiDef(nil), l.groups...), l.accts...) {
		for _, k := range m.keys {
			h.ObjShards[m.obj] = append(h.ObjShards[m.obj], router.Shard(k))
		}
	}
	res := &roundResult{h: h, db: db}
	ctx := context.Background()
	for _, a := range l.accts {
		c := db.Conn()
		if err := c.Select(ctx, a.db); err != nil {
			return res, err
		}
		args := []string{"MSET"}
		for _, k := range a.keys {
			args = append(args, k, strconv.Itoa(acctInitial))
		}
		if r := c.Exec(ctx, args...); r.Kind != kevy.ReplyStatus {
			return res, fmt.Errorf("stress: prefill: %s", r.Str)
		}
		c.Close()
	}

	runCtx, stop := context.WithTimeout(ctx, rc.dur)
	defer stop()
	g, gctx := errgroup.WithContext(runCtx)
	workers := make([]*worker, rc.workers)
	var notesMu sync.Mutex
	note := func(s string) {
		notesMu.Lock()
		res.notes = append(res.notes, s)
		notesMu.Unlock()
	}
	for i := range workers {
		w := newWorker(i, rc, db, l, start, note)
		workers[i] = w
		g.Go(func() error { return w.run(gctx) })
	}
	if rc.during != nil {
		g.Go(func() error { return rc.during(gctx, db) })
	}
	res.workErr = g.Wait()
	for _, w := range workers {
		h.Ops = append(h.Ops, w.rec.ops...)
	}
	if res.workErr == nil && rc.before != nil {
		res.workErr = rc.before(db)
	}
	if res.workErr == nil {
		sw := newWorker(rc.workers, rc, db, l, start, note)
		res.workErr = sw.sweep(ctx)
		h.Ops = append(h.Ops, sw.rec.ops...)
	}
	h.Notes = res.notes
	h.refineMisconf()
	return res, nil
}

// worker runs random operations and records them.
type worker struct {
	id    int
	rc    roundConfig
	l     *layout
	g     *gen
	rec   recorder
	conns map[int]*kevy.Conn
	last  int // index of the last single key used
	note  func(string)
}

func newWorker(id int, rc roundConfig, db *kevy.Store, l *layout, start time.Time, note func(string)) *worker {
	w := &worker{id: id, rc: rc, l: l, g: newGen(rc.seed, id), rec: recorder{start: start, client: id},
		conns: map[int]*kevy.Conn{}, last: -1, note: note}
	for _, d := range dbs {
		c := db.Conn()
		if err := c.Select(context.Background(), d); err != nil {
			panic(err) // dbs are within the default 16
		}
		w.conns[d] = c
	}
	return w
}

// run issues operations until ctx ends. A panic is turned into an error
// (the history recorded so far is kept).
func (w *worker) run(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("stress: worker %d panicked: %v\n%s", w.id, p, debug.Stack())
			w.note(err.Error())
		}
	}()
	for ctx.Err() == nil {
		switch k := w.g.r.IntN(100); {
		case k < 62:
			w.single()
		case k < 70:
			w.pipeline()
		case k < 76:
			w.multi()
		case k < 84:
			w.groupOp()
		default:
			w.acctOp()
		}
	}
	return nil
}

// callCtx returns the context for one call: with probability cancelRate,
// one with a deadline of up to two milliseconds.
func (w *worker) callCtx() (context.Context, context.CancelFunc) {
	if w.rc.cancelRate > 0 && w.g.chance(w.rc.cancelRate) {
		return context.WithTimeout(context.Background(), time.Duration(w.g.r.IntN(2000))*time.Microsecond)
	}
	return context.Background(), func() {}
}

// pickKey returns a key: often the last one again (read your writes), half
// of the time one of the first eight keys of its database (contention).
func (w *worker) pickKey() lkey {
	if w.last >= 0 && w.g.chance(0.4) {
		return w.l.keys[w.last]
	}
	db := dbs[w.g.r.IntN(len(dbs))]
	idx := w.l.perDB[db]
	i := idx[w.g.r.IntN(len(idx))]
	if w.g.chance(0.5) {
		i = idx[w.g.r.IntN(min(8, len(idx)))]
	}
	w.last = i
	return w.l.keys[i]
}

// keyCmd returns a random command on k: its family's, now and then a
// generic key command or another family's (WRONGTYPE).
func (w *worker) keyCmd(k lkey) []string {
	switch x := w.g.r.IntN(100); {
	case x < 12:
		return genericCmd(w.g, k.name)
	case x < 16:
		fams, _ := activeFamilies()
		return fams[w.g.r.IntN(len(fams))].gen(w.g, k.name)
	}
	return k.fam.gen(w.g, k.name)
}

func (w *worker) single() {
	k := w.pickKey()
	args := w.keyCmd(k)
	ctx, cancel := w.callCtx()
	defer cancel()
	s := w.rec.begin()
	rep := w.conns[k.db].Exec(ctx, args...)
	w.rec.end(k.obj, args, s, rep)
}

// batchCmds draws n commands on random keys of database db.
func (w *worker) batchCmds(db, n int) ([]lkey, [][]string) {
	keys := make([]lkey, n)
	cmds := make([][]string, n)
	for i := range keys {
		keys[i] = w.l.keys[w.l.perDB[db][w.g.r.IntN(len(w.l.perDB[db]))]]
		cmds[i] = w.keyCmd(keys[i])
	}
	return keys, cmds
}

// pipeline sends 2 to 6 single-key commands of one database as a pipeline.
func (w *worker) pipeline() {
	db := dbs[w.g.r.IntN(len(dbs))]
	keys, cmds := w.batchCmds(db, w.g.n(2, 6))
	ctx, cancel := w.callCtx()
	defer cancel()
	s := w.rec.begin()
	reps := w.conns[db].ExecPipeline(ctx, cmds...)
	for i := range cmds {
		w.rec.end(keys[i].obj, cmds[i], s, reps[i])
	}
}

// multi runs 1 to 4 single-key commands of one database in MULTI/EXEC.
func (w *worker) multi() {
	db := dbs[w.g.r.IntN(len(dbs))]
	c := w.conns[db]
	keys, cmds := w.batchCmds(db, w.g.n(1, 4))
	ctx, cancel := w.callCtx()
	defer cancel()
	s := w.rec.begin()
	reps, _, ok := w.txn(ctx, c, cmds...)
	if !ok {
		return
	}
	w.rec.inTx = true
	for i := range cmds {
		w.rec.end(keys[i].obj, cmds[i], s, reps[i])
	}
	w.rec.inTx = false
}

// txn runs cmds in MULTI/EXEC on c and returns EXEC's reply (raw) and
// its elements, one per command, or raw repeated when EXEC failed. ok is
// false when the transaction could not be set up (nothing to record).
func (w *worker) txn(ctx context.Context, c *kevy.Conn, cmds ...[]string) (reps []kevy.Reply, raw kevy.Reply, ok bool) {
	if r := c.Exec(ctx, "MULTI"); r.Kind != kevy.ReplyStatus {
		w.note(fmt.Sprintf("worker %d: MULTI: %s", w.id, r.Str))
		return nil, r, false
	}
	for _, cmd := range cmds {
		if r := c.Exec(ctx, cmd...); r.Kind != kevy.ReplyStatus || r.Str != "QUEUED" {
			w.note(fmt.Sprintf("worker %d: queueing %q: %s", w.id, cmd, canon(r)))
			c.Exec(context.Background(), "DISCARD")
			return nil, r, false
		}
	}
	raw = c.Exec(ctx, "EXEC")
	reps = make([]kevy.Reply, len(cmds))
	if raw.Kind == kevy.ReplyArray && len(raw.Elems) == len(cmds) {
		copy(reps, raw.Elems)
	} else {
		for i := range reps {
			reps[i] = raw // an engine failure, an aborted EXEC
		}
	}
	return reps, raw, true
}
