package aof

import (
	"io"
	"log/slog"
	"strconv"
)

// FsyncPolicy says when the log's bytes are forced to stable storage. It
// mirrors Redis's appendfsync; the zero value is Redis's default, everysec.
type FsyncPolicy uint8

const (
	// FsyncEverySec writes at every Commit and fsyncs about once a second,
	// off the shard's goroutine, when the supervisor calls
	// [Log.SyncIfDirty]. A machine crash can lose the last second or so; a
	// process crash loses nothing committed.
	FsyncEverySec FsyncPolicy = iota
	// FsyncAlways fsyncs at every Commit (once per batch: group commit).
	// Nothing committed is lost, even in a machine crash.
	FsyncAlways
	// FsyncNo never fsyncs while running (the operating system flushes when
	// it likes); Close still does. A machine crash can lose tens of seconds.
	FsyncNo
)

// String returns the policy's name in redis.conf ("everysec", "always",
// "no").
func (p FsyncPolicy) String() string {
	switch p {
	case FsyncEverySec:
		return "everysec"
	case FsyncAlways:
		return "always"
	case FsyncNo:
		return "no"
	}
	return "FsyncPolicy(" + strconv.Itoa(int(p)) + ")"
}

// BaseFormat is the format of the base file a rewrite produces.
type BaseFormat uint8

const (
	// BaseRDB is an RDB snapshot, appendonly.aof.<seq>.base.rdb: Redis's
	// default (aof-use-rdb-preamble yes). [Options].LoadBase reads it back.
	BaseRDB BaseFormat = iota
	// BaseAOF is RESP commands, appendonly.aof.<seq>.base.aof.
	BaseAOF
)

// Options configures a [Log]. The zero value is Redis's defaults: fsync
// everysec, a torn final record truncated with a warning, any other
// damage refused.
type Options struct {
	// Fsync is the fsync policy; the zero value is FsyncEverySec.
	Fsync FsyncPolicy

	// Strict refuses to open a log whose last file ends in a torn record
	// (Redis's aof-load-truncated no): Replay returns a *CorruptError instead
	// of truncating the tail. The zero value truncates, as Redis's default
	// aof-load-truncated yes does. Strict also overrides Recover: every
	// damage is refused.
	Strict bool

	// Recover makes Replay recover from damage other than a torn tail
	// instead of refusing it: the log is cut at the first damaged record
	// (the start of its command, or of its MULTI block) — everything after
	// it copied aside first — so the caller holds every record before the
	// damage and the log continues from there (point-in-time recovery, as
	// redis-check-aof --fix would leave it, but automatic and with nothing
	// deleted). Damage in an RDB base is refused all the same: no prefix of
	// an RDB file can be trusted. The zero value refuses, as Redis does.
	Recover bool

	// LoadBase reads a base file in RDB format (one that starts with
	// "REDIS") during Replay. It gets the file from its first byte; bytes it
	// leaves unread are ignored. Nil makes such a base file an error.
	LoadBase func(r io.Reader) error

	// Logger receives warnings (a truncated tail, a quarantined file,
	// removed leftovers). Nil means slog.Default().
	Logger *slog.Logger

	// fs replaces the operating system in tests.
	fs fileSystem
}
