package aof

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kevydb/kevy/resp"
)

// maxRetainedBuf is the largest append buffer kept between commits.
const maxRetainedBuf = 4 << 20

// Log is the append-only file of one shard. See the package documentation
// for the file formats and the durability contract.
//
// Ownership: a Log belongs to one goroutine, the shard's, which calls every
// method except [Log.SyncIfDirty], [Log.Size] and [Log.BaseSize]; those three
// are safe to call from any goroutine at any time (the supervisor's), also
// concurrently with the owner.
type Log struct {
	dir  string // <shardDir>/appendonlydir
	fs   fileSystem
	opts Options
	log  *slog.Logger

	// Owned by the shard goroutine.
	man      *manifest
	cur      *segment // the incr file being appended to
	buf      []byte   // records appended since the last Commit
	err      error    // sticky: a failed write or fsync poisons the log
	replayed bool
	closed   bool
	closeErr error
	rw       *Rewrite // the rewrite in progress, if any

	// Shared with the syncer. syncMu serialises an fsync of seg with
	// swapping or closing it; Commit never takes it.
	syncMu   sync.Mutex
	seg      atomic.Pointer[segment] // == cur; nil once closed
	syncErr  atomic.Pointer[error]   // a failed background fsync
	size     atomic.Int64            // bytes in the base and incr files
	baseSize atomic.Int64            // size after the last rewrite (or of the base at open)
}

// segment is an incr file open for appending.
type segment struct {
	f       file
	path    string
	size    int64        // bytes written; shard-owned
	written atomic.Int64 // == size, published for the syncer
	synced  atomic.Int64 // bytes known durable
}

