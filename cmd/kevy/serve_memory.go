package main

import (
	"context"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"time"

	"github.com/kevydb/kevy"
)

// The Go runtime's memory settings under kevy serve. The library never
// touches them (an application embedding the store owns its process);
// kevy serve owns its process, so it keeps the heap's headroom in line with
// the data, as an operator of redis-server would expect:
//
//   - With maxmemory set (CONFIG SET maxmemory), a soft memory limit
//     (debug.SetMemoryLimit) of maxmemory plus a quarter plus 64 MiB: the
//     garbage collector then works harder as the heap nears it, instead of
//     letting the heap reach twice the live data (GOGC=100). The quarter
//     covers what maxmemory does not count (connection buffers, the
//     append-only file's buffers, garbage between collections); as in Go,
//     the limit is soft: a heap that needs more gets it.
//   - Once the server goes idle (fewer than idleCommands commands in a
//     tick of memoryTick), the free heap is returned to the operating
//     system (debug.FreeOSMemory), once per idle spell, as jemalloc purges
//     dirty pages in the background: the resident set then shows the data
//     rather than the peak of the last burst.
//
// GOMEMLIMIT and GOGC in the environment keep their meaning: with
// GOMEMLIMIT set, the limit is left alone.

// The runtime calls tuneMemory makes; tests replace them.
var (
	setMemoryLimit = debug.SetMemoryLimit
	freeOSMemory   = debug.FreeOSMemory
)

const (
	memoryTick   = time.Second
	idleCommands = 100
	// limitSlackFixed is the constant part of the soft limit's headroom.
	limitSlackFixed = 64 << 20
)

// softLimit returns the soft memory limit for maxmemory max, or no limit
// for max == 0.
func softLimit(max int64) int64 {
	if max <= 0 {
		return math.MaxInt64
	}
	if max > (math.MaxInt64-limitSlackFixed)/5*4 {
		return math.MaxInt64
	}
	return max + max/4 + limitSlackFixed
}

// startMemoryTuner runs tuneMemory on a goroutine of its own and returns
// what stops it and waits for it to end.
func startMemoryTuner(ctx context.Context, db *kevy.Store, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tuneMemory(ctx, db, log)
	}()
	return func() {
		cancel()
		<-done
	}
}

// tuneMemory keeps the runtime's settings in line with db until ctx ends.
func tuneMemory(ctx context.Context, db *kevy.Store, log *slog.Logger) {
	ownLimit := os.Getenv("GOMEMLIMIT") == ""
	t := time.NewTicker(memoryTick)
	defer t.Stop()
	lastMax, lastCmds, purged := int64(-1), int64(0), true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := db.Stats(ctx)
		if err != nil {
			return // the store is closing
		}
		if ownLimit && st.MaxMemory != lastMax {
			setMemoryLimit(softLimit(st.MaxMemory))
			if st.MaxMemory > 0 {
				log.Info("kevy: Go soft memory limit set from maxmemory", "maxmemory", st.MaxMemory,
					"limit", softLimit(st.MaxMemory))
			}
			lastMax = st.MaxMemory
		}
		busy := st.Commands-lastCmds >= idleCommands
		lastCmds = st.Commands
		switch {
		case busy:
			purged = false
		case !purged:
			freeOSMemory()
			purged = true
		}
	}
}
