package kevy

import (
	"context"
	"strconv"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Typed methods for the generic key commands and server commands.

var (
	cmdDel         = mustCmd("del")
	cmdUnlink      = mustCmd("unlink")
	cmdExists      = mustCmd("exists")
	cmdType        = mustCmd("type")
	cmdRename      = mustCmd("rename")
	cmdRenameNX    = mustCmd("renamenx")
	cmdCopy        = mustCmd("copy")
	cmdMove        = mustCmd("move")
	cmdKeys        = mustCmd("keys")
	cmdScan        = mustCmd("scan")
	cmdRandomKey   = mustCmd("randomkey")
	cmdDBSize      = mustCmd("dbsize")
	cmdTouch       = mustCmd("touch")
	cmdExpire      = mustCmd("expire")
	cmdPExpire     = mustCmd("pexpire")
	cmdExpireAt    = mustCmd("expireat")
	cmdPExpireAt   = mustCmd("pexpireat")
	cmdPersist     = mustCmd("persist")
	cmdTTL         = mustCmd("ttl")
	cmdPTTL        = mustCmd("pttl")
	cmdExpireTime  = mustCmd("expiretime")
	cmdPExpireTime = mustCmd("pexpiretime")
	cmdObject      = mustCmd("object")
	cmdPing        = mustCmd("ping")
	cmdEcho        = mustCmd("echo")
	cmdTime        = mustCmd("time")
	cmdFlushDB     = mustCmd("flushdb")
	cmdFlushAll    = mustCmd("flushall")
	cmdSwapDB      = mustCmd("swapdb")
)

// Del deletes keys and returns how many existed.
func (x cmdable) Del(ctx context.Context, keys ...string) (int64, error) {
	return x.integer(ctx, cmdDel, args("DEL", keys...))
}

// Unlink deletes keys (as DEL; kevy frees memory through the Go garbage
// collector either way) and returns how many existed.
func (x cmdable) Unlink(ctx context.Context, keys ...string) (int64, error) {
	return x.integer(ctx, cmdUnlink, args("UNLINK", keys...))
}

// Exists returns how many of keys exist (a key named twice counts twice).
func (x cmdable) Exists(ctx context.Context, keys ...string) (int64, error) {
	return x.integer(ctx, cmdExists, args("EXISTS", keys...))
}

// Type returns the type of the value at key: "string", "list", "set",
// "zset", "hash", or "none".
func (x cmdable) Type(ctx context.Context, key string) (string, error) {
	a := [2]string{"TYPE", key}
	return x.str(ctx, cmdType, a[:])
}

// Rename renames key to newkey, replacing any value at newkey.
func (x cmdable) Rename(ctx context.Context, key, newkey string) error {
	a := [3]string{"RENAME", key, newkey}
	return x.status(ctx, cmdRename, a[:])
}

// RenameNX renames key to newkey only if newkey does not exist, and reports
// whether it did.
func (x cmdable) RenameNX(ctx context.Context, key, newkey string) (bool, error) {
	a := [3]string{"RENAMENX", key, newkey}
	return x.boolean(ctx, cmdRenameNX, a[:])
}

// Copy copies the value at src to dst in database db, replacing dst if
// replace is set, and returns 1 if it copied.
func (x cmdable) Copy(ctx context.Context, src, dst string, db int, replace bool) (int64, error) {
	argv := []string{"COPY", src, dst, "DB", strconv.Itoa(db)}
	if replace {
		argv = append(argv, "REPLACE")
	}
	return x.integer(ctx, cmdCopy, argv)
}

// Move moves key to database db and reports whether it did.
func (x cmdable) Move(ctx context.Context, key string, db int) (bool, error) {
	a := [3]string{"MOVE", key, strconv.Itoa(db)}
	return x.boolean(ctx, cmdMove, a[:])
}

// Keys returns the keys matching a glob-style pattern (order unspecified).
func (x cmdable) Keys(ctx context.Context, pattern string) ([]string, error) {
	a := [2]string{"KEYS", pattern}
	return x.strings(ctx, cmdKeys, a[:])
}

// Scan returns some keys matching match ("" = all) from cursor, and the
// cursor to continue from (0 when the iteration is complete). count is a
// hint of how many to look at (0 = Redis's default of 10).
func (x cmdable) Scan(ctx context.Context, cursor uint64, match string, count int64) ([]string, uint64, error) {
	return x.ScanType(ctx, cursor, match, count, "")
}

// ScanType is Scan restricted to keys of one type ("string", "list" ...).
func (x cmdable) ScanType(ctx context.Context, cursor uint64, match string, count int64, keyType string) ([]string, uint64, error) {
	argv := []string{"SCAN", strconv.FormatUint(cursor, 10)}
	if match != "" {
		argv = append(argv, "MATCH", match)
	}
	if count > 0 {
		argv = append(argv, "COUNT", strconv.FormatInt(count, 10))
	}
	if keyType != "" {
		argv = append(argv, "TYPE", keyType)
	}
	return x.scanReply(ctx, cmdScan, argv)
}

// scanReply decodes a [cursor, [elements]] reply.
func (x cmdable) scanReply(ctx context.Context, cmd *shard.Command, argv []string) ([]string, uint64, error) {
	r, err := x.reply(ctx, cmd, argv)
	if err != nil {
		return nil, 0, err
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return nil, 0, unexpected(r)
	}
	next, err := strconv.ParseUint(r.Elems[0].Str, 10, 64)
	if err != nil {
		return nil, 0, err
	}
	keys := make([]string, len(r.Elems[1].Elems))
	for i, e := range r.Elems[1].Elems {
		keys[i] = e.Str
	}
	return keys, next, nil
}

// RandomKey returns a random key, or Nil when the database is empty.
func (x cmdable) RandomKey(ctx context.Context) (string, error) {
	a := [1]string{"RANDOMKEY"}
	return x.str(ctx, cmdRandomKey, a[:])
}

// DBSize returns the number of keys in the database.
func (x cmdable) DBSize(ctx context.Context) (int64, error) {
	a := [1]string{"DBSIZE"}
	return x.integer(ctx, cmdDBSize, a[:])
}

// Touch records an access to keys and returns how many exist.
func (x cmdable) Touch(ctx context.Context, keys ...string) (int64, error) {
	return x.integer(ctx, cmdTouch, args("TOUCH", keys...))
}

func (x cmdable) expire(ctx context.Context, key string, d time.Duration, mode string) (bool, error) {
	var argv []string
	var cmd *shard.Command
	if usePrecise(d) {
		argv, cmd = []string{"PEXPIRE", key, formatMs(d)}, cmdPExpire
	} else {
		argv, cmd = []string{"EXPIRE", key, formatSec(d)}, cmdExpire
	}
	if mode != "" {
		argv = append(argv, mode)
	}
	return x.boolean(ctx, cmd, argv)
}

// Expire sets key to expire after d and reports whether the key exists.
func (x cmdable) Expire(ctx context.Context, key string, d time.Duration) (bool, error) {
	return x.expire(ctx, key, d, "")
}

// ExpireNX is Expire only when the key has no expiry.
func (x cmdable) ExpireNX(ctx context.Context, key string, d time.Duration) (bool, error) {
	return x.expire(ctx, key, d, "NX")
}

// ExpireXX is Expire only when the key has an expiry.
func (x cmdable) ExpireXX(ctx context.Context, key string, d time.Duration) (bool, error) {
	return x.expire(ctx, key, d, "XX")
}

// ExpireGT is Expire only when the new expiry is later than the current one.
func (x cmdable) ExpireGT(ctx context.Context, key string, d time.Duration) (bool, error) {
	return x.expire(ctx, key, d, "GT")
}

// ExpireLT is Expire only when the new expiry is earlier than the current
// one (or there is none).
func (x cmdable) ExpireLT(ctx context.Context, key string, d time.Duration) (bool, error) {
	return x.expire(ctx, key, d, "LT")
}

// PExpire is Expire with millisecond precision.
func (x cmdable) PExpire(ctx context.Context, key string, d time.Duration) (bool, error) {
	a := [3]string{"PEXPIRE", key, formatMs(d)}
	return x.boolean(ctx, cmdPExpire, a[:])
}

// ExpireAt sets key to expire at tm (whole seconds).
func (x cmdable) ExpireAt(ctx context.Context, key string, tm time.Time) (bool, error) {
	a := [3]string{"EXPIREAT", key, strconv.FormatInt(tm.Unix(), 10)}
	return x.boolean(ctx, cmdExpireAt, a[:])
}

// PExpireAt sets key to expire at tm (milliseconds).
func (x cmdable) PExpireAt(ctx context.Context, key string, tm time.Time) (bool, error) {
	a := [3]string{"PEXPIREAT", key, strconv.FormatInt(tm.UnixMilli(), 10)}
	return x.boolean(ctx, cmdPExpireAt, a[:])
}

// Persist removes key's expiry and reports whether it had one.
func (x cmdable) Persist(ctx context.Context, key string) (bool, error) {
	a := [2]string{"PERSIST", key}
	return x.boolean(ctx, cmdPersist, a[:])
}

// durationReply converts TTL-style replies as go-redis does: negative
// values (-1 no expiry, -2 no key) are returned as that many nanoseconds.
func durationReply(n int64, err error, unit time.Duration) (time.Duration, error) {
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return time.Duration(n), nil
	}
	return time.Duration(n) * unit, nil
}

