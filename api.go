package kevy

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/bus"
	"github.com/kevydb/kevy/locked"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Store is an embedded Redis-compatible key-value store. It is safe for
// concurrent use by multiple goroutines. Open one with [Open]; release it
// with [Store.Close].
//
// Every method that takes a context waits for its command's reply unless
// the context ends first. Cancellation abandons the wait, not the command:
// a command that was already handed to its shard may still be applied (and
// logged) after the method returned ctx.Err(). A context that has already
// ended when the method is called runs nothing, on either engine.
type Store struct {
	cmdable
	cfg      Config
	actor    *actorEngine // exactly one of actor and locked is set
	locked   *locked.Engine
	events   *shard.Events
	settings *shard.Settings
	started  time.Time
	persist  *persistence // nil for an in-memory store
	jobs     *persistJobs // snapshots, saves and rewrites; see persist_jobs.go
	obs      *observer    // memory limit, runtime config, statistics, events; see observe.go
	router   shard.Router
	bus      *bus.Bus
	access   *access // ACL; see access.go

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	nextID    atomic.Int64 // connection ids
}

// Open opens a store with the given configuration. The zero Config opens an
// in-memory store.
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	acc, err := newAccess(cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, events: &shard.Events{}, settings: shard.NewSettings(), started: time.Now(), access: acc}
	s.cmdable = cmdable{s: s}
	s.obs = newObserver(cfg, s.settings)
	s.setRegistryACL()
	s.router = shard.NewRouter(cfg.Shards)
	s.bus = bus.New(bus.Config{})
	b := s.bus
	s.events.Publish = func(channel, message string) {
		if b.Active() {
			_ = b.PublishBatch([]bus.Publication{{Channel: channel, Payload: message}})
		}
	}
	classes, _ := shard.ParseNotifyClasses(cfg.NotifyKeyspaceEvents)
	s.events.SetClasses(notifyEffective(classes))
	kss := make([]*shard.Keyspace, cfg.Shards)
	for i := range kss {
		kss[i] = shard.New(shard.Options{ID: i, Databases: cfg.Databases, Events: s.events,
			Settings: s.settings, Log: cfg.Dir != "", Runtime: s.obs.rt})
	}
	var logs []*aof.Log
	loadStart := time.Now()
	if cfg.Dir != "" {
		p, err := openPersistence(cfg, kss, s.obs.emit)
		if err != nil {
			s.bus.Close()
			s.obs.close()
			return nil, err
		}
		s.persist = p
		logs = p.logs
	}
	s.obs.loaded(kss, loadStart, cfg.Dir != "")
	switch cfg.Engine {
	case EngineLocked:
		s.locked = locked.New(locked.Options{Keyspaces: kss, Logs: logs, Settings: s.settings,
			Fsync: cfg.Fsync, Logger: cfg.Logger})
	default:
		s.actor = newActorEngine(cfg, kss, logs, s.settings)
	}
	var dirty []int64
	if s.persist != nil {
		dirty = s.persist.dirty
	}
	s.jobs = newPersistJobs(s, dirty)
	return s, nil
}

// Close stops the store: calls made after it, and calls still queued when
// it runs, return ErrClosed; commands already executing finish; every
// goroutine the store started has exited when Close returns. Close is
// idempotent and returns the first error it met.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.jobs.stop() // before the engine: jobs finish their work on the shards
		if s.actor != nil {
			s.closeErr = s.actor.close()
		} else {
			s.closeErr = s.locked.Close()
		}
		if err := s.bus.Close(); err != nil && s.closeErr == nil {
			s.closeErr = err
		}
		if s.persist != nil {
			// The engines closed the logs; this releases the directory.
			if err := s.persist.lock.Unlock(); err != nil && s.closeErr == nil {
				s.closeErr = err
			}
		}
		s.obs.close() // delivers the events queued, then stops OnEvent's goroutine
	})
	return s.closeErr
}

// Config returns the store's configuration, with defaults filled in.
func (s *Store) Config() Config { return s.cfg }

// exec runs a resolved command on database db, in the engine.
func (s *Store) exec(ctx context.Context, db int, cl *shard.Client, cmd *shard.Command, args []string) (resp.Reply, error) {
	if s.closed.Load() {
		return resp.Reply{}, ErrClosed
	}
	var rep resp.Reply
	var w *shard.Waiter
	var err error
	if s.actor != nil {
		rep, w, err = s.actor.exec(ctx, db, cl, cmd, args)
	} else {
		rep, w, err = s.locked.Exec(ctx, db, cl, cmd, args)
		if errors.Is(err, locked.ErrClosed) {
			err = ErrClosed
		}
	}
	if w != nil {
		return s.waitBlocked(ctx, w)
	}
	return rep, err
}

