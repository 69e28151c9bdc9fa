package kevy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// The rules of the one-job-at-a-time slot, with Redis's replies, and the
// clean-up of jobs that fail, are cancelled or outlived by the store.

func TestJobRulesAndReplies(t *testing.T) {
	ctx := context.Background()
	s, err := Open(Config{Dir: t.TempDir(), Shards: 2})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Set(ctx, "k", "v", 0))
	m := s.jobs
	reply := func(args ...string) string { r := s.Exec(ctx, args...); return string(r.Kind) + r.Str }
	status := func(t string) string { return string(ReplyStatus) + t }
	errText := func(t string) string { return string(ReplyError) + t }

	// A rewrite holds the slot.
	require.NoError(t, m.acquire(ctx))
	m.mu.Lock()
	m.rewrite = true
	m.mu.Unlock()
	assert.Equal(t, errText(msgRewriteRunning), reply("BGREWRITEAOF"))
	assert.Equal(t, errText(msgBgsaveBusy), reply("BGSAVE"))
	assert.Equal(t, status(msgBgsaveScheduled), reply("BGSAVE", "SCHEDULE"))
	info, err := s.Info(ctx, "persistence")
	require.NoError(t, err)
	assert.Contains(t, info, "aof_rewrite_in_progress:1")
	m.mu.Lock()
	m.rewrite = false
	m.mu.Unlock()
	// A BGSAVE, then, holds it.
	m.mu.Lock()
	m.bgsave = true
	m.mu.Unlock()
	assert.Equal(t, errText(msgBgsaveRunning), reply("BGSAVE"))
	assert.Equal(t, errText(msgBgsaveRunning), reply("SAVE"))
	assert.Equal(t, status(msgRewriteScheduled), reply("BGREWRITEAOF"))
	info, err = s.Info(ctx, "persistence")
	require.NoError(t, err)
	assert.Contains(t, info, "aof_rewrite_scheduled:1")
	assert.Contains(t, info, "rdb_bgsave_in_progress:1")
	m.mu.Lock()
	m.bgsave = false
	m.mu.Unlock()
	before := s.lastSave()
	m.release() // starts the scheduled rewrite, then the scheduled BGSAVE

	// ExportRDB waits for the slot: after two exports both jobs ran.
	for range 2 {
		var buf bytes.Buffer
		require.NoError(t, s.ExportRDB(ctx, &buf))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		done := m.rewrites == 1 && m.saves == 1
		m.mu.Unlock()
		if done {
			break
		}
		require.True(t, time.Now().Before(deadline), "the scheduled jobs ran")
		var buf bytes.Buffer
		require.NoError(t, s.ExportRDB(ctx, &buf)) // waits for the running job
	}
	assert.GreaterOrEqual(t, s.lastSave(), before)
	assert.Equal(t, status("OK"), reply("SAVE"))
	r := s.Exec(ctx, "LASTSAVE")
	assert.Equal(t, ReplyInt, r.Kind)
}

// failAfter fails writes once n bytes went through.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n < len(p) {
		return 0, errors.New("disk on fire")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestExportFailureAndCancel(t *testing.T) {
	for _, e := range []Engine{EngineActor, EngineLocked} {
		t.Run("engine="+e.String(), func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(Config{Engine: e, Shards: 3})
			require.NoError(t, err)
			defer s.Close()
			fillKeys(t, s, 20000)
			err = s.ExportRDB(ctx, &failAfter{n: 100 << 10})
			assert.ErrorContains(t, err, "disk on fire")

			cctx, cancel := context.WithCancel(ctx)
			w := &cancelAfter{n: 50 << 10, cancel: cancel}
			err = s.ExportRDB(cctx, w)
			assert.ErrorIs(t, err, context.Canceled)

			// No snapshot was left behind: the next export is whole.
			var buf bytes.Buffer
			require.NoError(t, s.ExportRDB(ctx, &buf))
			r := rdb.NewReader(&buf)
			n := 0
			for {
				_, err := r.Next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 20000, n)
		})
	}
}

// cancelAfter cancels its context once n bytes went through.
type cancelAfter struct {
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n -= len(p)
	if c.n < 0 {
		c.cancel()
	}
	return len(p), nil
}

// TestCloseDuringJobs closes a store while a rewrite and a save run: Close
// waits for them to stop, leaks nothing, and the directory reopens whole.
func TestCloseDuringJobs(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, e := range []Engine{EngineActor, EngineLocked} {
		t.Run("engine="+e.String(), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s, err := Open(Config{Engine: e, Dir: dir, Shards: 2})
			require.NoError(t, err)
			fillKeys(t, s, 30000)
			_, err = s.BgRewriteAOF(ctx)
			require.NoError(t, err)
			_, err = s.BgSave(ctx, true)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			s, err = Open(Config{Engine: e, Dir: dir, Shards: 2})
			require.NoError(t, err)
			n, err := s.DBSize(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(30000), n)
			require.NoError(t, s.Close())
		})
	}
}

// fillKeys writes n keys with MSETs of 500.
func fillKeys(t *testing.T, s *Store, n int) {
	t.Helper()
	for i := 0; i < n; i += 500 {
		args := []string{"MSET"}
		for j := i; j < min(i+500, n); j++ {
			args = append(args, "key"+strconv.Itoa(j), "value"+strconv.Itoa(j))
		}
		r := s.Exec(context.Background(), args...)
		require.Equal(t, ReplyStatus, r.Kind, r.Str)
	}
}
