package aof

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenCreatesLayout(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	assert.Equal(t, "file appendonly.aof.1.incr.aof seq 1 type i\n", string(m.file(filepath.Join(aofDir, manifestName))))
	assert.Equal(t, []string{"appendonly.aof.1.incr.aof", "appendonly.aof.manifest"}, m.names(aofDir, ""))
	cmds, info := replayAll(t, l)
	assert.Empty(t, cmds)
	assert.Equal(t, ReplayInfo{Files: 1}, info)
	require.NoError(t, l.Close())

	// The layout survives a crash right after Open.
	c := m.CrashClone(rand.New(rand.NewPCG(1, 2)))
	l = openMem(t, c, Options{})
	_, _ = replayAll(t, l)
	require.NoError(t, l.Close())
}

func TestAppendReplayRoundTrip(t *testing.T) {
	for _, policy := range []FsyncPolicy{FsyncEverySec, FsyncAlways, FsyncNo} {
		t.Run(policy.String(), func(t *testing.T) {
			m := newMemFS()
			opts := Options{Fsync: policy}
			l := openMem(t, m, opts)
			replayAll(t, l)
			var want [][]string
			for i := range 20 {
				c := cmd(i)
				want = append(want, c)
				switch i % 3 {
				case 0:
					l.AppendCommand(c...)
				case 1:
					l.Append(encode(c))
				default:
					b := l.Buffer()
					*b = append(*b, encode(c)...)
				}
				if i%4 == 3 {
					require.NoError(t, l.Commit())
				}
			}
			l.AppendCommand("MULTI")
			l.AppendCommand("INCR", "n")
			l.AppendCommand("EXEC")
			want = append(want, []string{"MULTI"}, []string{"INCR", "n"}, []string{"EXEC"})
			require.NoError(t, l.Commit())
			assert.Zero(t, l.Pending())
			assert.Equal(t, int64(len(encode(want...))), l.Size())

			l, got, info := reopen(t, l, m, opts)
			assert.Equal(t, want, got)
			assert.False(t, info.Truncated)
			assert.Equal(t, int64(len(want)), info.Commands)
			assert.Equal(t, int64(len(encode(want...))), l.Size())

			l.AppendCommand("DEL", "x")
			require.NoError(t, l.Commit())
			want = append(want, []string{"DEL", "x"})
			l, got, _ = reopen(t, l, m, opts)
			assert.Equal(t, want, got)
			require.NoError(t, l.Close())
		})
	}
}

func TestAppendReplayOS(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{Fsync: FsyncAlways})
	require.NoError(t, err)
	_, err = l.Replay(func([]string) error { return nil })
	require.NoError(t, err)
	want := [][]string{{"SET", "a", "1"}, {"SET", "b", "\r\n\x00"}}
	for _, c := range want {
		l.AppendCommand(c...)
	}
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())

	l, err = Open(dir, Options{})
	require.NoError(t, err)
	var got [][]string
	_, err = l.Replay(func(argv []string) error { got = append(got, argv); return nil })
	require.NoError(t, err)
	assert.Equal(t, want, got)
	require.NoError(t, l.Close())
}

func TestGroupCommit(t *testing.T) {
	for _, tt := range []struct {
		policy FsyncPolicy
		syncs  int
	}{{FsyncAlways, 1}, {FsyncEverySec, 0}, {FsyncNo, 0}} {
		t.Run(tt.policy.String(), func(t *testing.T) {
			m := newMemFS()
			l := openMem(t, m, Options{Fsync: tt.policy})
			replayAll(t, l)
			p := incrPath(1)
			for range 64 {
				l.AppendCommand("SET", "k", "v")
			}
			require.NoError(t, l.Commit())
			assert.Equal(t, 1, m.writes[p], "one write per Commit")
			assert.Equal(t, tt.syncs, m.syncs[p])
			require.NoError(t, l.Commit()) // nothing buffered: no write, no sync
			assert.Equal(t, 1, m.writes[p])
			assert.Equal(t, tt.syncs, m.syncs[p])

			require.NoError(t, l.SyncIfDirty())
			if tt.policy == FsyncEverySec {
				assert.Equal(t, 1, m.syncs[p], "SyncIfDirty syncs a dirty file")
			} else {
				assert.Equal(t, tt.syncs, m.syncs[p], "nothing to do")
			}
			require.NoError(t, l.SyncIfDirty())
			assert.LessOrEqual(t, m.syncs[p], 1, "a clean file is not synced again")
			require.NoError(t, l.Close())
			assert.Equal(t, 1, m.syncs[p], "Close syncs what is dirty, whatever the policy")
		})
	}
}

