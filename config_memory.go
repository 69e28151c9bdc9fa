package kevy

import (
	"fmt"
	"time"
)

// The memory, eviction, slow-log and tick settings of Config: their types,
// defaults and validation.

// Defaults of the memory and slow-log settings, Redis's.
const (
	defaultMaxMemorySamples = 5
	defaultLFULogFactor     = 10
	defaultLFUDecayTime     = time.Minute
	defaultSlowlogMaxLen    = 128
	defaultHz               = 10
)

// validateMemory checks the memory, slow-log and tick settings.
func (c Config) validateMemory() error {
	switch {
	case c.MaxMemory < 0:
		return fmt.Errorf("kevy: Config.MaxMemory = %d: want 0 (no limit) or more", c.MaxMemory)
	case !c.MaxMemoryPolicy.Valid():
		return fmt.Errorf("kevy: Config.MaxMemoryPolicy = %d: unknown policy", int(c.MaxMemoryPolicy))
	case c.MaxMemorySamples < 0 || c.MaxMemorySamples > 1<<20:
		return fmt.Errorf("kevy: Config.MaxMemorySamples = %d: want 0 (5) or 1..%d", c.MaxMemorySamples, 1<<20)
	case c.LFUDecayTime > 0 && c.LFUDecayTime%time.Minute != 0:
		return fmt.Errorf("kevy: Config.LFUDecayTime = %v: want whole minutes", c.LFUDecayTime)
	case c.LFUDecayTime/time.Minute > 1<<31-1:
		return fmt.Errorf("kevy: Config.LFUDecayTime = %v: too long", c.LFUDecayTime)
	case c.LFULogFactor > 1<<31-1:
		return fmt.Errorf("kevy: Config.LFULogFactor = %d: too large", c.LFULogFactor)
	case c.Hz < 0:
		return fmt.Errorf("kevy: Config.Hz = %d: want 0 (10) or more", c.Hz)
	}
	return nil
}

// memoryDefaults fills the zero memory, slow-log and tick settings of c.
func (c Config) memoryDefaults() Config {
	if c.MaxMemorySamples == 0 {
		c.MaxMemorySamples = defaultMaxMemorySamples
	}
	if c.LFULogFactor == 0 {
		c.LFULogFactor = defaultLFULogFactor
	}
	if c.LFUDecayTime == 0 {
		c.LFUDecayTime = defaultLFUDecayTime
	}
	if c.SlowlogThreshold <= 0 {
		c.SlowlogThreshold = -1 // off
	}
	if c.SlowlogMaxLen == 0 {
		c.SlowlogMaxLen = defaultSlowlogMaxLen
	}
	if c.Hz == 0 {
		c.Hz = defaultHz
	}
	return c
}

// lfuLogFactor returns Redis's lfu-log-factor for c (negative: 0).
func (c Config) lfuLogFactor() int { return max(c.LFULogFactor, 0) }

// lfuDecayMinutes returns Redis's lfu-decay-time for c (negative: 0).
func (c Config) lfuDecayMinutes() int { return int(max(c.LFUDecayTime, 0) / time.Minute) }
