package kevy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// SAVE and BGSAVE: every shard writes dump.rdb in its own directory (a
// Redis data directory: redis-server --dir shard-NNN loads it), all from
// the same instant — the snapshots of all shards begin under one hold of
// every shard. Each file is written as temp-kevy-dump.rdb, fsynced and
// renamed over dump.rdb, and the directory fsynced; the writing and
// fsyncs run on a goroutine per shard, never on the shards'. The AOF stays
// what Open loads; dump.rdb files are for backups and for Redis.

const (
	dumpName     = "dump.rdb"
	dumpTempName = "temp-kevy-dump.rdb"
)

// errNoDir is the reply to persistence commands on an in-memory store.
var errNoDir = errors.New("no data directory: the store is in memory (Config.Dir is empty)")

// errBgsaveRunning is returned by Save while a BGSAVE runs.
var errBgsaveRunning = errors.New("kevy: background save already in progress")

// saveDumps writes every shard's dump.rdb from one point in time.
func (s *Store) saveDumps(ctx context.Context) error {
	if s.persist == nil {
		return errNoDir
	}
	n := s.cfg.Shards
	files := make([]*os.File, n)
	cleanup := func() {
		for i, f := range files {
			if f != nil {
				f.Close()
				os.Remove(filepath.Join(shardDir(s.cfg.Dir, i), dumpTempName))
			}
		}
	}
	for i := range files {
		f, err := os.Create(filepath.Join(shardDir(s.cfg.Dir, i), dumpTempName))
		if err != nil {
			cleanup()
			return fmt.Errorf("kevy: save: %w", err)
		}
		files[i] = f
	}
	dirty := make([]int64, n)
	snaps, spools, err := s.beginAll(ctx, rdb.WriterOptions{}, func(i int, ks *shard.Keyspace) { dirty[i] = ks.Dirty() })
	if err != nil {
		cleanup()
		return err
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range snaps {
		wg.Go(func() {
			errs[i] = s.pipe(ctx, i, snaps[i], spools[i], files[i])
		})
	}
	wg.Wait()
	if err := firstError(errs...); err != nil {
		cleanup()
		return err
	}
	for i, f := range files {
		dir := shardDir(s.cfg.Dir, i)
		err := f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		files[i] = nil
		tmp := filepath.Join(dir, dumpTempName)
		if err == nil {
			err = os.Rename(tmp, filepath.Join(dir, dumpName))
		}
		if err == nil {
			err = syncDir(dir)
		}
		if err != nil {
			os.Remove(tmp)
			cleanup()
			return fmt.Errorf("kevy: save: %w", err)
		}
	}
	s.jobs.saved(dirty)
	return nil
}

// pipe drives shard i's snapshot to completion and writes its stream,
// framed as a complete RDB file, to out. It returns once both the driver
// and the copy have stopped, with the first error.
func (s *Store) pipe(ctx context.Context, i int, snap *shard.Snapshot, sp *spool, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var derr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if derr = s.driveSnapshot(ctx, i, snap, sp); derr != nil {
			cancel()
		}
	}()
	o := &rdbOut{w: out}
	cerr := sp.copyTo(ctx, o, 0)
	if cerr == nil {
		cerr = o.finish()
	}
	if cerr != nil {
		cancel()
	}
	<-done
	return firstError(derr, cerr)
}

// Save writes every shard's dump.rdb (Dir/shard-NNN/dump.rdb) from one
// point in time and returns when they are durable, as Redis's SAVE, except
// that the shards keep serving meanwhile. It waits for a rewrite in
// progress to finish first, and fails while a BGSAVE runs.
func (s *Store) Save(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.persist == nil {
		return errors.New("kevy: " + errNoDir.Error())
	}
	m := s.jobs
	m.mu.Lock()
	busy := m.bgsave
	m.mu.Unlock()
	if busy {
		return errBgsaveRunning
	}
	ctx, stop := m.jobCtx(ctx)
	defer stop()
	if err := m.acquire(ctx); err != nil {
		return err
	}
	defer m.release()
	return s.saveDumps(ctx)
}

// removeDumpTemps removes leftover temporary dump files of an interrupted
// save from the shard directories.
func removeDumpTemps(dir string, shards int) error {
	for i := range shards {
		p := filepath.Join(shardDir(dir, i), dumpTempName)
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("kevy: %w", err)
		}
	}
	return nil
}
