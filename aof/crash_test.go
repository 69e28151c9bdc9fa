package aof

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crashRun is what a workload did before it stopped.
type crashRun struct {
	issued  [][]string // every command handed to the log, in order
	acked   int        // commands whose Commit returned nil
	durable int        // commands known fsynced (Commit under always, Sync...)
}

// crashWorkload drives a log on m through commits (some in MULTI blocks),
// background syncs and rewrites (finished and aborted), stopping at the
// first error, which is the simulated crash.
func crashWorkload(m *memFS, policy FsyncPolicy) crashRun {
	var run crashRun
	l, err := Open(shardDir, Options{fs: m, Fsync: policy, Logger: quiet})
	if err != nil {
		return run
	}
	defer l.Close()
	if _, err := l.Replay(func([]string) error { return nil }); err != nil {
		return run
	}
	var rw *Rewrite
	var base []byte
	for i := range 40 {
		n := 1 + i%3
		if i%5 == 4 {
			l.AppendCommand("MULTI")
			run.issued = append(run.issued, []string{"MULTI"})
		}
		for j := range n {
			c := []string{"SET", "k" + strconv.Itoa(i), strings.Repeat("v", j+i%4)}
			l.AppendCommand(c...)
			run.issued = append(run.issued, c)
		}
		if i%5 == 4 {
			l.AppendCommand("EXEC")
			run.issued = append(run.issued, []string{"EXEC"})
		}
		if l.Commit() != nil {
			return run
		}
		run.acked = len(run.issued)
		if policy == FsyncAlways {
			run.durable = run.acked
		}
		if i%4 == 1 && l.SyncIfDirty() == nil && policy == FsyncEverySec {
			run.durable = run.acked
		}
		switch i {
		case 8, 20, 30: // start a rewrite: the base is everything so far
			if rw, err = l.StartRewrite(BaseAOF); err != nil {
				return run
			}
			run.durable = run.acked
			base = encode(run.issued...)
		case 12, 24: // write the base in two steps and finish
			for _, part := range [][]byte{base[:len(base)/2], base[len(base)/2:]} {
				if _, err := rw.Write(part); err != nil {
					return run
				}
			}
			if l.FinishRewrite(rw) != nil {
				return run
			}
		case 33:
			if l.AbortRewrite(rw) != nil {
				return run
			}
		}
	}
	if l.Close() == nil {
		run.durable = run.acked
	}
	return run
}

// TestCrashAtEveryOp simulates a machine crash at the k-th file-system
// operation for k = 0, 1, 2, ... until the workload completes, keeping only
// the synced bytes plus a random prefix of the unsynced ones. Each time,
// the reopened log must replay a prefix of what was issued that holds
// every durable command, with no torn record and no half MULTI block, and
// must accept appends afterwards.
func TestCrashAtEveryOp(t *testing.T) {
	seeds := 3
	if testing.Short() {
		seeds = 1
	}
	for _, policy := range []FsyncPolicy{FsyncAlways, FsyncEverySec, FsyncNo} {
		t.Run(policy.String(), func(t *testing.T) {
			for k := 0; ; k++ {
				completed := false
				for seed := range seeds {
					m := newMemFS()
					m.crashAt = k
					m.crashRNG = rand.New(rand.NewPCG(uint64(k), uint64(seed)))
					run := crashWorkload(m, policy)
					if !m.crashed {
						completed = true
						break
					}
					checkCrash(t, m.snapshot, run, policy, k)
				}
				if completed {
					assert.Greater(t, k, 100, "the workload should take many operations")
					return
				}
			}
		})
	}
}

func checkCrash(t *testing.T, m *memFS, run crashRun, policy FsyncPolicy, k int) {
	t.Helper()
	l, err := Open(shardDir, Options{fs: m, Fsync: policy, Logger: quiet})
	require.NoError(t, err, "crash at op %d", k)
	var got [][]string
	_, err = l.Replay(func(argv []string) error { got = append(got, argv); return nil })
	require.NoError(t, err, "crash at op %d", k)
	require.LessOrEqual(t, len(got), len(run.issued), "crash at op %d", k)
	require.Equal(t, nilIfEmpty(run.issued[:len(got)]), nilIfEmpty(got), "crash at op %d: a prefix of what was issued", k)
	require.GreaterOrEqual(t, len(got), run.durable, "crash at op %d: every durable command is there", k)
	if len(got) > 0 {
		inMulti := false
		for _, c := range got {
			switch c[0] {
			case "MULTI":
				inMulti = true
			case "EXEC":
				inMulti = false
			}
		}
		require.False(t, inMulti, "crash at op %d: half a MULTI block replayed", k)
	}
	l.AppendCommand("SET", "after", "crash")
	require.NoError(t, l.Commit())
	require.NoError(t, l.Close())
	l = openMem(t, m, Options{})
	again, _ := replayAll(t, l)
	require.Equal(t, append(nilIfEmpty(got), []string{"SET", "after", "crash"}), again, "crash at op %d", k)
	require.NoError(t, l.Close())
}

func nilIfEmpty(c [][]string) [][]string {
	if len(c) == 0 {
		return [][]string{}
	}
	return c
}
