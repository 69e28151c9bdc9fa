package shard

import (
	"math"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Eviction, after Redis's evict.c.
//
// The limit (maxmemory) is on the whole store: Runtime.used is the sum of
// every keyspace's accounted bytes. Before a command flagged denyoom runs
// while the store is over the limit, the shard about to run it evicts from
// its own keyspace (a coordinator, from the keyspaces it holds, the largest
// first) until the store is under the limit again: it samples
// maxmemory-samples keys in each database into its eviction pool of the 16
// best candidates (largest idle time, lowest LFU counter after decay, or
// soonest expiry), and deletes the best candidate that still exists; the
// random policies delete a random key, taking the databases in turn. If the
// keyspace has nothing left to evict (no keys, or no keys with a TTL under
// a volatile policy) the command is refused with Redis's OOM error.
// Evicting stops after about 500µs (Redis's eviction tenacity 10) and lets
// the command run; the rest is left to the next write or tick.
//
// Sharing the limit: a writer evicts only its own keys, so with keys spread
// evenly over shards (the hash routing does that) eviction is spread
// evenly too. To keep one shard's writes from being refused while other
// shards hold the memory, every shard also evicts on its ticks (10 per
// second) while the store is over the limit and the shard holds more than
// its fair share (limit / shards): some shard always does, so the store
// comes back under the limit within a tick, and a shard that writes more
// gets a larger share in the meantime.
//
// Slack: a shard checks the limit before a command and re-accounts after
// it, so the store may exceed the limit by what the commands in flight at
// one instant add: at most one command per shard.

// EvictionPolicy is Redis's maxmemory-policy: what to do when a write needs
// memory and the store is at its limit.
type EvictionPolicy uint8

// The eviction policies. NoEviction, the zero value, refuses writes.
const (
	NoEviction     EvictionPolicy = iota // refuse writes that need memory (OOM)
	AllKeysLRU                           // evict the least recently used keys
	AllKeysLFU                           // evict the least frequently used keys
	AllKeysRandom                        // evict random keys
	VolatileLRU                          // evict the least recently used keys with a TTL
	VolatileLFU                          // evict the least frequently used keys with a TTL
	VolatileRandom                       // evict random keys with a TTL
	VolatileTTL                          // evict the keys with the nearest expiry
)

var policyNames = [...]string{"noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
	"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}

// String returns the policy's maxmemory-policy name ("allkeys-lru").
func (p EvictionPolicy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return "EvictionPolicy(" + FormatInt(int64(p)) + ")"
}

// ParseEvictionPolicy maps a maxmemory-policy name, in any case, to its
// policy.
func ParseEvictionPolicy(s string) (EvictionPolicy, bool) {
	for i, n := range policyNames {
		if EqualFold(s, n) && len(s) == len(n) {
			return EvictionPolicy(i), true
		}
	}
	return 0, false
}

// PolicyNames returns the maxmemory-policy names in Redis's order of its
// error message.
func PolicyNames() []string {
	return []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
		"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}
}

// Valid reports whether p is one of the eight policies.
func (p EvictionPolicy) Valid() bool { return int(p) < len(policyNames) }

// LFU reports whether the policy tracks access frequency (not recency).
func (p EvictionPolicy) LFU() bool { return p == AllKeysLFU || p == VolatileLFU }

func (p EvictionPolicy) volatile() bool { return p >= VolatileLRU }

func (p EvictionPolicy) random() bool { return p == AllKeysRandom || p == VolatileRandom }

// ErrOOM is Redis's reply to a write refused for lack of memory.
var ErrOOM = resp.Err("OOM command not allowed when used memory > 'maxmemory'.")

// Eviction time budgets: Redis's default tenacity gives a command 500µs of
// eviction; a tick gets 1ms per shard.
const (
	evictCommandBudget = 500 * time.Microsecond
	evictTickBudget    = time.Millisecond
)

// evpoolSize is the number of candidates an eviction pool keeps.
const evpoolSize = 16

// poolEntry is an eviction candidate: a higher score is a better one.
type poolEntry struct {
	score uint64
	key   string
	db    int
}

// evictionPool holds the best candidates sampled so far, by ascending
// score: e[n-1] is the best.
type evictionPool struct {
	e [evpoolSize]poolEntry
	n int
}

// insert adds a candidate, keeping the pool sorted and dropping the worst
// candidate when it is full. As in Redis, a key may be in the pool twice;
// the second copy is found gone when its turn comes.
func (p *evictionPool) insert(score uint64, db int, key string) {
	k := 0
	for k < p.n && p.e[k].score < score {
		k++
	}
	switch {
	case p.n < evpoolSize:
		copy(p.e[k+1:p.n+1], p.e[k:p.n])
		p.n++
	case k == 0:
		return // worse than every candidate of a full pool
	default:
		k-- // drop the worst, e[0]
		copy(p.e[:k], p.e[1:k+1])
	}
	p.e[k] = poolEntry{score: score, key: key, db: db}
}

// pop removes and returns the best candidate.
func (p *evictionPool) pop() poolEntry {
	p.n--
	e := p.e[p.n]
	p.e[p.n] = poolEntry{}
	return e
}

// clear forgets every candidate (after FLUSHALL, a policy change).
func (p *evictionPool) clear() { *p = evictionPool{} }

// score rates e as an eviction candidate under policy p.
func (ks *Keyspace) score(p EvictionPolicy, e *Entry) uint64 {
	switch p {
	case AllKeysLFU, VolatileLFU:
		return uint64(255 - ks.lfuValue(e))
	case VolatileTTL:
		return math.MaxUint64 - uint64(e.ExpireAt)
	}
	return uint64(ks.idleSeconds(e))
}

// victim picks the next key to evict under policy p, or returns nil when
// the keyspace has nothing evictable.
func (ks *Keyspace) victim(p EvictionPolicy, samples int) (int, *Entry) {
	if p.random() {
		n := len(ks.dbs)
		for i := range n {
			d := (ks.mem.nextDB + i) % n
			db := &ks.dbs[d]
			var e *Entry
			if p.volatile() {
				e = db.randomVolatile(ks.rng)
			} else {
				e = db.randomEntry(ks.rng, false)
			}
			if e != nil {
				ks.mem.nextDB = d + 1
				return d, e
			}
		}
		return 0, nil
	}
	pool := &ks.mem.pool
	for {
		total := 0
		for d := range ks.dbs {
			db := &ks.dbs[d]
			if p.volatile() {
				nv := len(db.volatile)
				if nv == 0 {
					continue
				}
				for range min(samples, nv) {
					e := db.volatile[ks.rng.IntN(nv)]
					pool.insert(ks.score(p, e), d, e.Key)
					total++
				}
				continue
			}
			if db.Len() == 0 {
				continue
			}
			total += db.keys.Sample(samples, func(key string, e *Entry) bool {
				pool.insert(ks.score(p, e), d, key)
				return true
			})
		}
		if total == 0 {
			return 0, nil
		}
		for pool.n > 0 {
			c := pool.pop()
			e := ks.dbs[c.db].Find(c.key)
			if e != nil && (!p.volatile() || e.ExpireAt != 0) {
				return c.db, e
			}
		}
	}
}

// evictEntry deletes e, in database db, as Redis deletes an evicted key:
// logged as DEL, counted, notified as "evicted", watchers invalidated. It
// returns the bytes freed.
func (ks *Keyspace) evictEntry(db int, e *Entry) int64 {
	key := e.Key
	ks.beforeChange(db, e)
	freed := ks.dbs[db].accounted(e)
	ks.dbs[db].remove(key)
	ks.mem.pub[db] -= freed
	ks.publish(-freed)
	ks.Stats.Evicted.Add(1)
	ks.Modified(db, key)
	ks.Propagate(db, "DEL", key)
	ks.Notify(db, NotifyEvicted, "evicted", key)
	return freed
}

type evictResult uint8

const (
	evictOK      evictResult = iota // the store is under the limit (or the floor reached)
	evictRunning                    // out of time; more is needed
	evictFail                       // nothing (more) to evict
)

// evict deletes keys of ks until the store is within limit, ks holds no
// more than floor bytes, ks has nothing evictable, or budget has elapsed.
func (ks *Keyspace) evict(limit, floor int64, budget time.Duration) evictResult {
	rt := ks.mem.rt
	p := rt.Policy()
	if p == NoEviction || !p.Valid() {
		return evictFail
	}
	samples := rt.Samples()
	var start time.Time // read after the first 16 keys: most commands evict one
	res := evictOK
	keys := 0
	var freed int64
	for rt.used.Load() > limit && ks.mem.used > floor {
		db, e := ks.victim(p, samples)
		if e == nil {
			res = evictFail
			break
		}
		freed += ks.evictEntry(db, e)
		keys++
		if keys&15 == 0 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > budget {
				res = evictRunning
				break
			}
		}
	}
	if keys > 0 && rt.OnEvict != nil {
		rt.OnEvict(ks.id, keys, freed)
	}
	return res
}

// ensureMemory is Redis's performEvictions before a denyoom command: when
// the store is over its limit, evict from the keyspaces c is bound to. It
// reports false, with the OOM reply, when they cannot free enough.
func (c *Ctx) ensureMemory(rt *Runtime) (resp.Reply, bool) {
	limit := rt.limit.Load()
	if limit <= 0 || rt.used.Load() <= limit {
		return resp.Reply{}, true
	}
	c.settleBound()
	if rt.used.Load() <= limit {
		return resp.Reply{}, true
	}
	if c.ks != nil {
		if c.ks.evict(limit, 0, evictCommandBudget) != evictFail {
			return resp.Reply{}, true
		}
	} else {
		// Largest first, until under the limit or all fail.
		tried := make([]bool, len(c.group))
		for {
			best := -1
			for i, ks := range c.group {
				if ks != nil && !tried[i] && (best < 0 || ks.mem.used > c.group[best].mem.used) {
					best = i
				}
			}
			if best < 0 {
				break
			}
			tried[best] = true
			if c.group[best].evict(limit, 0, evictCommandBudget) != evictFail {
				return resp.Reply{}, true
			}
		}
	}
	rt.evictionFailures.Add(1)
	return ErrOOM, false
}

// ReserveMemory checks the memory limit once for a unit of commands that
// runs as one (EXEC with a denyoom command queued, as Redis checks EXEC):
// it evicts from the keyspaces c is bound to if needed, and reports false
// with the OOM reply when the store stays over its limit. After it
// succeeds, Run skips the check for the rest of c's use.
func (c *Ctx) ReserveMemory() (resp.Reply, bool) {
	rt := c.runtime()
	if rt == nil || rt.limit.Load() <= 0 {
		return resp.Reply{}, true
	}
	rep, ok := c.ensureMemory(rt)
	if ok {
		c.oomChecked = true
	}
	return rep, ok
}

// OverMemoryLimit reports whether the store is over its memory limit with
// a policy that cannot evict (noeviction): what a connection checks before
// queueing a command in MULTI, as Redis refuses to queue then.
func (rt *Runtime) OverMemoryLimit() bool {
	limit := rt.limit.Load()
	return limit > 0 && rt.used.Load() > limit && rt.Policy() == NoEviction
}

// MemoryTick is the memory part of a shard's periodic tick, run by its
// owner: it settles the accounting and, while the store is over its limit
// and this keyspace holds more than its fair share (limit / shards),
// evicts for up to a millisecond.
func (ks *Keyspace) MemoryTick() {
	ks.SettleMemory()
	rt := ks.mem.rt
	limit := rt.limit.Load()
	if limit <= 0 || rt.used.Load() <= limit {
		return
	}
	ks.evict(limit, limit/int64(rt.shards), evictTickBudget)
}

// ClearEvictionPool forgets the keyspace's eviction candidates (after a
// policy change).
func (ks *Keyspace) ClearEvictionPool() { ks.mem.pool.clear() }
