package kevy

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kevydb/kevy/actor"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/faults"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// The actor engine: one goroutine per shard owns that shard's keyspace;
// callers reach it through its mailbox. Commands whose keys live on one
// shard travel as one message; commands spanning shards are run by the
// calling goroutine acting as coordinator, which holds the shards involved
// in ascending order; fan-out commands send one message per shard and merge
// the replies.

// Mailbox and batch sizes of a shard actor.
const (
	mailboxSize = 1024
	maxBatch    = 128
)

// Reaper cadence: shard.Runtime's hz (Redis's default 10, CONFIG SET hz),
// with active expiry using up to 25% of a tick.

type reqKind uint8

const (
	reqExec  reqKind = iota // run cmd with args
	reqFunc                 // run fn against the keyspace
	reqHold                 // park for a coordinator
	reqBatch                // run items, a pipeline's commands for this shard, in order
)

// request is a message to a shard actor. Requests are pooled per engine and
// reused only after their completion was received.
type request struct {
	actor.Call
	kind   reqKind
	db     int
	cmd    *shard.Command
	cl     *shard.Client
	args   []string
	reply  resp.Reply
	fn     func(ks *shard.Keyspace)
	hold   *actor.Hold
	waiter *shard.Waiter     // set when the command blocked
	items  []shard.BatchItem // reqBatch: this shard's commands of a pipeline
	argbuf [6]string
}

func (r *request) setArgs(args []string) {
	if len(args) <= len(r.argbuf) {
		r.args = r.argbuf[:len(args)]
	} else {
		r.args = make([]string, len(args))
	}
	copy(r.args, args)
}

func (r *request) reset() {
	clear(r.argbuf[:])
	r.args, r.cmd, r.cl, r.fn, r.hold, r.waiter, r.items = nil, nil, nil, nil, nil, nil, nil
	r.reply = resp.Reply{}
}

// shardActor is the handler of one shard's actor: the sole owner of ks.
type shardActor struct {
	id   int
	act  *actor.Actor[*request]
	ks   *shard.Keyspace
	log  *aof.Log  // nil for an in-memory store
	ctx  shard.Ctx // reused for every command the loop runs
	n    int       // number of shards
	eng  *actorEngine
	load loadMeter // time spent working, for Stats; see engine_stats.go
	sync *syncer   // pipelined group commit under FsyncAlways; nil in memory

	closeErr error // from closing the log; read after the actor stopped
}

// Handle runs a drained batch: each request in order; before a hold, and
// at the end, the effects are committed and the requests completed.
func (s *shardActor) Handle(batch []*request) {
	defer s.load.since(s.load.begin())
	broken := faults.Enabled() // test-only defects: one atomic load per batch
	start := 0
	for i, r := range batch {
		switch r.kind {
		case reqExec:
			if s.log != nil && r.cmd.Flags&shard.FlagWrite != 0 {
				if err := s.log.Err(); err != nil {
					r.reply = resp.Err(aof.MisconfText(err))
					continue
				}
			}
			if r.cmd == cmdGet && !broken && len(r.args) == 2 {
				// GET without the Ctx (shard.Keyspace.GetFast); it declines
				// what only the general path does right.
				if v, found, ok := s.ks.GetFast(r.db, r.args[1], false); ok {
					if found {
						r.reply = resp.Reply{Kind: resp.Bulk, Str: v}
					} else {
						r.reply = resp.NilReply
					}
					continue
				}
			}
			c := &s.ctx
			c.Bind(s.ks, s.n)
			c.DB, c.Cmd, c.Args, c.Client = r.db, r.cmd, r.args, r.cl
			if broken {
				r.reply = faults.Run(c, s.ks)
			} else {
				r.reply = c.Run()
			}
			if b := c.Blocked(); b != nil {
				w := shard.NewWaiter(r.db, r.cmd, r.args, r.cl, *b, true)
				s.ks.AddWaiter(w, b.Keys)
				r.waiter = w
			}
			c.Args, c.Client = nil, nil
			if s.ks.HasReady() {
				s.ks.ServeReady(c, s.n)
			}
		case reqFunc:
			r.fn(s.ks)
			if s.ks.HasReady() {
				s.ks.ServeReady(&s.ctx, s.n)
			}
		case reqBatch:
			s.runItems(r)
		case reqHold:
			s.complete(batch[start:i])
			start = i + 1
			h := r.hold
			s.eng.put(r) // hold messages get no completion: the Hold is the reply
			h.Park()
		}
	}
	s.complete(batch[start:])
}

