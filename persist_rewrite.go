package kevy

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// AOF rewrite (BGREWRITEAOF, automatic, and recovery of a failed log), per
// shard, each shard independently and in parallel:
//
//  1. on the shard (one message): the effects of the batch so far are
//     committed to the current incr file, the log switches to a new incr
//     file (aof.StartRewrite: manifest swapped atomically) and a snapshot
//     begins — so everything before the switch is in the snapshot and
//     everything after is in the new file;
//  2. the snapshot streams, a step at a time, into the temporary base file
//     (an RDB preamble, aof-base 1), written and fsynced by this goroutine;
//  3. on the shard (one message): aof.FinishRewrite renames the base into
//     place and commits the manifest; the old files are deleted.
//
// A log poisoned by a failed write or fsync is rewritten the same way with
// StartRecovery/FinishRecovery, which do not trust the old files; writes
// stay refused (MISCONF) until it succeeds, and then work again.
//
// Steps 1 and 3 and every abort are sent with a background context: once
// a rewrite has begun on a shard it must be finished or aborted there, and
// the engine outlives every job (Close stops the jobs first).

// rewriteShards rewrites the logs of the shards ids (nil = all) in
// parallel and returns the first error.
func (s *Store) rewriteShards(ctx context.Context, ids []int) error {
	if s.persist == nil {
		return errNoDir
	}
	if ids == nil {
		ids = make([]int, s.cfg.Shards)
		for i := range ids {
			ids[i] = i
		}
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for k, i := range ids {
		wg.Go(func() { errs[k] = s.rewriteShard(ctx, i) })
	}
	wg.Wait()
	return firstError(errs...)
}

// rewriteShard rewrites shard i's log.
func (s *Store) rewriteShard(ctx context.Context, i int) error {
	log := s.persist.logs[i]
	sp := newSpool()
	var (
		rw         *aof.Rewrite
		snap       *shard.Snapshot
		recovering bool
		serr       error
	)
	bg := context.Background()
	// StartRewrite fsyncs the current incr file on the shard: flush the
	// bulk of it from here first. (A failure poisons the log; the start
	// then turns into a recovery.)
	if err := log.SyncIfDirty(); err != nil {
		s.cfg.Logger.Warn("kevy: AOF fsync before a rewrite failed", "shard", i, "err", err)
	}
	err := s.onShard(bg, i, func(ks *shard.Keyspace) {
		recovering = log.Err() != nil
		if recovering {
			rw, serr = log.StartRecovery(aof.BaseRDB)
		} else {
			// The batch's effects so far belong before the switch.
			if eff := ks.Effects(); len(eff) > 0 {
				log.Append(eff)
				if serr = log.Commit(); serr != nil {
					return // the effects stay: the batch's commit reports the failure
				}
				ks.ClearEffects()
			}
			rw, serr = log.StartRewrite(aof.BaseRDB)
		}
		if serr != nil {
			return
		}
		ks.ForgetSelectedDB()
		snap, serr = ks.BeginSnapshot(sp, rdb.WriterOptions{AOFBase: true})
		if serr != nil {
			serr = errors.Join(serr, log.AbortRewrite(rw))
			rw = nil
		}
	})
	if err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	err = s.pipe(ctx, i, snap, sp, rw)
	if err == nil {
		err = rw.Sync() // the base's fsync, off the shard
	}
	if err != nil {
		return errors.Join(err, s.abortRewrite(i, rw))
	}
	var ferr error
	err = s.onShard(bg, i, func(*shard.Keyspace) {
		if recovering {
			ferr = log.FinishRecovery(rw)
		} else {
			ferr = log.FinishRewrite(rw)
		}
	})
	return firstError(err, ferr)
}

// abortRewrite abandons shard i's rewrite rw. The log carries on with the
// incr file the rewrite opened.
func (s *Store) abortRewrite(i int, rw *aof.Rewrite) error {
	var aerr error
	err := s.onShard(context.Background(), i, func(*shard.Keyspace) { aerr = s.persist.logs[i].AbortRewrite(rw) })
	if errors.Is(err, ErrClosed) {
		return nil // Close aborts it
	}
	return firstError(err, aerr)
}

// RewriteAOF rewrites every shard's append-only file from a point-in-time
// view of its keyspace and returns when the new files are in place, while
// the shards keep serving: BGREWRITEAOF, waited for. It waits for a job in
// progress (a BGSAVE, another rewrite) to finish first. A shard whose log
// had failed is healthy again afterwards.
func (s *Store) RewriteAOF(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.persist == nil {
		return errors.New("kevy: " + errNoDir.Error())
	}
	m := s.jobs
	ctx, stop := m.jobCtx(ctx)
	defer stop()
	if err := m.acquire(ctx); err != nil {
		return err
	}
	defer m.release()
	m.mu.Lock()
	m.rewrite = true
	m.rewriteStart = time.Now()
	m.mu.Unlock()
	err := s.rewriteShards(ctx, nil)
	m.mu.Lock()
	m.rewrite = false
	m.lastRewriteOK = err == nil
	if err == nil {
		m.rewrites++
	}
	m.afterRewriteLocked(nil, err)
	m.mu.Unlock()
	return err
}
