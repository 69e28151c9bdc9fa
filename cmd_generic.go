package kevy

import (
	"context"
	"strconv"
	"time"

	"github.com/kevydb/kevy/shard"
)

// The generic key commands (go-redis's GenericCmdable): existence, types,
// renames, expiry, OBJECT, SCAN and SORT; immediate and deferred.

// GenericCmdable is the generic key commands of Store, Conn and Tx.
type GenericCmdable interface {
	Del(ctx context.Context, keys ...string) (int64, error)
	Unlink(ctx context.Context, keys ...string) (int64, error)
	Exists(ctx context.Context, keys ...string) (int64, error)
	Type(ctx context.Context, key string) (string, error)
	Rename(ctx context.Context, key, newkey string) error
	RenameNX(ctx context.Context, key, newkey string) (bool, error)
	Copy(ctx context.Context, src, dst string, db int, replace bool) (int64, error)
	Move(ctx context.Context, key string, db int) (bool, error)
	Keys(ctx context.Context, pattern string) ([]string, error)
	Scan(ctx context.Context, cursor uint64, match string, count int64) ([]string, uint64, error)
	ScanType(ctx context.Context, cursor uint64, match string, count int64, keyType string) ([]string, uint64, error)
	RandomKey(ctx context.Context) (string, error)
	Touch(ctx context.Context, keys ...string) (int64, error)
	Expire(ctx context.Context, key string, d time.Duration) (bool, error)
	ExpireNX(ctx context.Context, key string, d time.Duration) (bool, error)
	ExpireXX(ctx context.Context, key string, d time.Duration) (bool, error)
	ExpireGT(ctx context.Context, key string, d time.Duration) (bool, error)
	ExpireLT(ctx context.Context, key string, d time.Duration) (bool, error)
	PExpire(ctx context.Context, key string, d time.Duration) (bool, error)
	ExpireAt(ctx context.Context, key string, tm time.Time) (bool, error)
	PExpireAt(ctx context.Context, key string, tm time.Time) (bool, error)
	Persist(ctx context.Context, key string) (bool, error)
	TTL(ctx context.Context, key string) (time.Duration, error)
	PTTL(ctx context.Context, key string) (time.Duration, error)
	ExpireTime(ctx context.Context, key string) (time.Duration, error)
	PExpireTime(ctx context.Context, key string) (time.Duration, error)
	ObjectEncoding(ctx context.Context, key string) (string, error)
	ObjectIdleTime(ctx context.Context, key string) (time.Duration, error)
	ObjectFreq(ctx context.Context, key string) (int64, error)
	ObjectRefCount(ctx context.Context, key string) (int64, error)
	Sort(ctx context.Context, key string, a *SortArgs) ([]string, error)
	SortRO(ctx context.Context, key string, a *SortArgs) ([]string, error)
	SortStore(ctx context.Context, key, store string, a *SortArgs) (int64, error)
}

// GenericPipeCmdable is GenericCmdable deferred: what a Pipeliner queues.
type GenericPipeCmdable interface {
	Del(ctx context.Context, keys ...string) *IntCmd
	Unlink(ctx context.Context, keys ...string) *IntCmd
	Exists(ctx context.Context, keys ...string) *IntCmd
	Type(ctx context.Context, key string) *StatusCmd
	Rename(ctx context.Context, key, newkey string) *StatusCmd
	RenameNX(ctx context.Context, key, newkey string) *BoolCmd
	Copy(ctx context.Context, src, dst string, db int, replace bool) *IntCmd
	Move(ctx context.Context, key string, db int) *BoolCmd
	Keys(ctx context.Context, pattern string) *StringSliceCmd
	Scan(ctx context.Context, cursor uint64, match string, count int64) *ScanCmd
	ScanType(ctx context.Context, cursor uint64, match string, count int64, keyType string) *ScanCmd
	RandomKey(ctx context.Context) *StringCmd
	Touch(ctx context.Context, keys ...string) *IntCmd
	Expire(ctx context.Context, key string, d time.Duration) *BoolCmd
	ExpireNX(ctx context.Context, key string, d time.Duration) *BoolCmd
	ExpireXX(ctx context.Context, key string, d time.Duration) *BoolCmd
	ExpireGT(ctx context.Context, key string, d time.Duration) *BoolCmd
	ExpireLT(ctx context.Context, key string, d time.Duration) *BoolCmd
	PExpire(ctx context.Context, key string, d time.Duration) *BoolCmd
	ExpireAt(ctx context.Context, key string, tm time.Time) *BoolCmd
	PExpireAt(ctx context.Context, key string, tm time.Time) *BoolCmd
	Persist(ctx context.Context, key string) *BoolCmd
	TTL(ctx context.Context, key string) *DurationCmd
	PTTL(ctx context.Context, key string) *DurationCmd
	ExpireTime(ctx context.Context, key string) *DurationCmd
	PExpireTime(ctx context.Context, key string) *DurationCmd
	ObjectEncoding(ctx context.Context, key string) *StringCmd
	ObjectIdleTime(ctx context.Context, key string) *DurationCmd
	ObjectFreq(ctx context.Context, key string) *IntCmd
	ObjectRefCount(ctx context.Context, key string) *IntCmd
	Sort(ctx context.Context, key string, a *SortArgs) *StringSliceCmd
	SortRO(ctx context.Context, key string, a *SortArgs) *StringSliceCmd
	SortStore(ctx context.Context, key, store string, a *SortArgs) *IntCmd
}

