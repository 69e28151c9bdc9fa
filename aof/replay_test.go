package aof

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedLog writes cmds to a fresh log in one commit per command and returns
// the memFS and the encoded file.
func seedLog(t *testing.T, cmds [][]string) (*memFS, []byte) {
	t.Helper()
	m := newMemFS()
	l := openMem(t, m, Options{Fsync: FsyncAlways})
	replayAll(t, l)
	for _, c := range cmds {
		l.AppendCommand(c...)
		require.NoError(t, l.Commit())
	}
	require.NoError(t, l.Close())
	return m, m.file(incrPath(1))
}

// TestTornTailEveryOffset cuts the last record at every byte: Replay drops
// it and truncates the file there, later appends survive the next Replay,
// and Strict refuses without touching the file.
func TestTornTailEveryOffset(t *testing.T) {
	cases := []struct {
		name  string
		cmds  [][]string
		keep  int // commands that survive a torn last record
		multi bool
	}{
		{"plain", [][]string{{"SET", "a", "1"}, {"RPUSH", "l", "x", "y\r\n"}, {"SET", "last", "value"}}, 2, false},
		{"multi", [][]string{{"SET", "a", "1"}, {"MULTI"}, {"INCR", "n"}, {"SET", "b", "2"}, {"EXEC"}}, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, full := seedLog(t, tc.cmds)
			keepAt := len(encode(tc.cmds[:tc.keep]...))
			for cut := keepAt + 1; cut < len(full); cut++ {
				m, _ := seedLog(t, nil)
				m.setFile(incrPath(1), full[:cut])

				// Strict: refused, file untouched.
				ls := openMem(t, m, Options{Strict: true})
				_, err := ls.Replay(func([]string) error { return nil })
				var ce *CorruptError
				require.ErrorAs(t, err, &ce, "cut %d", cut)
				assert.ErrorIs(t, err, ErrCorrupt)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.Equal(t, incrPath(1), ce.Path)
				assert.Equal(t, int64(keepAt), ce.Offset, "cut %d", cut)
				assert.Equal(t, full[:cut], m.file(incrPath(1)))
				require.NoError(t, ls.Close())

				// Default: truncated, reported, and appends continue.
				l := openMem(t, m, Options{})
				got, info := replayAll(t, l)
				assert.Equal(t, tc.cmds[:tc.keep], got, "cut %d", cut)
				// A MULTI block without EXEC goes whole, even when its
				// last record is complete.
				assert.True(t, info.Truncated, "cut %d", cut)
				assert.Equal(t, int64(keepAt), info.TruncatedOffset)
				assert.Equal(t, int64(cut-keepAt), info.TruncatedBytes)
				assert.Equal(t, incrPath(1), info.TruncatedFile)
				multiRead := cut >= keepAt+len(encode([]string{"MULTI"}))
				assert.Equal(t, tc.multi && multiRead, info.DiscardedMulti, "cut %d", cut)
				assert.Equal(t, full[:keepAt], m.file(incrPath(1)))
				assert.Equal(t, int64(keepAt), l.Size())
				l.AppendCommand("SET", "after", "crash")
				require.NoError(t, l.Commit())
				l, got, info = reopen(t, l, m, Options{})
				assert.Equal(t, append(tc.cmds[:tc.keep:tc.keep], []string{"SET", "after", "crash"}), got)
				assert.False(t, info.Truncated)
				require.NoError(t, l.Close())
			}
		})
	}
}

// corruptCase damages a file of a two-command log.
type corruptCase struct {
	name   string
	data   []byte
	offset int64
	proto  bool  // the cause is a *resp.ProtocolError
	cut    int64 // where the damaged unit starts, if not at offset
}

