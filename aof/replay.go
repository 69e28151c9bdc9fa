package aof

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
)

// ReplayInfo describes what [Log.Replay] read and repaired.
type ReplayInfo struct {
	Files    int   // files read, the base included
	Commands int64 // commands handed to fn, MULTI and EXEC included
	BaseRDB  bool  // the base file was RDB and went to Options.LoadBase

	// Truncated reports a torn final record (or an unterminated MULTI) cut
	// off the end of the last file: TruncatedFile was cut back to
	// TruncatedOffset, dropping TruncatedBytes bytes, which were first
	// copied to TruncatedCopy.
	Truncated       bool
	TruncatedFile   string
	TruncatedOffset int64
	TruncatedBytes  int64
	TruncatedCopy   string
	// DiscardedMulti reports that the truncation dropped a MULTI block
	// that had no EXEC.
	DiscardedMulti bool

	// Recovered reports damage that Replay cut out of the log under
	// Options.Recover; nil when there was none.
	Recovered *Recovery
}

// Recovery describes damage that [Log.Replay] cut out of the log under
// [Options].Recover. The log now ends where the intact part of the
// damaged file ends; everything after — the rest of that file and every
// later incr file — was copied aside first, then removed from the log.
type Recovery struct {
	// Err is the damage: the file, the offset of the damaged record, the
	// cause, and the copy of the damaged file's dropped bytes.
	Err *CorruptError
	// CutOffset is where the damaged file (Err.Path) now ends: the start
	// of the unit (command, or MULTI block) that held the damage.
	CutOffset int64
	// DroppedBytes counts the bytes removed from the log.
	DroppedBytes int64
	// Copies names every copy made: the damaged file's bytes from
	// CutOffset on ("<file>.corrupt-<CutOffset>"), then each later,
	// non-empty incr file whole ("<file>.corrupt-0").
	Copies []string
	// Partial reports that fn had applied commands of the damaged MULTI
	// block before the bad one, which the log no longer holds: the
	// caller's state is ahead of the log, and it must discard it and
	// replay the log again (from a newly opened Log) to hold exactly the
	// intact prefix.
	Partial bool
}

// Replay reads the whole log in order — the base file, then every incr
// file — and calls fn with each command. A base file in RDB format goes to
// Options.LoadBase instead. fn may keep argv and its strings.
//
// Commands between MULTI and EXEC are handed to fn only once the EXEC has
// been read (MULTI, the commands, EXEC), so an unterminated transaction at
// the end is never half applied.
//
// fn reports a record it cannot apply — well formed, but not a valid
// command for it — by returning an error that wraps [ErrInvalidRecord];
// such a record is damage like a malformed one. Any other error from fn
// or LoadBase stops Replay and is returned as it is.
//
// What Replay does about damage (every case is logged and names the file
// and offset; every byte it removes from the log is copied aside first):
//
//   - A torn tail — the last file ends inside a command or a MULTI block,
//     and no valid record follows — is what a crash during a write leaves.
//     It is copied to "<file>.torn-<offset>", truncated away, and reported
//     in the ReplayInfo and with a warning. With Options.Strict, Replay
//     refuses instead.
//   - Any other damage — a malformed record, a record fn refused, a torn
//     record in a file that is not the last, a damaged length whose record
//     runs past the end of the file while valid records follow it, a
//     damaged RDB base — is corruption. Replay copies the damaged file's
//     bytes from the damaged unit on to "<file>.corrupt-<offset>". Then:
//     with Options.Recover (and not Strict), unless the damage is in an RDB
//     base, it cuts the log there (see [Recovery]) and returns nil with
//     ReplayInfo.Recovered set, so the caller holds every record before
//     the damaged one; otherwise it returns a *CorruptError and changes
//     nothing.
//
// Replay must be called exactly once, before the first Commit.
func (l *Log) Replay(fn func(argv []string) error) (ReplayInfo, error) {
	var info ReplayInfo
	switch {
	case l.closed:
		return info, ErrClosed
	case l.replayed:
		return info, errors.New("aof: Replay called twice")
	}
	files := l.man.files()
	sc := newScanner(l.fs, fn, l.opts.LoadBase, &info)
	for i, ai := range files {
		info.Files++
		f, err := sc.file(i, l.path(ai.name), ai.typ == typeBase, i == len(files)-1)
		if err != nil {
			return info, err
		}
		if f != nil {
			if err := l.damaged(files, f, &info); err != nil {
				return info, err
			}
			break
		}
	}
	l.replayed = true
	return info, nil
}

// damaged applies the policy to the damage f.
func (l *Log) damaged(files []aofInfo, f *finding, info *ReplayInfo) error {
	switch {
	case f.torn && !l.opts.Strict:
		return l.truncateTorn(f, info)
	case f.torn:
		f.err = fmt.Errorf("aof: torn record at the end (Strict): %w", f.err)
	case l.opts.Recover && !l.opts.Strict && !f.base:
		return l.recoverFrom(files, f, info)
	}
	return l.refuse(f)
}

// refuse copies the damaged file's bytes from the damaged unit on aside
// and returns the *CorruptError; the log's files are left as they are.
func (l *Log) refuse(f *finding) error {
	cerr := &CorruptError{Path: f.path, Offset: f.off, Err: f.err}
	q, err := l.quarantine(f.path, f.cut, ".corrupt-")
	if err != nil {
		l.log.Error("aof: corrupt record; cannot copy the damaged part aside", "path", f.path, "offset", f.off, "err", f.err, "copy_err", err)
		return cerr
	}
	cerr.Quarantine = q
	l.log.Error("aof: corrupt record; the file is left as it is and its damaged part copied", "path", f.path, "offset", f.off, "copy", q, "err", f.err)
	return cerr
}

