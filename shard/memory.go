package shard

import (
	"math/bits"
	"math/rand/v2"
	"sync/atomic"
	"unsafe"

	"github.com/kevydb/kevy/internal/obs"
)

// Memory accounting.
//
// Every entry carries the bytes it is accounted for (Entry.mem): an
// estimate of what the Go heap spends on it — its table node, a share of
// the bucket array, its key, its value (a string's bytes, or a collection's
// MemUsage) and its slot in the volatile index when it has a TTL — with
// every allocation rounded up to its Go size class. Each DB keeps the sum
// over its entries (DB.mem) exactly, incrementally:
//
//   - DB.add and every lookup for writing queue the entry in DB.touched;
//   - after each write command (Ctx.Run), and on every tick, the keyspace
//     settles: each queued entry still in the table is re-measured (an O(1)
//     estimate) and the difference added to DB.mem;
//   - DB.remove subtracts the entry's accounted bytes and marks it gone,
//     so a queued pointer to a deleted entry is skipped;
//   - FLUSHDB/FLUSHALL replace the DB, counters and queue included.
//
// A keyspace then publishes the sum over its databases into the store-wide
// Runtime.used, an atomic every shard reads before a write that may need
// memory. Re-measuring is idempotent, so an entry queued twice, or queued
// by a path that never settles itself (blocked-client service, log replay),
// costs nothing but a later re-measure: the invariant "DB.mem is the sum of
// Entry.mem" holds at all times, and "Entry.mem is the entry's size" holds
// after each settle.

// memGone marks the accounted size of a removed entry.
const memGone = -1

// Accounting constants (bytes), measured against the Go heap on amd64; see
// docs/memory.md.
const (
	// entryNodeMem is the dict node holding an Entry: next pointer, hash,
	// key header and the Entry itself, rounded to its size class.
	entryNodeMem = 112
	// bucketMem is the share of a bucket pointer per key: tables hold
	// between one and two buckets per key (load factor 1, power-of-two
	// sizes).
	bucketMem = 12
	// volatileMem is a TTL's slot in the volatile index (a pointer, with the
	// slice's growth slack).
	volatileMem = 12
	// stringHeaderMem is a string header held in a collection slot.
	stringHeaderMem = int(unsafe.Sizeof(""))
)

// sizeClasses are the Go allocator's size classes (runtime's
// SizeClassToSize, Go 1.26), for rounding allocations up.
var sizeClasses = [...]uint16{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208,
	224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152,
	1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
	6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480,
	21760, 24576, 27264, 28672, 32768}