// runItems runs a pipeline's commands for this shard, in order.
func (s *shardActor) runItems(r *request) {
	c := &s.ctx
	failed := s.log != nil && s.log.Err() != nil
	for i := range r.items {
		it := &r.items[i]
		if failed && it.Cmd.Flags&shard.FlagWrite != 0 {
			it.Reply = resp.Err(aof.MisconfText(s.log.Err()))
			continue
		}
		c.Bind(s.ks, s.n)
		c.DB, c.Cmd, c.Args, c.Client = r.db, it.Cmd, it.Args, r.cl
		c.NoBlock = true
		it.Reply = c.Run()
		c.NoBlock = false
		c.Blocked()
	}
	c.Args, c.Client = nil, nil
	if s.ks.HasReady() {
		s.ks.ServeReady(c, s.n)
	}
}

// complete makes the effects of reqs durable as the policy requires, then
// answers them.
func (s *shardActor) complete(reqs []*request) {
	if s.sync != nil && s.log.Fsync() == aof.FsyncAlways {
		s.completeLater(reqs)
		return
	}
	if err := commitEffects(s.ks, s.log); err != nil {
		misconf(reqs, err)
		s.eng.logger.Error("kevy: AOF write failed; writes refused until it recovers", "shard", s.id, "err", err)
	}
	s.ks.DeliverServed()
	for _, r := range reqs {
		if r.kind != reqHold {
			r.Complete()
		}
	}
}

// completeLater is complete under FsyncAlways: the effects are written now
// and the batch is answered by the syncer after its fsync (engine_sync.go).
func (s *shardActor) completeLater(reqs []*request) {
	var err error
	wrote := false
	if eff := s.ks.Effects(); len(eff) > 0 {
		s.log.Append(eff)
		s.ks.ClearEffects()
		err = s.log.CommitNoSync()
		wrote = true
	}
	if !wrote && s.sync.pending.Load() == 0 {
		// Nothing to make durable, and nothing earlier awaits its fsync:
		// the batch's reads saw only durable data.
		s.ks.DeliverServed()
		for _, r := range reqs {
			if r.kind != reqHold {
				r.Complete()
			}
		}
		return
	}
	var out []*request
	for _, r := range reqs {
		if r.kind != reqHold {
			out = append(out, r)
		}
	}
	served := s.ks.TakeServed()
	if err != nil {
		s.eng.logger.Error("kevy: AOF write failed; writes refused until it recovers", "shard", s.id, "err", err)
		misconf(out, err)
	}
	if len(out) == 0 && served == nil {
		return
	}
	b := syncBatch{reqs: out, served: served}
	if err == nil && s.sync.pending.Load() == 0 && s.act.Queued() == 0 {
		// Nobody else is waiting: fsync here, saving the hand-off to the
		// syncer (a goroutine wake-up) on the latency of a lone writer.
		if err = s.log.SyncIfDirty(); err != nil {
			s.eng.logger.Error("kevy: AOF fsync failed; writes refused until it recovers", "shard", s.id, "err", err)
		}
		answer(b, err)
		return
	}
	s.sync.pending.Add(1)
	s.sync.in <- b
}