// TTL returns key's remaining time to live in seconds precision; -1 (ns)
// when it has no expiry, -2 (ns) when it does not exist.
func (x cmdable) TTL(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"TTL", key}
	n, err := x.integer(ctx, cmdTTL, a[:])
	return durationReply(n, err, time.Second)
}

// PTTL is TTL in milliseconds precision.
func (x cmdable) PTTL(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"PTTL", key}
	n, err := x.integer(ctx, cmdPTTL, a[:])
	return durationReply(n, err, time.Millisecond)
}

// ExpireTime returns key's absolute expiry as a duration since the Unix
// epoch (seconds precision); negative as in TTL.
func (x cmdable) ExpireTime(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"EXPIRETIME", key}
	n, err := x.integer(ctx, cmdExpireTime, a[:])
	return durationReply(n, err, time.Second)
}

// PExpireTime is ExpireTime in milliseconds precision.
func (x cmdable) PExpireTime(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"PEXPIRETIME", key}
	n, err := x.integer(ctx, cmdPExpireTime, a[:])
	return durationReply(n, err, time.Millisecond)
}

// ObjectEncoding returns the encoding Redis would use for the value at key
// ("int", "embstr", "raw", "listpack", "quicklist", "intset", "hashtable",
// "skiplist").
func (x cmdable) ObjectEncoding(ctx context.Context, key string) (string, error) {
	a := [3]string{"OBJECT", "ENCODING", key}
	return x.str(ctx, cmdObject.Subs["encoding"], a[:])
}

