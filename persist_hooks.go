package kevy

import (
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

// testHooks are set by tests of this package through Config.test.
type testHooks struct {
	// faults are injected into every shard's log.
	faults *aof.Faults
	// migrate is called before each step of a directory migration
	// (import or re-shard) with the step's name; an error stops the
	// migration there, as a crash would.
	migrate func(step string) error
}

// faults returns the faults to inject into the logs: this package's
// tests set them in Config.test; the stress harness registers them for
// the directory in package internal/faults.
func (c Config) faults() *aof.Faults {
	if c.test == nil || c.test.faults == nil {
		return faults.Disk(c.Dir)
	}
	return c.test.faults
}

// migrateStep runs the migration hook, if any.
func (c Config) migrateStep(step string) error {
	if c.test == nil || c.test.migrate == nil {
		return nil
	}
	return c.test.migrate(step)
}
