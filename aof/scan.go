package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
)

// Reading a log: the scanner reads the files in load order, hands the
// commands to the replay function unit by unit (a command, or a whole
// MULTI ... EXEC block once its EXEC has been read), and stops at the
// first damage, which it describes without changing anything. Replay
// (replay.go) then applies the policy — truncate a torn tail, refuse, or
// cut the log at the damage — and Check reports it.

// finding is the first damage a scan met.
type finding struct {
	file int    // index of the damaged file in load order
	path string // the damaged file
	off  int64  // where the damaged record starts
	// cut is where the intact prefix of the file ends: the start of the
	// unit holding the damage (off, or the MULTI that opened its block).
	// For an RDB base it is off: no prefix of an RDB file stands alone.
	cut     int64
	torn    bool  // input ends inside the unit at the end of the last file, and no valid record follows
	inMulti bool  // the unit is an unterminated MULTI block
	partial bool  // fn applied commands of the damaged block before the bad one
	base    bool  // the damage is in an RDB base
	err     error // the cause
}

// scanner reads a log's files. fn receives the commands; loadBase an RDB
// base.
type scanner struct {
	fs       fileSystem
	fn       func(argv []string) error
	loadBase func(io.Reader) error
	rd       *resp.Reader
	info     *ReplayInfo
}

func newScanner(fsys fileSystem, fn func([]string) error, loadBase func(io.Reader) error, info *ReplayInfo) *scanner {
	return &scanner{fs: fsys, fn: fn, loadBase: loadBase, info: info,
		rd: resp.NewReader(nil, resp.ReaderOptions{Strict: true})}
}

