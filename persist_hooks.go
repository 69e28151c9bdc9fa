package kevy

import (
	"sync"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/internal/faults"
)

// Persistence defaults and the hooks the package's own tests use to
// inject faults.

// Defaults of the automatic rewrite settings (Config).
const (
	defaultAutoAOFRewritePercent = 100      // Redis's auto-aof-rewrite-percentage
	defaultAutoAOFRewriteMinSize = 64 << 20 // Redis's auto-aof-rewrite-min-size
	defaultAutoAOFRewriteCap     = 1 << 30
)

// persistDefaults fills the zero persistence settings of c.
func (c Config) persistDefaults() Config {
	if c.AutoAOFRewritePercent == 0 {
		c.AutoAOFRewritePercent = defaultAutoAOFRewritePercent
	}
	if c.AutoAOFRewriteMinSize == 0 {
		c.AutoAOFRewriteMinSize = defaultAutoAOFRewriteMinSize
	}
	if c.AutoAOFRewriteCap == 0 {
		c.AutoAOFRewriteCap = defaultAutoAOFRewriteCap
	}
	return c
}

// Test hooks. This package's tests inject faults into the Stores they
// open through registries keyed by data directory (export_test.go), so
// that Config carries nothing for tests: disk faults through
// internal/faults, whose registry the stress harness uses too, and
// migration crash points through migrateHooks.

// migrateHooks maps a data directory (as Config.Dir gives it) to a
// function called before each step of a directory migration (import or
// re-shard) with the step's name; an error stops the migration there, as
// a crash would. Only tests register any.
var migrateHooks sync.Map

// faults returns the faults registered for the data directory, if any.
func (c Config) faults() *aof.Faults { return faults.Disk(c.Dir) }

// migrateStep runs the migration hook registered for the data directory,
// if any.
func (c Config) migrateStep(step string) error {
	h, ok := migrateHooks.Load(c.Dir)
	if !ok {
		return nil
	}
	return h.(func(string) error)(step)
}
