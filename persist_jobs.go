package kevy

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/kevydb/kevy/shard"
)

// persistJobs runs the store's snapshot jobs — SAVE, BGSAVE, BGREWRITEAOF,
// automatic rewrites, the recovery of failed logs, ExportRDB — one at a
// time, as Redis runs one child process at a time, and keeps the
// statistics INFO reports. Its goroutine (the persistence supervisor)
// ticks for automatic rewrites and log recovery.
//
// Jobs hold the slot while they run. Background jobs run on goroutines
// counted in wg; foreground ones (SAVE, ExportRDB) on their caller's, also
// counted, so stop can wait for every job before the engine closes the
// logs: a job always finishes or aborts its work on the shards itself.
type persistJobs struct {
	s      *Store
	slot   chan struct{} // a token is in it while a job runs
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu               sync.Mutex
	closed           bool
	bgsave           bool // a BGSAVE is running
	rewrite          bool // a rewrite (BGREWRITEAOF, automatic or recovery) is running
	bgsaveScheduled  bool
	rewriteScheduled bool

	// Statistics, in the terms of Redis's INFO persistence.
	lastSave        int64   // unix seconds of the last successful save (Open's time at first)
	dirtyAtSave     []int64 // per shard, Keyspace.Dirty at the last successful save
	saves           int64
	lastBgsaveOK    bool
	lastBgsaveSec   int64
	bgsaveStart     time.Time
	rewrites        int64
	rewriteFailures int64 // consecutive
	lastRewriteOK   bool
	lastRewriteSec  int64
	rewriteStart    time.Time
	nextAuto        time.Time // no automatic rewrite before (backoff after failures)

	// Log health, refreshed by the supervisor: shards whose log failed and
	// when recovery is next tried.
	logFailed    []bool
	recoverAt    []time.Time
	recoverDelay []time.Duration
}

// Supervisor cadence: automatic rewrite checks every tick (Redis's
// serverCron runs at hz 10), log health every tenth.
const (
	jobsTick           = 100 * time.Millisecond
	logCheckEvery      = 10
	recoverDelayMin    = time.Second
	recoverDelayMax    = 30 * time.Second
	autoRewriteBackoff = time.Minute
)

func newPersistJobs(s *Store, dirty []int64) *persistJobs {
	n := s.cfg.Shards
	m := &persistJobs{
		s: s, slot: make(chan struct{}, 1),
		lastSave: time.Now().Unix(), dirtyAtSave: dirty,
		lastBgsaveOK: true, lastBgsaveSec: -1, lastRewriteOK: true, lastRewriteSec: -1,
		logFailed: make([]bool, n), recoverAt: make([]time.Time, n), recoverDelay: make([]time.Duration, n),
	}
	if m.dirtyAtSave == nil {
		m.dirtyAtSave = make([]int64, n)
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	if s.persist != nil {
		m.wg.Go(m.supervise)
	}
	return m
}

// stop cancels the jobs and waits for them and the supervisor. The engine
// is still running, so jobs can abort their work on the shards.
func (m *persistJobs) stop() {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.cancel()
	m.wg.Wait()
}

// acquire waits for the slot; the caller must call release.
func (m *persistJobs) acquire(ctx context.Context) error {
	select {
	case m.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-m.ctx.Done():
		return ErrClosed
	}
	return m.enter()
}

// tryAcquire takes the slot if it is free.
func (m *persistJobs) tryAcquire() bool {
	select {
	case m.slot <- struct{}{}:
		return m.enter() == nil
	default:
		return false
	}
}

func (m *persistJobs) enter() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		<-m.slot
		return ErrClosed
	}
	m.wg.Add(1)
	return nil
}

// release frees the slot and starts a job scheduled meanwhile.
func (m *persistJobs) release() {
	<-m.slot
	m.wg.Done()
	m.startScheduled()
}

// jobCtx is ctx, also canceled when the store closes.
func (m *persistJobs) jobCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(m.ctx, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// startScheduled starts a rewrite or a BGSAVE that was asked for while
// another job ran (Redis: a rewrite first).
func (m *persistJobs) startScheduled() {
	m.mu.Lock()
	rw, bg := m.rewriteScheduled, m.bgsaveScheduled
	m.mu.Unlock()
	switch {
	case rw && m.tryAcquire():
		m.mu.Lock()
		m.rewriteScheduled = false
		m.mu.Unlock()
		m.goRewrite(nil)
	case bg && m.tryAcquire():
		m.mu.Lock()
		m.bgsaveScheduled = false
		m.mu.Unlock()
		m.goBgsave()
	}
}

// supervise ticks automatic rewrites and log recovery until stop.
func (m *persistJobs) supervise() {
	t := time.NewTicker(jobsTick)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-m.ctx.Done():
			return
		case <-t.C:
		}
		if n%logCheckEvery == 0 {
			m.checkLogs()
		}
		m.autoRewrite()
		m.startScheduled()
	}
}