// TestSyncIfDirtyConcurrent runs the syncer against the shard's commits
// and rewrites (meaningful under -race).
func TestSyncIfDirtyConcurrent(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				assert.NoError(t, l.SyncIfDirty())
				_ = l.Size() + l.BaseSize()
			}
		}
	})
	var want [][]string
	for i := range 300 {
		l.AppendCommand(cmd(i)...)
		want = append(want, cmd(i))
		require.NoError(t, l.Commit())
		if i%100 == 50 {
			rw, err := l.StartRewrite(BaseAOF)
			require.NoError(t, err)
			_, err = rw.Write(encode(want...))
			require.NoError(t, err)
			require.NoError(t, l.FinishRewrite(rw))
			want = append(want[:0:0], want...)
		}
	}
	close(stop)
	wg.Wait()
	require.NoError(t, l.Close())
	assert.NoError(t, l.SyncIfDirty(), "no-op after Close")
	l = openMem(t, m, Options{})
	got, _ := replayAll(t, l)
	assert.Equal(t, want, got)
	require.NoError(t, l.Close())
}

func TestLifecycleErrors(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	l.AppendCommand("PING")
	assert.ErrorIs(t, l.Commit(), ErrNotReplayed)
	_, err := l.StartRewrite(BaseAOF)
	assert.ErrorIs(t, err, ErrNotReplayed)
	replayAll(t, l)
	_, err = l.Replay(func([]string) error { return nil })
	assert.Error(t, err, "Replay twice")
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "Close is idempotent")
	assert.ErrorIs(t, l.Commit(), ErrClosed)
	assert.ErrorIs(t, l.Sync(), ErrClosed)
	_, err = l.StartRewrite(BaseAOF)
	assert.ErrorIs(t, err, ErrClosed)
}

func TestReplayCallbackError(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	l.AppendCommand("SET", "a", "b")
	l.AppendCommand("MULTI")
	l.AppendCommand("SET", "c", "d")
	l.AppendCommand("EXEC")
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())
	boom := errors.New("boom")
	l = openMem(t, m, Options{})
	n := 0
	_, err := l.Replay(func([]string) error {
		n++
		if n == 3 {
			return boom
		}
		return nil
	})
	assert.ErrorIs(t, err, boom)
	assert.ErrorIs(t, l.Commit(), ErrNotReplayed)
	require.NoError(t, l.Close())
}

func TestOpenRefusesLostManifest(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	l.AppendCommand("SET", "a", "b")
	require.NoError(t, l.Close())
	require.NoError(t, m.Remove(filepath.Join(aofDir, manifestName)))
	_, err := Open(shardDir, Options{fs: m, Logger: quiet})
	assert.ErrorContains(t, err, "is missing but appendonly.aof.1.incr.aof holds data")

	// A manifest naming a missing file is an error too.
	m = newMemFS()
	m.setFile(filepath.Join(aofDir, manifestName), []byte("file appendonly.aof.1.incr.aof seq 1 type i\n"))
	_, err = Open(shardDir, Options{fs: m, Logger: quiet})
	assert.ErrorContains(t, err, "named in the manifest")
}

func TestOpenRemovesLeftovers(t *testing.T) {
	m := newMemFS()
	l := openMem(t, m, Options{})
	replayAll(t, l)
	require.NoError(t, l.Close())
	m.setFile(filepath.Join(aofDir, "temp-rewriteaof-2.aof"), []byte("junk"))
	m.setFile(filepath.Join(aofDir, tempManifest), []byte("junk"))
	m.setFile(filepath.Join(aofDir, "appendonly.aof.1.incr.aof.corrupt-5"), []byte("kept"))
	l = openMem(t, m, Options{})
	assert.Empty(t, m.names(aofDir, "temp-"))
	assert.Len(t, m.names(aofDir, "corrupt"), 1, "quarantined files are never deleted")
	require.NoError(t, l.Close())
}

// TestCommitAllocs pins the hot path: appending and committing allocate
// nothing once the buffer has grown.
func TestCommitAllocs(t *testing.T) {
	l, err := Open(t.TempDir(), Options{Fsync: FsyncNo, Logger: quiet})
	require.NoError(t, err)
	_, err = l.Replay(func([]string) error { return nil })
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		for range 8 {
			l.AppendCommand("SET", "key", "value")
		}
		if err := l.Commit(); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
	require.NoError(t, l.Close())
}
