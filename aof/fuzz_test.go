package aof

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzAOFReader replays arbitrary bytes as the last incr file. It must not
// panic; it either fails with a *CorruptError or replays commands that,
// re-encoded, replay the same again; and what it leaves on disk replays
// the same without any further repair.
func FuzzAOFReader(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.aof"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add(encode([]string{"SET", "a", "b"}, []string{"MULTI"}, []string{"EXEC"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		replay := func(data []byte, strict bool) ([][]string, ReplayInfo, error) {
			m := newMemFS()
			m.setFile(filepath.Join(aofDir, manifestName), []byte("file appendonly.aof.1.incr.aof seq 1 type i\n"))
			m.setFile(incrPath(1), data)
			l, err := Open(shardDir, Options{fs: m, Strict: strict, Logger: quiet})
			require.NoError(t, err)
			defer l.Close()
			var cmds [][]string
			info, err := l.Replay(func(argv []string) error { cmds = append(cmds, argv); return nil })
			if err == nil {
				// What is on disk now needs no repair.
				again, info2, err2 := func() ([][]string, ReplayInfo, error) {
					require.NoError(t, l.Close())
					l2, err := Open(shardDir, Options{fs: m, Strict: true, Logger: quiet})
					require.NoError(t, err)
					defer l2.Close()
					var c [][]string
					info, err := l2.Replay(func(argv []string) error { c = append(c, argv); return nil })
					return c, info, err
				}()
				require.NoError(t, err2)
				require.False(t, info2.Truncated)
				require.Equal(t, cmds, again)
			}
			return cmds, info, err
		}
		cmds, info, err := replay(data, false)
		if err != nil {
			var ce *CorruptError
			require.ErrorAs(t, err, &ce)
			require.True(t, errors.Is(err, ErrCorrupt))
			require.LessOrEqual(t, ce.Offset, int64(len(data)))
			return
		}
		again, info2, err := replay(encode(cmds...), true)
		require.NoError(t, err)
		require.Equal(t, cmds, again)
		require.False(t, info2.Truncated)

		strictCmds, _, serr := replay(data, true)
		if info.Truncated {
			require.Error(t, serr)
		} else {
			require.NoError(t, serr)
			require.Equal(t, cmds, strictCmds)
		}
	})
}

// FuzzAOFRecover replays arbitrary bytes as the last incr file under
// Recover, with a replay function that refuses BAD: it must not fail; the
// log it leaves replays again in Strict mode with no repair and the same
// commands; what it cut is in the copy, byte for byte; and Check, run on
// the original bytes, reports the damage where Replay cut.
func FuzzAOFRecover(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.aof"))
	require.NoError(f, err)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add(cat(encode(cmdA), encode(bad), encode(cmdB)))
	f.Add(cat(encode(cmdA), damagedLength, encode(cmdB)))
	f.Add(cat(encode(cmdA), encode([]string{"MULTI"}), encode(cmdB), encode(bad), encode([]string{"EXEC"})))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		m := newMemFS()
		m.setFile(filepath.Join(aofDir, manifestName), []byte("file appendonly.aof.1.incr.aof seq 1 type i\n"))
		m.setFile(incrPath(1), data)
		l := openMem(t, m, Options{Recover: true})
		var got [][]string
		info, err := l.Replay(refuseBad(&got))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		live := m.file(incrPath(1))
		require.True(t, bytes.HasPrefix(data, live))
		cut := int64(len(live))
		switch {
		case info.Recovered != nil:
			require.Equal(t, data[cut:], m.file(info.Recovered.Copies[0]))
			require.Equal(t, cut, info.Recovered.CutOffset)
		case info.Truncated:
			require.Equal(t, data[cut:], m.file(info.TruncatedCopy))
		default:
			require.Equal(t, data, live)
		}
		l = openMem(t, m, Options{Strict: true})
		var again [][]string
		info2, err := l.Replay(refuseBad(&again))
		require.NoError(t, err)
		require.False(t, info2.Truncated)
		require.NoError(t, l.Close())
		if info.Recovered == nil || !info.Recovered.Partial {
			require.Equal(t, applied(got), applied(again))
		}

		p := filepath.Join(dir, "f.aof")
		require.NoError(t, os.WriteFile(p, data, 0o644))
		fd, err := Check([]string{p}, CheckOptions{Apply: refuseBad(new([][]string))})
		require.NoError(t, err)
		if info.Recovered == nil && !info.Truncated {
			require.Nil(t, fd)
		} else {
			require.NotNil(t, fd)
			require.Equal(t, cut, fd.Cut)
			require.Equal(t, info.Truncated, fd.Torn)
		}
	})
}
