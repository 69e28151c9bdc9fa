// Package locked is kevy's lock-based engine, the twin of the actor engine:
// the same command table, keyspace and persistence, with one sync.RWMutex
// per shard and every command executed on the caller's goroutine. It exists
// so that the two designs can be measured against each other honestly, and
// it passes the same tests. Select it with kevy.Config{Engine:
// kevy.EngineLocked}; its API is for the kevy package, not for direct use.
//
// Read-only commands run under their shard's read lock, with lookups that
// never delete (an expired key reads as missing and is reaped later);
// everything else takes the write lock. A command whose keys span shards
// write-locks them all in ascending shard order, the same ordering rule the
// actor engine's holds follow.
package locked

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/actor"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/faults"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// ErrClosed is returned by every call after Close.
var ErrClosed = errors.New("locked: engine closed")

// Reaper cadence: as the actor engine's, shard.Runtime's hz.

type lshard struct {
	mu     sync.RWMutex
	ks     *shard.Keyspace
	log    *aof.Log // nil for an in-memory store
	closed bool     // set under mu by Close
	_      [32]byte
}

// Engine is the lock-based engine. It is safe for concurrent use.
type Engine struct {
	shards  []*lshard
	router  shard.Router
	ctxPool sync.Pool // *shard.Ctx
	sup     *actor.Supervisor
	closed  atomic.Bool
	once    sync.Once
	logger  *slog.Logger
	err     error // from Close
}

// commit writes the shard's pending effects to its log (one write, and an
// fsync under always): called under the write lock, after every write.
func (s *lshard) commit() error {
	if s.log == nil {
		return nil
	}
	eff := s.ks.Effects()
	if len(eff) == 0 {
		return nil
	}
	s.log.Append(eff)
	s.ks.ClearEffects()
	return s.log.Commit()
}

// refuse returns the MISCONF reply when the shard's log has failed.
func (s *lshard) refuse() (resp.Reply, bool) {
	if s.log == nil {
		return resp.Reply{}, false
	}
	if err := s.log.Err(); err != nil {
		return resp.Err(aof.MisconfText(err)), true
	}
	return resp.Reply{}, false
}

// Options configure an Engine.
type Options struct {
	Keyspaces []*shard.Keyspace // one per shard, in shard order
	Logs      []*aof.Log        // the shards' logs; nil for an in-memory store
	Settings  *shard.Settings
	Fsync     aof.FsyncPolicy
	Logger    *slog.Logger // nil discards
}

// New starts an engine over the given keyspaces.
func New(o Options) *Engine {
	e := &Engine{router: shard.NewRouter(len(o.Keyspaces)), sup: actor.NewSupervisor(), logger: o.Logger}
	if e.logger == nil {
		e.logger = slog.New(slog.DiscardHandler)
	}
	e.ctxPool.New = func() any { return &shard.Ctx{} }
	for i, ks := range o.Keyspaces {
		s := &lshard{ks: ks}
		if o.Logs != nil {
			s.log = o.Logs[i]
		}
		e.shards = append(e.shards, s)
	}
	if o.Logs != nil { // every policy: appendfsync may change at run time
		logs := o.Logs
		e.sup.Every(time.Second, func() {
			for i, l := range logs {
				if err := l.SyncIfDirty(); err != nil {
					e.logger.Error("kevy: AOF fsync failed", "shard", i, "err", err)
				}
			}
		})
	}
	settings := o.Settings
	rt := o.Keyspaces[0].Runtime()
	e.sup.EveryFunc(rt.TickInterval, func() {
		now := time.Now().UnixMilli()
		if settings != nil {
			settings.Tick(now)
		}
		for _, s := range e.shards {
			s.mu.Lock()
			if !s.closed {
				s.ks.ActiveExpire(now, rt.ExpireBudget())
				s.ks.MemoryTick()
				s.ks.Idle()
				if err := s.commit(); err != nil {
					e.logger.Error("kevy: AOF write failed during expiry", "err", err)
				}
			}
			s.mu.Unlock()
		}
	})
	return e
}

func (e *Engine) getCtx(db int, cl *shard.Client, cmd *shard.Command, args []string) *shard.Ctx {
	c := e.ctxPool.Get().(*shard.Ctx)
	c.SetArgs(args)
	c.DB, c.Cmd, c.Client = db, cmd, cl
	return c
}

func (e *Engine) putCtx(c *shard.Ctx) {
	c.Reset()
	e.ctxPool.Put(c)
}

