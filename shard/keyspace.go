package shard

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Options configure a Keyspace.
type Options struct {
	ID        int       // shard index, used in effects and stats
	Databases int       // number of logical databases; 0 = 16
	Log       bool      // record effects for an append-only file
	Events    *Events   // keyspace notification settings shared by all shards; nil = none
	Seed      uint64    // seed of the shard's random source; 0 = random
	Settings  *Settings // store-wide runtime settings; nil = defaults
	Runtime   *Runtime  // store-wide memory limit, eviction and statistics; nil = a private one
}

// Stats are a keyspace's counters. They are atomics because the lock-based
// engine updates hits and misses under a read lock from many goroutines;
// everything else about a Keyspace has a single owner at a time.
type Stats struct {
	Hits     atomic.Int64 // successful read lookups
	Misses   atomic.Int64 // read lookups of missing keys
	Expired  atomic.Int64 // keys deleted because their TTL passed
	Evicted  atomic.Int64 // keys deleted by eviction
	Commands atomic.Int64 // commands run through Ctx.Run (next to Hits: one cache line)
}

// Keyspace is everything one shard owns: its logical databases, the effect
// log of the writes not yet handed to the append-only file, and its random
// source.
//
// A Keyspace is not safe for concurrent use. In the actor engine it is owned
// by its shard goroutine, and handed to a coordinator only through a hold; in
// the lock-based engine it is guarded by its shard's RWMutex, and under a
// read lock only [Ctx] lookups with ReadOnly set may touch it.
type Keyspace struct {
	id       int
	dbs      []DB
	rng      *rand.Rand
	events   *Events
	settings *Settings
	logging  bool
	eff      effects
	watched  map[watchKey]*watchState // keys under WATCH; see watch.go
	blk      blocking                 // blocked callers; see block.go
	snap     *Snapshot                // the snapshot in progress, or nil; see snapshot.go
	epoch    uint32                   // the current snapshot epoch; see snapshot.go
	dirty    int64                    // changes recorded since creation; see snapshot.go
	mem      memState                 // memory accounting and eviction; see memory.go

	// Stats are the keyspace's counters.
	Stats Stats
}

// New returns an empty keyspace.
func New(o Options) *Keyspace {
	n := o.Databases
	if n <= 0 {
		n = 16
	}
	seed := o.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	ks := &Keyspace{
		id:       o.ID,
		dbs:      make([]DB, n),
		rng:      rand.New(rand.NewPCG(seed, uint64(o.ID)+0x9e3779b97f4a7c15)),
		events:   o.Events,
		settings: o.Settings,
		logging:  o.Log,
	}
	if ks.settings == nil {
		ks.settings = NewSettings()
	}
	for i := range ks.dbs {
		ks.dbs[i] = newDB()
	}
	ks.eff.db = -1
	ks.mem.init(ks, o.Runtime)
	return ks
}

// ID returns the shard index the keyspace was created with.
func (ks *Keyspace) ID() int { return ks.id }

// NumDBs returns the number of logical databases.
func (ks *Keyspace) NumDBs() int { return len(ks.dbs) }

// DB returns logical database i, which must be in range.
func (ks *Keyspace) DB(i int) *DB { return &ks.dbs[i] }

// Rand returns the shard's random source.
func (ks *Keyspace) Rand() *rand.Rand { return ks.rng }

// Keys returns the total number of keys over all databases.
func (ks *Keyspace) Keys() int {
	n := 0
	for i := range ks.dbs {
		n += ks.dbs[i].Len()
	}
	return n
}

// expireEntry deletes an expired entry the way Redis does: the deletion is
// logged as DEL, counted, and notified as "expired".
func (ks *Keyspace) expireEntry(db int, e *Entry) {
	if ks.snap != nil {
		ks.snap.preserve(db, e)
	}
	ks.dbs[db].remove(e.Key)
	ks.Stats.Expired.Add(1)
	ks.expiredWatched(db, e.Key)
	ks.Propagate(db, "DEL", e.Key)
	ks.Notify(db, NotifyExpired, "expired", e.Key)
}

// Active-expiry parameters, after Redis's activeExpireCycle.
const (
	expireSample     = 20 // keys with a TTL sampled per round
	expireAcceptable = 25 // percent of expired keys in a sample that ends the cycle
)

// ActiveExpire runs one cycle of Redis's active expiry at time now (unix
// ms): in every database it samples up to 20 keys with a TTL at random,
// deletes the expired ones, and repeats while more than 25% of a sample was
// expired, stopping when budget has elapsed. It returns the number of keys
// deleted. It is what a shard runs on each reaper tick.
func (ks *Keyspace) ActiveExpire(now int64, budget time.Duration) int {
	start := time.Now()
	total := 0
	rounds := 0
	for i := range ks.dbs {
		db := &ks.dbs[i]
		for {
			n := db.Volatile()
			if n == 0 {
				break
			}
			sample := min(n, expireSample)
			expired := 0
			for j := 0; j < sample; j++ {
				e := db.randomVolatile(ks.rng)
				if e == nil {
					break
				}
				if e.Expired(now) {
					ks.expireEntry(i, e)
					expired++
				}
			}
			total += expired
			rounds++
			if expired*100 <= sample*expireAcceptable {
				break
			}
			if rounds&15 == 0 && time.Since(start) > budget {
				return total
			}
		}
	}
	return total
}

// Idle does background housekeeping between requests: a bounded step of
// the incremental rehashing of each database's table.
func (ks *Keyspace) Idle() {
	for i := range ks.dbs {
		ks.dbs[i].rehashStep(100)
	}
}

// FlushAll removes every key of every database, logging FLUSHALL.
func (ks *Keyspace) FlushAll() {
	ks.modifiedDB(-1, -1)
	if ks.snap != nil {
		ks.snap.detachAll()
	}
	for i := range ks.dbs {
		ks.dbs[i].flush()
	}
	ks.PropagateAll("FLUSHALL")
}

// FlushDB removes every key of database db, logging FLUSHDB.
func (ks *Keyspace) FlushDB(db int) {
	ks.modifiedDB(db, -1)
	if ks.snap != nil {
		ks.snap.detach(db)
	}
	ks.dbs[db].flush()
	ks.Propagate(db, "FLUSHDB")
}

// SwapDB exchanges databases a and b, logging SWAPDB.
func (ks *Keyspace) SwapDB(a, b int) {
	ks.modifiedDB(a, b)
	ks.modifiedDB(b, a)
	if ks.snap != nil {
		ks.snap.swap(a, b)
	}
	ks.dbs[a], ks.dbs[b] = ks.dbs[b], ks.dbs[a]
	ks.signalAllReady(a)
	ks.signalAllReady(b)
	ks.PropagateAll("SWAPDB", FormatInt(int64(a)), FormatInt(int64(b)))
}

// Now returns the current time in unix milliseconds.
func Now() int64 { return time.Now().UnixMilli() }