// checkLogs refreshes the health of every shard's log and starts a
// recovery rewrite of the failed ones whose retry time has come.
func (m *persistJobs) checkLogs() {
	logs := m.s.persist.logs
	failed := make([]bool, len(logs))
	err := m.s.onSome(m.ctx, nil, func(i int, _ *shard.Keyspace) { failed[i] = logs[i].Err() != nil })
	if err != nil {
		return
	}
	now := time.Now()
	var due []int
	m.mu.Lock()
	for i, f := range failed {
		switch {
		case f && !m.logFailed[i]:
			m.recoverDelay[i] = recoverDelayMin
			m.recoverAt[i] = now // try at once
			due = append(due, i)
		case f && !now.Before(m.recoverAt[i]):
			due = append(due, i)
		}
		m.logFailed[i] = f
	}
	m.mu.Unlock()
	if len(due) > 0 && m.tryAcquire() {
		m.goRewrite(due)
	}
}

// autoRewrite starts the rewrite of the shards whose log grew past the
// configured thresholds (Redis's auto-aof-rewrite-percentage and
// auto-aof-rewrite-min-size, per shard, plus kevy's absolute cap).
func (m *persistJobs) autoRewrite() {
	cfg := m.s.cfg
	if cfg.AutoAOFRewritePercent < 0 {
		return
	}
	m.mu.Lock()
	wait := time.Now().Before(m.nextAuto)
	failed := append([]bool(nil), m.logFailed...)
	m.mu.Unlock()
	if wait {
		return
	}
	var due []int
	for i, l := range m.s.persist.logs {
		if failed[i] {
			continue // recovery handles it
		}
		if rewriteDue(l.Size(), l.BaseSize(), cfg) {
			due = append(due, i)
		}
	}
	if len(due) > 0 && m.tryAcquire() {
		m.goRewrite(due)
	}
}

// rewriteDue applies the automatic rewrite rule to one log of size bytes
// whose size after its last rewrite was base.
func rewriteDue(size, base int64, cfg Config) bool {
	if cfg.AutoAOFRewriteCap > 0 && size-base >= cfg.AutoAOFRewriteCap {
		return true
	}
	if size <= cfg.AutoAOFRewriteMinSize {
		return false
	}
	b := max(base, 1)
	growth := size*100/b - 100
	return growth >= int64(cfg.AutoAOFRewritePercent)
}

// goRewrite runs a rewrite of the shards ids (nil = all) in the
// background; the caller holds the slot.
func (m *persistJobs) goRewrite(ids []int) {
	m.mu.Lock()
	m.rewrite = true
	m.rewriteStart = time.Now()
	m.mu.Unlock()
	go func() {
		defer m.release()
		err := m.s.rewriteShards(m.ctx, ids)
		m.mu.Lock()
		defer m.mu.Unlock()
		m.rewrite = false
		m.lastRewriteSec = int64(time.Since(m.rewriteStart).Seconds())
		m.lastRewriteOK = err == nil
		m.s.emitRewriteDone(-1, 0, time.Since(m.rewriteStart), err) // events.go
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				m.s.cfg.Logger.Error("kevy: AOF rewrite failed", "err", err)
			}
			m.rewriteFailures++
			m.nextAuto = time.Now().Add(autoRewriteBackoff)
		} else {
			m.rewrites++
			m.rewriteFailures = 0
			m.nextAuto = time.Time{}
		}
		m.afterRewriteLocked(ids, err)
	}()
}

// afterRewriteLocked updates the recovery state of the shards a rewrite
// covered.
func (m *persistJobs) afterRewriteLocked(ids []int, err error) {
	if ids == nil {
		ids = make([]int, len(m.logFailed))
		for i := range ids {
			ids[i] = i
		}
	}
	for _, i := range ids {
		if !m.logFailed[i] {
			continue
		}
		if err == nil {
			m.logFailed[i] = false
			continue
		}
		m.recoverDelay[i] = min(2*max(m.recoverDelay[i], recoverDelayMin/2), recoverDelayMax)
		m.recoverAt[i] = time.Now().Add(m.recoverDelay[i])
	}
}

// goBgsave runs BGSAVE in the background; the caller holds the slot.
func (m *persistJobs) goBgsave() {
	m.mu.Lock()
	m.bgsave = true
	m.bgsaveStart = time.Now()
	m.mu.Unlock()
	go func() {
		defer m.release()
		err := m.s.saveDumps(m.ctx)
		m.mu.Lock()
		defer m.mu.Unlock()
		m.bgsave = false
		m.lastBgsaveSec = int64(time.Since(m.bgsaveStart).Seconds())
		m.lastBgsaveOK = err == nil
		m.s.emitSnapshotSaved("", 0, 0, time.Since(m.bgsaveStart), err) // events.go
		if err != nil && !errors.Is(err, context.Canceled) {
			m.s.cfg.Logger.Error("kevy: background save failed", "err", err)
		}
	}()
}

// saved records a successful save whose snapshots began with the shards'
// dirty counters at dirty.
func (m *persistJobs) saved(dirty []int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dirtyAtSave = dirty
	m.lastSave = time.Now().Unix()
	m.saves++
}