// Exec runs one command on database db. A command that blocked returns its
// waiter, registered in the shards of its keys, for the caller to wait on.
func (e *Engine) Exec(ctx context.Context, db int, cl *shard.Client, cmd *shard.Command, args []string) (resp.Reply, *shard.Waiter, error) {
	if e.closed.Load() {
		return resp.Reply{}, nil, ErrClosed
	}
	if ctx.Done() != nil {
		if err := ctx.Err(); err != nil {
			return resp.Reply{}, nil, err
		}
	}
	c := e.getCtx(db, cl, cmd, args)
	defer e.putCtx(c)
	rep, err := e.route(c)
	return rep, c.Waiter(), err
}

// Get is GET key on database db without the command table: the typed
// Store.Get's fast path (shard.Keyspace.GetFast has the same effects as GET
// through Exec). ok is false when GET must run through Exec instead; err is
// ErrClosed or the context's error, as from Exec.
func (e *Engine) Get(ctx context.Context, db int, key string) (val string, found, ok bool, err error) {
	if e.closed.Load() {
		return "", false, true, ErrClosed
	}
	if ctx.Done() != nil {
		if err := ctx.Err(); err != nil {
			return "", false, true, err
		}
	}
	s := e.shards[e.router.Shard(key)]
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return "", false, true, ErrClosed
	}
	val, found, ok = s.ks.GetFast(db, key, true)
	s.mu.RUnlock()
	return val, found, ok, nil
}

func (e *Engine) route(c *shard.Ctx) (resp.Reply, error) {
	cmd := c.Cmd
	switch cmd.Route {
	case shard.RouteKeys:
		if cmd.First > 0 && cmd.Last == cmd.First && cmd.KeysFn == nil && len(c.Args) > cmd.First {
			return e.one(c, e.router.Shard(c.Args[cmd.First]))
		}
		var buf [8]int
		ids := e.router.Shards(cmd, c.Args, buf[:0])
		switch len(ids) {
		case 0:
			return e.one(c, 0)
		case 1:
			return e.one(c, ids[0])
		}
		if faults.Enabled() {
			if rep, ok, err := e.faultSplit(c); ok {
				return rep, err
			}
		}
		return e.many(c, ids)
	case shard.RouteShardFn:
		i, ok := cmd.ShardFn(c.Args, len(e.shards))
		if !ok {
			i = 0
		}
		return e.one(c, i)
	case shard.RouteAll:
		return e.many(c, nil)
	case shard.RouteFanout:
		return e.fanout(c)
	case shard.RouteLocal:
		c.BindGroup(e.router, nil)
		return cmd.Run(c), nil
	}
	return shard.UnknownCommand(c.Args), nil
}

// one runs c on shard i under its read or write lock.
func (e *Engine) one(c *shard.Ctx, i int) (resp.Reply, error) {
	s := e.shards[i]
	c.Bind(s.ks, len(e.shards))
	if c.Cmd.Flags&shard.FlagReadOnly != 0 {
		c.ReadOnly = true
		s.mu.RLock()
		if s.closed {
			s.mu.RUnlock()
			return resp.Reply{}, ErrClosed
		}
		rep := c.Run()
		s.mu.RUnlock()
		return rep, nil
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return resp.Reply{}, ErrClosed
	}
	if c.Cmd.Flags&shard.FlagWrite != 0 {
		if rep, bad := s.refuse(); bad {
			s.mu.Unlock()
			return rep, nil
		}
	}
	rep := c.Run()
	if b := c.Blocked(); b != nil {
		w := shard.NewWaiter(c.DB, c.Cmd, c.Args, c.Client, *b, true)
		s.ks.AddWaiter(w, b.Keys)
		c.SetWaiter(w)
	}
	e.serve(s)
	if err := s.commit(); err != nil {
		rep = resp.Err(aof.MisconfText(err))
		e.logger.Error("kevy: AOF write failed; writes refused until it recovers", "err", err)
	}
	s.ks.DeliverServed()
	s.mu.Unlock()
	return rep, nil
}

// serve serves the waiters of keys the last command made ready, with a
// scratch context, under the shard's write lock. Their replies are
// delivered by the caller, after the commit.
func (e *Engine) serve(s *lshard) {
	if !s.ks.HasReady() {
		return
	}
	c := e.ctxPool.Get().(*shard.Ctx)
	s.ks.ServeReady(c, len(e.shards))
	e.putCtx(c)
}

