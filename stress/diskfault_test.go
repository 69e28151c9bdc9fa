package stress

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/faults"
	"github.com/stretchr/testify/require"
)

// TestDiskFaults injects disk errors into a running store's append-only
// files (through the aof file seam, registered for the data directory in
// internal/faults) while the workload runs: writes must fail cleanly with
// Redis's MISCONF error (a refused write may or may not have been applied
// in memory: the model allows both), reads must go on, the history must
// stay linearizable, and once the fault clears the store must recover on
// its own (the persistence supervisor's recovery rewrite) and accept
// writes again. Finally the directory, reopened, must hold exactly what
// the store held in memory.
func TestDiskFaults(t *testing.T) {
	k, fams := setup(t)
	cases := []struct {
		name  string
		fsync kevy.FsyncPolicy
		kind  faultKind
	}{
		{"write-ENOSPC/fsync=always", kevy.FsyncAlways, faultWrite},
		{"write-ENOSPC/fsync=everysec", kevy.FsyncEverySec, faultWrite},
		{"fsync-EIO/fsync=always", kevy.FsyncAlways, faultSync},
	}
	n := len(cases) * len(k.engines)
	k.schedule(n, func(r, i int) bool {
		e, tc := k.engines[i/len(cases)], cases[i%len(cases)]
		return t.Run(fmt.Sprintf("%s/%s/round=%d", engineName(e), tc.name, r), func(t *testing.T) {
			diskFaultRound(t, k, e, tc.fsync, tc.kind, k.roundSeed(r), fams)
		})
	})
}

type faultKind int

const (
	faultWrite faultKind = iota + 1 // writes land half and fail with ENOSPC
	faultSync                       // fsyncs fail with EIO
)

// diskSwitch is a disk fault a test turns on and off.
type diskSwitch struct {
	kind faultKind
	on   atomic.Bool
}

func (d *diskSwitch) faults() *aof.Faults {
	return &aof.Faults{
		Write: func(_ string, p []byte) (int, error) {
			if d.kind == faultWrite && d.on.Load() {
				return len(p) / 2, syscall.ENOSPC
			}
			return len(p), nil
		},
		Op: func(op, _ string) error {
			if d.kind == faultSync && d.on.Load() && (op == "sync" || op == "syncdir") {
				return syscall.EIO
			}
			return nil
		},
	}
}

func diskFaultRound(t *testing.T, k knobs, e kevy.Engine, fsync kevy.FsyncPolicy, kind faultKind, seed uint64, fams []*family) {
	dir := t.TempDir()
	sw := &diskSwitch{kind: kind}
	defer faults.SetDisk(dir, sw.faults())()
	misconfBefore := fig.diskFaults.Load()
	var memory map[string]kstate
	var l *layout
	rc := roundConfig{test: t.Name(), engine: e, shards: 4, seed: seed, workers: k.workers, dur: k.round,
		dir: dir, fsync: fsync}
	// The fault is on for the middle half of the round.
	rc.during = func(ctx context.Context, db *kevy.Store) error {
		if !sleepCtx(ctx, rc.dur/4) {
			return nil
		}
		sw.on.Store(true)
		defer sw.on.Store(false)
		// A write now is refused with MISCONF (under everysec the failed
		// write shows at once; a failed fsync at the next commit).
		deadline := time.Now().Add(rc.dur / 2)
		refused := false
		for time.Now().Before(deadline) && ctx.Err() == nil {
			err := db.Set(context.Background(), "s:probe", "x", 0)
			if err != nil && strings.HasPrefix(err.Error(), "MISCONF Errors writing to the AOF file") {
				refused = true
				break
			}
		}
		if !refused {
			return errors.New("stress: no write was refused with MISCONF while the disk failed")
		}
		if _, err := db.Get(context.Background(), "s:probe"); err != nil && !errors.Is(err, kevy.Nil) {
			return fmt.Errorf("stress: a read failed while the disk failed: %w", err)
		}
		sleepCtx(ctx, time.Until(deadline))
		return nil
	}
	rc.before = func(db *kevy.Store) error {
		start := time.Now()
		if err := waitRecovered(db); err != nil {
			return err
		}
		fig.recoveries.Add(1)
		t.Logf("the log recovered %s after the workers stopped", time.Since(start).Round(time.Millisecond))
		if err := db.Set(context.Background(), "s:after", "1", 0); err != nil {
			return fmt.Errorf("stress: a write after recovery: %w", err)
		}
		var err error
		memory, err = snapshotState(db, l)
		return err
	}
	l = newLayout(rc.shards, fams)
	runJudged(t, k, rc, fams)
	refused := fig.diskFaults.Load() - misconfBefore
	require.Positive(t, refused, "the workload saw writes refused")

	db, err := kevy.Open(kevy.Config{Dir: dir, Engine: e, Shards: rc.shards})
	require.NoError(t, err)
	defer db.Close()
	reopened, err := snapshotState(db, l)
	require.NoError(t, err)
	now := time.Now().UnixMilli()
	for obj, st := range memory {
		if st.Exp != 0 && st.Exp <= now && reopened[obj] == none {
			continue // its time ran out in between
		}
		require.Equal(t, st, reopened[obj], "%s after reopening", obj)
	}
	t.Logf("%d workload writes refused with MISCONF; %d keys identical after reopening", refused, len(memory))
}

// waitRecovered waits until the store's logs are healthy again, as INFO
// persistence reports. The recovery is the supervisor's, on its own
// schedule (a retry back-off of 1 to 30 seconds), and announces itself
// with no event, so this polls; a minute without recovery fails.
func waitRecovered(db *kevy.Store) error {
	deadline := time.Now().Add(time.Minute)
	for {
		info, err := db.Info(context.Background(), "persistence")
		if err != nil {
			return err
		}
		if strings.Contains(info, "aof_last_write_status:ok") {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("stress: the log did not recover within a minute of the fault clearing")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// snapshotState reads every key of the layout.
func snapshotState(db *kevy.Store, l *layout) (map[string]kstate, error) {
	ctx := context.Background()
	out := map[string]kstate{}
	conns := map[int]*kevy.Conn{}
	for _, d := range dbs {
		c := db.Conn()
		if err := c.Select(ctx, d); err != nil {
			return nil, err
		}
		conns[d] = c
	}
	read := func(db int, key string) error {
		st, err := readState(ctx, conns[db], key)
		out[fmt.Sprintf("%d/%s", db, key)] = st
		return err
	}
	for _, k := range l.keys {
		if err := read(k.db, k.name); err != nil {
			return nil, err
		}
	}
	for _, g := range append(append([]multiDef(nil), l.groups...), l.accts...) {
		for _, key := range g.keys {
			if err := read(g.db, key); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// sleepCtx waits d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