// truncateTorn cuts a torn tail off the last file, after copying it aside.
func (l *Log) truncateTorn(f *finding, info *ReplayInfo) error {
	// The last file is always the current incr file, open for appending.
	if l.cur.path != f.path {
		return fmt.Errorf("aof: cannot truncate %s: not the file open for appending", f.path)
	}
	size := l.cur.size
	q, err := l.quarantine(f.path, f.cut, ".torn-")
	if err != nil {
		return fmt.Errorf("aof: copy the torn tail of %s aside: %w", f.path, err)
	}
	if err := l.truncate(f.path, f.cut); err != nil {
		return err
	}
	info.Truncated = true
	info.TruncatedFile = f.path
	info.TruncatedOffset = f.cut
	info.TruncatedBytes = size - f.cut
	info.TruncatedCopy = q
	info.DiscardedMulti = f.inMulti
	msg := "aof: truncated a torn record at the end of the file"
	if f.inMulti {
		msg = "aof: reverted an incomplete MULTI/EXEC block at the end of the file"
	}
	l.log.Warn(msg, "path", f.path, "offset", f.cut, "dropped_bytes", size-f.cut, "copy", q)
	return nil
}

// recoverFrom cuts the log at the damage: the damaged file's bytes from
// the damaged unit on and every later incr file are copied aside, then
// the later files are emptied (the last first) and the damaged file is
// truncated. The damage stays in place until the very last step, so a
// crash anywhere in between leaves a log whose next Replay finds the same
// damage and does the same again; copies are never overwritten.
func (l *Log) recoverFrom(files []aofInfo, f *finding, info *ReplayInfo) error {
	cerr := &CorruptError{Path: f.path, Offset: f.off, Err: f.err}
	rec := &Recovery{Err: cerr, CutOffset: f.cut, Partial: f.partial}
	size, err := l.fs.Size(f.path)
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	q, err := l.quarantine(f.path, f.cut, ".corrupt-")
	if err != nil {
		return fmt.Errorf("aof: copy the damaged part of %s aside: %w", f.path, err)
	}
	cerr.Quarantine = q
	rec.Copies = append(rec.Copies, q)
	rec.DroppedBytes = size - f.cut
	later := files[f.file+1:]
	for _, ai := range later {
		p := l.path(ai.name)
		n, err := l.fs.Size(p)
		if err != nil {
			return fmt.Errorf("aof: %w", err)
		}
		if n == 0 {
			continue
		}
		q, err := l.quarantine(p, 0, ".corrupt-")
		if err != nil {
			return fmt.Errorf("aof: copy %s aside: %w", p, err)
		}
		rec.Copies = append(rec.Copies, q)
		rec.DroppedBytes += n
	}
	for j := len(later) - 1; j >= 0; j-- {
		if err := l.truncate(l.path(later[j].name), 0); err != nil {
			return err
		}
	}
	if err := l.truncate(f.path, f.cut); err != nil {
		return err
	}
	info.Recovered = rec
	l.log.Error("aof: damaged record; the log now ends before it, and everything after it was copied aside",
		"path", f.path, "offset", f.off, "cut_at", f.cut, "dropped_bytes", rec.DroppedBytes,
		"copies", rec.Copies, "err", f.err)
	return nil
}

// truncate cuts the file path to size and fsyncs it, keeping the
// current segment's accounting right.
func (l *Log) truncate(path string, size int64) error {
	old, err := l.fs.Size(path)
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	if old == size {
		return nil
	}
	if s := l.cur; s != nil && s.path == path {
		if err := s.f.Truncate(size); err != nil {
			return fmt.Errorf("aof: truncate %s: %w", path, err)
		}
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("aof: truncate %s: %w", path, err)
		}
		s.size = size
		s.written.Store(size)
		s.synced.Store(size)
	} else {
		f, err := l.fs.OpenAppend(path)
		if err != nil {
			return fmt.Errorf("aof: %w", err)
		}
		err = f.Truncate(size)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("aof: truncate %s: %w", path, err)
		}
	}
	l.size.Add(size - old)
	if b := l.man.base; b != nil && l.path(b.name) == path {
		l.baseSize.Store(size)
	}
	return nil
}

// quarantine copies the bytes of path from off on to a new file next to
// it, "<path><kind><off>" (".1", ".2" ... appended when that name is
// taken: an earlier copy is never overwritten), makes the copy durable,
// and returns its name.
func (l *Log) quarantine(path string, off int64, kind string) (string, error) {
	q := path + kind + strconv.FormatInt(off, 10)
	for n := 1; ; n++ {
		if _, err := l.fs.Size(q); errors.Is(err, fs.ErrNotExist) {
			break
		} else if err != nil {
			return "", err
		}
		q = path + kind + strconv.FormatInt(off, 10) + "." + strconv.Itoa(n)
	}
	rc, err := l.fs.Open(path)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, off); err != nil {
		return "", err
	}
	f, err := l.fs.Create(q)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, rc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = l.fs.SyncDir(l.dir)
	}
	if err != nil {
		return "", err
	}
	return q, nil
}