var (
	_ GenericCmdable     = (*Store)(nil)
	_ GenericCmdable     = (*Conn)(nil)
	_ GenericCmdable     = (*Tx)(nil)
	_ GenericPipeCmdable = (*Pipeline)(nil)
)

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
	cmdSort        = mustCmd("sort")
	cmdSortRO      = mustCmd("sort_ro")
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

// copyArgv builds COPY src dst DB db [REPLACE] in a.
func copyArgv(a *[6]string, src, dst string, db int, replace bool) []string {
	a[0], a[1], a[2], a[3], a[4] = "COPY", src, dst, "DB", strconv.Itoa(db)
	if replace {
		a[5] = "REPLACE"
		return a[:6]
	}
	return a[:5]
}

// Copy copies the value at src to dst in database db, replacing dst if
// replace is set, and returns 1 if it copied.
func (x cmdable) Copy(ctx context.Context, src, dst string, db int, replace bool) (int64, error) {
	var a [6]string
	return x.integer(ctx, cmdCopy, copyArgv(&a, src, dst, db, replace))
}

// Move moves key to database db and reports whether it did.
func (x cmdable) Move(ctx context.Context, key string, db int) (bool, error) {
	a := [3]string{"MOVE", key, strconv.Itoa(db)}
	return x.boolean(ctx, cmdMove, a[:])
}

// Keys returns the keys matching a glob-style pattern (order unspecified).
func (x cmdable) Keys(ctx context.Context, pattern string) ([]string, error) {
	a := [2]string{"KEYS", pattern}
	return call(ctx, x, cmdKeys, a[:], toStrings)
}

// scanArgv builds SCAN cursor [MATCH match] [COUNT count] [TYPE keyType]
// in a.
func scanArgv(a *[8]string, cursor uint64, match string, count int64, keyType string) []string {
	argv := append(a[:0], "SCAN", strconv.FormatUint(cursor, 10))
	if match != "" {
		argv = append(argv, "MATCH", match)
	}
	if count > 0 {
		argv = append(argv, "COUNT", formatInt(count))
	}
	if keyType != "" {
		argv = append(argv, "TYPE", keyType)
	}
	return argv
}

// Scan returns some keys matching match ("" = all) from cursor, and the
// cursor to continue from (0 when the iteration is complete). count is a
// hint of how many to look at (0 = Redis's default of 10).
func (x cmdable) Scan(ctx context.Context, cursor uint64, match string, count int64) ([]string, uint64, error) {
	var a [8]string
	return call2(ctx, x, cmdScan, scanArgv(&a, cursor, match, count, ""), toScan)
}

// ScanType is Scan restricted to keys of one type ("string", "list" ...).
func (x cmdable) ScanType(ctx context.Context, cursor uint64, match string, count int64, keyType string) ([]string, uint64, error) {
	var a [8]string
	return call2(ctx, x, cmdScan, scanArgv(&a, cursor, match, count, keyType), toScan)
}

// RandomKey returns a random key, or Nil when the database is empty.
func (x cmdable) RandomKey(ctx context.Context) (string, error) {
	a := [1]string{"RANDOMKEY"}
	return x.str(ctx, cmdRandomKey, a[:])
}

// Touch records an access to keys and returns how many exist.
func (x cmdable) Touch(ctx context.Context, keys ...string) (int64, error) {
	return x.integer(ctx, cmdTouch, args("TOUCH", keys...))
}

// expireArgv builds EXPIRE key seconds [mode], or PEXPIRE key ms [mode]
// when d is not whole seconds, in a.
func expireArgv(a *[4]string, key string, d time.Duration, mode string) (*shard.Command, []string) {
	cmd := cmdExpire
	a[0], a[1], a[2] = "EXPIRE", key, formatSec(d)
	if usePrecise(d) {
		cmd = cmdPExpire
		a[0], a[2] = "PEXPIRE", formatMs(d)
	}
	if mode == "" {
		return cmd, a[:3]
	}
	a[3] = mode
	return cmd, a[:4]
}

