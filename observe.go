package kevy

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/shard"
)

// The observer holds what a Store needs for memory limits, runtime
// configuration and observability: the shards' shared shard.Runtime
// (accounting, eviction policy, slow log, error counters), the event
// dispatcher, and the settings CONFIG SET changes.

type observer struct {
	rt       *shard.Runtime
	settings *shard.Settings
	logger   *slog.Logger
	events   *dispatcher // nil without Config.OnEvent
	runID    string

	cfgMu  sync.Mutex    // serialises CONFIG SET
	fsync  atomic.Uint32 // the current appendfsync (a FsyncPolicy)
	lfuLog atomic.Int64  // lfu-log-factor as Redis shows it
	lfuDec atomic.Int64  // lfu-decay-time, minutes
	cfgHz  atomic.Int64  // hz (clamped as Redis does)

	notify    atomic.Uint32 // notify-keyspace-events as last set by CONFIG SET
	notifySet atomic.Bool   // notify was set; else Config.NotifyKeyspaceEvents holds

	cmds storeCmdStats // connection commands and rejections; see cmdstats.go

	net netState // the registry of network connections; see config_net.go

	opsMu   sync.Mutex // instantaneous_ops_per_sec
	opsAt   time.Time
	opsN    int64
	opsRate float64
}

// newObserver applies cfg's memory, LFU, slow-log and tick settings to a
// new shard.Runtime and to settings, and starts the event dispatcher when
// cfg asks for events.
func newObserver(cfg Config, settings *shard.Settings) *observer {
	o := &observer{rt: shard.NewRuntime(cfg.Shards), settings: settings, logger: cfg.Logger}
	var id [20]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	o.runID = hex.EncodeToString(id[:])
	o.rt.SetMaxMemory(cfg.MaxMemory)
	o.rt.SetPolicy(cfg.MaxMemoryPolicy)
	o.rt.SetSamples(cfg.MaxMemorySamples)
	o.setHz(cfg.Hz)
	o.setLFU(cfg.lfuLogFactor(), cfg.lfuDecayMinutes())
	settings.SetLFU(cfg.MaxMemoryPolicy.LFU())
	o.rt.Slowlog.SetThreshold(cfg.SlowlogThreshold)
	o.rt.Slowlog.SetMaxLen(int64(max(cfg.SlowlogMaxLen, 0)))
	o.fsync.Store(uint32(cfg.Fsync))
	if cfg.OnEvent != nil {
		o.events = newDispatcher(cfg.OnEvent)
		d := o.events
		o.rt.OnEvict = func(_, keys int, bytes int64) { d.evictedKeys(keys, bytes) }
	}
	return o
}

func (o *observer) setLFU(logFactor, decayMinutes int) {
	o.lfuLog.Store(int64(logFactor))
	o.lfuDec.Store(int64(decayMinutes))
	o.settings.SetLFUParams(logFactor, decayMinutes)
}

func (o *observer) setHz(hz int) { o.cfgHz.Store(int64(o.rt.SetHz(hz))) }

// loaded runs in Open once the shards' logs are replayed, before the
// engine starts: it settles the memory accounting, reports the load and
// warns when the data is over the memory limit.
func (o *observer) loaded(kss []*shard.Keyspace, start time.Time, persistent bool) {
	var keys int64
	for _, ks := range kss {
		ks.SettleMemory()
		keys += int64(ks.Keys())
	}
	if persistent {
		o.events.emit(Event{Kind: EventAOFLoaded, Shard: -1, Keys: keys, Duration: time.Since(start)})
	}
	if limit := o.rt.MaxMemory(); limit > 0 && o.rt.Used() > limit {
		o.logger.Warn("kevy: the data loaded is over MaxMemory; writes will evict or fail",
			"used", o.rt.Used(), "maxmemory", limit, "policy", o.rt.Policy().String())
	}
}

// emit reports ev to Config.OnEvent, if set, without blocking.
func (o *observer) emit(ev Event) { o.events.emit(ev) }

// close delivers the queued events and stops the dispatcher.
func (o *observer) close() {
	o.events.stop()
	o.net.release()
}

// opsPerSec returns the commands per second over the interval since the
// previous call (at least 100ms apart; a closer call gets the last rate).
func (o *observer) opsPerSec(total int64) float64 {
	o.opsMu.Lock()
	defer o.opsMu.Unlock()
	now := time.Now()
	if o.opsAt.IsZero() {
		o.opsAt, o.opsN = now, total
		return 0
	}
	if el := now.Sub(o.opsAt); el >= 100*time.Millisecond {
		o.opsRate = float64(total-o.opsN) / el.Seconds()
		o.opsAt, o.opsN = now, total
	}
	return o.opsRate
}

// resetStats zeroes the store-wide counters (CONFIG RESETSTAT); the
// shards' own are reset separately.
func (o *observer) resetStats() {
	o.rt.Errors.Reset()
	o.rt.ResetPeak()
	o.cmds.reset()
	o.opsMu.Lock()
	o.opsAt, o.opsN, o.opsRate = time.Time{}, 0, 0
	o.opsMu.Unlock()
}