// Tick runs active expiry and logs its deletions.
func (s *shardActor) Tick() {
	start := time.Now()
	defer s.load.tick(start)
	now := start.UnixMilli()
	if faults.Enabled() {
		faults.Flush(&s.ctx, s.ks, s.n)
	}
	s.ks.ActiveExpire(now, s.ks.Runtime().ExpireBudget())
	s.ks.MemoryTick()
	s.ks.Idle()
	if err := commitEffects(s.ks, s.log); err != nil {
		s.eng.logger.Error("kevy: AOF write failed during expiry", "shard", s.id, "err", err)
	}
}

// Reject answers a request queued at shutdown.
func (s *shardActor) Reject(r *request) {
	if r.kind == reqHold {
		// A coordinator waits on the hold, not on the request: let it
		// see the actor's exit through Acquire.
		return
	}
	r.reply = resp.Reply{} // kind 0: the caller reads it as ErrClosed
	r.Complete()
}

// Stop runs last on the shard goroutine: the log is synced and closed.
func (s *shardActor) Stop() {
	if s.sync != nil {
		s.sync.stop()
	}
	if s.log != nil {
		if err := s.log.Close(); err != nil {
			s.closeErr = err
		}
	}
}

// commitEffects hands the effects a keyspace recorded to its log and
// commits them: one write(2), plus one fsync under FsyncAlways.
func commitEffects(ks *shard.Keyspace, log *aof.Log) error {
	eff := ks.Effects()
	if log == nil || len(eff) == 0 {
		return nil
	}
	log.Append(eff)
	ks.ClearEffects()
	return log.Commit()
}

// SendHold implements actor.Holder.
func (s *shardActor) SendHold(h *actor.Hold) error {
	r := s.eng.get()
	r.kind, r.hold = reqHold, h
	// The shard recycles the message when it parks (see Handle).
	if err := s.act.Send(context.Background(), r); err != nil {
		s.eng.put(r)
		return err
	}
	return nil
}

// Done implements actor.Holder.
func (s *shardActor) Done() <-chan struct{} { return s.act.Done() }

type actorEngine struct {
	shards   []*shardActor
	router   shard.Router
	pool     sync.Pool // *request
	ctxPool  sync.Pool // *shard.Ctx for coordinated and local commands
	sup      *actor.Supervisor
	wg       sync.WaitGroup
	settings *shard.Settings
	logger   *slog.Logger
	holds    actor.HoldPool
}

// newActorEngine starts one actor per keyspace; logs, when not nil, are
// the shards' append-only files (logs[i] belongs to kss[i]).
func newActorEngine(cfg Config, kss []*shard.Keyspace, logs []*aof.Log, settings *shard.Settings) *actorEngine {
	e := &actorEngine{router: shard.NewRouter(cfg.Shards), sup: actor.NewSupervisor(), settings: settings, logger: cfg.Logger}
	e.pool.New = func() any {
		r := &request{}
		r.Init()
		return r
	}
	e.ctxPool.New = func() any { return &shard.Ctx{} }
	for i, ks := range kss {
		s := &shardActor{
			id:  i,
			act: actor.New[*request](mailboxSize, maxBatch),
			ks:  ks,
			n:   len(kss),
			eng: e,
		}
		if logs != nil {
			s.log = logs[i]
			s.sync = newSyncer(s)
		}
		e.shards = append(e.shards, s)
	}
	for _, s := range e.shards {
		e.wg.Go(func() { s.act.Run(s) })
	}
	e.sup.EveryFunc(kss[0].Runtime().TickInterval, func() {
		settings.Tick(time.Now().UnixMilli())
		for _, s := range e.shards {
			s.act.Tick()
		}
	})
	if logs != nil { // every policy: appendfsync may change at run time
		e.sup.Every(time.Second, func() { syncLogs(logs, cfg.Logger) })
	}
	return e
}

// syncLogs fsyncs the logs that have unsynced writes; it runs on the
// supervisor's goroutine, never on a shard's.
func syncLogs(logs []*aof.Log, logger *slog.Logger) {
	for i, l := range logs {
		if err := l.SyncIfDirty(); err != nil {
			logger.Error("kevy: AOF fsync failed; writes refused until it recovers", "shard", i, "err", err)
		}
	}
}