// file reads one file: i is its index in load order, base says it is the
// log's base, last that it is the last file. It returns the damage found,
// or an error that is not damage (I/O, or fn's own).
func (s *scanner) file(i int, path string, base, last bool) (*finding, error) {
	rc, err := s.fs.Open(path)
	if err != nil {
		return nil, fmt.Errorf("aof: %w", err)
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	if base {
		if sig, _ := br.Peek(5); string(sig) == "REDIS" {
			return s.rdbBase(i, path, br)
		}
	}
	s.rd.Reset(br)

	var block [][]string // a MULTI block waiting for its EXEC
	var offs []int64     // where each command of block starts
	blockAt := int64(-1)
	for {
		argv, err := s.rd.ReadCommand()
		at := s.rd.Offset()
		unit := at
		if block != nil {
			unit = blockAt
		}
		var pe *resp.ProtocolError
		switch {
		case err == io.EOF:
			if block == nil {
				return nil, nil
			}
			return s.ended(rc, i, path, last, blockAt, blockAt, true, true)
		case err == io.ErrUnexpectedEOF:
			return s.ended(rc, i, path, last, at, unit, block != nil, false)
		case errors.As(err, &pe):
			return &finding{file: i, path: path, off: pe.Offset, cut: unit, err: pe}, nil
		case err != nil:
			return nil, fmt.Errorf("aof: read %s: %w", path, err)
		}
		switch {
		case strings.EqualFold(argv[0], "multi"):
			if block != nil {
				return &finding{file: i, path: path, off: at, cut: blockAt, err: errors.New("aof: MULTI inside MULTI")}, nil
			}
			block, offs, blockAt = [][]string{argv}, []int64{at}, at
		case strings.EqualFold(argv[0], "exec"):
			if block == nil {
				return &finding{file: i, path: path, off: at, cut: at, err: errors.New("aof: EXEC without MULTI")}, nil
			}
			block, offs = append(block, argv), append(offs, at)
			for j, c := range block {
				if err := s.fn(c); err != nil {
					if !errors.Is(err, ErrInvalidRecord) {
						return nil, err
					}
					// Commands 1..j-1 of the block were applied.
					return &finding{file: i, path: path, off: offs[j], cut: blockAt, partial: j > 1, err: err}, nil
				}
				s.info.Commands++
			}
			block, offs, blockAt = nil, nil, -1
		case block != nil:
			block, offs = append(block, argv), append(offs, at)
		default:
			if err := s.fn(argv); err != nil {
				if !errors.Is(err, ErrInvalidRecord) {
					return nil, err
				}
				return &finding{file: i, path: path, off: at, cut: at, err: err}, nil
			}
			s.info.Commands++
		}
	}
}

// rdbBase hands an RDB base to loadBase. A *rdb.CorruptError from it is
// damage in the base; it gets the file's path.
func (s *scanner) rdbBase(i int, path string, r io.Reader) (*finding, error) {
	if s.loadBase == nil {
		return nil, fmt.Errorf("aof: %s is an RDB base file and Options.LoadBase is nil", path)
	}
	s.info.BaseRDB = true
	err := rdb.WithPath(s.loadBase(r), path)
	var ce *rdb.CorruptError
	if errors.As(err, &ce) {
		return &finding{file: i, path: path, off: ce.Offset, cut: ce.Offset, base: true, err: err}, nil
	}
	return nil, err
}

// ended handles input that ends inside a unit: a record cut short at off,
// or (eof) a MULTI block without its EXEC. The unit starts at cut. It is a
// torn tail — what a crash in the middle of a write leaves — only at the
// end of the last file and when no valid record follows the damaged one: a
// damaged length that points past the end of the file looks the same from
// the record itself, and is told apart by the valid records after it.
func (s *scanner) ended(rf readFile, i int, path string, last bool, off, cut int64, inMulti, eof bool) (*finding, error) {
	// An incomplete unit is reported at its start; a damaged record with
	// valid records after it, at the record.
	f := &finding{file: i, path: path, off: cut, cut: cut, inMulti: inMulti}
	cause := error(io.ErrUnexpectedEOF)
	if eof {
		cause = fmt.Errorf("aof: MULTI without EXEC: %w", io.ErrUnexpectedEOF)
	}
	if !last {
		f.err = fmt.Errorf("aof: torn record in a file that is not the last: %w", cause)
		return f, nil
	}
	if !eof {
		size, err := s.fs.Size(path)
		if err != nil {
			return nil, fmt.Errorf("aof: %w", err)
		}
		next, err := nextRecord(rf, off+1, size)
		if err != nil {
			return nil, fmt.Errorf("aof: read %s: %w", path, err)
		}
		if next >= 0 {
			f.off = off
			f.err = fmt.Errorf("aof: damaged record: it runs past the end of the file, but a valid record follows at offset %d: %w", next, cause)
			return f, nil
		}
	}
	f.torn = true
	f.err = cause
	return f, nil
}

// nextRecord returns the offset of the first valid record that starts at
// or after from (and before size) on a record boundary — a '*' right after
// a CRLF — or -1. A valid record is a complete, well-formed multibulk
// command, as the strict reader reads it.
func nextRecord(ra io.ReaderAt, from, size int64) (int64, error) {
	if from < 2 {
		from = 2
	}
	const chunk = 64 << 10
	c := &chunkReader{ra: ra, b: make([]byte, chunk+2)}
	rd := resp.NewReader(nil, resp.ReaderOptions{Strict: true})
	for pos := from - 2; pos < size; pos += chunk {
		n, err := ra.ReadAt(c.b[:min(int64(chunk+2), size-pos)], pos)
		if err != nil && err != io.EOF {
			return -1, err
		}
		b := c.b[:n]
		c.off, c.n = pos, n
		for j := 0; ; {
			k := bytes.Index(b[j:], []byte("\r\n*"))
			if k < 0 {
				break
			}
			at := pos + int64(j+k+2)
			j += k + 1
			if at < from || !quickRecord(c, at, size) {
				continue
			}
			rd.Reset(io.NewSectionReader(ra, at, size-at))
			if _, err := rd.ReadArgs(); err == nil {
				return at, nil
			}
		}
		if n < chunk+2 {
			break
		}
	}
	return -1, nil
}

// chunkReader serves reads that fall inside the chunk of the file it
// holds from memory, and others from the file.
type chunkReader struct {
	ra  io.ReaderAt
	b   []byte
	off int64 // the file offset of b[0]
	n   int   // bytes of b that hold the file
}

func (c *chunkReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= c.off && off+int64(len(p)) <= c.off+int64(c.n) {
		return copy(p, c.b[off-c.off:]), nil
	}
	return c.ra.ReadAt(p, off)
}

// quickRecord checks cheaply, reading only the length lines, whether a
// complete multibulk command starts at off: "*N\r\n" then N times
// "$L\r\n", L bytes and "\r\n", all before size. It may accept what the
// strict reader then refuses, never the other way round.
func quickRecord(ra io.ReaderAt, off, size int64) bool {
	var line [24]byte
	readLen := func(prefix byte) (int64, bool) {
		n, _ := ra.ReadAt(line[:min(int64(len(line)), size-off)], off)
		b := line[:n]
		eol := bytes.IndexByte(b, '\r')
		if eol < 2 || eol+1 >= len(b) || b[0] != prefix || b[eol+1] != '\n' {
			return 0, false
		}
		v, ok := parseLen(b[1:eol])
		off += int64(eol + 2)
		return v, ok
	}
	n, ok := readLen('*')
	if !ok || n < 1 {
		return false
	}
	for ; n > 0; n-- {
		l, ok := readLen('$')
		if !ok || l > resp.DefaultMaxBulkLen || off+l+2 > size {
			return false
		}
		var crlf [2]byte
		if _, err := ra.ReadAt(crlf[:], off+l); err != nil || crlf != [2]byte{'\r', '\n'} {
			return false
		}
		off += l + 2
	}
	return true
}

// parseLen parses a non-negative decimal length without sign or leading
// zeros.
func parseLen(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 || (len(b) > 1 && b[0] == '0') {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// Finding describes the first damage [Check] found in a log.
type Finding struct {
	Path   string // the damaged file
	Offset int64  // where the damaged record starts
	// Cut is where the intact part of Path ends: the start of the unit (a
	// command, or the MULTI of its block) that holds the damage — what
	// redis-check-aof calls ok_up_to. For an RDB base it is Offset.
	Cut int64
	// Torn reports a torn tail: the last file ends inside a unit and no
	// valid record follows. Opening truncates it (unless Strict).
	Torn bool
	// Base reports damage in an RDB base, which no policy loads in part.
	Base bool
	Err  error // the cause
}

// CheckOptions configures [Check].
type CheckOptions struct {
	// Base says that the first file is the log's base: if it starts with
	// "REDIS" it is an RDB file, read by LoadBase.
	Base bool
	// Apply receives every command, as [Log.Replay]'s fn does, and may
	// refuse one with an error wrapping [ErrInvalidRecord]. Nil accepts
	// every well-formed command.
	Apply func(argv []string) error
	// LoadBase reads an RDB base, as [Options].LoadBase does; a
	// *rdb.CorruptError from it is damage. Nil makes an RDB base an error.
	LoadBase func(r io.Reader) error
}

// Check reads the files of a log in load order (the base first, if any) as
// [Log.Replay] does, with the same rules for damage, and changes nothing.
// It returns the first damage found, or nil when the log is intact; an
// error reports what kept it from reading the log (or Apply's own error).
// kevy check-aof uses it, so that the tool and Open agree on every file.
func Check(paths []string, opts CheckOptions) (*Finding, error) {
	fn := opts.Apply
	if fn == nil {
		fn = func([]string) error { return nil }
	}
	var info ReplayInfo
	sc := newScanner(osFS{}, fn, opts.LoadBase, &info)
	for i, p := range paths {
		f, err := sc.file(i, p, i == 0 && opts.Base, i == len(paths)-1)
		if err != nil {
			return nil, err
		}
		if f != nil {
			return &Finding{Path: f.path, Offset: f.off, Cut: f.cut, Torn: f.torn, Base: f.base, Err: f.err}, nil
		}
	}
	return nil, nil
}

// Files returns the files of the log in the shard directory dir, in load
// order, as its manifest lists them (history files left out), and whether
// the first one is a base. It reads the manifest only and changes nothing.
func Files(dir string) (paths []string, base bool, err error) {
	d := filepath.Join(dir, dirName)
	mpath := filepath.Join(d, manifestName)
	data, err := os.ReadFile(mpath)
	if err != nil {
		return nil, false, fmt.Errorf("aof: %w", err)
	}
	m, err := parseManifest(mpath, data)
	if err != nil {
		return nil, false, err
	}
	for _, ai := range m.files() {
		paths = append(paths, filepath.Join(d, ai.name))
	}
	return paths, m.base != nil, nil
}
