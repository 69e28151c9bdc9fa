package kevy

import (
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/bus"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// The names kevy re-exports from its own packages, all in one place, as
// pebble's internal.go does: each is an alias, so values pass between
// the packages unconverted.

// Reply is resp.Reply: one Redis reply as a value, exactly what
// redis-server would send without the wire framing. Kind says which
// fields matter: Str for status, error and bulk replies, Int for
// integers, Elems for arrays.
type Reply = resp.Reply

// ReplyKind is resp.Kind: which RESP type a Reply is.
type ReplyKind = resp.Kind

// The reply kinds, one per RESP2 type: each is resp's constant of the same
// kind.
const (
	ReplyStatus   = resp.Status   // +OK
	ReplyError    = resp.Error    // -ERR ...
	ReplyInt      = resp.Int      // :42
	ReplyBulk     = resp.Bulk     // $3 foo
	ReplyNil      = resp.Nil      // $-1, the null bulk string
	ReplyArray    = resp.Array    // *N
	ReplyNilArray = resp.NilArray // *-1, the null array
)

// FsyncPolicy is aof.FsyncPolicy: when appended writes reach stable
// storage, as Redis's appendfsync. Under every policy a write is in the
// operating system's hands before it is acknowledged, so a crash of the
// process loses nothing acknowledged.
type FsyncPolicy = aof.FsyncPolicy

// The fsync policies.
const (
	// FsyncEverySec is aof.FsyncEverySec (the zero value): an fsync about
	// once a second, off the shards' goroutines; a machine crash loses at
	// most about a second.
	FsyncEverySec = aof.FsyncEverySec
	// FsyncAlways is aof.FsyncAlways: each batch of writes is fsynced
	// before any of them is acknowledged (group commit); a machine crash
	// loses nothing acknowledged.
	FsyncAlways = aof.FsyncAlways
	// FsyncNo is aof.FsyncNo: flushing is left to the operating system.
	FsyncNo = aof.FsyncNo
)

// MaxMemoryPolicy is shard.EvictionPolicy: Redis's maxmemory-policy, what
// a write that needs memory does when the store is at Config.MaxMemory.
type MaxMemoryPolicy = shard.EvictionPolicy

// The eviction policies, as Redis's maxmemory-policy values. The LRU and
// LFU policies are approximated as Redis does: each write that must free
// memory samples Config.MaxMemorySamples keys per database into a pool of
// the 16 best candidates.
const (
	// NoEviction is shard.NoEviction (the zero value): nothing is evicted;
	// writes that may need memory fail with Redis's OOM error while the
	// store is over its limit; reads and deletes still work.
	NoEviction = shard.NoEviction
	// AllKeysLRU is shard.AllKeysLRU: the least recently used keys go.
	AllKeysLRU = shard.AllKeysLRU
	// AllKeysLFU is shard.AllKeysLFU: the least frequently used keys go
	// (Redis's logarithmic counter with decay).
	AllKeysLFU = shard.AllKeysLFU
	// AllKeysRandom is shard.AllKeysRandom: random keys go.
	AllKeysRandom = shard.AllKeysRandom
	// VolatileLRU is shard.VolatileLRU: the least recently used keys that
	// have a TTL go.
	VolatileLRU = shard.VolatileLRU
	// VolatileLFU is shard.VolatileLFU: the least frequently used keys
	// that have a TTL go.
	VolatileLFU = shard.VolatileLFU
	// VolatileRandom is shard.VolatileRandom: random keys that have a TTL
	// go.
	VolatileRandom = shard.VolatileRandom
	// VolatileTTL is shard.VolatileTTL: the keys whose TTL ends soonest
	// go.
	VolatileTTL = shard.VolatileTTL
)

// ErrSlowSubscriber is bus.ErrSlowSubscriber: why a subscription was cut
// off. Its buffer of Config.PubSubBuffer messages filled up because it
// was read too slowly.
var ErrSlowSubscriber = bus.ErrSlowSubscriber
