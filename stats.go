package kevy

import (
	"context"
	"time"

	"github.com/kevydb/kevy/shard"
)

// Stats is a snapshot of a store's counters and gauges, the typed
// counterpart of INFO. Counters count from Open or the last CONFIG
// RESETSTAT.
type Stats struct {
	Engine Engine
	Uptime time.Duration

	// DBs holds, per logical database (index = SELECT number), its keys
	// and the keys among them with a TTL.
	DBs []DBStats

	UsedMemory      int64 // bytes the data is accounted for (INFO used_memory)
	PeakMemory      int64 // the highest UsedMemory seen
	MaxMemory       int64 // the limit; 0 = none
	MaxMemoryPolicy MaxMemoryPolicy

	Commands         int64 // commands run by the shards
	Hits             int64 // reads that found their key
	Misses           int64 // reads that did not
	ExpiredKeys      int64 // keys deleted because their TTL passed
	EvictedKeys      int64 // keys deleted to stay within MaxMemory
	EvictionFailures int64 // writes refused with OOM
	ErrorReplies     int64 // error replies from commands the shards ran
	EventsDropped    int64 // events OnEvent missed because its queue was full
	SlowlogLen       int   // entries in the slow log

	// Shards holds one entry per shard, in shard order.
	Shards []ShardStats

	Persistence PersistenceStats
}

// DBStats are one logical database's key counts.
type DBStats struct {
	Keys    int64
	Expires int64
}

// ShardStats describe one shard.
type ShardStats struct {
	Keys       int64 // over every database
	UsedMemory int64 // bytes its data is accounted for
	Commands   int64 // commands it ran

	// The actor engine's mailbox: messages waiting now, batches and
	// messages handled, and their ratio. Zero for the locked engine.
	Queued       int
	Batches      uint64
	Messages     uint64
	AvgBatch     float64
	DroppedTicks uint64 // ticks skipped because one was still pending

	// Saturation is the fraction of the recent past (about a second) the
	// shard's goroutine spent working rather than waiting for work, and
	// Busy the total time it worked. The locked engine has no shard
	// goroutines: both are zero.
	Saturation float64
	Busy       time.Duration
}

// PersistenceStats describe the data directory, when there is one.
type PersistenceStats struct {
	Enabled     bool        // Config.Dir is set
	Fsync       FsyncPolicy // the current appendfsync
	AOFSize     int64       // bytes in every shard's base and incremental files
	AOFBaseSize int64       // their size after the last rewrite
	LastSave    time.Time   // the last successful save (Open's time at first)
	Saves       int64       // successful saves
	Rewrites    int64       // successful rewrites
	Saving      bool        // a BGSAVE is running
	Rewriting   bool        // a rewrite is running
	LastSaveOK  bool        // the last BGSAVE succeeded (or none ran)
	RewriteOK   bool        // the last rewrite succeeded (or none ran)
}

// shardSample is what statistics read from one shard with exclusive
// access.
type shardSample struct {
	dbs      []DBStats
	ttlSum   []float64 // per database: mean remaining TTL of a sample, ms
	ttlN     []int
	used     int64
	keys     int64
	commands int64
	hits     int64
	misses   int64
	expired  int64
	evicted  int64
	waiters  int
}

// sampleShard reads ks; it runs with exclusive access (gather).
func sampleShard(ks *shard.Keyspace, now int64) shardSample {
	ks.SettleMemory()
	n := ks.NumDBs()
	sm := shardSample{dbs: make([]DBStats, n), ttlSum: make([]float64, n), ttlN: make([]int, n)}
	for d := range n {
		db := ks.DB(d)
		sm.dbs[d] = DBStats{Keys: int64(db.Len()), Expires: int64(db.Volatile())}
		sm.keys += int64(db.Len())
		if db.Volatile() > 0 {
			sm.ttlSum[d], sm.ttlN[d] = db.MeanTTL(ks.Rand(), now, ttlSamples)
		}
	}
	sm.used = ks.UsedMemory()
	sm.commands = ks.CommandsProcessed()
	sm.hits, sm.misses = ks.Stats.Hits.Load(), ks.Stats.Misses.Load()
	sm.expired, sm.evicted = ks.Stats.Expired.Load(), ks.Stats.Evicted.Load()
	sm.waiters = ks.Waiters()
	return sm
}

// ttlSamples is the number of keys with a TTL per database that INFO's
// avg_ttl looks at.
const ttlSamples = 64

// Stats returns a snapshot of the store's statistics. It visits every
// shard (briefly, as INFO does).
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	samples := make([]shardSample, s.cfg.Shards)
	now := shard.Now()
	if err := s.onShards(ctx, func(i int, ks *shard.Keyspace) { samples[i] = sampleShard(ks, now) }); err != nil {
		return Stats{}, err
	}
	return s.statsFrom(samples), nil
}

// statsFrom assembles Stats from the shards' samples.
func (s *Store) statsFrom(samples []shardSample) Stats {
	rt := s.obs.rt
	st := Stats{
		Engine:           s.cfg.Engine,
		Uptime:           time.Since(s.started),
		DBs:              make([]DBStats, s.cfg.Databases),
		UsedMemory:       rt.Used(),
		PeakMemory:       rt.Peak(),
		MaxMemory:        rt.MaxMemory(),
		MaxMemoryPolicy:  rt.Policy(),
		EvictionFailures: rt.EvictionFailures(),
		EventsDropped:    s.obs.events.droppedEvents(),
		SlowlogLen:       rt.Slowlog.Len(),
		Shards:           make([]ShardStats, len(samples)),
	}
	_, st.ErrorReplies = rt.Errors.Snapshot()
	for i, sm := range samples {
		for d, x := range sm.dbs {
			st.DBs[d].Keys += x.Keys
			st.DBs[d].Expires += x.Expires
		}
		st.Commands += sm.commands
		st.Hits += sm.hits
		st.Misses += sm.misses
		st.ExpiredKeys += sm.expired
		st.EvictedKeys += sm.evicted
		sh := ShardStats{Keys: sm.keys, UsedMemory: sm.used, Commands: sm.commands}
		if s.actor != nil {
			a := s.actor.shards[i]
			as := a.act.Stats()
			sh.Queued, sh.Batches, sh.Messages, sh.DroppedTicks = as.Queued, as.Batches, as.Messages, as.DroppedTicks
			if as.Batches > 0 {
				sh.AvgBatch = float64(as.Messages) / float64(as.Batches)
			}
			sh.Saturation, sh.Busy = a.load.saturation(), a.load.busyTime()
		}
		st.Shards[i] = sh
	}
	st.Persistence = s.persistenceStats()
	return st
}

// persistenceStats reads the persistence state.
func (s *Store) persistenceStats() PersistenceStats {
	p := PersistenceStats{Enabled: s.persist != nil, Fsync: FsyncPolicy(s.obs.fsync.Load())}
	if s.persist != nil {
		for _, l := range s.persist.logs {
			p.AOFSize += l.Size()
			p.AOFBaseSize += l.BaseSize()
		}
	}
	if m := s.jobs; m != nil {
		m.mu.Lock()
		p.LastSave = time.Unix(m.lastSave, 0)
		p.Saves, p.Rewrites = m.saves, m.rewrites
		p.Saving, p.Rewriting = m.bgsave, m.rewrite
		p.LastSaveOK, p.RewriteOK = m.lastBgsaveOK, m.lastRewriteOK
		m.mu.Unlock()
	}
	return p
}
