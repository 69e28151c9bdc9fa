package aof

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
)

// Rewrite is a rewrite in progress: the writer for the new base file. The
// shard (or a goroutine it hands the Rewrite to) writes the point-in-time
// contents of the keyspace into it — RESP commands for BaseAOF, an RDB
// image for BaseRDB — then the shard calls [Log.FinishRewrite] or
// [Log.AbortRewrite]. Write may be called from any one goroutine, but not
// concurrently with itself or with Finish/Abort. Wrap it in a bufio.Writer
// (and flush before finishing) for small writes.
type Rewrite struct {
	l       *Log
	f       file
	tmp     string
	format  BaseFormat
	incrSeq int64 // the incr file opened by StartRewrite: it and later stay
	n       int64
	err     error
	done    bool
}

// Write appends p to the new base file.
func (rw *Rewrite) Write(p []byte) (int, error) {
	if rw.err != nil {
		return 0, rw.err
	}
	n, err := rw.f.Write(p)
	rw.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		rw.err = fmt.Errorf("aof: write %s: %w", rw.tmp, err)
		return n, rw.err
	}
	return n, nil
}

// Size returns the bytes written to the new base so far.
func (rw *Rewrite) Size() int64 { return rw.n }

// StartRewrite commits the append buffer, fsyncs the current incr file and
// switches appends to a new incr file at once (the manifest naming it is
// replaced atomically before StartRewrite returns). The shard must take
// its point-in-time view of the keyspace at this moment: everything
// committed before is in the old files, everything after goes to the new
// one. It returns the writer of the new base file, a temporary file until
// FinishRewrite.
//
// If the switch fails the log carries on with the old file. If only the
// base file cannot be created, the switch stays (Redis also leaves the
// extra incr file of a failed rewrite) and the error is returned.
func (l *Log) StartRewrite(format BaseFormat) (*Rewrite, error) {
	if err := l.usable(); err != nil {
		return nil, err
	}
	if l.rw != nil {
		return nil, ErrRewriteInProgress
	}
	if err := l.Sync(); err != nil {
		return nil, err
	}
	next := l.man.clone()
	ai := next.addIncr()
	f, err := l.fs.Create(l.path(ai.name))
	if err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	renamed, err := l.writeManifest(next)
	if err != nil && !renamed {
		err = errors.Join(err, f.Close())
		if rerr := l.fs.Remove(l.path(ai.name)); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return nil, err
	}
	// From here on the new manifest is the one in effect. If only its
	// directory fsync failed, switch anyway (so memory matches the disk)
	// and poison the log, as for any failed fsync.
	seg := &segment{f: f, path: l.path(ai.name)}
	l.syncMu.Lock()
	old := l.cur
	l.cur = seg
	l.seg.Store(seg)
	l.syncMu.Unlock()
	l.man = next
	if cerr := old.f.Close(); cerr != nil {
		// Its bytes were fsynced above; a failed close loses nothing.
		l.log.Warn("aof: closing the previous incr file", "path", old.path, "err", cerr)
	}
	if err != nil {
		l.err = err
		return nil, err
	}

	tmp := l.path(tempPrefix + "rewriteaof-" + strconv.FormatInt(ai.seq, 10) + ".aof")
	bf, err := l.fs.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	l.rw = &Rewrite{l: l, f: bf, tmp: tmp, format: format, incrSeq: ai.seq}
	return l.rw, nil
}

// FinishRewrite makes the new base durable (fsync, rename, directory
// fsync) and commits a manifest naming it and the incr files opened since
// StartRewrite; the previous base and incr files become history in that
// manifest and are then deleted, and the manifest rewritten without them.
// A crash at any point reopens to either the old or the new set of files,
// both complete. On error the rewrite is abandoned and the log carries on
// with its current files.
func (l *Log) FinishRewrite(rw *Rewrite) error {
	if rw == nil || rw != l.rw || rw.done {
		return errors.New("aof: FinishRewrite: not the rewrite in progress")
	}
	if err := l.usable(); err != nil {
		return errors.Join(err, l.AbortRewrite(rw))
	}
	if rw.err != nil {
		return errors.Join(rw.err, l.AbortRewrite(rw))
	}
	rw.done = true
	l.rw = nil
	err := rw.f.Sync()
	if cerr := rw.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.Join(fmt.Errorf("aof: finish rewrite: %w", err), l.removeQuietly(rw.tmp))
	}
	next := l.man.clone()
	base := next.newBase(rw.format, rw.incrSeq)
	basePath := l.path(base.name)
	if err := l.fs.Rename(rw.tmp, basePath); err != nil {
		return errors.Join(fmt.Errorf("aof: finish rewrite: %w", err), l.removeQuietly(rw.tmp))
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return errors.Join(fmt.Errorf("aof: finish rewrite: %w", err), l.removeQuietly(basePath))
	}
	if renamed, err := l.writeManifest(next); err != nil {
		if renamed {
			// The new manifest is in effect but its directory fsync
			// failed: keep memory in line with it and poison the log.
			l.man = next
			l.err = err
		}
		// Otherwise the old manifest is in effect and the new base is an
		// unreferenced file, replaced by the next rewrite's.
		return err
	}
	l.man = next
	// Redis: aof_current_size = base + current incr, and the growth of
	// later rewrites is measured from there.
	baseSize := rw.n + l.cur.size
	l.baseSize.Store(baseSize)
	l.size.Store(baseSize)
	if err := l.removeHistory(); err != nil {
		l.log.Warn("aof: removing history files after a rewrite; the next Open retries", "err", err)
		return nil
	}
	if renamed, err := l.writeManifest(l.man); err != nil {
		if renamed {
			l.err = err
			return err
		}
		l.log.Warn("aof: rewriting the manifest without history; the next Open retries", "err", err)
	}
	return nil
}

// AbortRewrite abandons the rewrite and deletes its temporary base file.
// The incr file StartRewrite opened stays in use.
func (l *Log) AbortRewrite(rw *Rewrite) error {
	if rw == nil || rw != l.rw || rw.done {
		return errors.New("aof: AbortRewrite: not the rewrite in progress")
	}
	rw.done = true
	l.rw = nil
	return errors.Join(rw.f.Close(), l.removeQuietly(rw.tmp))
}

func (l *Log) removeQuietly(path string) error {
	if err := l.fs.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("aof: %w", err)
	}
	return nil
}
