package aof

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecovery: a log poisoned by a failed write or fsync refuses commits
// until a recovery rewrite installs a new base; then it works again, and a
// reopened log holds the base plus what was committed afterwards.
func TestRecovery(t *testing.T) {
	for _, fault := range []string{"write", "fsync"} {
		t.Run(fault, func(t *testing.T) {
			m := newMemFS()
			opts := Options{Fsync: FsyncAlways}
			l := openMem(t, m, opts)
			replayAll(t, l)
			l.AppendCommand("SET", "a", "1")
			require.NoError(t, l.Commit())

			m.mu.Lock()
			if fault == "write" {
				m.failWrite = func(string, []byte) (int, error) { return 0, syscall.ENOSPC }
			} else {
				m.failOp = func(op, _ string) error {
					if op == "sync" {
						return syscall.EIO
					}
					return nil
				}
			}
			m.mu.Unlock()
			l.AppendCommand("SET", "b", "2")
			require.Error(t, l.Commit())
			require.Error(t, l.Err())

			// The fault persists: recovery fails and the log stays poisoned.
			rw, err := l.StartRecovery(BaseAOF)
			if err == nil {
				_, _ = rw.Write(encode([]string{"SET", "a", "1"})) // may fail: FinishRecovery reports it
				require.Error(t, l.FinishRecovery(rw))
			}
			require.Error(t, l.Err())
			l.AppendCommand("SET", "c", "3")
			require.Error(t, l.Commit())

			// The fault clears: recovery succeeds.
			m.mu.Lock()
			m.failWrite, m.failOp = nil, nil
			m.mu.Unlock()
			rw, err = l.StartRecovery(BaseAOF)
			require.NoError(t, err)
			_, err = rw.Write(encode([]string{"SET", "a", "1"}, []string{"SET", "b", "2"}))
			require.NoError(t, err)
			require.NoError(t, rw.Sync())
			require.NoError(t, l.FinishRecovery(rw))
			require.NoError(t, l.Err())
			l.AppendCommand("SET", "d", "4")
			require.NoError(t, l.Commit())

			l, cmds, _ := reopen(t, l, m, opts)
			defer l.Close()
			assert.Equal(t, [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}, {"SET", "d", "4"}}, cmds)
		})
	}
}

// TestRecoveryHealthy: on a healthy log the recovery calls are a plain
// rewrite.
func TestRecoveryHealthy(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	l.AppendCommand("SET", "a", "1")
	require.NoError(t, l.Commit())
	rw, err := l.StartRecovery(BaseAOF)
	require.NoError(t, err)
	l.AppendCommand("SET", "b", "2")
	require.NoError(t, l.Commit())
	_, err = rw.Write(encode([]string{"SET", "a", "1"}))
	require.NoError(t, err)
	require.NoError(t, l.FinishRecovery(rw))
	l, cmds, _ := reopen(t, l, m, Options{})
	defer l.Close()
	assert.Equal(t, [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}, cmds)
}

// TestFaultsSeam drives a log on the real file system through Faults.
func TestFaultsSeam(t *testing.T) {
	dir := t.TempDir()
	var failing bool
	f := &Faults{
		Write: func(_ string, p []byte) (int, error) {
			if failing {
				return len(p) / 2, syscall.ENOSPC
			}
			return len(p), nil
		},
		Op: func(op, _ string) error {
			if failing && op == "sync" {
				return syscall.EIO
			}
			return nil
		},
	}
	l, err := Open(dir, Options{Fsync: FsyncAlways, Logger: quiet}.WithFaults(f))
	require.NoError(t, err)
	replayAll(t, l)
	l.AppendCommand("SET", "a", "1")
	require.NoError(t, l.Commit())
	size := l.Size()
	failing = true
	l.AppendCommand("SET", "b", "2")
	require.ErrorIs(t, l.Commit(), syscall.ENOSPC)
	fi, err := os.Stat(filepath.Join(dir, dirName, "appendonly.aof.1.incr.aof"))
	require.NoError(t, err)
	assert.Equal(t, size, fi.Size(), "cut back after the short write")
	failing = false
	assert.ErrorIs(t, l.Close(), syscall.ENOSPC, "Close reports the poison")
}