// allocSize returns the heap bytes an allocation of n pointer-free bytes
// takes: tiny ones (under 16 bytes) share 16-byte blocks, two of up to 8
// bytes or one longer one per block in practice; small ones are rounded up
// to their size class; large ones to whole 8 KiB pages.
func allocSize(n int) int {
	switch {
	case n <= 0:
		return 0
	case n <= 8:
		return 8
	case n < 16:
		return 16
	case n <= 32768:
		lo, hi := 0, len(sizeClasses)-1
		for lo < hi {
			m := (lo + hi) / 2
			if int(sizeClasses[m]) < n {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return int(sizeClasses[lo])
	}
	return (n + 8191) &^ 8191
}

// memUser is implemented by every collection type: an O(1) running
// estimate of the bytes the value holds.
type memUser interface{ MemUsage() int }

// objectMem returns the accounted bytes of a collection value.
func objectMem(o Object) int {
	if o == nil {
		return 0
	}
	if m, ok := o.(memUser); ok {
		return m.MemUsage()
	}
	return 64 + o.Len()*48 // a type without an estimate yet
}

// entrySize returns the accounted bytes of e: node, bucket share, key,
// value and TTL slot.
func entrySize(e *Entry) int64 {
	n := entryNodeMem + bucketMem + allocSize(len(e.Key))
	if e.Type == TypeString {
		n += allocSize(len(e.Str)) + objectMem(e.Obj) // Obj: a string changed in place (rawstring.go)
	} else {
		n += objectMem(e.Obj)
	}
	if e.ExpireAt != 0 {
		n += volatileMem
	}
	return int64(n)
}

// maxTouched bounds a DB's queue of entries to re-account: a path that
// never settles (log replay) settles the DB itself when it fills.
const maxTouched = 1024

// noteTouched queues e to be re-accounted at the next settle.
func (db *DB) noteTouched(e *Entry) {
	if len(db.touched) >= maxTouched {
		db.settle()
	}
	db.touched = append(db.touched, e)
}

// forget drops e, about to be removed, from the accounting.
func (db *DB) forget(e *Entry) {
	if e.mem > 0 {
		db.mem -= e.mem
	}
	e.mem = memGone
}

// settle re-accounts the queued entries.
func (db *DB) settle() {
	for i, e := range db.touched {
		db.touched[i] = nil
		if e.mem == memGone {
			continue
		}
		n := entrySize(e)
		db.mem += n - e.mem
		e.mem = n
	}
	db.touched = db.touched[:0]
}

// Mem returns the accounted bytes of the entries of the database (as of
// the last settle).
func (db *DB) Mem() int64 { return db.mem }

// memState is a keyspace's share of the accounting and eviction state.
// It belongs to the keyspace's owner.
type memState struct {
	rt     *Runtime
	used   int64   // the sum of pub, as last published in rt
	pub    []int64 // per database, its mem as last added into used
	dirty  uint64  // databases with entries queued since the last settle; bit 63: any beyond 62
	pool   evictionPool
	nextDB int // the next database the random policies start from
	stats  shardStats
}

func (m *memState) init(ks *Keyspace, rt *Runtime) {
	if rt == nil {
		rt = NewRuntime(1)
	}
	m.rt = rt
	m.pub = make([]int64, len(ks.dbs))
	m.stats.init()
}

// mark records that database db has entries queued for re-accounting.
func (m *memState) mark(db int) {
	if db < 63 {
		m.dirty |= 1 << db
	} else {
		m.dirty |= 1 << 63
	}
}

// noteTouched queues e, in database db, for re-accounting.
func (ks *Keyspace) noteTouched(db int, e *Entry) {
	ks.dbs[db].noteTouched(e)
	ks.mem.mark(db)
}

// settleDB re-accounts database d's queued entries and returns how much
// its total moved since it was last published.
func (ks *Keyspace) settleDB(d int) int64 {
	db := &ks.dbs[d]
	if len(db.touched) > 0 {
		db.settle()
	}
	delta := db.mem - ks.mem.pub[d]
	ks.mem.pub[d] = db.mem
	return delta
}

// publish adds delta to the keyspace's and the store's totals.
func (ks *Keyspace) publish(delta int64) {
	if delta != 0 {
		ks.mem.used += delta
		ks.mem.rt.add(delta)
	}
}

// SettleMemory re-accounts every database's queued entries and publishes
// the keyspace's total in the store-wide Runtime: what ticks and
// statistics readers run. After a command, Ctx.Run settles only the
// databases the command touched.
func (ks *Keyspace) SettleMemory() {
	var delta int64
	for d := range ks.dbs {
		delta += ks.settleDB(d)
	}
	ks.mem.dirty = 0
	ks.publish(delta)
}

// settleAfter settles after a command on database cur: cur and the
// databases marked since the last settle. A database changed by a path that
// marks nothing (a removal elsewhere, a bulk import) is caught by the next
// full settle; until then the total errs high for removals, which only
// makes eviction start early.
func (ks *Keyspace) settleAfter(cur int) {
	dirty := ks.mem.dirty
	ks.mem.dirty = 0
	if dirty&(1<<63) != 0 {
		ks.SettleMemory()
		return
	}
	delta := ks.settleDB(cur)
	dirty &^= 1 << cur
	for dirty != 0 {
		d := bits.TrailingZeros64(dirty)
		dirty &^= 1 << d
		delta += ks.settleDB(d)
	}
	ks.publish(delta)
}

// UsedMemory returns the keyspace's accounted bytes as of its last settle.
func (ks *Keyspace) UsedMemory() int64 { return ks.mem.used }

// Runtime returns the store-wide runtime state the keyspace shares.
func (ks *Keyspace) Runtime() *Runtime { return ks.mem.rt }

// EntryMemory returns the bytes key is accounted for in database db (the
// estimate MEMORY USAGE reports), measured now, and whether it exists. The
// entry may be expired but not yet reaped, as in Redis.
func (ks *Keyspace) EntryMemory(db int, key string, shared bool) (int64, bool) {
	var e *Entry
	if shared {
		e = ks.dbs[db].FindShared(key)
	} else {
		e = ks.dbs[db].Find(key)
	}
	if e == nil {
		return 0, false
	}
	return entrySize(e), true
}

// Runtime is the state the shards of one store share for memory limits,
// eviction and statistics: the accounted memory of all shards, the limit
// and eviction policy (changed at run time by CONFIG SET), the slow log
// and the error counters. It is safe for concurrent use.
type Runtime struct {
	used    atomic.Int64  // the sum of every keyspace's published total
	peak    atomic.Int64  // the highest used seen
	limit   atomic.Int64  // maxmemory; 0 = none
	policy  atomic.Uint32 // an EvictionPolicy
	samples atomic.Int32  // maxmemory-samples
	shards  int           // number of shards, for each one's fair share
	hz      atomic.Int32  // reaper ticks per second; see hz.go

	hllSparseMax atomic.Int64 // hll-sparse-max-bytes + 1; 0: the default (cmd_hll.go)

	// Slowlog is the store's slow log; commands run with Ctx.Run are
	// timed and logged in it.
	Slowlog *obs.Slowlog

	// Errors counts error replies by their first word (INFO errorstats).
	Errors obs.ErrorStats

	// OnEvict, when set, is told after each round of eviction in a shard:
	// how many keys it evicted and the bytes freed. It runs on the shard's
	// goroutine (or under its lock) and must not block. Set it before the
	// store starts.
	OnEvict func(shard, keys int, bytes int64)

	evictionFailures atomic.Int64 // writes refused with OOM
}

// NewRuntime returns the runtime state of a store of n shards: no memory
// limit, noeviction, 5 samples, a slow log with Redis's defaults.
func NewRuntime(shards int) *Runtime {
	rt := &Runtime{shards: max(shards, 1), Slowlog: obs.NewSlowlog()}
	rt.samples.Store(5)
	rt.hz.Store(defaultHz)
	return rt
}

func (rt *Runtime) add(d int64) {
	u := rt.used.Add(d)
	for {
		p := rt.peak.Load()
		if u <= p || rt.peak.CompareAndSwap(p, u) {
			return
		}
	}
}

// Used returns the accounted bytes of the whole store (Redis's
// used_memory, for the dataset).
func (rt *Runtime) Used() int64 { return rt.used.Load() }

// Peak returns the highest Used seen since the store started (or the last
// ResetPeak).
func (rt *Runtime) Peak() int64 { return rt.peak.Load() }

// ResetPeak sets the peak to the current use (CONFIG RESETSTAT).
func (rt *Runtime) ResetPeak() { rt.peak.Store(rt.used.Load()) }

// SetMaxMemory sets the limit in bytes; 0 removes it.
func (rt *Runtime) SetMaxMemory(n int64) { rt.limit.Store(max(n, 0)) }

// MaxMemory returns the limit in bytes; 0 = none.
func (rt *Runtime) MaxMemory() int64 { return rt.limit.Load() }

// SetPolicy sets the eviction policy.
func (rt *Runtime) SetPolicy(p EvictionPolicy) { rt.policy.Store(uint32(p)) }

// Policy returns the eviction policy.
func (rt *Runtime) Policy() EvictionPolicy { return EvictionPolicy(rt.policy.Load()) }

// SetSamples sets maxmemory-samples (at least 1).
func (rt *Runtime) SetSamples(n int) { rt.samples.Store(int32(max(min(n, 1<<20), 1))) }

// Samples returns maxmemory-samples.
func (rt *Runtime) Samples() int { return int(rt.samples.Load()) }

// EvictionFailures returns the number of writes refused because memory
// could not be freed.
func (rt *Runtime) EvictionFailures() int64 { return rt.evictionFailures.Load() }

// runtime returns the Runtime of the keyspaces c is bound to, or nil.
func (c *Ctx) runtime() *Runtime {
	if ks := c.firstBound(); ks != nil {
		return ks.mem.rt
	}
	return nil
}

// firstBound returns the keyspace c is bound to, or the first of those it
// spans, or nil.
func (c *Ctx) firstBound() *Keyspace {
	if c.ks != nil {
		return c.ks
	}
	for _, ks := range c.group {
		if ks != nil {
			return ks
		}
	}
	return nil
}

// settleAfterCommand settles the keyspaces c is bound to after a write:
// the databases it touched, or everything after a command that works on
// whole databases (FLUSHALL, FLUSHDB, SWAPDB).
func (c *Ctx) settleAfterCommand() {
	if c.Cmd.Route == RouteAll {
		c.settleBound()
		return
	}
	if c.ks != nil {
		c.ks.settleAfter(c.DB)
		return
	}
	for _, ks := range c.group {
		if ks != nil {
			ks.settleAfter(c.DB)
		}
	}
}

// settleBound settles every keyspace c is bound to.
func (c *Ctx) settleBound() {
	if c.ks != nil {
		c.ks.SettleMemory()
		return
	}
	for _, ks := range c.group {
		if ks != nil {
			ks.SettleMemory()
		}
	}
}

// ReadNoTouch looks key up like Read but, as Redis's OBJECT does, leaves
// its access time alone and sends no keymiss notification.
func (c *Ctx) ReadNoTouch(key string) *Entry {
	ks := c.KS(key)
	c.noTouch = true
	e := c.lookup(ks, c.DB, key)
	c.noTouch = false
	if e == nil {
		ks.Stats.Misses.Add(1)
		return nil
	}
	ks.Stats.Hits.Add(1)
	return e
}

// MeanTTL estimates the mean remaining time to live, in milliseconds, of
// the database's keys with a TTL at time now (unix ms), from up to n of
// them drawn at random (all of them when there are no more than n), for
// INFO's avg_ttl. It returns the mean and the number of keys it is over.
func (db *DB) MeanTTL(r *rand.Rand, now int64, n int) (float64, int) {
	nv := len(db.volatile)
	var sum float64
	cnt := 0
	add := func(e *Entry) {
		if ttl := e.ExpireAt - now; ttl > 0 {
			sum += float64(ttl)
			cnt++
		}
	}
	if nv <= n {
		for _, e := range db.volatile {
			add(e)
		}
	} else {
		for range n {
			add(db.volatile[r.IntN(nv)])
		}
	}
	if cnt == 0 {
		return 0, 0
	}
	return sum / float64(cnt), cnt
}
