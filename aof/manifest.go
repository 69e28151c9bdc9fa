package aof

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// File naming, as Redis 7.0 names the parts of a multi-part AOF (aof.c).
const (
	dirName        = "appendonlydir"
	baseName       = "appendonly.aof" // Redis's appendfilename default
	manifestName   = baseName + ".manifest"
	tempPrefix     = "temp-"
	tempManifest   = tempPrefix + manifestName
	maxManifestLen = 1024 // MANIFEST_MAX_LINE
)

// The file types of a manifest line.
const (
	typeBase    = 'b'
	typeHistory = 'h'
	typeIncr    = 'i'
)

// aofInfo is one manifest line.
type aofInfo struct {
	name string
	seq  int64
	typ  byte
}

// manifest is the list of files that make up the log, in load order: the
// base (if any), then the incr files. History files are old parts still to
// be deleted.
type manifest struct {
	base    *aofInfo
	history []aofInfo
	incrs   []aofInfo
	baseSeq int64 // sequence of the newest base (curr_base_file_seq)
	incrSeq int64 // sequence of the newest incr (curr_incr_file_seq)
}

func (m *manifest) clone() *manifest {
	c := *m
	if m.base != nil {
		b := *m.base
		c.base = &b
	}
	c.history = append([]aofInfo(nil), m.history...)
	c.incrs = append([]aofInfo(nil), m.incrs...)
	return &c
}

// addIncr appends a new incr file and returns its name.
func (m *manifest) addIncr() aofInfo {
	m.incrSeq++
	ai := aofInfo{name: fmt.Sprintf("%s.%d.incr.aof", baseName, m.incrSeq), seq: m.incrSeq, typ: typeIncr}
	m.incrs = append(m.incrs, ai)
	return ai
}

// newBase installs a new base file, turning the old base and every incr
// file before the one with sequence keepFrom into history.
func (m *manifest) newBase(format BaseFormat, keepFrom int64) aofInfo {
	if m.base != nil {
		m.history = append(m.history, aofInfo{name: m.base.name, seq: m.base.seq, typ: typeHistory})
	}
	ext := "rdb"
	if format == BaseAOF {
		ext = "aof"
	}
	m.baseSeq++
	m.base = &aofInfo{name: fmt.Sprintf("%s.%d.base.%s", baseName, m.baseSeq, ext), seq: m.baseSeq, typ: typeBase}
	kept := m.incrs[:0:0]
	for _, ai := range m.incrs {
		if ai.seq < keepFrom {
			m.history = append(m.history, aofInfo{name: ai.name, seq: ai.seq, typ: typeHistory})
		} else {
			kept = append(kept, ai)
		}
	}
	m.incrs = kept
	return *m.base
}

// files returns the base (if any) and the incr files, in load order.
func (m *manifest) files() []aofInfo {
	var fs []aofInfo
	if m.base != nil {
		fs = append(fs, *m.base)
	}
	return append(fs, m.incrs...)
}

// marshal renders the manifest as Redis writes it: base first, then
// history, then incr files, one "file <name> seq <n> type <t>" line each.
func (m *manifest) marshal() []byte {
	var b []byte
	line := func(ai aofInfo) {
		b = fmt.Appendf(b, "file %s seq %d type %c\n", ai.name, ai.seq, ai.typ)
	}
	if m.base != nil {
		line(*m.base)
	}
	for _, ai := range m.history {
		line(ai)
	}
	for _, ai := range m.incrs {
		line(ai)
	}
	return b
}

// parseManifest reads a manifest with the rules of Redis's
// aofLoadManifestFromFile: '#' lines are comments, every other line is
// "key value" pairs split like an inline command with at least file, seq
// and type, every line ends in LF and is at most 1024 bytes.
func parseManifest(path string, data []byte) (*manifest, error) {
	m := &manifest{}
	bad := func(off int, msg string) error {
		return &CorruptError{Path: path, Offset: int64(off), Err: errors.New("aof: manifest: " + msg)}
	}
	if len(data) == 0 {
		return nil, bad(0, "empty manifest")
	}
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		if data[off] == '#' {
			if i < 0 || i >= maxManifestLen {
				// fgets stops after 1024 bytes; the rest is read as another line.
				off += min(maxManifestLen, len(data)-off)
			} else {
				off += i + 1
			}
			continue
		}
		if i < 0 || i >= maxManifestLen {
			return nil, bad(off, "line too long or not terminated")
		}
		line := strings.Trim(string(data[off:off+i]), " \t\r\n")
		if line == "" {
			return nil, bad(off, "invalid format")
		}
		argv, ok := resp.SplitArgs(line)
		if !ok || len(argv) < 6 || len(argv)%2 != 0 {
			return nil, bad(off, "invalid format")
		}
		var ai aofInfo
		for j := 0; j < len(argv); j += 2 {
			switch strings.ToLower(argv[j]) {
			case "file":
				ai.name = argv[j+1]
				if strings.ContainsAny(ai.name, "/\\") || ai.name == "" || ai.name == "." || ai.name == ".." {
					return nil, bad(off, "file can't be a path, just a filename")
				}
			case "seq":
				ai.seq = atoll(argv[j+1])
			case "type":
				if argv[j+1] != "" {
					ai.typ = argv[j+1][0]
				}
			}
		}
		if ai.name == "" || ai.seq == 0 || ai.typ == 0 {
			return nil, bad(off, "invalid format")
		}
		switch ai.typ {
		case typeBase:
			if m.base != nil {
				return nil, bad(off, "duplicate base file")
			}
			m.base = &ai
			m.baseSeq = ai.seq
		case typeHistory:
			m.history = append(m.history, ai)
		case typeIncr:
			if ai.seq <= m.incrSeq {
				return nil, bad(off, "non-monotonic sequence number")
			}
			m.incrs = append(m.incrs, ai)
			m.incrSeq = ai.seq
		default:
			return nil, bad(off, "unknown file type")
		}
		off += i + 1
	}
	return m, nil
}

// atoll parses a leading decimal integer like C's atoll: leading blanks and
// a sign are allowed, parsing stops at the first non-digit, nothing
// parsable is zero and an overflow saturates.
func atoll(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) { // out of range: clamped, as strtoll
		return 0
	}
	return n
}