func (e *actorEngine) get() *request { return e.pool.Get().(*request) }

func (e *actorEngine) put(r *request) {
	r.reset()
	e.pool.Put(r)
}

// exec runs one command for a connection on database db. A command that
// blocked returns its waiter, for the caller to wait on.
func (e *actorEngine) exec(ctx context.Context, db int, cl *shard.Client, cmd *shard.Command, args []string) (resp.Reply, *shard.Waiter, error) {
	if d := ctx.Done(); d != nil {
		select {
		case <-d: // an ended context runs nothing, whatever the route (as the locked engine)
			return resp.Reply{}, nil, ctx.Err()
		default:
		}
	}
	r := e.get()
	r.kind, r.db, r.cmd, r.cl = reqExec, db, cmd, cl
	r.setArgs(args)
	switch cmd.Route {
	case shard.RouteKeys:
		if cmd.First > 0 && cmd.Last == cmd.First && cmd.KeysFn == nil && len(r.args) > cmd.First {
			return e.call(ctx, e.router.Shard(r.args[cmd.First]), r)
		}
		var buf [8]int
		shards := e.router.Shards(cmd, r.args, buf[:0])
		switch len(shards) {
		case 0:
			return e.call(ctx, 0, r)
		case 1:
			return e.call(ctx, shards[0], r)
		}
		if faults.Enabled() {
			if rep, ok, err := e.faultSplit(ctx, r); ok {
				return rep, nil, err
			}
		}
		return e.coordinate(ctx, shards, r)
	case shard.RouteShardFn:
		i, ok := cmd.ShardFn(r.args, len(e.shards))
		if !ok {
			i = 0
		}
		return e.call(ctx, i, r)
	case shard.RouteAll:
		all := make([]int, len(e.shards))
		for i := range all {
			all[i] = i
		}
		return e.coordinate(ctx, all, r)
	case shard.RouteFanout:
		rep, err := e.fanout(ctx, r)
		return rep, nil, err
	case shard.RouteLocal:
		return e.local(r), nil, nil
	}
	e.put(r)
	return shard.UnknownCommand(args), nil, nil
}

// call sends r to shard i and waits for its reply.
func (e *actorEngine) call(ctx context.Context, i int, r *request) (resp.Reply, *shard.Waiter, error) {
	s := e.shards[i]
	if err := s.act.Send(ctx, r); err != nil {
		e.put(r)
		return resp.Reply{}, nil, engineError(err)
	}
	// A blocking command's first reply comes at once (an element, or a
	// registered waiter): wait for it whatever ctx says, so that an
	// element popped for a caller who is giving up is still returned to
	// it rather than lost. Its wait proper watches ctx (Store.waitBlocked).
	waitCtx := ctx
	if r.cmd.Flags&shard.FlagBlocking != 0 {
		waitCtx = context.WithoutCancel(ctx)
	}
	if err := r.Wait(waitCtx, s.act); err != nil {
		// r may still be completed: never reuse it. If it blocked, its
		// waiter is abandoned below, by the shard seeing it claimed.
		go e.abandonLater(r)
		return resp.Reply{}, nil, engineError(err)
	}
	rep, w := r.reply, r.waiter
	e.put(r)
	if w != nil {
		return rep, w, nil
	}
	if rep.Kind == 0 {
		return rep, nil, ErrClosed
	}
	return rep, nil, nil
}

// abandonLater waits for a request whose caller gave up and, if it turned
// out to block, abandons its waiter so no reply is produced for nobody.
func (e *actorEngine) abandonLater(r *request) {
	select {
	case <-r.Call.Done():
	case <-e.sup.Quit():
		return
	}
	if w := r.waiter; w != nil && w.Claim() {
		e.unregister(w)
	}
}