// ObjectIdleTime returns the time since key was last accessed.
func (x cmdable) ObjectIdleTime(ctx context.Context, key string) (time.Duration, error) {
	a := [3]string{"OBJECT", "IDLETIME", key}
	n, err := x.integer(ctx, cmdObject.Subs["idletime"], a[:])
	return durationReply(n, err, time.Second)
}

// ObjectFreq returns key's LFU access counter (LFU policies only).
func (x cmdable) ObjectFreq(ctx context.Context, key string) (int64, error) {
	a := [3]string{"OBJECT", "FREQ", key}
	return x.integer(ctx, cmdObject.Subs["freq"], a[:])
}

// ObjectRefCount returns Redis's reference count of the value at key.
func (x cmdable) ObjectRefCount(ctx context.Context, key string) (int64, error) {
	a := [3]string{"OBJECT", "REFCOUNT", key}
	return x.integer(ctx, cmdObject.Subs["refcount"], a[:])
}

// Ping returns "PONG".
func (x cmdable) Ping(ctx context.Context) (string, error) {
	a := [1]string{"PING"}
	return x.str(ctx, cmdPing, a[:])
}

// Echo returns msg.
func (x cmdable) Echo(ctx context.Context, msg string) (string, error) {
	a := [2]string{"ECHO", msg}
	return x.str(ctx, cmdEcho, a[:])
}

// Time returns the store's clock.
func (x cmdable) Time(ctx context.Context) (time.Time, error) {
	a := [1]string{"TIME"}
	r, err := x.reply(ctx, cmdTime, a[:])
	if err != nil {
		return time.Time{}, err
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return time.Time{}, unexpected(r)
	}
	sec, _ := strconv.ParseInt(r.Elems[0].Str, 10, 64)
	usec, _ := strconv.ParseInt(r.Elems[1].Str, 10, 64)
	return time.Unix(sec, usec*1000), nil
}

// FlushDB deletes every key of the database.
func (x cmdable) FlushDB(ctx context.Context) error {
	a := [1]string{"FLUSHDB"}
	return x.status(ctx, cmdFlushDB, a[:])
}

// FlushAll deletes every key of every database.
func (x cmdable) FlushAll(ctx context.Context) error {
	a := [1]string{"FLUSHALL"}
	return x.status(ctx, cmdFlushAll, a[:])
}

// SwapDB exchanges the contents of two databases, atomically for every
// connection.
func (x cmdable) SwapDB(ctx context.Context, a, b int) error {
	argv := [3]string{"SWAPDB", strconv.Itoa(a), strconv.Itoa(b)}
	return x.status(ctx, cmdSwapDB, argv[:])
}

// Select changes the connection's database.
func (c *Conn) Select(ctx context.Context, db int) error {
	a := [2]string{"SELECT", strconv.Itoa(db)}
	return c.status(ctx, mustCmd("select"), a[:])
}
