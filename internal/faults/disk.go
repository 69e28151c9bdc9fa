package faults

import (
	"path/filepath"
	"sync"

	"github.com/kevydb/kevy/aof"
)

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