func (x cmdable) expire(ctx context.Context, key string, d time.Duration, mode string) (bool, error) {
	var a [4]string
	cmd, argv := expireArgv(&a, key, d, mode)
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
	a := [3]string{"EXPIREAT", key, formatInt(tm.Unix())}
	return x.boolean(ctx, cmdExpireAt, a[:])
}

// PExpireAt sets key to expire at tm (milliseconds).
func (x cmdable) PExpireAt(ctx context.Context, key string, tm time.Time) (bool, error) {
	a := [3]string{"PEXPIREAT", key, formatInt(tm.UnixMilli())}
	return x.boolean(ctx, cmdPExpireAt, a[:])
}

// Persist removes key's expiry and reports whether it had one.
func (x cmdable) Persist(ctx context.Context, key string) (bool, error) {
	a := [2]string{"PERSIST", key}
	return x.boolean(ctx, cmdPersist, a[:])
}

// duration runs a command replying with a count of unit (DurationCmd's
// shape).
func (x cmdable) duration(ctx context.Context, cmd *shard.Command, argv []string, unit time.Duration) (time.Duration, error) {
	r, err := x.run(ctx, cmd, argv)
	if err != nil {
		return 0, err
	}
	return toDuration(r, unit)
}

// TTL returns key's remaining time to live in seconds precision; -1 (ns)
// when it has no expiry, -2 (ns) when it does not exist.
func (x cmdable) TTL(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"TTL", key}
	return x.duration(ctx, cmdTTL, a[:], time.Second)
}

// PTTL is TTL in milliseconds precision.
func (x cmdable) PTTL(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"PTTL", key}
	return x.duration(ctx, cmdPTTL, a[:], time.Millisecond)
}

// ExpireTime returns key's absolute expiry as a duration since the Unix
// epoch (seconds precision); negative as in TTL.
func (x cmdable) ExpireTime(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"EXPIRETIME", key}
	return x.duration(ctx, cmdExpireTime, a[:], time.Second)
}

// PExpireTime is ExpireTime in milliseconds precision.
func (x cmdable) PExpireTime(ctx context.Context, key string) (time.Duration, error) {
	a := [2]string{"PEXPIRETIME", key}
	return x.duration(ctx, cmdPExpireTime, a[:], time.Millisecond)
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
	return x.duration(ctx, cmdObject.Subs["idletime"], a[:], time.Second)
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

// SortArgs are SORT's options (go-redis's Sort). By is a pattern whose
// "*" is replaced by each element to name the key holding its weight
// ("weight_*", or "obj_*->field" for a hash field; a pattern without "*",
// such as "nosort", keeps the collection's order); Offset and Count select
// a range (both 0: everything); Get lists patterns to return instead of
// the elements ("#" is the element); Order is "ASC" or "DESC" ("" = ASC);
// Alpha sorts lexicographically instead of numerically.
type SortArgs struct {
	By            string
	Offset, Count int64
	Get           []string
	Order         string
	Alpha         bool
}

// argv builds the command line as go-redis does.
func (a *SortArgs) argv(name, key string) []string {
	argv := []string{name, key}
	if a == nil {
		return argv
	}
	if a.By != "" {
		argv = append(argv, "BY", a.By)
	}
	if a.Offset != 0 || a.Count != 0 {
		argv = append(argv, "LIMIT", formatInt(a.Offset), formatInt(a.Count))
	}
	for _, g := range a.Get {
		argv = append(argv, "GET", g)
	}
	if a.Order != "" {
		argv = append(argv, a.Order)
	}
	if a.Alpha {
		argv = append(argv, "ALPHA")
	}
	return argv
}

// Sort returns the elements of the list, set or sorted set at key sorted
// as a directs (nil: numerically, ascending), or what its Get patterns
// name (an empty string for a missing key). BY and GET patterns may name
// keys on any shard: SORT holds every shard while it runs.
func (x cmdable) Sort(ctx context.Context, key string, a *SortArgs) ([]string, error) {
	return call(ctx, x, cmdSort, a.argv("SORT", key), toStrings)
}

// SortRO is Sort as the read-only SORT_RO.
func (x cmdable) SortRO(ctx context.Context, key string, a *SortArgs) ([]string, error) {
	return call(ctx, x, cmdSortRO, a.argv("SORT_RO", key), toStrings)
}

// SortStore stores what Sort would return as a list at store (replacing
// any value, or deleting store when the result is empty) and returns its
// length.
func (x cmdable) SortStore(ctx context.Context, key, store string, a *SortArgs) (int64, error) {
	return x.integer(ctx, cmdSort, append(a.argv("SORT", key), "STORE", store))
}
