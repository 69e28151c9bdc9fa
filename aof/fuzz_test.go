package aof

import (
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