// Open opens the log of the shard whose directory is dir, creating
// dir/appendonlydir and its manifest when they do not exist. It removes
// leftover temporary files and history files of a finished rewrite, and
// opens the last incr file for appending. The caller must then call
// [Log.Replay] once before appending.
func Open(dir string, opts Options) (*Log, error) {
	l := &Log{dir: filepath.Join(dir, dirName), fs: opts.fs, opts: opts, log: opts.Logger}
	if l.fs == nil {
		l.fs = osFS{}
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	if err := l.open(dir); err != nil {
		if l.cur != nil {
			err = errors.Join(err, l.cur.f.Close())
		}
		return nil, err
	}
	return l, nil
}

func (l *Log) path(name string) string { return filepath.Join(l.dir, name) }

func (l *Log) open(parent string) error {
	if _, err := l.fs.Size(l.dir); errors.Is(err, fs.ErrNotExist) {
		if err := l.fs.MkdirAll(l.dir); err != nil {
			return fmt.Errorf("aof: %w", err)
		}
		if err := l.fs.SyncDir(parent); err != nil {
			return fmt.Errorf("aof: %w", err)
		}
	}
	names, err := l.fs.ReadDir(l.dir)
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	for _, name := range names {
		if strings.HasPrefix(name, tempPrefix) {
			l.log.Info("aof: removing leftover temporary file", "path", l.path(name))
			if err := l.fs.Remove(l.path(name)); err != nil {
				return fmt.Errorf("aof: %w", err)
			}
		}
	}
	if err := l.loadManifest(names); err != nil {
		return err
	}
	dirty := false
	if len(l.man.history) > 0 {
		if err := l.removeHistory(); err != nil {
			return err
		}
		dirty = true
	}
	var total int64
	for _, ai := range l.man.files() {
		n, err := l.fs.Size(l.path(ai.name))
		if err != nil {
			return fmt.Errorf("aof: file %s named in the manifest: %w", ai.name, err)
		}
		total += n
		if ai.typ == typeBase {
			l.baseSize.Store(n)
		}
	}
	l.size.Store(total)
	if len(l.man.incrs) == 0 {
		ai := l.man.addIncr()
		f, err := l.fs.Create(l.path(ai.name))
		if err != nil {
			return fmt.Errorf("aof: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("aof: %w", err)
		}
		dirty = true
	}
	if dirty {
		if _, err := l.writeManifest(l.man); err != nil {
			return err
		}
	}
	last := l.man.incrs[len(l.man.incrs)-1]
	seg, err := l.openSegment(last.name)
	if err != nil {
		return err
	}
	l.cur = seg
	l.seg.Store(seg)
	return nil
}

// loadManifest reads the manifest, or starts an empty one when there is
// none and no file that looks like part of a log (so a lost manifest is an
// error, not an invitation to start over).
func (l *Log) loadManifest(names []string) error {
	mpath := l.path(manifestName)
	rc, err := l.fs.Open(mpath)
	if errors.Is(err, fs.ErrNotExist) {
		for _, name := range names {
			if strings.HasPrefix(name, baseName+".") && name != manifestName {
				if n, err := l.fs.Size(l.path(name)); err == nil && n > 0 {
					return fmt.Errorf("aof: %s is missing but %s holds data", mpath, name)
				}
			}
		}
		l.man = &manifest{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	data, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("aof: read manifest: %w", err)
	}
	l.man, err = parseManifest(mpath, data)
	return err
}

func (l *Log) openSegment(name string) (*segment, error) {
	p := l.path(name)
	n, err := l.fs.Size(p)
	if err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	f, err := l.fs.OpenAppend(p)
	if err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	s := &segment{f: f, path: p, size: n}
	s.written.Store(n)
	s.synced.Store(n)
	return s, nil
}

// writeManifest replaces the manifest atomically: temporary file, fsync,
// rename, directory fsync. renamed reports whether m replaced the old
// manifest (as the running system sees it) even if an error follows: then
// only the directory fsync failed, and m is the manifest in effect.
func (l *Log) writeManifest(m *manifest) (renamed bool, err error) {
	tmp, dst := l.path(tempManifest), l.path(manifestName)
	err = func() error {
		f, err := l.fs.Create(tmp)
		if err != nil {
			return err
		}
		data := m.marshal()
		n, err := f.Write(data)
		if err == nil && n < len(data) {
			err = io.ErrShortWrite
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = l.fs.Rename(tmp, dst)
		}
		return err
	}()
	if err != nil {
		if rerr := l.fs.Remove(tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			l.log.Warn("aof: cannot remove temporary manifest", "path", tmp, "err", rerr)
		}
		return false, fmt.Errorf("aof: write manifest: %w", err)
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return true, fmt.Errorf("aof: write manifest: fsync %s: %w", l.dir, err)
	}
	return true, nil
}

// removeHistory deletes the history files and drops them from the
// manifest (the caller persists it).
func (l *Log) removeHistory() error {
	for _, ai := range l.man.history {
		l.log.Info("aof: removing history file", "path", l.path(ai.name))
		if err := l.fs.Remove(l.path(ai.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("aof: %w", err)
		}
	}
	l.man.history = nil
	return nil
}

// Buffer returns the append buffer: records appended to *Buffer() are
// written by the next Commit. It lets the shard encode straight into the
// log, for example *b = resp.AppendCommand(*b, "SET", key, value).
func (l *Log) Buffer() *[]byte { return &l.buf }

// Append adds p, one or more whole RESP commands, to the append buffer.
func (l *Log) Append(p []byte) { l.buf = append(l.buf, p...) }

// AppendCommand adds one command, encoded as RESP, to the append buffer.
func (l *Log) AppendCommand(args ...string) { l.buf = resp.AppendCommand(l.buf, args...) }

// Pending returns the number of bytes appended since the last Commit.
func (l *Log) Pending() int { return len(l.buf) }

// Err returns the error that poisoned the log, or nil.
func (l *Log) Err() error {
	if l.err == nil {
		if p := l.syncErr.Load(); p != nil {
			l.err = *p
		}
	}
	return l.err
}

// Commit writes everything appended since the last Commit with one
// write(2), and under FsyncAlways fsyncs it (group commit: one fsync per
// batch). Under FsyncEverySec and FsyncNo it never waits for an fsync.
// When it returns nil the records reached the operating system (and, under
// FsyncAlways, the disk).
//
// A failed write is cut back to the last good offset when possible, and
// the log is poisoned: this and every later Commit return the same error,
// and the buffered records are dropped. A failed fsync, here or in
// SyncIfDirty, poisons the log the same way.
func (l *Log) Commit() error {
	if err := l.usable(); err != nil {
		return err
	}
	if len(l.buf) > 0 {
		if err := l.write(); err != nil {
			return err
		}
	}
	if l.opts.Fsync == FsyncAlways {
		return l.syncCurrent()
	}
	return nil
}

func (l *Log) usable() error {
	switch {
	case l.closed:
		return ErrClosed
	case l.Err() != nil:
		return l.err
	case !l.replayed:
		return ErrNotReplayed
	}
	return nil
}

func (l *Log) write() error {
	s := l.cur
	n, err := s.f.Write(l.buf)
	if err == nil && n < len(l.buf) {
		err = io.ErrShortWrite
	}
	l.resetBuf()
	if err != nil {
		err = fmt.Errorf("aof: write %s: %w", s.path, err)
		if terr := s.f.Truncate(s.size); terr != nil {
			// The partial record stays; it is the torn tail the next
			// Replay truncates, since nothing is appended after it.
			l.log.Error("aof: cannot truncate after a failed write", "path", s.path, "offset", s.size, "err", terr)
			s.size += int64(max(n, 0))
			s.written.Store(s.size)
		}
		l.err = err
		return err
	}
	s.size += int64(n)
	s.written.Store(s.size)
	l.size.Add(int64(n))
	return nil
}

func (l *Log) resetBuf() {
	if cap(l.buf) > maxRetainedBuf {
		l.buf = nil
	} else {
		l.buf = l.buf[:0]
	}
}

// syncCurrent fsyncs the current file if it has unsynced bytes, poisoning
// the log on failure. Shard goroutine only.
func (l *Log) syncCurrent() error {
	s := l.cur
	w := s.written.Load()
	if s.synced.Load() >= w {
		return nil
	}
	if err := s.f.Sync(); err != nil {
		l.err = fmt.Errorf("aof: fsync %s: %w", s.path, err)
		return l.err
	}
	advance(&s.synced, w)
	return nil
}

// advance raises v to n unless it is already higher.
func advance(v *atomic.Int64, n int64) {
	for {
		o := v.Load()
		if o >= n || v.CompareAndSwap(o, n) {
			return
		}
	}
}

// Sync commits the append buffer and fsyncs the current file now, whatever
// the policy (for SAVE-like barriers and tests).
func (l *Log) Sync() error {
	if err := l.Commit(); err != nil {
		return err
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	return l.syncCurrent()
}

// SyncIfDirty fsyncs the current file if bytes were written since the last
// fsync. The supervisor calls it about once a second under FsyncEverySec,
// from its own goroutine, so the shard's Commit never waits for the disk.
// Under FsyncNo it does nothing. It is safe to call concurrently with every
// other method. A failure is returned and also poisons the log: the shard's
// next Commit returns it.
//
// It coordinates with the shard without sharing a lock on the hot path:
// Commit publishes the written size in an atomic after each write, and
// SyncIfDirty compares it with the synced size. The only lock, syncMu,
// is shared with the rare operations that swap or close the file
// (StartRewrite, Sync, Close), so a file is never closed under an fsync.
func (l *Log) SyncIfDirty() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.opts.Fsync == FsyncNo { // under syncMu: SetFsync may change it
		return nil
	}
	if p := l.syncErr.Load(); p != nil {
		return *p
	}
	s := l.seg.Load()
	if s == nil {
		return nil
	}
	w := s.written.Load()
	if s.synced.Load() >= w {
		return nil
	}
	if err := s.f.Sync(); err != nil {
		err = fmt.Errorf("aof: fsync %s: %w", s.path, err)
		l.syncErr.Store(&err)
		return err
	}
	advance(&s.synced, w)
	return nil
}

// Size returns the bytes in the base and incr files, Redis's
// aof_current_size. Safe from any goroutine.
func (l *Log) Size() int64 { return l.size.Load() }

// BaseSize returns the size the log had when the last rewrite finished
// (base plus the incr file written during the rewrite) or, after Open,
// the size of the base file: Redis's aof_rewrite_base_size. An automatic
// rewrite is due when Size() exceeds auto-aof-rewrite-min-size and grew by
// auto-aof-rewrite-percentage: (Size()-BaseSize())*100/BaseSize() >= perc
// (with a zero BaseSize, any growth past the minimum). Safe from any
// goroutine.
func (l *Log) BaseSize() int64 { return l.baseSize.Load() }

// Close commits what is buffered, fsyncs the current file (under every
// policy, as redis-server does at shutdown), abandons a rewrite in
// progress and closes the file. It is idempotent and returns the first
// error.
func (l *Log) Close() error {
	if l.closed {
		return l.closeErr
	}
	var errs []error
	if l.replayed && l.Err() == nil {
		errs = append(errs, l.Sync())
	} else {
		errs = append(errs, l.err)
	}
	if l.rw != nil {
		errs = append(errs, l.AbortRewrite(l.rw))
	}
	l.syncMu.Lock()
	l.seg.Store(nil)
	l.syncMu.Unlock()
	errs = append(errs, l.cur.f.Close())
	l.closed = true
	for _, err := range errs {
		if err != nil {
			l.closeErr = err
			break
		}
	}
	return l.closeErr
}