// many runs c with the given shards (nil = all) write-locked in ascending
// order.
func (e *Engine) many(c *shard.Ctx, ids []int) (resp.Reply, error) {
	group := make([]*shard.Keyspace, len(e.shards))
	if ids == nil {
		for i := range e.shards {
			ids = append(ids, i)
		}
	}
	if c.Cmd.Flags&shard.FlagReadOnly != 0 && c.RetryOf() == nil {
		return e.manyRead(c, ids, group)
	}
	for n, id := range ids {
		s := e.shards[id]
		s.mu.Lock()
		if s.closed {
			for _, j := range ids[:n+1] {
				e.shards[j].mu.Unlock()
			}
			return resp.Reply{}, ErrClosed
		}
		group[id] = s.ks
	}
	if c.Cmd.Flags&shard.FlagWrite != 0 {
		for _, id := range ids {
			if rep, bad := e.shards[id].refuse(); bad {
				for i := len(ids) - 1; i >= 0; i-- {
					e.shards[ids[i]].mu.Unlock()
				}
				return rep, nil
			}
		}
	}
	c.BindGroup(e.router, group)
	rep := c.Run()
	if b := c.Blocked(); b != nil {
		if c.Retry {
			c.SetStillBlocked()
		} else {
			w := shard.NewWaiter(c.DB, c.Cmd, c.Args, c.Client, *b, false)
			for _, id := range ids {
				group[id].AddWaiter(w, b.Keys)
			}
			c.SetWaiter(w)
		}
	} else if w := c.RetryOf(); w != nil && w.Claim() {
		for _, id := range ids {
			group[id].RemoveWaiter(w)
		}
	}
	for _, id := range ids {
		e.serve(e.shards[id])
	}
	for _, id := range ids {
		s := e.shards[id]
		if err := s.commit(); err != nil && c.Cmd.Flags&shard.FlagWrite != 0 {
			rep = resp.Err(aof.MisconfText(err))
		}
		s.ks.DeliverServed()
	}
	for i := len(ids) - 1; i >= 0; i-- {
		e.shards[ids[i]].mu.Unlock()
	}
	return rep, nil
}

// manyRead runs a read-only command over several shards under their read
// locks, taken in ascending order like the write locks (so readers and
// writers of overlapping shard sets cannot deadlock).
func (e *Engine) manyRead(c *shard.Ctx, ids []int, group []*shard.Keyspace) (resp.Reply, error) {
	for n, id := range ids {
		s := e.shards[id]
		s.mu.RLock()
		if s.closed {
			for _, j := range ids[:n+1] {
				e.shards[j].mu.RUnlock()
			}
			return resp.Reply{}, ErrClosed
		}
		group[id] = s.ks
	}
	c.BindGroup(e.router, group)
	c.ReadOnly = true
	rep := c.Run()
	c.Blocked()
	for i := len(ids) - 1; i >= 0; i-- {
		e.shards[ids[i]].mu.RUnlock()
	}
	return rep, nil
}

// Retry re-runs a woken multi-shard waiter's command with its shards
// write-locked; still reports that it blocked again.
func (e *Engine) Retry(ctx context.Context, w *shard.Waiter) (resp.Reply, bool, error) {
	if e.closed.Load() {
		return resp.Reply{}, false, ErrClosed
	}
	c := e.getCtx(w.DB, w.Client, w.Cmd, w.Args)
	defer e.putCtx(c)
	c.Retry = true
	c.SetRetryOf(w)
	var buf [8]int
	rep, err := e.many(c, e.router.Shards(w.Cmd, c.Args, buf[:0]))
	return rep, c.StillBlocked(), err
}

// Unregister removes an abandoned waiter from the shards of its keys.
func (e *Engine) Unregister(w *shard.Waiter) {
	var buf [8]int
	for _, id := range e.router.Shards(w.Cmd, w.Args, buf[:0]) {
		s := e.shards[id]
		s.mu.Lock()
		s.ks.RemoveWaiter(w)
		s.mu.Unlock()
	}
}

// Stopped is closed when the engine shuts down.
func (e *Engine) Stopped() <-chan struct{} { return e.sup.Quit() }

// fanout runs c's handler on each shard in turn and merges the replies.
func (e *Engine) fanout(c *shard.Ctx) (resp.Reply, error) {
	parts := make([]resp.Reply, len(e.shards))
	for i := range e.shards {
		rep, err := e.one(c, i)
		if err != nil {
			return resp.Reply{}, err
		}
		parts[i] = rep
	}
	c.BindGroup(e.router, nil)
	return c.Cmd.Merge(c, parts), nil
}