// local runs a command that touches no keyspace on the caller's goroutine.
func (e *actorEngine) local(r *request) resp.Reply {
	c := e.ctxPool.Get().(*shard.Ctx)
	c.BindGroup(e.router, nil)
	c.DB, c.Cmd, c.Args, c.Client = r.db, r.cmd, r.args, r.cl
	rep := r.cmd.Run(c)
	c.Reset()
	e.ctxPool.Put(c)
	e.put(r)
	return rep
}

// coordinate runs r atomically over the given shards (ascending): it holds
// each, runs the command on this goroutine with their keyspaces, serves
// waiters of keys it made ready, and releases them.
func (e *actorEngine) coordinate(ctx context.Context, ids []int, r *request) (resp.Reply, *shard.Waiter, error) {
	rep, w, _, err := e.coordinateRun(ctx, ids, r.db, r.cmd, r.args, r.cl, nil)
	e.put(r)
	return rep, w, err
}

// coordinateRun holds the shards ids and runs one command. retry, when
// set, is a multi-shard waiter whose command is re-run: if it blocks again,
// still is true and nothing changes; if it completes, the waiter is claimed
// and unregistered under the same holds.
func (e *actorEngine) coordinateRun(ctx context.Context, ids []int, db int, cmd *shard.Command, args []string, cl *shard.Client, retry *shard.Waiter) (rep resp.Reply, w *shard.Waiter, still bool, err error) {
	var hbuf [8]actor.Holder
	var holdBuf [8]*actor.Hold
	holders := hbuf[:0]
	for _, id := range ids {
		holders = append(holders, e.shards[id])
	}
	holds, err := e.holds.AcquireAll(ctx, holders, holdBuf[:0])
	if err != nil {
		return resp.Reply{}, nil, false, engineError(err)
	}
	var gbuf [8]*shard.Keyspace
	group := gbuf[:0]
	if len(e.shards) <= len(gbuf) {
		group = gbuf[:len(e.shards)]
	} else {
		group = make([]*shard.Keyspace, len(e.shards))
	}
	for _, id := range ids {
		group[id] = e.shards[id].ks
		if l := e.shards[id].log; l != nil && cmd.Flags&shard.FlagWrite != 0 {
			if lerr := l.Err(); lerr != nil {
				e.holds.ReleaseAll(holds)
				return resp.Err(aof.MisconfText(lerr)), nil, false, nil
			}
		}
	}
	c := e.ctxPool.Get().(*shard.Ctx)
	c.BindGroup(e.router, group)
	c.DB, c.Cmd, c.Args, c.Client = db, cmd, args, cl
	c.Retry = retry != nil
	rep = c.Run()
	if b := c.Blocked(); b != nil {
		if retry != nil {
			still = true
		} else {
			w = shard.NewWaiter(db, cmd, args, cl, *b, false)
			for _, id := range ids {
				group[id].AddWaiter(w, b.Keys)
			}
		}
	} else if retry != nil && retry.Claim() {
		for _, id := range ids {
			group[id].RemoveWaiter(retry)
		}
	}
	for _, id := range ids {
		if ks := group[id]; ks.HasReady() {
			ks.ServeReady(c, len(e.shards))
		}
	}
	c.Reset()
	e.ctxPool.Put(c)
	for _, id := range ids {
		if err := commitEffects(group[id], e.shards[id].log); err != nil && cmd.Flags&shard.FlagWrite != 0 {
			rep = resp.Err(aof.MisconfText(err))
		}
		group[id].DeliverServed()
	}
	e.holds.ReleaseAll(holds)
	return rep, w, still, nil
}

// retry re-runs a woken multi-shard waiter's command under holds.
func (e *actorEngine) retry(ctx context.Context, w *shard.Waiter) (resp.Reply, bool, error) {
	var buf [8]int
	ids := e.router.Shards(w.Cmd, w.Args, buf[:0])
	rep, _, still, err := e.coordinateRun(ctx, ids, w.DB, w.Cmd, w.Args, w.Client, w)
	return rep, still, err
}

