// Package faults is kevy's test-only fault injection: switches that make
// the engines misbehave on purpose, so that the stress harness can prove
// its checks fail on a broken engine, and a registry through which a test
// injects disk faults into the append-only files of a Store it opens with
// the public API.
//
// Nothing here is for production use. The engines pay for the switches
// with one atomic load per batch of requests (the actor engine), or per
// command spanning shards (both engines): [Enabled] is false unless a test
// turned a switch on.
package faults

import (
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/kevydb/kevy/aof"
)

// Switch names one deliberate defect.
type Switch uint32

// The defects the engines know how to commit.
const (
	// EarlyReply: an actor shard answers a write before applying it. The
	// write is applied at the shard's next tick; until then reads see the
	// old value.
	EarlyReply Switch = 1 << iota
	// EarlyRelease: the actor engine's coordinator releases each shard's
	// hold as soon as that shard's part of a multi-key command (MSET,
	// MGET, DEL ...) ran, instead of holding them all until the end, so
	// the command is no longer atomic across shards.
	EarlyRelease
	// SkipLock: the lock-based engine runs a multi-key command with only
	// the lock of one shard at a time, skipping the others', so the
	// command is no longer atomic across shards.
	SkipLock
)

// String names the switch.
func (s Switch) String() string {
	switch s {
	case EarlyReply:
		return "early-reply"
	case EarlyRelease:
		return "early-release"
	case SkipLock:
		return "skip-lock"
	}
	return "switch(?)"
}

var (
	on      atomic.Uint32 // the switches turned on
	pending atomic.Int64  // deferred writes not applied yet (EarlyReply)
)

// Enabled reports whether any switch is on, or deferred writes are still
// pending: the one check engines make on their paths.
func Enabled() bool { return on.Load() != 0 || pending.Load() != 0 }

// Has reports whether switch s is on.
func Has(s Switch) bool { return on.Load()&uint32(s) != 0 }

// Set turns switch s on or off and returns a function that restores its
// previous state.
func Set(s Switch, enabled bool) (restore func()) {
	was := Has(s)
	set(s, enabled)
	return func() { set(s, was) }
}

func set(s Switch, enabled bool) {
	for {
		old := on.Load()
		next := old &^ uint32(s)
		if enabled {
			next |= uint32(s)
		}
		if on.CompareAndSwap(old, next) {
			return
		}
	}
}

// Disk faults: a Store reads the faults registered for its data directory
// when it opens its logs, so a test that only has the public API (the
// stress harness) can still make writes and fsyncs fail.

var (
	diskMu sync.Mutex
	disk   = map[string]*aof.Faults{}
)

func dirKey(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return filepath.Clean(dir)
}

// SetDisk registers f for the data directory dir: a Store opened on dir
// afterwards runs every shard's log with f injected. It returns a function
// that removes the registration (Stores already open keep f).
func SetDisk(dir string, f *aof.Faults) (remove func()) {
	k := dirKey(dir)
	diskMu.Lock()
	disk[k] = f
	diskMu.Unlock()
	return func() {
		diskMu.Lock()
		delete(disk, k)
		diskMu.Unlock()
	}
}

// Disk returns the faults registered for dir, or nil.
func Disk(dir string) *aof.Faults {
	if dir == "" {
		return nil
	}
	diskMu.Lock()
	defer diskMu.Unlock()
	if len(disk) == 0 {
		return nil
	}
	return disk[dirKey(dir)]
}
