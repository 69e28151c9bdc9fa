package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// ReplayInfo describes what [Log.Replay] read and repaired.
type ReplayInfo struct {
	Files    int   // files read, the base included
	Commands int64 // commands handed to fn, MULTI and EXEC included
	BaseRDB  bool  // the base file was RDB and went to Options.LoadBase

	// Truncated reports a torn final record (or an unterminated MULTI) cut
	// off the end of the last file: TruncatedFile was cut back to
	// TruncatedOffset, dropping TruncatedBytes bytes.
	Truncated       bool
	TruncatedFile   string
	TruncatedOffset int64
	TruncatedBytes  int64
	// DiscardedMulti reports that the truncation dropped a MULTI block
	// that had no EXEC.
	DiscardedMulti bool
}

// Replay reads the whole log in order — the base file, then every incr
// file — and calls fn with each command. A base file in RDB format goes to
// Options.LoadBase instead. fn may keep argv and its strings.
//
// Commands between MULTI and EXEC are handed to fn only once the EXEC has
// been read (MULTI, the commands, EXEC), so an unterminated transaction at
// the end is never half applied.
//
// A torn final record in the last file, or an unterminated MULTI there,
// is truncated away on disk and reported in the ReplayInfo and the log,
// unless Options.Strict is set: then Replay returns a *CorruptError and
// changes nothing. Damage anywhere else — a malformed record, a torn
// record in a file that is not the last — stops Replay with a
// *CorruptError naming the file and offset, after copying the file's bytes
// from that offset to "<file>.corrupt-<offset>" next to it; the file itself
// is left as it is. An error from fn or LoadBase stops Replay and is
// returned as it is.
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
	rd := resp.NewReader(nil, resp.ReaderOptions{Strict: true})
	for i, ai := range files {
		last := i == len(files)-1
		info.Files++
		if err := l.replayFile(ai, last, rd, fn, &info); err != nil {
			return info, err
		}
	}
	l.replayed = true
	return info, nil
}

func (l *Log) replayFile(ai aofInfo, last bool, rd *resp.Reader, fn func([]string) error, info *ReplayInfo) error {
	path := l.path(ai.name)
	rc, err := l.fs.Open(path)
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	if ai.typ == typeBase {
		if sig, _ := br.Peek(5); string(sig) == "REDIS" {
			if l.opts.LoadBase == nil {
				return fmt.Errorf("aof: %s is an RDB base file and Options.LoadBase is nil", path)
			}
			info.BaseRDB = true
			return l.opts.LoadBase(br)
		}
	}
	rd.Reset(br)

	var multi [][]string // a MULTI block waiting for its EXEC
	var multiAt int64
	for {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			if multi == nil {
				return nil
			}
			return l.torn(path, multiAt, last, true, info)
		}
		if err == io.ErrUnexpectedEOF {
			at := rd.Offset()
			if multi != nil {
				at = multiAt
			}
			return l.torn(path, at, last, multi != nil, info)
		}
		var pe *resp.ProtocolError
		if errors.As(err, &pe) {
			return l.corrupt(path, pe.Offset, pe)
		}
		if err != nil {
			return fmt.Errorf("aof: read %s: %w", path, err)
		}
		switch {
		case strings.EqualFold(argv[0], "multi"):
			if multi != nil {
				return l.corrupt(path, rd.Offset(), errors.New("aof: MULTI inside MULTI"))
			}
			multi, multiAt = [][]string{argv}, rd.Offset()
		case strings.EqualFold(argv[0], "exec"):
			if multi == nil {
				return l.corrupt(path, rd.Offset(), errors.New("aof: EXEC without MULTI"))
			}
			for _, c := range append(multi, argv) {
				if err := fn(c); err != nil {
					return err
				}
				info.Commands++
			}
			multi = nil
		case multi != nil:
			multi = append(multi, argv)
		default:
			if err := fn(argv); err != nil {
				return err
			}
			info.Commands++
		}
	}
}

// torn handles input that ends inside a record (or inside a MULTI block)
// starting at off.
func (l *Log) torn(path string, off int64, last, inMulti bool, info *ReplayInfo) error {
	cause := io.ErrUnexpectedEOF
	if !last {
		return l.corrupt(path, off, fmt.Errorf("aof: torn record in a file that is not the last: %w", cause))
	}
	if l.opts.Strict {
		return &CorruptError{Path: path, Offset: off, Err: fmt.Errorf("aof: torn record at the end (Strict): %w", cause)}
	}
	size, err := l.fs.Size(path)
	if err != nil {
		return fmt.Errorf("aof: %w", err)
	}
	// The last file is always the current incr file, open for appending.
	s := l.cur
	if s.path != path {
		return fmt.Errorf("aof: cannot truncate %s: not the file open for appending", path)
	}
	if err := s.f.Truncate(off); err != nil {
		return fmt.Errorf("aof: truncate torn tail: %w", err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("aof: truncate torn tail: %w", err)
	}
	s.size = off
	s.written.Store(off)
	s.synced.Store(off)
	l.size.Add(off - size)
	info.Truncated = true
	info.TruncatedFile = path
	info.TruncatedOffset = off
	info.TruncatedBytes = size - off
	info.DiscardedMulti = inMulti
	msg := "aof: truncated a torn record at the end of the file"
	if inMulti {
		msg = "aof: reverted an incomplete MULTI/EXEC block at the end of the file"
	}
	l.log.Warn(msg, "path", path, "offset", off, "dropped_bytes", size-off)
	return nil
}

// corrupt copies the bytes of path from off on to a quarantine file and
// returns the *CorruptError.
func (l *Log) corrupt(path string, off int64, cause error) error {
	cerr := &CorruptError{Path: path, Offset: off, Err: cause}
	q := path + ".corrupt-" + strconv.FormatInt(off, 10)
	if err := l.quarantine(path, off, q); err != nil {
		l.log.Error("aof: cannot copy the corrupt tail", "path", path, "offset", off, "to", q, "err", err)
	} else {
		l.log.Error("aof: corrupt record; the file is left as it is and its tail copied", "path", path, "offset", off, "copy", q, "err", cause)
	}
	return cerr
}

func (l *Log) quarantine(path string, off int64, q string) error {
	rc, err := l.fs.Open(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, off); err != nil {
		return err
	}
	f, err := l.fs.Create(q)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, rc)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