func TestMidFileCorruption(t *testing.T) {
	a := encode([]string{"SET", "a", "1"})
	b := encode([]string{"SET", "b", "2"})
	damaged := bytes.Clone(b)
	damaged[4] = 'x' // "$3" -> "x3"
	cases := []corruptCase{
		{"bad length prefix", cat(a, damaged, a), int64(len(a)), true, 0},
		{"garbage between records", cat(a, []byte("garbage\r\n"), b), int64(len(a)), true, 0},
		{"bulk without CRLF", cat(a, []byte("*1\r\n$1\r\nxyz"), b), int64(len(a)), true, 0},
		{"zero count", cat(a, []byte("*0\r\n"), b), int64(len(a)), true, 0},
		{"nested MULTI", cat(a, encode([]string{"MULTI"}), encode([]string{"MULTI"}), b), int64(len(a) + 15), false, int64(len(a))},
		{"EXEC without MULTI", cat(a, encode([]string{"EXEC"}), b), int64(len(a)), false, 0},
		{"bad last record", cat(a, b, []byte("*1\r\n$x\r\n")), int64(len(a) + len(b)), true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := seedLog(t, nil)
			m.setFile(incrPath(1), tc.data)
			for _, strict := range []bool{false, true} {
				l := openMem(t, m, Options{Strict: strict})
				var n int
				_, err := l.Replay(func([]string) error { n++; return nil })
				var ce *CorruptError
				require.ErrorAs(t, err, &ce)
				assert.ErrorIs(t, err, ErrCorrupt)
				assert.Equal(t, incrPath(1), ce.Path)
				assert.Equal(t, tc.offset, ce.Offset)
				var pe *resp.ProtocolError
				assert.Equal(t, tc.proto, errors.As(err, &pe))
				assert.Contains(t, err.Error(), "corrupt record at offset "+strconv.FormatInt(tc.offset, 10))
				assert.Equal(t, tc.data, m.file(incrPath(1)), "the file is left as it is")
				cut := tc.offset
				if tc.cut != 0 {
					cut = tc.cut
				}
				q := incrPath(1) + ".corrupt-" + strconv.FormatInt(cut, 10)
				if strict {
					q += ".1" // the first copy is never overwritten
				}
				assert.Equal(t, q, ce.Quarantine)
				assert.Equal(t, tc.data[cut:], m.file(q), "the damaged unit on is copied aside")
				assert.ErrorIs(t, l.Commit(), ErrNotReplayed)
				require.NoError(t, l.Close())
			}
		})
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestTornNonLastFile: a torn record in an incr file followed by another
// is corruption (Redis: "the truncated file is not the last file").
func TestTornNonLastFile(t *testing.T) {
	m, _ := seedLog(t, [][]string{{"SET", "a", "1"}})
	l := openMem(t, m, Options{})
	replayAll(t, l)
	rw, err := l.StartRewrite(BaseAOF)
	require.NoError(t, err)
	require.NoError(t, l.AbortRewrite(rw))
	l.AppendCommand("SET", "b", "2")
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())
	first := m.file(incrPath(1))
	m.setFile(incrPath(1), first[:len(first)-3])

	l = openMem(t, m, Options{})
	_, err = l.Replay(func([]string) error { return nil })
	var ce *CorruptError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, incrPath(1), ce.Path)
	assert.Equal(t, int64(0), ce.Offset)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotNil(t, m.file(incrPath(1)+".corrupt-0"))
	require.NoError(t, l.Close())
}

func TestReplayAnnotations(t *testing.T) {
	m, _ := seedLog(t, nil)
	m.setFile(incrPath(1), []byte("#TS:1700000000\r\n*1\r\n$4\r\nPING\r\n#TS:1700000001\r\n"))
	l := openMem(t, m, Options{})
	got, _ := replayAll(t, l)
	assert.Equal(t, [][]string{{"PING"}}, got)
	require.NoError(t, l.Close())
}

func TestReplayRDBBase(t *testing.T) {
	m := newMemFS()
	m.setFile(filepath.Join(aofDir, manifestName), []byte(
		"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"))
	m.setFile(filepath.Join(aofDir, "appendonly.aof.1.base.rdb"), []byte("REDIS0010...rdb..."))
	m.setFile(incrPath(1), encode([]string{"SET", "a", "1"}))

	_, err := Open(shardDir, Options{fs: m, Logger: quiet})
	require.NoError(t, err)
	l := openMem(t, m, Options{})
	_, err = l.Replay(func([]string) error { return nil })
	assert.ErrorContains(t, err, "LoadBase is nil")
	require.NoError(t, l.Close())

	var base []byte
	l = openMem(t, m, Options{LoadBase: func(r io.Reader) error {
		var err error
		base, err = io.ReadAll(r)
		return err
	}})
	got, info := replayAll(t, l)
	assert.Equal(t, "REDIS0010...rdb...", string(base))
	assert.True(t, info.BaseRDB)
	assert.Equal(t, 2, info.Files)
	assert.Equal(t, [][]string{{"SET", "a", "1"}}, got)
	assert.Equal(t, int64(18), l.BaseSize())
	assert.Equal(t, int64(18+len(encode([]string{"SET", "a", "1"}))), l.Size())
	require.NoError(t, l.Close())

	boom := errors.New("bad rdb")
	l = openMem(t, m, Options{LoadBase: func(io.Reader) error { return boom }})
	_, err = l.Replay(func([]string) error { return nil })
	assert.ErrorIs(t, err, boom)
	require.NoError(t, l.Close())
}
