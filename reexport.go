package kevy

import (
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/bus"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Every name kevy re-exports from its own packages, in one place, as
// pebble's internal.go: each is an alias, so values pass between the
// packages unconverted, and each is documented where it is defined.

// Reply is resp.Reply: one Redis reply as a value, as redis-server sends it.
type Reply = resp.Reply

// ReplyKind is resp.Kind: which RESP2 type a Reply is.
type ReplyKind = resp.Kind

// The reply kinds are resp's.
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
// storage, as Redis's appendfsync (the README's durability table).
type FsyncPolicy = aof.FsyncPolicy

// The fsync policies are aof's. Under every policy a write is in the
// operating system's hands before it is acknowledged, so a crash of the
// process loses nothing acknowledged; they differ on a machine crash.
const (
	FsyncEverySec = aof.FsyncEverySec // the zero value: fsync about once a second
	FsyncAlways   = aof.FsyncAlways   // fsync each batch before acknowledging it
	FsyncNo       = aof.FsyncNo       // leave flushing to the operating system
)

// MaxMemoryPolicy is shard.EvictionPolicy: Redis's maxmemory-policy.
type MaxMemoryPolicy = shard.EvictionPolicy

// The eviction policies are shard's, Redis's maxmemory-policy values. The
// LRU and LFU policies are approximated as Redis does: each write that must
// free memory samples Config.MaxMemorySamples keys per database into a pool
// of the 16 best candidates. Under NoEviction reads and deletes still work.
const (
	NoEviction     = shard.NoEviction     // the zero value: refuse writes that need memory (OOM)
	AllKeysLRU     = shard.AllKeysLRU     // evict the least recently used keys
	AllKeysLFU     = shard.AllKeysLFU     // evict the least frequently used keys
	AllKeysRandom  = shard.AllKeysRandom  // evict random keys
	VolatileLRU    = shard.VolatileLRU    // evict the least recently used keys with a TTL
	VolatileLFU    = shard.VolatileLFU    // evict the least frequently used keys with a TTL
	VolatileRandom = shard.VolatileRandom // evict random keys with a TTL
	VolatileTTL    = shard.VolatileTTL    // evict the keys whose TTL ends soonest
)

// ErrSlowSubscriber is bus.ErrSlowSubscriber: a subscription read too
// slowly to keep within Config.PubSubBufferBytes (or Config.PubSubBuffer
// messages) was cut off.
var ErrSlowSubscriber = bus.ErrSlowSubscriber
