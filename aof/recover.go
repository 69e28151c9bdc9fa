package aof

import "fmt"

// Recovery: a poisoned log (a failed write or fsync) refuses every Commit.
// The way out without reopening is a rewrite that does not trust the
// current files: StartRecovery switches to a new incr file without syncing
// the old one (its unsynced bytes may be lost already), the caller writes a
// base from memory, and FinishRecovery installs it; the old files become
// history. The log stays poisoned until FinishRecovery succeeds, so
// nothing is appended meanwhile and the new incr file is empty: the base
// alone is the state. This mirrors Redis, whose successful rewrite clears
// aof_last_write_status.

// Sync makes the bytes written to the new base durable. The goroutine that
// writes the base calls it before handing the Rewrite back to the shard, so
// that FinishRewrite's own fsync finds nothing left to do and the shard's
// goroutine does not wait for the disk.
func (rw *Rewrite) Sync() error {
	if rw.err != nil {
		return rw.err
	}
	if err := rw.f.Sync(); err != nil {
		rw.err = fmt.Errorf("aof: fsync %s: %w", rw.tmp, err)
		return rw.err
	}
	return nil
}

// StartRecovery is StartRewrite for a log that may be poisoned. On a
// healthy log it is StartRewrite. On a poisoned one it drops the buffered
// records and switches to a new incr file as StartRewrite does (the fsync
// of the abandoned file included: while the disk still fails, recovery
// fails too), and returns the writer of the new base; the log stays
// poisoned (Commit keeps failing) until FinishRecovery. The caller writes
// the whole keyspace into the base.
func (l *Log) StartRecovery(format BaseFormat) (*Rewrite, error) {
	prev := l.Err()
	if prev == nil || l.closed || !l.replayed || l.rw != nil {
		return l.StartRewrite(format)
	}
	l.resetBuf()
	l.setPoison(nil)
	rw, err := l.StartRewrite(format)
	if l.err == nil {
		l.err = prev // refused until FinishRecovery
	}
	return rw, err
}

// setPoison replaces the sticky error (nil clears it), the syncer's too.
func (l *Log) setPoison(err error) {
	l.syncMu.Lock()
	l.err = err
	l.syncErr.Store(nil)
	l.syncMu.Unlock()
}

// FinishRecovery is FinishRewrite for a rewrite begun by StartRecovery: on
// success the log is healthy again (the poison is cleared and Commit
// works); on failure it stays poisoned, with the new error when there is
// one.
func (l *Log) FinishRecovery(rw *Rewrite) error {
	prev := l.Err()
	if prev == nil {
		return l.FinishRewrite(rw)
	}
	l.resetBuf()
	l.setPoison(nil)
	err := l.FinishRewrite(rw)
	if err != nil && l.err == nil {
		l.err = prev
	}
	return err
}