// unregister removes an abandoned waiter from the shards of its keys.
func (e *actorEngine) unregister(w *shard.Waiter) {
	var buf [8]int
	ids := e.router.Shards(w.Cmd, w.Args, buf[:0])
	_ = e.onSome(context.Background(), ids, func(_ int, ks *shard.Keyspace) { ks.RemoveWaiter(w) })
}

// fanout runs r's handler on every shard in parallel (one message each)
// and merges the replies in shard order.
func (e *actorEngine) fanout(ctx context.Context, r *request) (resp.Reply, error) {
	reqs := make([]*request, len(e.shards))
	for i := range e.shards {
		q := e.get()
		q.kind, q.db, q.cmd, q.cl = reqExec, r.db, r.cmd, r.cl
		q.setArgs(r.args)
		reqs[i] = q
	}
	var firstErr error
	sent := 0
	for i, s := range e.shards {
		if err := s.act.Send(ctx, reqs[i]); err != nil {
			firstErr = engineError(err)
			break
		}
		sent++
	}
	parts := make([]resp.Reply, len(e.shards))
	for i, q := range reqs {
		if i >= sent {
			e.put(q) // never sent
			continue
		}
		if err := q.Wait(ctx, e.shards[i].act); err != nil {
			if firstErr == nil {
				firstErr = engineError(err)
			}
			continue // may still be completed later: never reuse it
		}
		parts[i] = q.reply
		if parts[i].Kind == 0 && firstErr == nil {
			firstErr = ErrClosed
		}
		e.put(q)
	}
	if firstErr != nil {
		e.put(r)
		return resp.Reply{}, firstErr
	}
	c := e.ctxPool.Get().(*shard.Ctx)
	c.BindGroup(e.router, nil)
	c.DB, c.Cmd, c.Args = r.db, r.cmd, r.args
	rep := r.cmd.Merge(c, parts)
	c.Reset()
	e.ctxPool.Put(c)
	e.put(r)
	return rep, nil
}

// onShards runs fn against every shard's keyspace, each on its own
// goroutine, in parallel, and waits. fn must not retain ks.
func (e *actorEngine) onShards(ctx context.Context, fn func(i int, ks *shard.Keyspace)) error {
	return e.onSome(ctx, nil, fn)
}

// onSome is onShards for the shards ids (nil = all).
func (e *actorEngine) onSome(ctx context.Context, ids []int, fn func(i int, ks *shard.Keyspace)) error {
	if ids == nil {
		ids = make([]int, len(e.shards))
		for i := range ids {
			ids[i] = i
		}
	}
	reqs := make([]*request, len(e.shards))
	var firstErr error
	for _, i := range ids {
		s := e.shards[i]
		q := e.get()
		q.kind = reqFunc
		q.fn = func(ks *shard.Keyspace) { fn(i, ks) }
		if err := s.act.Send(ctx, q); err != nil {
			e.put(q)
			firstErr = engineError(err)
			break
		}
		reqs[i] = q
	}
	for i, q := range reqs {
		if q == nil {
			continue
		}
		if err := q.Wait(ctx, e.shards[i].act); err != nil {
			if firstErr == nil {
				firstErr = engineError(err)
			}
			continue
		}
		e.put(q)
	}
	return firstErr
}

// close stops ticks, then every shard (queued requests get ErrClosed; each
// shard syncs and closes its log), and waits for all of them.
func (e *actorEngine) close() error {
	e.sup.Stop()
	for _, s := range e.shards {
		s.act.Stop()
	}
	e.wg.Wait()
	for _, s := range e.shards {
		if s.closeErr != nil {
			return s.closeErr
		}
	}
	return nil
}

// stopped is closed when the engine shuts down.
func (e *actorEngine) stopped() <-chan struct{} { return e.sup.Quit() }

