// Package shard is one shard of a kevy store: the keyspace it owns and
// everything that runs against it, written once for both engines.
//
// A [Keyspace] holds the shard's logical databases ([DB], on
// internal/dict), entries with optional absolute expiry, the index of keys
// with a TTL for Redis's active expiry, per-key versions for WATCH, the
// waiters of blocking commands, the effects to be logged, memory
// accounting and the state of a point-in-time snapshot in progress. It has
// no lock: the actor engine's shard goroutine owns it outright (a
// coordinator borrows it only while the shard is parked on a hold), and
// the lock-based twin (package locked) guards it with one RWMutex per
// shard. Store-wide state that every shard writes to (the slow log, error
// statistics) lives in internal/obs.
//
// The command table ([Lookup], [Resolve], [Command]) carries Redis's
// metadata for every command — arity, flags, key positions like COMMAND
// INFO — plus kevy's handler and route ([Route]: one shard, several shards
// through the coordinator, fan-out, local). Handlers receive a [Ctx]: the
// arguments, the selected database and accessors (Read, Write, Add,
// Delete, Propagate, Notify, Modified, Block) that route each key to the
// keyspace of its shard, so a handler never knows whether it runs on a
// shard goroutine, under a coordinator's hold or under a lock. [Ctx.Run]
// wraps a handler with what every command gets: counters, the memory limit
// and eviction, command timing for the slow log, error statistics.
//
// An [Entry] is a key's value and metadata, stored inline in its table
// node. The collection types ([Hash], [Set], [ZSet], [List]) hold small
// values in Redis's compact encodings (listpacks of pairs built with
// internal/pack and changed in place under the copy-on-write rule of
// packed.go, intsets, quicklist nodes) and convert past the limits of
// [Encodings], runtime settings that CONFIG SET changes; docs/memory.md
// describes the layouts and what each costs.
//
// Handlers record effects, never requests ([Ctx.Propagate]): a relative
// expiry is logged as PEXPIREAT, SPOP as the SREM of what it removed, so
// each shard's log replays exactly on its own.
package shard
