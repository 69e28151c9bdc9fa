package aof

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Damage policy: every kind of damage, under the three policies — the
// default (Redis's: truncate a torn tail, refuse the rest), Recover (cut
// the log at the damage, keeping everything after it aside) and Strict
// (refuse everything).

var (
	cmdA = []string{"SET", "a", "1"}
	cmdB = []string{"SET", "b", "2"}
	cmdC = []string{"SET", "c", "3"}
	cmdD = []string{"SET", "d", "4"}
	bad  = []string{"BAD", "x"} // the replay function refuses it
)

// refuseBad is a replay function that records the commands and refuses
// BAD as an invalid record.
func refuseBad(got *[][]string) func([]string) error {
	return func(argv []string) error {
		*got = append(*got, argv)
		if argv[0] == "BAD" {
			return errors.Join(ErrInvalidRecord, errors.New("unknown command 'BAD'"))
		}
		return nil
	}
}

// damagedLength is cmdB with its value's length damaged so that the
// record runs past the end of the file it ends.
var damagedLength = []byte("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$99\r\n2\r\n")

// damageCase is a log (an optional AOF base and incr files) with damage.
type damageCase struct {
	name  string
	base  []byte   // an AOF-format base, if any
	incrs [][]byte // incr files 1..n
	// Where the damage is: the file (0 = the base when there is one, else
	// incr 1), the offset of the damaged record, and where its unit
	// starts — everything from there on is dropped by Recover.
	file      int
	off, cut  int64
	torn      bool // a torn tail (truncated by default and by Recover)
	partial   bool // Recover reports that fn applied part of the damaged block
	wantFirst [][]string
}

func damageCases() []damageCase {
	a, b, c := encode(cmdA), encode(cmdB), encode(cmdC)
	la := int64(len(a))
	multi, exec := encode([]string{"MULTI"}), encode([]string{"EXEC"})
	return []damageCase{
		{name: "garbage mid-file", incrs: [][]byte{cat(a, []byte("garbage\r\n"), b)}, off: la, cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "invalid record", incrs: [][]byte{cat(a, encode(bad), b)}, off: la, cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "invalid record ends the file", incrs: [][]byte{cat(a, b, encode(bad))}, off: la + int64(len(b)), cut: la + int64(len(b)),
			wantFirst: [][]string{cmdA, cmdB}},
		{name: "invalid record first in MULTI", incrs: [][]byte{cat(a, multi, encode(bad), b, exec, c)},
			off: la + int64(len(multi)), cut: la, wantFirst: [][]string{cmdA}},
		{name: "invalid record after a command in MULTI", incrs: [][]byte{cat(a, multi, b, encode(bad), exec, c)},
			off: la + int64(len(multi)+len(b)), cut: la, partial: true, wantFirst: [][]string{cmdA}},
		{name: "EXEC without MULTI", incrs: [][]byte{cat(a, exec, b)}, off: la, cut: la, wantFirst: [][]string{cmdA}},
		{name: "MULTI inside MULTI", incrs: [][]byte{cat(a, multi, b, multi, exec)}, off: la + int64(len(multi)+len(b)), cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "damage in a file that is not the last", incrs: [][]byte{cat(a, []byte("*x\r\n"), b), c, encode(cmdD)},
			off: la, cut: la, wantFirst: [][]string{cmdA}},
		{name: "torn record in a file that is not the last", incrs: [][]byte{cat(a, b[:5]), c}, off: la, cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "damaged length with a valid record after it", incrs: [][]byte{cat(a, damagedLength, c)}, off: la, cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "damaged length in MULTI with a valid record after it", incrs: [][]byte{cat(a, multi, damagedLength, exec, c)},
			off: la + int64(len(multi)), cut: la, wantFirst: [][]string{cmdA}},
		{name: "damage in an AOF base", base: cat(a, []byte("$3\r\n"), b), incrs: [][]byte{c}, off: la, cut: la,
			wantFirst: [][]string{cmdA}},
		{name: "torn tail", incrs: [][]byte{cat(a, b, c[:7])}, off: la + int64(len(b)), cut: la + int64(len(b)), torn: true,
			wantFirst: [][]string{cmdA, cmdB}},
		{name: "torn MULTI", incrs: [][]byte{cat(a, multi, b)}, off: la, cut: la, torn: true, wantFirst: [][]string{cmdA}},
		{name: "damaged length with nothing valid after it", incrs: [][]byte{cat(a, damagedLength)}, off: la, cut: la, torn: true,
			wantFirst: [][]string{cmdA}},
	}
}

