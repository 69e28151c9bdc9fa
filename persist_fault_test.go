package kevy

import (
	"context"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy/aof"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Store-level fault injection through the aof file seam: a failing write
// (ENOSPC, short) or fsync (EIO) poisons the shard's log; writes are then
// refused with Redis's MISCONF error while reads go on; once the fault
// clears, the persistence supervisor's recovery rewrite (or an explicit
// rewrite) makes the log healthy again, and a reopened store holds every
// acknowledged write and none of the refused ones.

// faultSwitch is a set of faults a test turns on and off.
type faultSwitch struct {
	write atomic.Bool // writes land half and fail with ENOSPC
	sync  atomic.Bool // fsyncs fail with EIO
}

func (f *faultSwitch) faults() *aof.Faults {
	return &aof.Faults{
		Write: func(_ string, p []byte) (int, error) {
			if f.write.Load() {
				return len(p) / 2, syscall.ENOSPC
			}
			return len(p), nil
		},
		Op: func(op, _ string) error {
			if f.sync.Load() && (op == "sync" || op == "syncdir") {
				return syscall.EIO
			}
			return nil
		},
	}
}

func TestLogFaultMisconfAndRecovery(t *testing.T) {
	cases := []struct {
		name  string
		fsync FsyncPolicy
		on    func(f *faultSwitch, on bool)
		msg   string
	}{
		{"write-ENOSPC/always", FsyncAlways, func(f *faultSwitch, on bool) { f.write.Store(on) }, "No space left on device"},
		{"write-ENOSPC/everysec", FsyncEverySec, func(f *faultSwitch, on bool) { f.write.Store(on) }, "No space left on device"},
		{"fsync-EIO/always", FsyncAlways, func(f *faultSwitch, on bool) { f.sync.Store(on) }, "Input/output error"},
	}
	for _, e := range []Engine{EngineActor, EngineLocked} {
		for _, tc := range cases {
			t.Run("engine="+e.String()+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				synctest.Test(t, func(t *testing.T) {
					ctx := context.Background()
					var sw faultSwitch
					cfg := Config{Dir: dir, Engine: e, Shards: 2, Fsync: tc.fsync}
					db, err := openWithHooks(cfg, &testHooks{faults: sw.faults()})
					require.NoError(t, err)
					for _, k := range []string{"a", "b", "c", "d"} {
						require.NoError(t, db.Set(ctx, k, "1", 0))
					}

					tc.on(&sw, true)
					r := db.Exec(ctx, "SET", "a", "2")
					if tc.fsync == FsyncEverySec && r.Kind != ReplyError {
						// The write reached the OS; the failed fsync shows
						// at the next second, then writes are refused.
						time.Sleep(1500 * time.Millisecond)
						synctest.Wait()
						r = db.Exec(ctx, "SET", "a", "3")
					}
					require.Equal(t, ReplyError, r.Kind, "a write on a failing log is refused")
					assert.True(t, strings.HasPrefix(r.Str, "MISCONF Errors writing to the AOF file: "+tc.msg), r.Str)
					v, err := db.Get(ctx, "b")
					require.NoError(t, err, "reads go on")
					assert.Equal(t, "1", v)
					info, err := db.Info(ctx, "persistence")
					require.NoError(t, err)
					assert.Contains(t, info, "aof_last_write_status:err")

					// The fault persists: recovery attempts fail, writes
					// stay refused, reads go on.
					time.Sleep(3 * time.Second)
					synctest.Wait()
					for _, k := range []string{"a", "b", "c", "d"} {
						_, err := db.Get(ctx, k)
						require.NoError(t, err)
					}
					refused := 0
					for _, k := range []string{"a", "b", "c", "d"} {
						if r := db.Exec(ctx, "SET", k, "refused"); r.Kind == ReplyError {
							refused++
						}
					}
					assert.Positive(t, refused)

					// The fault clears: the supervisor's recovery rewrite
					// brings the log back within its back-off.
					tc.on(&sw, false)
					time.Sleep(40 * time.Second)
					synctest.Wait()
					for _, k := range []string{"a", "b", "c", "d"} {
						require.NoError(t, db.Set(ctx, k, "after", 0), "writes work again")
					}
					info, err = db.Info(ctx, "persistence")
					require.NoError(t, err)
					assert.Contains(t, info, "aof_last_write_status:ok")
					require.NoError(t, db.Close())

					db, err = Open(Config{Dir: dir, Engine: e, Shards: 2})
					require.NoError(t, err)
					for _, k := range []string{"a", "b", "c", "d"} {
						v, err := db.Get(ctx, k)
						require.NoError(t, err)
						assert.Equal(t, "after", v, k)
					}
					require.NoError(t, db.Close())
				})
			})
		}
	}
}

// TestLogFaultRecoveredByRewrite: an explicit rewrite (BGREWRITEAOF's
// synchronous form) heals a failed log as soon as the fault is gone.
func TestLogFaultRecoveredByRewrite(t *testing.T) {
	for _, e := range []Engine{EngineActor, EngineLocked} {
		t.Run("engine="+e.String(), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			var sw faultSwitch
			db, err := openWithHooks(Config{Dir: dir, Engine: e, Shards: 1, Fsync: FsyncAlways}, &testHooks{faults: sw.faults()})
			require.NoError(t, err)
			require.NoError(t, db.Set(ctx, "k", "1", 0))
			sw.write.Store(true)
			assert.Equal(t, ReplyError, db.Exec(ctx, "SET", "k", "2").Kind)
			assert.Error(t, db.RewriteAOF(ctx), "the rewrite fails while the disk is full")
			assert.Equal(t, ReplyError, db.Exec(ctx, "SET", "k", "2").Kind)
			sw.write.Store(false)
			require.NoError(t, db.RewriteAOF(ctx))
			require.NoError(t, db.Set(ctx, "k", "3", 0))
			require.NoError(t, db.Close())
			db, err = Open(Config{Dir: dir, Engine: e, Shards: 1})
			require.NoError(t, err)
			v, err := db.Get(ctx, "k")
			require.NoError(t, err)
			assert.Equal(t, "3", v)
			require.NoError(t, db.Close())
		})
	}
}
