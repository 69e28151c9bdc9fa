package kevy

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/kevydb/kevy/shard"
)

// Engine selects how a Store runs commands.
type Engine int

const (
	// EngineActor (the default) runs each shard as a goroutine that owns
	// its keyspace; callers reach it by message, and writes are grouped
	// into batches.
	EngineActor Engine = iota
	// EngineLocked is the lock-based twin: one sync.RWMutex per shard and
	// commands executed on the caller's goroutine. It exists so the two
	// designs can be compared; it passes the same tests.
	EngineLocked
)

// String returns "actor" or "locked".
func (e Engine) String() string {
	switch e {
	case EngineActor:
		return "actor"
	case EngineLocked:
		return "locked"
	}
	return fmt.Sprintf("Engine(%d)", int(e))
}

// Config configures a Store. The zero value is a working in-memory store
// with one shard per CPU, 16 databases and the actor engine.
type Config struct {
	// Dir is the data directory. "" (the zero value) keeps everything in
	// memory.
	Dir string

	// Shards is the number of shards the keyspace is split into. Zero
	// means runtime.GOMAXPROCS(0).
	Shards int

	// Databases is the number of logical databases (SELECT 0..n-1). Zero
	// means 16, Redis's default.
	Databases int

	// Engine selects the engine. The zero value is EngineActor.
	Engine Engine

	// Fsync is the append-only file's fsync policy when Dir is set. The
	// zero value is FsyncEverySec, Redis's default.
	Fsync FsyncPolicy

	// StrictAOF refuses to open a directory whose append-only files hold
	// any damage: a torn (incomplete) final command, a malformed record, a
	// record that cannot be applied (an unknown command, a wrong number of
	// arguments, an error reply, a key of another shard), a damaged RDB
	// base. The error is an *aof.CorruptError naming the file and offset,
	// and nothing is changed. The zero value repairs what can be proven:
	// a torn tail is truncated with a warning (as Redis's
	// aof-load-truncated yes); other damage in a shard's log cuts the log
	// before the damaged command or MULTI block — every byte removed
	// copied aside first, the file and offset reported at ERROR and as an
	// EventAOFDamaged — and the store opens with everything before it
	// (docs/formats.md); a damaged RDB base is refused either way.
	StrictAOF bool

	// Logger receives warnings (a truncated AOF tail, a failed fsync).
	// Nil discards them.
	Logger *slog.Logger

	// AutoAOFRewritePercent is Redis's auto-aof-rewrite-percentage,
	// applied to each shard's log: the log is rewritten in the background
	// when it has grown by this percentage since its last rewrite (or
	// since it was opened) and is larger than AutoAOFRewriteMinSize. Zero
	// means 100, Redis's default; a negative value disables automatic
	// rewrites altogether (AutoAOFRewriteCap included), like Redis's 0.
	AutoAOFRewritePercent int

	// AutoAOFRewriteMinSize is Redis's auto-aof-rewrite-min-size, per
	// shard: no automatic rewrite by percentage below it. Zero means 64
	// MiB, Redis's default.
	AutoAOFRewriteMinSize int64

	// AutoAOFRewriteCap rewrites a shard's log once it has grown by this
	// many bytes since its last rewrite, whatever the percentage: a bound
	// on replay time when the base is large. Zero means 1 GiB; a negative
	// value disables the cap.
	AutoAOFRewriteCap int64

	// PubSubBuffer bounds the messages an embedded subscriber (a PubSub,
	// or a Conn in subscriber mode) may have waiting, unread: one more
	// cuts it off with ErrSlowSubscriber. Zero means no bound on the count
	// (PubSubBufferBytes bounds it). Subscribers of network connections
	// (package server, Dialer) have the pubsub class of
	// client-output-buffer-limit instead.
	PubSubBuffer int

	// PubSubBufferBytes bounds the bytes an embedded subscriber may have
	// waiting, each message counted for its channel, pattern and payload
	// plus a fixed overhead (bus.MessageOverhead), as Redis counts a pub/sub
	// client's output buffer: a message that would pass it cuts the
	// subscriber off with ErrSlowSubscriber. The waiting messages take
	// memory only while they wait. Zero means 32 MiB (Redis's
	// client-output-buffer-limit pubsub hard limit), enough for a reader to
	// ride out a burst of hundreds of thousands of small messages; a
	// negative value means no bound.
	PubSubBufferBytes int64

	// ACLFile is Redis's aclfile: a file of ACL users, one per line in
	// Redis's format ("user alice on #<sha256> ~app:* +@read"), loaded
	// by Open (an invalid file makes Open fail, naming every problem),
	// reloaded by ACL LOAD and written by ACL SAVE. "" (the zero value)
	// means none: the store starts with the default user alone (on, no
	// password, every command, key and channel), and ACL SETUSER changes
	// are kept in memory only. ACL rules apply to connections (Conn,
	// network clients); the Store's own methods are the program's and are
	// not checked. See docs/security.md.
	ACLFile string

	// NotifyKeyspaceEvents enables keyspace notifications with Redis's
	// notify-keyspace-events letters (K E g $ l s h z x e t m n A), for
	// example "KEA". "" (the zero value) disables them, as in Redis.
	NotifyKeyspaceEvents string

	// Memory limit, eviction, the slow log and events: see
	// config_memory.go and docs/memory.md.

	// MaxMemory is Redis's maxmemory: a limit, in bytes, on the memory the
	// whole store's data is accounted for (the sum over shards). Zero (the
	// default) means no limit.
	MaxMemory int64

	// MaxMemoryPolicy is what a write that needs memory does when the
	// store is at MaxMemory. The zero value, NoEviction, refuses it with
	// Redis's OOM error.
	MaxMemoryPolicy MaxMemoryPolicy

	// MaxMemorySamples is the number of keys each database samples per
	// eviction (Redis's maxmemory-samples). Zero means 5.
	MaxMemorySamples int

	// LFULogFactor is Redis's lfu-log-factor, how slowly the access
	// counters of the LFU policies saturate. Zero means 10; a negative
	// value means Redis's 0 (every access counts).
	LFULogFactor int

	// LFUDecayTime is Redis's lfu-decay-time: an LFU access counter is
	// decremented once per this period without access. It counts in whole
	// minutes. Zero means one minute; a negative value means
	// Redis's 0 (counters never decay).
	LFUDecayTime time.Duration

	// SlowlogThreshold is Redis's slowlog-log-slower-than: commands whose
	// execution takes at least this long are kept in the slow log (SLOWLOG
	// GET), and every command is timed for INFO commandstats. Zero (or
	// less) turns command timing and the slow log off, unlike Redis, whose
	// default is 10ms: timing costs two clock reads per command, about
	// 90ns here, which is more than a GET on the locked engine. Set
	// 10*time.Millisecond for Redis's default, time.Nanosecond to log every
	// command; CONFIG SET slowlog-log-slower-than changes it at run time.
	SlowlogThreshold time.Duration

	// SlowlogMaxLen is Redis's slowlog-max-len, the entries the slow log
	// keeps. Zero means 128; a negative value keeps none.
	SlowlogMaxLen int

	// Hz is Redis's hz, how many times a second each shard runs its
	// periodic work (active expiry, background eviction). Zero means 10;
	// values are clamped to 1..500 as Redis does.
	Hz int

	// OnEvent, when set, receives events for push-style metrics: the
	// append-only files loaded, damage cut out of one of them, a rewrite
	// or snapshot done, keys evicted (see Event). It is called on a goroutine of its own, one event at a
	// time, never on a shard's: events are queued (up to 1024) and counted
	// as dropped when the queue is full. Close delivers the events already
	// queued, then waits for OnEvent to return; OnEvent must not call
	// Close.
	OnEvent func(Event)
}

