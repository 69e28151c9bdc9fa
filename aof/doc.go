// Package aof is the append-only file of one kevy shard: a durable log of
// the shard's effects as RESP commands, laid out exactly like Redis 7.0's
// multi-part AOF so that redis-server and redis-check-aof accept it.
//
// The package knows files and bytes, not the keyspace: the shard appends
// encoded commands and the package writes, syncs, replays and rewrites
// them.
//
// # Directory layout
//
// A shard directory holds one subdirectory, appendonlydir:
//
//	<shardDir>/appendonlydir/
//	    appendonly.aof.manifest          the list of files, in load order
//	    appendonly.aof.3.base.rdb        the base: a snapshot (or .base.aof)
//	    appendonly.aof.7.incr.aof        commands since that snapshot ...
//	    appendonly.aof.8.incr.aof        ... the last one is appended to
//	    temp-*                           temporary files, removed by Open
//	    *.corrupt-<offset>               copies of damaged parts (see Replay)
//	    *.torn-<offset>                  copies of torn tails cut off
//
// # Manifest
//
// The manifest is text, one line per file, in Redis's syntax:
//
//	file appendonly.aof.3.base.rdb seq 3 type b\n
//	file appendonly.aof.2.incr.aof seq 2 type h\n
//	file appendonly.aof.7.incr.aof seq 7 type i\n
//	file appendonly.aof.8.incr.aof seq 8 type i\n
//
// Each line is space-separated key/value pairs (split like an inline
// command, so names may be quoted) with at least "file", "seq" and "type";
// unknown keys are ignored; lines starting with '#' are comments; a line is
// at most 1024 bytes and ends in LF. The type is b (base, at most one,
// written first), h (history: a file superseded by a rewrite and about to be
// deleted) or i (incremental; their sequence numbers increase in file
// order). A base is named appendonly.aof.<seq>.base.rdb or .base.aof, an
// incr file appendonly.aof.<seq>.incr.aof. The manifest is only ever
// replaced whole: written to temp-appendonly.aof.manifest, fsynced, renamed
// over the old one, and the directory fsynced.
//
// # Records
//
// Incr files, and a base in AOF format, hold RESP multibulk commands back to
// back, with no framing and no checksum:
//
//	*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n
//	*1\r\n$5\r\nMULTI\r\n  ...  *1\r\n$4\r\nEXEC\r\n
//
// Lines starting with '#' between commands are annotations (Redis writes
// "#TS:<unix time>" with aof-timestamp-enabled) and are skipped. A
// transaction the shard must apply atomically is wrapped in MULTI ... EXEC.
// A base in RDB format is an RDB file (it starts with "REDIS"), read by the
// caller's [Options].LoadBase.
//
// # Durability
//
// The shard appends a batch's records to the buffer ([Log.Buffer],
// [Log.Append], [Log.AppendCommand]), then calls [Log.Commit]: one
// write(2) for the batch and, under [FsyncAlways], one fdatasync (group
// commit). Only then does it answer the batch's callers. Under
// [FsyncEverySec] the supervisor calls [Log.SyncIfDirty] every second from
// its own goroutine; under [FsyncNo] only [Log.Close] fsyncs.
//
//	policy     a process crash loses   a machine crash loses
//	always     nothing committed       nothing committed
//	everysec   nothing committed       about the last second
//	no         nothing committed       what the OS had not flushed
//
// Errors are sticky. If a write fails, the file is cut back to the end of
// the last good commit (when even that fails, the partial record is the
// torn tail the next open removes) and the log is poisoned: that Commit
// and every later one return the same error. A failed fsync poisons the
// log the same way, because after one the kernel may have dropped the dirty
// pages: the shard turns the error into Redis's refusal of writes
// ([MisconfText]), and reopening the log is the way out.
//
// # Replay, torn tails and corruption
//
// [Log.Replay] reads the base and the incr files in manifest order and
// hands the commands to the caller unit by unit: a command, or a whole
// MULTI ... EXEC block once its EXEC has been read. The caller may refuse a
// well-formed command it cannot apply ([ErrInvalidRecord]); that record is
// then damage like a malformed one. Damage is told apart from what a crash
// leaves:
//
//   - A torn tail: the last file ends inside a unit (a record cut short, a
//     MULTI without its EXEC) and no valid record follows — Replay looks
//     past the damaged record for a record boundary, since a damaged
//     length that points past the end of the file looks, from the record
//     alone, like a record cut short. It is copied to
//     "<file>.torn-<offset>" and truncated away (Redis's
//     aof-load-truncated yes), logged and reported in [ReplayInfo];
//     [Options].Strict refuses instead.
//   - Anything else — a malformed record, a record the caller refused, a
//     torn record in a file that is not the last, a damaged length with
//     valid records after it, a damaged RDB base — is corruption. The
//     damaged file's bytes from the damaged unit on are copied to
//     "<file>.corrupt-<offset>" (an earlier copy is never overwritten:
//     ".1", ".2" ... are appended). By default Replay then stops with a
//     [*CorruptError] (path, offset, cause, the copy; errors.Is(err,
//     ErrCorrupt)) and changes nothing, as Redis refuses to start. With
//     [Options].Recover it cuts the log at the damaged unit instead: the
//     later incr files are copied whole and emptied, the damaged file is
//     truncated, and Replay returns with [ReplayInfo].Recovered set, the
//     caller holding every record before the damage — the state the shard
//     had at that point, which no record after it can be proven to follow
//     from. The damage stays in place until the last step, so a crash
//     during the recovery is redone by the next Replay. No prefix of an
//     RDB file can be trusted (its checksum covers the whole), so damage
//     in an RDB base is always refused.
//
// [Check] applies the same rules to a list of files and changes nothing.
//
// # Rewrite
//
// [Log.StartRewrite] switches appends to a new incr file at once and hands
// back a writer for the new base; the shard writes its point-in-time view
// into it while it keeps serving and appending. [Log.FinishRewrite] makes
// the base durable, commits a manifest naming the new base and the incr
// files since the switch (the old files become history), then deletes the
// history. [Log.BaseSize] and [Log.Size] give Redis's aof_rewrite_base_size
// and aof_current_size for auto-aof-rewrite decisions. A crash at any step
// leaves a manifest that names a complete set of files.
//
// # Caveats
//
// Records carry no checksum (format compatibility with Redis comes first),
// so damage that still parses — a flipped byte inside a value, a digit of
// an expiry time, a key name changed into another key of the same shard —
// is not detected, by Redis either. A damaged length in the very last
// record of the last file, with nothing after it, is indistinguishable
// from a torn record and is truncated as one (after a copy). The Log does
// not lock its directory: one Log per directory is the caller's rule (kevy
// locks its data directory).
//
// # Concurrency
//
// A Log belongs to its shard's goroutine. [Log.SyncIfDirty], [Log.Size] and
// [Log.BaseSize] may be called from any goroutine.
package aof
