// Package kevy is an embedded, Redis-compatible key-value store: Redis's
// data types, TTLs, transactions, pub/sub and persistence inside your Go
// process, with no server to run.
//
// # Basics
//
// [Open] a [Store] with a [Config]; the zero Config is an in-memory store.
// Typed methods follow Redis's commands in Go case with go-redis's habits
// ([Store.Get], [Store.Set], [Store.Incr], [Store.Expire] ...); a missing
// value is the error [Nil]. [Store.Exec] runs any command given as words
// and returns Redis's exact [Reply]; [Store.Do] runs any command with
// go-redis-style arguments and results. A [Conn] is a session with a
// selected database, transactions (MULTI/EXEC/WATCH) and subscriptions; a
// [PubSub] receives published messages.
//
// The typed methods are grouped into go-redis's per-family interfaces
// ([StringCmdable], [HashCmdable] ...), composed into [Cmdable], which
// Store, Conn and [Tx] implement; they return their values at once. A
// [Pipeliner] (from [Store.Pipelined], [Store.TxPipelined] or
// [Store.Pipeline]) has the same methods with the same parameters, each
// returning a command object ([*StringCmd] ...) that holds the result once
// the pipeline has run.
//
//	db, err := kevy.Open(kevy.Config{})
//	if err != nil { ... }
//	defer db.Close()
//	err = db.Set(ctx, "greeting", "hello", time.Minute)
//	v, err := db.Get(ctx, "greeting")
//
// # Engines
//
// The keyspace is split into shards by a hash of each key (honouring Redis
// hash tags: "{user1}:a" and "{user1}:b" share a shard). The default engine,
// [EngineActor], runs every shard as a goroutine that owns its keyspace and
// its append-only file; a command travels to its shard as a message, and a
// shard handles whatever queued up in one batch, with one write (and, under
// [FsyncAlways], one fsync) for the whole batch. Commands whose keys span
// shards run atomically: the calling goroutine holds the shards involved,
// in ascending order. [EngineLocked] is the lock-based twin (one
// sync.RWMutex per shard, commands run on the caller's goroutine), kept so
// the designs can be compared; it passes the same tests.
//
// # Durability
//
// With [Config].Dir set, each shard keeps a Redis 7 multi-part append-only
// file (and RDB snapshots) under Dir/shard-NNN. No write is acknowledged
// before it reached the operating system, so a crash of the process loses
// nothing acknowledged under any policy; [Config].Fsync decides what a crash
// of the machine may lose: nothing under [FsyncAlways], about a second under
// [FsyncEverySec] (the default), whatever the OS had not flushed under
// [FsyncNo]. The directory is locked: a second Open fails. Open checks
// that the shard directories are the ones Dir/kevy.meta names, and never
// skips a damaged AOF record silently: by default it cuts the shard's log
// before the damage (copying every byte it removes aside) and reports it;
// [Config].StrictAOF refuses instead (docs/formats.md).
//
// # Context and cancellation
//
// Every method that waits takes a context. Cancellation abandons the wait,
// not the command: a command already handed to its shard may still be
// applied after the method returned ctx.Err(). A blocking pop that gives up
// never loses an element: either it returns the element or nobody popped it.
//
// # Caveats
//
// Commands follow Redis 7.0 (streams, scripting, modules and cluster
// commands are not implemented). Keys and values are Go strings; values are
// returned without copying and must not be modified through unsafe tricks.
// A Conn, like a network connection, must not be used by several goroutines
// at once; a Store may.
package kevy