// paths returns the files of the case's log, in load order.
func (tc damageCase) paths() []string {
	var ps []string
	if tc.base != nil {
		ps = append(ps, filepath.Join(aofDir, "appendonly.aof.1.base.aof"))
	}
	for i := range tc.incrs {
		ps = append(ps, incrPath(i+1))
	}
	return ps
}

// build writes the case's log to a new memFS.
func (tc damageCase) build() *memFS {
	m := newMemFS()
	var man string
	if tc.base != nil {
		man += "file appendonly.aof.1.base.aof seq 1 type b\n"
		m.setFile(filepath.Join(aofDir, "appendonly.aof.1.base.aof"), tc.base)
	}
	for i, data := range tc.incrs {
		man += "file appendonly.aof." + string(rune('1'+i)) + ".incr.aof seq " + string(rune('1'+i)) + " type i\n"
		m.setFile(incrPath(i+1), data)
	}
	m.setFile(filepath.Join(aofDir, manifestName), []byte(man))
	return m
}

// contents returns every file of the case's log as it is in m.
func (tc damageCase) contents(m *memFS) [][]byte {
	var out [][]byte
	for _, p := range tc.paths() {
		out = append(out, m.file(p))
	}
	return out
}

func (tc damageCase) original() [][]byte {
	if tc.base != nil {
		return append([][]byte{tc.base}, tc.incrs...)
	}
	return tc.incrs
}

// TestDamagePolicies runs every damage case under each policy.
func TestDamagePolicies(t *testing.T) {
	for _, tc := range damageCases() {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.paths()[tc.file]
			orig := tc.original()

			// Strict refuses everything and changes nothing.
			m := tc.build()
			l := openMem(t, m, Options{Strict: true, Recover: true})
			var got [][]string
			_, err := l.Replay(refuseBad(&got))
			var ce *CorruptError
			require.ErrorAs(t, err, &ce)
			assert.ErrorIs(t, err, ErrCorrupt)
			assert.Equal(t, path, ce.Path)
			assert.Equal(t, tc.off, ce.Offset)
			assert.Equal(t, orig, tc.contents(m), "a refusal changes nothing")
			assert.Equal(t, orig[tc.file][tc.cut:], m.file(ce.Quarantine), "the damaged part is copied aside")
			assert.Contains(t, err.Error(), ce.Quarantine)
			require.NoError(t, l.Close())

			// The default: a torn tail is truncated, other damage refused.
			m = tc.build()
			l = openMem(t, m, Options{})
			got = nil
			info, err := l.Replay(refuseBad(&got))
			if tc.torn {
				require.NoError(t, err)
				assert.True(t, info.Truncated)
				assert.Equal(t, tc.cut, info.TruncatedOffset)
				assert.Equal(t, orig[tc.file][tc.cut:], m.file(info.TruncatedCopy), "the torn tail is copied aside")
				assert.Equal(t, orig[tc.file][:tc.cut], m.file(path))
			} else {
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tc.off, ce.Offset)
				assert.Equal(t, orig, tc.contents(m), "a refusal changes nothing")
			}
			require.NoError(t, l.Close())

			// Recover cuts the log at the damage and opens.
			m = tc.build()
			l = openMem(t, m, Options{Recover: true})
			got = nil
			info, err = l.Replay(refuseBad(&got))
			require.NoError(t, err)
			if tc.torn {
				assert.True(t, info.Truncated)
				assert.Nil(t, info.Recovered)
			} else {
				rec := info.Recovered
				require.NotNil(t, rec)
				assert.False(t, info.Truncated)
				assert.Equal(t, path, rec.Err.Path)
				assert.Equal(t, tc.off, rec.Err.Offset)
				assert.Equal(t, tc.cut, rec.CutOffset)
				assert.Equal(t, tc.partial, rec.Partial)
				assert.ErrorIs(t, rec.Err, ErrCorrupt)
				// Nothing is lost: the live prefix and the copies are the
				// original files.
				require.NotEmpty(t, rec.Copies)
				assert.Equal(t, rec.Err.Quarantine, rec.Copies[0])
				assert.Equal(t, orig[tc.file][tc.cut:], m.file(rec.Copies[0]))
				var dropped int64 = int64(len(orig[tc.file])) - tc.cut
				later := orig[tc.file+1:]
				var copied [][]byte
				for _, q := range rec.Copies[1:] {
					copied = append(copied, m.file(q))
				}
				var nonEmpty [][]byte
				for _, f := range later {
					if len(f) > 0 {
						nonEmpty = append(nonEmpty, f)
					}
					dropped += int64(len(f))
				}
				assert.Equal(t, nonEmpty, copied, "every later file is copied whole")
				assert.Equal(t, dropped, rec.DroppedBytes)
				for i, f := range tc.contents(m) {
					switch {
					case i < tc.file:
						assert.Equal(t, orig[i], f)
					case i == tc.file:
						assert.Equal(t, orig[i][:tc.cut], f, "the damaged file ends where its damaged unit began")
					default:
						assert.Empty(t, f, "later files are emptied")
					}
				}
			}
			if !tc.partial {
				assert.Equal(t, tc.wantFirst, applied(got), "fn got exactly the intact prefix")
			}
			// The log goes on from the cut, and replays cleanly.
			l.AppendCommand(cmdD...)
			require.NoError(t, l.Commit())
			l, again, info2 := reopen(t, l, m, Options{Strict: true})
			assert.Equal(t, append(tc.wantFirst, cmdD), again)
			assert.False(t, info2.Truncated)
			assert.Nil(t, info2.Recovered)
			require.NoError(t, l.Close())
		})
	}
}

