package kevy

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

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
// logged) after the method returned ctx.Err().
type Store struct {
	cmdable
	cfg      Config
	actor    *actorEngine // exactly one of actor and locked is set
	locked   *locked.Engine
	events   *shard.Events
	settings *shard.Settings
	started  time.Time

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
	if cfg.Dir != "" {
		return nil, errors.New("kevy: persistence (Config.Dir) is not available in this build")
	}
	cfg = cfg.withDefaults()
	s := &Store{cfg: cfg, events: &shard.Events{}, settings: shard.NewSettings(), started: time.Now()}
	s.cmdable = cmdable{s: s}
	switch cfg.Engine {
	case EngineLocked:
		s.locked = locked.New(locked.Options{Shards: cfg.Shards, Databases: cfg.Databases,
			Events: s.events, Settings: s.settings})
	default:
		s.actor = newActorEngine(cfg, s.events, s.settings)
	}
	return s, nil
}

// Close stops the store: calls made after it, and calls still queued when
// it runs, return ErrClosed; commands already executing finish; every
// goroutine the store started has exited when Close returns. Close is
// idempotent and returns the first error it met.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		if s.actor != nil {
			s.closeErr = s.actor.close()
		} else {
			s.closeErr = s.locked.Close()
		}
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
	if s.actor != nil {
		return s.actor.exec(ctx, db, cl, cmd, args)
	}
	rep, err := s.locked.Exec(ctx, db, cl, cmd, args)
	if errors.Is(err, locked.ErrClosed) {
		err = ErrClosed
	}
	return rep, err
}

// onShards runs fn against every shard's keyspace with exclusive access
// (for statistics and snapshots).
func (s *Store) onShards(ctx context.Context, fn func(i int, ks *shard.Keyspace)) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.actor != nil {
		return s.actor.onShards(ctx, fn)
	}
	err := s.locked.OnShards(ctx, fn)
	if errors.Is(err, locked.ErrClosed) {
		err = ErrClosed
	}
	return err
}