// execBatch runs a pipeline segment of single-shard commands, sorted by
// shard: items[bounds[i]:bounds[i+1]] are shard i's, in pipeline order. It
// sends one message per shard involved (the shards work in parallel, each
// through its items in order) and waits; replies land in the items. reqs
// is scratch space of len(shards).
func (e *actorEngine) execBatch(ctx context.Context, db int, cl *shard.Client, items []shard.BatchItem, bounds []int, reqs []*request) error {
	var firstErr error
	for sh := range e.shards {
		reqs[sh] = nil
		lo, hi := bounds[sh], bounds[sh+1]
		if lo == hi || firstErr != nil {
			continue
		}
		r := e.get()
		r.kind, r.db, r.cl, r.items = reqBatch, db, cl, items[lo:hi]
		if err := e.shards[sh].act.Send(ctx, r); err != nil {
			e.put(r)
			firstErr = engineError(err)
			continue
		}
		reqs[sh] = r
	}
	// Once sent, a segment is waited for whatever ctx says: its items
	// point into the caller's argument slices, which the caller may reuse
	// as soon as this returns, and a shard's share of a pipeline is short.
	wctx := context.Background()
	for sh, r := range reqs {
		if r == nil {
			continue
		}
		reqs[sh] = nil
		if err := r.Wait(wctx, e.shards[sh].act); err != nil {
			if firstErr == nil {
				firstErr = engineError(err)
			}
			continue // still owned by the shard: never reuse it
		}
		if r.items[0].Reply.Kind == 0 && firstErr == nil {
			firstErr = ErrClosed // rejected at shutdown
		}
		e.put(r)
	}
	return firstErr
}

// runHeld holds the shards ids (ascending; nil = all) and runs fn on this
// goroutine with a Ctx bound to their keyspaces (group[i] is shard i's, nil
// when not held). Each held shard's effects are wrapped in MULTI/EXEC, so a
// replay applies them all or none; then waiters of keys fn made ready are
// served, effects committed, and the shards released. It returns the commit
// error, if any, after fn ran.
func (e *actorEngine) runHeld(ctx context.Context, ids []int, fn heldFunc) error {
	if ids == nil {
		ids = make([]int, len(e.shards))
		for i := range ids {
			ids[i] = i
		}
	}
	holders := make([]actor.Holder, len(ids))
	for i, id := range ids {
		holders[i] = e.shards[id]
	}
	holds, err := e.holds.AcquireAll(ctx, holders, nil)
	if err != nil {
		return engineError(err)
	}
	defer e.holds.ReleaseAll(holds)
	group := make([]*shard.Keyspace, len(e.shards))
	logs := make([]*aof.Log, len(e.shards))
	for _, id := range ids {
		group[id] = e.shards[id].ks
		logs[id] = e.shards[id].log
	}
	return runOnGroup(e.router, group, logs, len(e.shards), e.ctxPool.Get().(*shard.Ctx), &e.ctxPool, fn)
}

// heldFunc runs with shards held: c is bound to the held keyspaces (group,
// by shard index, nil where not held); logErr is the first failed log among
// them (write commands must then be refused with MISCONF).
type heldFunc = func(c *shard.Ctx, group []*shard.Keyspace, logErr error)

// runOnGroup is the engine-independent part of runHeld.
func runOnGroup(r shard.Router, group []*shard.Keyspace, logs []*aof.Log, n int, c *shard.Ctx, pool *sync.Pool, fn heldFunc) error {
	var logErr error
	for i, ks := range group {
		if ks != nil && logs[i] != nil && logErr == nil {
			logErr = logs[i].Err()
		}
	}
	marks := make([]shard.EffectMark, len(group))
	for i, ks := range group {
		if ks != nil {
			marks[i] = ks.Mark()
		}
	}
	c.BindGroup(r, group)
	c.NoBlock = true
	fn(c, group, logErr)
	for i, ks := range group {
		if ks != nil {
			ks.WrapMulti(marks[i])
			if ks.HasReady() {
				ks.ServeReady(c, n)
			}
		}
	}
	c.Reset()
	pool.Put(c)
	var first error
	for i, ks := range group {
		if ks == nil {
			continue
		}
		if err := commitEffects(ks, logs[i]); err != nil && first == nil {
			first = err
		}
		ks.DeliverServed()
	}
	return first
}