// applied drops the commands fn refused (and the MULTI blocks they were
// in) from what fn was handed: what a caller that discards a partial
// block holds.
func applied(got [][]string) [][]string {
	var out [][]string
	for _, c := range got {
		if c[0] == "BAD" || c[0] == "MULTI" {
			break
		}
		out = append(out, c)
	}
	return out
}

// TestCheckAgreesWithReplay: Check finds every damage at the place Replay
// reports it, and changes nothing.
func TestCheckAgreesWithReplay(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range damageCases() {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			for i, data := range tc.original() {
				p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+string(rune('0'+i)))
				require.NoError(t, os.WriteFile(p, data, 0o644))
				paths = append(paths, p)
			}
			var got [][]string
			f, err := Check(paths, CheckOptions{Base: tc.base != nil, Apply: refuseBad(&got)})
			require.NoError(t, err)
			require.NotNil(t, f)
			assert.Equal(t, paths[tc.file], f.Path)
			assert.Equal(t, tc.off, f.Offset)
			assert.Equal(t, tc.cut, f.Cut)
			assert.Equal(t, tc.torn, f.Torn)
			for i, p := range paths {
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, tc.original()[i], data, "Check changes nothing")
			}
		})
	}
	f, err := Check([]string{filepath.Join(dir, "garbage-mid-file0")}, CheckOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(len(encode(cmdA))), f.Offset, "without Apply, every well-formed command passes")
}

// TestRecoverCrashAtEveryOp crashes the machine at every file-system
// operation of a recovery: the next recovery must end with the same log,
// and a complete copy of everything dropped must exist.
func TestRecoverCrashAtEveryOp(t *testing.T) {
	for _, tc := range damageCases() {
		if tc.torn {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			orig := tc.original()
			for k := 0; ; k++ {
				m := tc.build()
				m.crashAt = k
				m.crashRNG = rand.New(rand.NewPCG(uint64(k), 1))
				l, err := Open(shardDir, Options{fs: m, Recover: true, Logger: quiet})
				if err == nil {
					var got [][]string
					_, err = l.Replay(refuseBad(&got))
					l.Close()
				}
				if !m.crashed {
					require.NoError(t, err)
					require.Greater(t, k, 3)
					return
				}
				c := m.snapshot
				l = openMem(t, c, Options{Recover: true})
				var got [][]string
				_, err = l.Replay(refuseBad(&got))
				require.NoError(t, err, "crash at op %d", k)
				if !tc.partial {
					assert.Equal(t, tc.wantFirst, applied(got), "crash at op %d", k)
				}
				require.NoError(t, l.Close())
				live := tc.contents(c)
				assert.Equal(t, orig[tc.file][:tc.cut], live[tc.file], "crash at op %d", k)
				// Some copy holds the damaged file's dropped bytes whole.
				base := filepath.Base(tc.paths()[tc.file])
				found := false
				for _, q := range c.names(aofDir, base+".corrupt-") {
					found = found || bytes.Equal(c.file(filepath.Join(aofDir, q)), orig[tc.file][tc.cut:])
				}
				assert.True(t, found, "crash at op %d: a whole copy survives", k)
				l = openMem(t, c, Options{Strict: true})
				again, _ := replayAll(t, l)
				assert.Equal(t, tc.wantFirst, nilIfEmpty(again)[:len(tc.wantFirst)], "crash at op %d", k)
				require.NoError(t, l.Close())
			}
		})
	}
}