// blocker is what waitBlocked needs from an engine.
type blocker interface {
	// retry re-runs a woken multi-shard waiter's command; still reports
	// that it blocked again.
	retry(ctx context.Context, w *shard.Waiter) (rep resp.Reply, still bool, err error)
	// unregister removes an abandoned waiter from its shards.
	unregister(w *shard.Waiter)
	// stopped is closed when the engine shuts down.
	stopped() <-chan struct{}
}

func (s *Store) blocker() blocker {
	if s.actor != nil {
		return s.actor
	}
	return lockedBlocker{s.locked}
}

// waitBlocked waits for a blocked command: its reply served by a shard,
// a wake-up to retry (multi-shard waiters), its timeout, the caller's
// context, or the store's shutdown. Giving up claims the waiter first; if a
// shard claimed it first, the reply it is delivering is taken instead, so
// an element popped for this caller is never lost.
func (s *Store) waitBlocked(ctx context.Context, w *shard.Waiter) (resp.Reply, error) {
	b := s.blocker()
	var timeout <-chan time.Time
	if w.Spec.Deadline > 0 {
		t := time.NewTimer(time.Until(time.UnixMilli(w.Spec.Deadline)))
		defer t.Stop()
		timeout = t.C
	}
	giveUp := func(rep resp.Reply, err error) (resp.Reply, error) {
		if w.Claim() {
			b.unregister(w)
			return rep, err
		}
		return <-w.Reply, nil
	}
	for {
		select {
		case rep := <-w.Reply:
			return rep, nil
		case <-w.Wake:
			rep, still, err := b.retry(ctx, w)
			if err != nil {
				return giveUp(resp.Reply{}, err)
			}
			if !still {
				return rep, nil
			}
		case <-timeout:
			return giveUp(w.Spec.Timeout, nil)
		case <-ctx.Done():
			return giveUp(resp.Reply{}, ctx.Err())
		case <-b.stopped():
			return giveUp(resp.Reply{}, ErrClosed)
		}
	}
}

// onShards runs fn against every shard's keyspace with exclusive access
// (for statistics and snapshots), in parallel on the actor engine.
func (s *Store) onShards(ctx context.Context, fn func(i int, ks *shard.Keyspace)) error {
	return s.onSome(ctx, nil, fn)
}

// onSome is onShards for the shards ids (nil = all).
func (s *Store) onSome(ctx context.Context, ids []int, fn func(i int, ks *shard.Keyspace)) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.actor != nil {
		return s.actor.onSome(ctx, ids, fn)
	}
	if ids == nil {
		return lockedErr(s.locked.OnShards(ctx, fn))
	}
	return lockedErr(s.locked.OnSome(ctx, ids, fn))
}

// runHeld holds the shards ids (ascending; nil = all) and runs fn with a
// Ctx bound to them: the primitive behind EXEC. It returns the error of
// logging fn's effects, or of acquiring the shards (fn did not run then).
func (s *Store) runHeld(ctx context.Context, ids []int, fn heldFunc) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.actor != nil {
		return s.actor.runHeld(ctx, ids, fn)
	}
	return lockedErr(s.locked.RunHeld(ctx, ids, fn))
}

func lockedErr(err error) error {
	if errors.Is(err, locked.ErrClosed) {
		return ErrClosed
	}
	return err
}

// misconfText is Redis's MISCONF reply for a failed log.
func misconfText(err error) string { return aof.MisconfText(err) }

// lockedBlocker adapts the lock-based engine to blocker.
type lockedBlocker struct{ e *locked.Engine }

func (l lockedBlocker) retry(ctx context.Context, w *shard.Waiter) (resp.Reply, bool, error) {
	rep, still, err := l.e.Retry(ctx, w)
	if errors.Is(err, locked.ErrClosed) {
		err = ErrClosed
	}
	return rep, still, err
}
func (l lockedBlocker) unregister(w *shard.Waiter) { l.e.Unregister(w) }
func (l lockedBlocker) stopped() <-chan struct{}   { return l.e.Stopped() }

// notifyEffective applies Redis's rule that notifications are off unless
// K or E is among the classes.
func notifyEffective(c shard.NotifyClass) shard.NotifyClass {
	if c&(shard.NotifyKeyspace|shard.NotifyKeyevent) == 0 {
		return 0
	}
	return c
}