// maxShards bounds Config.Shards.
const maxShards = 1024

// Validate reports the first invalid setting. Open calls it.
func (c Config) Validate() error {
	switch {
	case c.Shards < 0 || c.Shards > maxShards:
		return fmt.Errorf("kevy: Config.Shards = %d: want 0 (GOMAXPROCS) or 1..%d", c.Shards, maxShards)
	case c.Databases < 0 || c.Databases > 1<<16:
		return fmt.Errorf("kevy: Config.Databases = %d: want 0 (16) or 1..65536", c.Databases)
	case c.Engine != EngineActor && c.Engine != EngineLocked:
		return fmt.Errorf("kevy: Config.Engine = %d: unknown engine", int(c.Engine))
	case c.Fsync > FsyncNo:
		return fmt.Errorf("kevy: Config.Fsync = %d: unknown policy", int(c.Fsync))
	case c.AutoAOFRewriteMinSize < 0:
		return fmt.Errorf("kevy: Config.AutoAOFRewriteMinSize = %d: want 0 (64 MiB) or more", c.AutoAOFRewriteMinSize)
	case c.PubSubBuffer < 0:
		return fmt.Errorf("kevy: Config.PubSubBuffer = %d: want 0 (no bound) or more", c.PubSubBuffer)
	}
	if _, ok := shard.ParseNotifyClasses(c.NotifyKeyspaceEvents); !ok {
		return fmt.Errorf("kevy: Config.NotifyKeyspaceEvents = %q: unknown class letter", c.NotifyKeyspaceEvents)
	}
	return c.validateMemory() // config_memory.go
}

// withDefaults returns c with zero values replaced by their defaults.
func (c Config) withDefaults() Config {
	if c.Shards == 0 {
		c.Shards = runtime.GOMAXPROCS(0)
	}
	if c.Databases == 0 {
		c.Databases = 16
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c = c.persistDefaults()
	c = c.memoryDefaults() // config_memory.go
	return c
}