// OnShards runs fn against every shard's keyspace under its write lock,
// one shard at a time.
func (e *Engine) OnShards(ctx context.Context, fn func(i int, ks *shard.Keyspace)) error {
	for i, s := range e.shards {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		fn(i, s.ks)
		e.serve(s)
		err := s.commit()
		s.ks.DeliverServed()
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// Close stops the reaper and waits for commands in flight, after which
// every call returns ErrClosed; then it syncs and closes the logs. It is
// idempotent and returns the first error.
func (e *Engine) Close() error {
	e.once.Do(func() {
		e.closed.Store(true)
		e.sup.Stop()
		for _, s := range e.shards {
			s.mu.Lock()
			s.closed = true
			if s.log != nil {
				if err := s.log.Close(); err != nil && e.err == nil {
					e.err = err
				}
			}
			s.mu.Unlock()
		}
	})
	return e.err
}

// OnSome is OnShards for the shards ids.
func (e *Engine) OnSome(ctx context.Context, ids []int, fn func(i int, ks *shard.Keyspace)) error {
	for _, i := range ids {
		s := e.shards[i]
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		fn(i, s.ks)
		e.serve(s)
		err := s.commit()
		s.ks.DeliverServed()
		s.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

// ExecBatch runs a pipeline segment of single-shard commands sorted by
// shard (items[bounds[i]:bounds[i+1]] are shard i's), taking each shard's
// lock once for all of its items: a read lock when they are all read-only.
func (e *Engine) ExecBatch(ctx context.Context, db int, cl *shard.Client, items []shard.BatchItem, bounds []int) error {
	if e.closed.Load() {
		return ErrClosed
	}
	c := e.ctxPool.Get().(*shard.Ctx)
	defer e.putCtx(c)
	for sh, s := range e.shards {
		its := items[bounds[sh]:bounds[sh+1]]
		if len(its) == 0 {
			continue
		}
		ro := true
		for i := range its {
			if its[i].Cmd.Flags&shard.FlagReadOnly == 0 {
				ro = false
				break
			}
		}
		if ro {
			s.mu.RLock()
		} else {
			s.mu.Lock()
		}
		if s.closed {
			if ro {
				s.mu.RUnlock()
			} else {
				s.mu.Unlock()
			}
			return ErrClosed
		}
		for i := range its {
			it := &its[i]
			if !ro && it.Cmd.Flags&shard.FlagWrite != 0 {
				if rep, bad := s.refuse(); bad {
					it.Reply = rep
					continue
				}
			}
			c.Bind(s.ks, len(e.shards))
			c.DB, c.Cmd, c.Args, c.Client, c.ReadOnly, c.NoBlock = db, it.Cmd, it.Args, cl, ro, true
			it.Reply = c.Run()
			c.Blocked()
		}
		if ro {
			s.mu.RUnlock()
			continue
		}
		e.serve(s)
		if err := s.commit(); err != nil {
			for i := range its {
				if its[i].Cmd.Flags&shard.FlagWrite != 0 {
					its[i].Reply = resp.Err(aof.MisconfText(err))
				}
			}
		}
		s.ks.DeliverServed()
		s.mu.Unlock()
	}
	return nil
}

// RunHeld write-locks the shards ids (ascending; nil = all) and runs fn with
// a Ctx bound to their keyspaces; each shard's effects are wrapped in
// MULTI/EXEC, waiters served, effects committed, then the locks released.
// logErr is the first failed log among the shards.
func (e *Engine) RunHeld(ctx context.Context, ids []int, fn func(c *shard.Ctx, group []*shard.Keyspace, logErr error)) error {
	if e.closed.Load() {
		return ErrClosed
	}
	if ids == nil {
		for i := range e.shards {
			ids = append(ids, i)
		}
	}
	group := make([]*shard.Keyspace, len(e.shards))
	var logErr error
	for n, id := range ids {
		s := e.shards[id]
		s.mu.Lock()
		if s.closed {
			for _, j := range ids[:n+1] {
				e.shards[j].mu.Unlock()
			}
			return ErrClosed
		}
		group[id] = s.ks
		if s.log != nil && logErr == nil {
			logErr = s.log.Err()
		}
	}
	defer func() {
		for i := len(ids) - 1; i >= 0; i-- {
			e.shards[ids[i]].mu.Unlock()
		}
	}()
	marks := make([]shard.EffectMark, len(e.shards))
	for _, id := range ids {
		marks[id] = group[id].Mark()
	}
	c := e.ctxPool.Get().(*shard.Ctx)
	c.BindGroup(e.router, group)
	c.NoBlock = true
	fn(c, group, logErr)
	e.putCtx(c)
	var first error
	for _, id := range ids {
		s := e.shards[id]
		s.ks.WrapMulti(marks[id])
		e.serve(s)
		if err := s.commit(); err != nil && first == nil {
			first = err
		}
		s.ks.DeliverServed()
	}
	return first
}
