package shard

import "time"

// Redis's hz: how often the shards run their periodic tick (active expiry,
// background eviction, rehashing). CONFIG SET hz changes it at run time,
// and the engines' supervisors follow.

// hz bounds and default, as Redis's CONFIG_MIN_HZ, CONFIG_MAX_HZ and
// CONFIG_DEFAULT_HZ.
const (
	minHz     = 1
	maxHz     = 500
	defaultHz = 10
)

// SetHz sets the tick frequency, clamped to 1..500 as Redis clamps it, and
// returns the value kept.
func (rt *Runtime) SetHz(hz int) int {
	hz = max(min(hz, maxHz), minHz)
	rt.hz.Store(int32(hz))
	return hz
}

// Hz returns the tick frequency.
func (rt *Runtime) Hz() int { return int(rt.hz.Load()) }

// TickInterval returns the time between two ticks.
func (rt *Runtime) TickInterval() time.Duration { return time.Second / time.Duration(rt.hz.Load()) }

// ExpireBudget returns the time active expiry may take per tick: a quarter
// of the interval, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
func (rt *Runtime) ExpireBudget() time.Duration { return rt.TickInterval() / 4 }
