package kevy

import (
	"math"
	"sync/atomic"
	"time"
)

// loadMeter measures how busy a shard actor's goroutine is: the time it
// spends handling batches and ticks, and, updated on every tick, the
// fraction of the last second or so it spent working (its saturation: 1
// means it never waited for work). Batches are timed one in sampleEvery
// and the time scaled up: two clock reads cost as much as a whole GET on a
// shard, and the sample is unbiased over the thousands of batches a tick
// window holds.
type loadMeter struct {
	busy atomic.Int64  // nanoseconds spent working since the start
	sat  atomic.Uint64 // float64 bits: recent saturation, 0..1

	// Owned by the actor's goroutine.
	n        uint32
	lastTick time.Time
	lastBusy int64
}

const sampleEvery = 8

// begin starts timing a batch if it is one of the sampled ones; it returns
// the zero time otherwise.
func (m *loadMeter) begin() time.Time {
	if m.n++; m.n%sampleEvery != 0 {
		return time.Time{}
	}
	return time.Now()
}

// since adds the time since start, scaled for the sampling, to the busy
// time; a zero start (an unsampled batch) adds nothing.
func (m *loadMeter) since(start time.Time) {
	if start.IsZero() {
		return
	}
	m.busy.Add(sampleEvery * int64(time.Since(start)))
}

// saturationWindow is the time constant of the saturation average.
const saturationWindow = time.Second

// tick ends a tick that began at start and refreshes the saturation: an
// exponential average, over about a second, of the fraction of each
// interval between ticks the goroutine spent working.
func (m *loadMeter) tick(start time.Time) {
	end := time.Now()
	busy := m.busy.Add(int64(end.Sub(start)))
	if !m.lastTick.IsZero() {
		if window := end.Sub(m.lastTick); window > 0 {
			f := math.Min(float64(busy-m.lastBusy)/float64(window), 1)
			a := math.Min(float64(window)/float64(saturationWindow), 1)
			old := math.Float64frombits(m.sat.Load())
			m.sat.Store(math.Float64bits(old + a*(f-old)))
		}
	}
	m.lastTick, m.lastBusy = end, busy
}

// saturation returns the recent saturation, 0..1.
func (m *loadMeter) saturation() float64 { return math.Float64frombits(m.sat.Load()) }

// busyTime returns the total time spent working.
func (m *loadMeter) busyTime() time.Duration { return time.Duration(m.busy.Load()) }
