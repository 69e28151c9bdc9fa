package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
)

func TestSoftLimit(t *testing.T) {
	assert.Equal(t, int64(math.MaxInt64), softLimit(0), "no maxmemory: no limit")
	assert.Equal(t, int64(100<<20+25<<20+64<<20), softLimit(100<<20))
	assert.Equal(t, int64(math.MaxInt64), softLimit(math.MaxInt64), "no overflow")
	assert.Equal(t, int64(1+64<<20), softLimit(1))
}

// memoryCalls records what tuneMemory asks of the runtime.
type memoryCalls struct {
	mu     sync.Mutex
	limits []int64
	purges int
}

func (m *memoryCalls) install(t *testing.T) {
	setMemoryLimit = func(n int64) int64 {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.limits = append(m.limits, n)
		return 0
	}
	freeOSMemory = func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.purges++
	}
	t.Cleanup(func() {
		setMemoryLimit, freeOSMemory = defaultSetMemoryLimit, defaultFreeOSMemory
	})
}

func (m *memoryCalls) get() ([]int64, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]int64(nil), m.limits...), m.purges
}

var defaultSetMemoryLimit, defaultFreeOSMemory = setMemoryLimit, freeOSMemory

// TestMemoryTuner: the soft limit follows maxmemory as CONFIG SET changes
// it, and the heap is returned to the OS once per idle spell.
func TestMemoryTuner(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	var calls memoryCalls
	calls.install(t)
	synctest.Test(t, func(t *testing.T) {
		db, err := kevy.Open(kevy.Config{})
		require.NoError(t, err)
		defer db.Close()
		ctx := context.Background()
		stop := startMemoryTuner(ctx, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer stop()

		time.Sleep(memoryTick + time.Millisecond) // first tick: no maxmemory, idle
		synctest.Wait()
		limits, purges := calls.get()
		assert.Equal(t, []int64{math.MaxInt64}, limits)
		assert.Equal(t, 0, purges, "nothing ran since the start: nothing to give back")

		_, err = db.Do(ctx, "CONFIG", "SET", "maxmemory", "100mb")
		require.NoError(t, err)
		for i := range 200 { // a burst, then idle
			require.NoError(t, db.Set(ctx, "k", "v", 0), i)
		}
		time.Sleep(memoryTick)
		synctest.Wait()
		limits, purges = calls.get()
		assert.Equal(t, []int64{math.MaxInt64, softLimit(100 << 20)}, limits)
		assert.Equal(t, 0, purges, "busy")
		time.Sleep(memoryTick)
		synctest.Wait()
		_, purges = calls.get()
		assert.Equal(t, 1, purges, "idle after the burst: one purge")
		time.Sleep(3 * memoryTick)
		synctest.Wait()
		_, purges = calls.get()
		assert.Equal(t, 1, purges, "still the same idle spell")

		_, err = db.Do(ctx, "CONFIG", "SET", "maxmemory", "0")
		require.NoError(t, err)
		time.Sleep(memoryTick)
		synctest.Wait()
		limits, _ = calls.get()
		assert.Equal(t, []int64{math.MaxInt64, softLimit(100 << 20), math.MaxInt64}, limits)
	})
}

// TestMemoryTunerLeavesGOMEMLIMIT: with GOMEMLIMIT in the environment, the
// limit is the operator's.
func TestMemoryTunerLeavesGOMEMLIMIT(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	var calls memoryCalls
	calls.install(t)
	synctest.Test(t, func(t *testing.T) {
		db, err := kevy.Open(kevy.Config{MaxMemory: 1 << 20})
		require.NoError(t, err)
		defer db.Close()
		stop := startMemoryTuner(context.Background(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer stop()
		time.Sleep(3 * memoryTick)
		synctest.Wait()
		limits, _ := calls.get()
		assert.Empty(t, limits)
	})
}
