package kevy

import (
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/faults"
)

// Test access to the package's internals, as go-redis's export_test.go
// gives its tests theirs: compiled only into this package's tests, so
// neither Config nor any exported name carries a test-only field.

// testHooks are faults a test injects into a Store it opens.
type testHooks struct {
	// faults are injected into every shard's log.
	faults *aof.Faults
	// migrate is called before each step of a directory migration
	// (import or re-shard) with the step's name; an error stops the
	// migration there, as a crash would.
	migrate func(step string) error
}

// openWithHooks opens a Store with h injected: h is registered for
// cfg.Dir while Open runs, which is when the logs and the migrations read
// it (an open log keeps its faults until it closes).
func openWithHooks(cfg Config, h *testHooks) (*Store, error) {
	if h.faults != nil {
		defer faults.SetDisk(cfg.Dir, h.faults)()
	}
	if h.migrate != nil {
		migrateHooks.Store(cfg.Dir, h.migrate)
		defer migrateHooks.Delete(cfg.Dir)
	}
	return Open(cfg)
}
