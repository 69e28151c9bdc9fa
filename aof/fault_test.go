package aof

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteFaults injects failing writes into a Commit: the error is
// returned and sticky, the file is cut back to the last good commit, and a
// reopened log replays exactly the commits that succeeded.
func TestWriteFaults(t *testing.T) {
	cases := []struct {
		name      string
		n         func(p []byte) int // bytes that land
		err       error
		wantErr   error
		truncFail bool
	}{
		{"ENOSPC", func([]byte) int { return 0 }, syscall.ENOSPC, syscall.ENOSPC, false},
		{"short write ENOSPC", func(p []byte) int { return len(p) / 2 }, syscall.ENOSPC, syscall.ENOSPC, false},
		{"short write no error", func(p []byte) int { return len(p) - 1 }, nil, io.ErrShortWrite, false},
		{"EIO", func(p []byte) int { return 3 }, syscall.EIO, syscall.EIO, false},
		{"EIO and truncate fails", func(p []byte) int { return len(p) - 2 }, syscall.EIO, syscall.EIO, true},
	}
	for _, tc := range cases {
		for _, policy := range []FsyncPolicy{FsyncAlways, FsyncEverySec} {
			t.Run(tc.name+"/"+policy.String(), func(t *testing.T) {
				m := newMemFS()
				opts := Options{Fsync: policy}
				l := openMem(t, m, opts)
				replayAll(t, l)
				good := [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}
				for _, c := range good {
					l.AppendCommand(c...)
				}
				require.NoError(t, l.Commit())
				goodBytes := m.file(incrPath(1))

				m.mu.Lock()
				m.failWrite = func(_ string, p []byte) (int, error) {
					n := tc.n(p)
					if tc.err == nil && n == len(p) {
						return n, nil
					}
					return n, tc.err
				}
				if tc.truncFail {
					m.failOp = func(op, _ string) error {
						if op == "truncate" {
							return syscall.EIO
						}
						return nil
					}
				}
				m.mu.Unlock()

				l.AppendCommand("SET", "lost", strings.Repeat("x", 100))
				err := l.Commit()
				require.ErrorIs(t, err, tc.wantErr)
				assert.Contains(t, err.Error(), "aof: write "+incrPath(1))
				assert.Zero(t, l.Pending(), "the failed batch is dropped")
				if !tc.truncFail {
					assert.Equal(t, goodBytes, m.file(incrPath(1)), "cut back to the last good offset")
				}

				// Sticky, even once the disk recovers.
				m.mu.Lock()
				m.failWrite, m.failOp = nil, nil
				m.mu.Unlock()
				writes := m.writes[incrPath(1)]
				l.AppendCommand("SET", "c", "3")
				assert.Equal(t, err, l.Commit())
				assert.Equal(t, err, l.Err())
				assert.Equal(t, writes, m.writes[incrPath(1)], "a poisoned log writes nothing")
				_, rerr := l.StartRewrite(BaseAOF)
				assert.Equal(t, err, rerr)
				assert.Equal(t, err, l.Close())

				l = openMem(t, m, opts)
				got, info := replayAll(t, l)
				assert.Equal(t, good, got)
				assert.Equal(t, tc.truncFail, info.Truncated, "a partial record left behind is a torn tail")
				l.AppendCommand("SET", "c", "3")
				require.NoError(t, l.Commit())
				require.NoError(t, l.Close())
			})
		}
	}
}

func TestFsyncFaultsAreSticky(t *testing.T) {
	failSync := func(m *memFS) {
		m.mu.Lock()
		m.failOp = func(op, _ string) error {
			if op == "sync" {
				return syscall.EIO
			}
			return nil
		}
		m.mu.Unlock()
	}
	t.Run("always", func(t *testing.T) {
		m := newMemFS()
		l := openMem(t, m, Options{Fsync: FsyncAlways})
		replayAll(t, l)
		failSync(m)
		l.AppendCommand("SET", "a", "1")
		err := l.Commit()
		require.ErrorIs(t, err, syscall.EIO)
		assert.Contains(t, err.Error(), "aof: fsync")
		l.AppendCommand("SET", "b", "2")
		assert.Equal(t, err, l.Commit())
		assert.Equal(t, err, l.Close())
	})
	t.Run("everysec", func(t *testing.T) {
		m := newMemFS()
		l := openMem(t, m, Options{})
		replayAll(t, l)
		l.AppendCommand("SET", "a", "1")
		require.NoError(t, l.Commit())
		failSync(m)
		err := l.SyncIfDirty()
		require.ErrorIs(t, err, syscall.EIO)
		assert.Equal(t, err, l.SyncIfDirty(), "the syncer keeps reporting it")
		l.AppendCommand("SET", "b", "2")
		assert.Equal(t, err, l.Commit(), "the shard sees it at its next Commit")
		assert.Equal(t, err, l.Close())
	})
	t.Run("sync", func(t *testing.T) {
		m := newMemFS()
		l := openMem(t, m, Options{Fsync: FsyncNo})
		replayAll(t, l)
		l.AppendCommand("SET", "a", "1")
		failSync(m)
		err := l.Sync()
		require.ErrorIs(t, err, syscall.EIO)
		assert.Equal(t, err, l.Commit())
		require.Equal(t, err, l.Close())
	})
}

// TestRewriteFaults: a failure while switching files leaves the log on its
// old file, still working; a failed directory fsync after the manifest
// rename poisons it, with memory in line with the new manifest.
func TestRewriteFaults(t *testing.T) {
	for _, op := range []string{"create", "rename", "syncdir"} {
		t.Run(op, func(t *testing.T) {
			m := newMemFS()
			l := openMem(t, m, Options{})
			replayAll(t, l)
			l.AppendCommand("SET", "a", "1")
			m.mu.Lock()
			m.failOp = func(o, _ string) error {
				if o == op {
					return syscall.EIO
				}
				return nil
			}
			m.mu.Unlock()
			_, err := l.StartRewrite(BaseAOF)
			require.ErrorIs(t, err, syscall.EIO)
			m.mu.Lock()
			m.failOp = nil
			m.mu.Unlock()
			l.AppendCommand("SET", "b", "2")
			want := [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}
			if op == "syncdir" {
				assert.Equal(t, err, l.Commit(), "poisoned")
				assert.Equal(t, err, l.Close())
				want = want[:1]
				l = openMem(t, m, Options{})
				got, _ := replayAll(t, l)
				assert.Equal(t, want, got)
				assert.Equal(t, []string{"appendonly.aof.1.incr.aof", "appendonly.aof.2.incr.aof"}, m.names(aofDir, "incr"))
				require.NoError(t, l.Close())
				return
			}
			require.NoError(t, l.Commit())
			l, got, _ := reopen(t, l, m, Options{})
			assert.Equal(t, want, got)
			require.NoError(t, l.Close())
		})
	}
}

func TestMisconfText(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("aof: write x: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), "No space left on device"},
		{fmt.Errorf("aof: fsync x: %w", syscall.EIO), "Input/output error"},
		{fmt.Errorf("aof: write x: %w", io.ErrShortWrite), "No space left on device"},
		{fmt.Errorf("aof: write x: %w", errors.New("disk on fire")), "Disk on fire"},
	} {
		assert.Equal(t, "MISCONF Errors writing to the AOF file: "+tt.want, MisconfText(tt.err))
	}
}
