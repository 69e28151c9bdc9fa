package shard

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Access tracking for eviction and OBJECT IDLETIME/FREQ: each entry keeps a
// 24-bit LRU clock in seconds (Redis's LRU_CLOCK with its default 1 s
// resolution) or, under an LFU policy, Redis's 16-bit minutes + 8-bit
// logarithmic counter. Entry.Access is read and written atomically because
// the lock-based engine updates it under a read lock.

const (
	lruBits  = 24
	lruMax   = 1<<lruBits - 1
	lfuInit  = 5 // LFU_INIT_VAL
	minuteMs = 60 * 1000
)

// Settings are the store-wide runtime settings shards read: the eviction
// policy and LFU parameters, and the limits of the compact encodings (see
// encodings.go). They change with CONFIG SET from any goroutine.
type Settings struct {
	lfu        atomic.Bool
	lfuLog     atomic.Int32 // lfu-log-factor
	lfuDecay   atomic.Int32 // lfu-decay-time, minutes
	clockMilli atomic.Int64 // the store's coarse clock, unix ms, updated each tick
	enc        atomic.Pointer[Encodings]
}

// NewSettings returns the defaults: LRU tracking, lfu-log-factor 10,
// lfu-decay-time 1, Redis 7.0's encoding limits.
func NewSettings() *Settings {
	s := &Settings{}
	s.lfuLog.Store(10)
	s.lfuDecay.Store(1)
	s.clockMilli.Store(time.Now().UnixMilli())
	s.SetEncodings(DefaultEncodings())
	return s
}

// SetLFU selects LFU (true) or LRU (false) access tracking.
func (s *Settings) SetLFU(on bool) { s.lfu.Store(on) }

// LFU reports whether an LFU policy is selected.
func (s *Settings) LFU() bool { return s.lfu.Load() }

// SetLFUParams sets lfu-log-factor and lfu-decay-time (minutes).
func (s *Settings) SetLFUParams(logFactor, decayMinutes int) {
	s.lfuLog.Store(int32(logFactor))
	s.lfuDecay.Store(int32(decayMinutes))
}

// Tick advances the coarse clock to now (unix ms); shards call it on
// every reaper tick.
func (s *Settings) Tick(now int64) { s.clockMilli.Store(now) }

func (ks *Keyspace) lfu() bool { return ks.settings.lfu.Load() }

// lruClock returns the coarse LRU clock (seconds, 24 bits).
func (ks *Keyspace) lruClock() uint32 {
	return uint32(ks.settings.clockMilli.Load()/1000) & lruMax
}

// touch records an access to e (Redis's lookupKey access-time update).
func (ks *Keyspace) touch(e *Entry) {
	if ks.settings.lfu.Load() {
		for {
			old := atomic.LoadUint32(&e.Access)
			nv := ks.lfuIncr(old)
			if old == nv || atomic.CompareAndSwapUint32(&e.Access, old, nv) {
				return
			}
		}
	}
	clk := ks.lruClock()
	if atomic.LoadUint32(&e.Access) != clk {
		atomic.StoreUint32(&e.Access, clk)
	}
}

// initAccess sets the access field of a new entry.
func (ks *Keyspace) initAccess(e *Entry) {
	if ks.settings.lfu.Load() {
		e.Access = ks.lfuMinutes()<<8 | lfuInit
	} else {
		e.Access = ks.lruClock()
	}
}

// idleSeconds estimates the seconds since e was last accessed.
func (ks *Keyspace) idleSeconds(e *Entry) int64 {
	now := ks.lruClock()
	at := atomic.LoadUint32(&e.Access) & lruMax
	if now >= at {
		return int64(now - at)
	}
	return int64(now + (lruMax - at))
}

func (ks *Keyspace) lfuMinutes() uint32 {
	return uint32(ks.settings.clockMilli.Load()/minuteMs) & 0xffff
}

// lfuValue returns e's LFU counter after decay (Redis's LFUDecrAndReturn).
func (ks *Keyspace) lfuValue(e *Entry) uint32 {
	return ks.lfuDecr(atomic.LoadUint32(&e.Access))
}

func (ks *Keyspace) lfuDecr(access uint32) uint32 {
	ldt := access >> 8
	counter := access & 0xff
	decay := uint32(ks.settings.lfuDecay.Load())
	if decay == 0 {
		return counter
	}
	now := ks.lfuMinutes()
	var elapsed uint32
	if now >= ldt {
		elapsed = now - ldt
	} else {
		elapsed = 65535 - ldt + now
	}
	periods := elapsed / decay
	if periods > counter {
		return 0
	}
	return counter - periods
}

// lfuIncr returns the access field after one access: decay, then Redis's
// logarithmic increment, stamped with the current minute.
func (ks *Keyspace) lfuIncr(access uint32) uint32 {
	counter := ks.lfuDecr(access)
	if counter < 255 {
		r := rand.Float64() // thread-safe: this may run under a read lock
		base := float64(counter) - lfuInit
		if base < 0 {
			base = 0
		}
		p := 1.0 / (base*float64(ks.settings.lfuLog.Load()) + 1)
		if r < p {
			counter++
		}
	}
	return ks.lfuMinutes()<<8 | counter
}