// TestQuarantineNeverOverwrites: a second copy of the same offset gets a
// new name.
func TestQuarantineNeverOverwrites(t *testing.T) {
	tc := damageCases()[0]
	m := tc.build()
	for range 3 {
		l := openMem(t, m, Options{})
		_, err := l.Replay(func([]string) error { return nil })
		require.Error(t, err)
		require.NoError(t, l.Close())
	}
	assert.Equal(t, []string{"appendonly.aof.1.incr.aof.corrupt-27", "appendonly.aof.1.incr.aof.corrupt-27.1",
		"appendonly.aof.1.incr.aof.corrupt-27.2"}, m.names(aofDir, ".corrupt-"))
}

// TestRDBBaseDamage: damage in an RDB base is refused under every policy,
// as a *CorruptError naming the base and the offset, with a copy.
func TestRDBBaseDamage(t *testing.T) {
	base := filepath.Join(aofDir, "appendonly.aof.1.base.rdb")
	build := func() *memFS {
		m := newMemFS()
		m.setFile(filepath.Join(aofDir, manifestName), []byte(
			"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"))
		m.setFile(base, []byte("REDIS0010 and then damage"))
		m.setFile(incrPath(1), encode(cmdA))
		return m
	}
	load := func(io.Reader) error { return &rdb.CorruptError{Offset: 10, Err: errors.New("bad opcode")} }
	for _, opts := range []Options{{}, {Recover: true}, {Strict: true}} {
		m := build()
		opts.LoadBase = load
		l := openMem(t, m, opts)
		_, err := l.Replay(func([]string) error { return nil })
		var ce *CorruptError
		require.ErrorAs(t, err, &ce)
		var rce *rdb.CorruptError
		require.ErrorAs(t, err, &rce)
		assert.Equal(t, base, ce.Path)
		assert.Equal(t, base, rce.Path, "the rdb error names the file too")
		assert.Equal(t, int64(10), ce.Offset)
		assert.Equal(t, []byte("and then damage"), m.file(ce.Quarantine))
		assert.Equal(t, "aof: "+base+": corrupt RDB base at offset 10: bad opcode (copied to "+ce.Quarantine+")", err.Error())
		assert.Equal(t, []byte("REDIS0010 and then damage"), m.file(base))
		require.NoError(t, l.Close())
	}
}

// TestNextRecord finds the first valid record after damage, and nothing
// in a torn value.
func TestNextRecord(t *testing.T) {
	a := encode(cmdA)
	cases := []struct {
		data []byte
		from int64
		want int64
	}{
		{cat(damagedLength, a), 1, int64(len(damagedLength))},
		{cat(damagedLength, []byte("junk\r\n"), a), 1, int64(len(damagedLength) + 6)},
		{cat(damagedLength, a[:len(a)-1]), 1, -1},                       // the record after is torn too
		{cat([]byte("*1\r\n$90\r\nxx\r\n*2\r\n$1\r\nx\r\n"), a), 1, 24}, // "*2 ..." is no record
		{cat(damagedLength, []byte("\r\n*1\r\n$2\r\nab\r\n")), 1, int64(len(damagedLength) + 2)},
		{bytes.Repeat([]byte("\r\n*"), 50000), 1, -1},
	}
	for i, tc := range cases {
		got, err := nextRecord(bytes.NewReader(tc.data), tc.from, int64(len(tc.data)))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "case %d", i)
	}
	// Across the scan's chunk boundary.
	for _, pad := range []int{64<<10 - 3, 64<<10 - 2, 64<<10 - 1, 64 << 10} {
		data := cat(damagedLength[:8], bytes.Repeat([]byte("x"), pad), []byte("\r\n"), a)
		got, err := nextRecord(bytes.NewReader(data), 1, int64(len(data)))
		require.NoError(t, err)
		assert.Equal(t, int64(8+pad+2), got, "pad %d", pad)
	}
}
