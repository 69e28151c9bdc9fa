package kevy

import (
	"context"
	"strconv"
	"time"
)

// Pipeline methods for the generic key commands (GenericPipeCmdable): each
// queues its command and returns a command object that holds the result
// once the pipeline has run.

// Del queues DEL.
func (p *Pipeline) Del(_ context.Context, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, args("DEL", keys...)...)
}

// Unlink queues UNLINK.
func (p *Pipeline) Unlink(_ context.Context, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, args("UNLINK", keys...)...)
}

// Exists queues EXISTS.
func (p *Pipeline) Exists(_ context.Context, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, args("EXISTS", keys...)...)
}

// Type queues TYPE.
func (p *Pipeline) Type(_ context.Context, key string) *StatusCmd {
	return queue(p, &StatusCmd{}, "TYPE", key)
}

// Rename queues RENAME.
func (p *Pipeline) Rename(_ context.Context, key, newkey string) *StatusCmd {
	return queue(p, &StatusCmd{}, "RENAME", key, newkey)
}

// RenameNX queues RENAMENX.
func (p *Pipeline) RenameNX(_ context.Context, key, newkey string) *BoolCmd {
	return queue(p, &BoolCmd{}, "RENAMENX", key, newkey)
}

// Copy queues COPY.
func (p *Pipeline) Copy(_ context.Context, src, dst string, db int, replace bool) *IntCmd {
	return queue(p, &IntCmd{}, copyArgv(new([6]string), src, dst, db, replace)...)
}

// Move queues MOVE.
func (p *Pipeline) Move(_ context.Context, key string, db int) *BoolCmd {
	return queue(p, &BoolCmd{}, "MOVE", key, strconv.Itoa(db))
}

// Keys queues KEYS.
func (p *Pipeline) Keys(_ context.Context, pattern string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "KEYS", pattern)
}

// Scan queues SCAN (arguments as Store.Scan).
func (p *Pipeline) Scan(_ context.Context, cursor uint64, match string, count int64) *ScanCmd {
	return queue(p, &ScanCmd{}, scanArgv(new([8]string), cursor, match, count, "")...)
}

// ScanType queues SCAN ... TYPE.
func (p *Pipeline) ScanType(_ context.Context, cursor uint64, match string, count int64, keyType string) *ScanCmd {
	return queue(p, &ScanCmd{}, scanArgv(new([8]string), cursor, match, count, keyType)...)
}

// RandomKey queues RANDOMKEY.
func (p *Pipeline) RandomKey(_ context.Context) *StringCmd {
	return queue(p, &StringCmd{}, "RANDOMKEY")
}

// Touch queues TOUCH.
func (p *Pipeline) Touch(_ context.Context, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, args("TOUCH", keys...)...)
}

func (p *Pipeline) expire(key string, d time.Duration, mode string) *BoolCmd {
	_, argv := expireArgv(new([4]string), key, d, mode)
	return queue(p, &BoolCmd{}, argv...)
}

// Expire queues EXPIRE (PEXPIRE when d is not whole seconds).
func (p *Pipeline) Expire(_ context.Context, key string, d time.Duration) *BoolCmd {
	return p.expire(key, d, "")
}

// ExpireNX queues EXPIRE ... NX.
func (p *Pipeline) ExpireNX(_ context.Context, key string, d time.Duration) *BoolCmd {
	return p.expire(key, d, "NX")
}

// ExpireXX queues EXPIRE ... XX.
func (p *Pipeline) ExpireXX(_ context.Context, key string, d time.Duration) *BoolCmd {
	return p.expire(key, d, "XX")
}

// ExpireGT queues EXPIRE ... GT.
func (p *Pipeline) ExpireGT(_ context.Context, key string, d time.Duration) *BoolCmd {
	return p.expire(key, d, "GT")
}

// ExpireLT queues EXPIRE ... LT.
func (p *Pipeline) ExpireLT(_ context.Context, key string, d time.Duration) *BoolCmd {
	return p.expire(key, d, "LT")
}

// PExpire queues PEXPIRE.
func (p *Pipeline) PExpire(_ context.Context, key string, d time.Duration) *BoolCmd {
	return queue(p, &BoolCmd{}, "PEXPIRE", key, formatMs(d))
}

// ExpireAt queues EXPIREAT.
func (p *Pipeline) ExpireAt(_ context.Context, key string, tm time.Time) *BoolCmd {
	return queue(p, &BoolCmd{}, "EXPIREAT", key, formatInt(tm.Unix()))
}

// PExpireAt queues PEXPIREAT.
func (p *Pipeline) PExpireAt(_ context.Context, key string, tm time.Time) *BoolCmd {
	return queue(p, &BoolCmd{}, "PEXPIREAT", key, formatInt(tm.UnixMilli()))
}

// Persist queues PERSIST.
func (p *Pipeline) Persist(_ context.Context, key string) *BoolCmd {
	return queue(p, &BoolCmd{}, "PERSIST", key)
}

// TTL queues TTL.
func (p *Pipeline) TTL(_ context.Context, key string) *DurationCmd {
	return queue(p, &DurationCmd{unit: time.Second}, "TTL", key)
}

// PTTL queues PTTL.
func (p *Pipeline) PTTL(_ context.Context, key string) *DurationCmd {
	return queue(p, &DurationCmd{unit: time.Millisecond}, "PTTL", key)
}

// ExpireTime queues EXPIRETIME.
func (p *Pipeline) ExpireTime(_ context.Context, key string) *DurationCmd {
	return queue(p, &DurationCmd{unit: time.Second}, "EXPIRETIME", key)
}

// PExpireTime queues PEXPIRETIME.
func (p *Pipeline) PExpireTime(_ context.Context, key string) *DurationCmd {
	return queue(p, &DurationCmd{unit: time.Millisecond}, "PEXPIRETIME", key)
}

// ObjectEncoding queues OBJECT ENCODING.
func (p *Pipeline) ObjectEncoding(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "OBJECT", "ENCODING", key)
}

// ObjectIdleTime queues OBJECT IDLETIME.
func (p *Pipeline) ObjectIdleTime(_ context.Context, key string) *DurationCmd {
	return queue(p, &DurationCmd{unit: time.Second}, "OBJECT", "IDLETIME", key)
}

// ObjectFreq queues OBJECT FREQ.
func (p *Pipeline) ObjectFreq(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "OBJECT", "FREQ", key)
}

// ObjectRefCount queues OBJECT REFCOUNT.
func (p *Pipeline) ObjectRefCount(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "OBJECT", "REFCOUNT", key)
}

// Sort queues SORT.
func (p *Pipeline) Sort(_ context.Context, key string, a *SortArgs) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, a.argv("SORT", key)...)
}

// SortRO queues SORT_RO.
func (p *Pipeline) SortRO(_ context.Context, key string, a *SortArgs) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, a.argv("SORT_RO", key)...)
}

// SortStore queues SORT ... STORE.
func (p *Pipeline) SortStore(_ context.Context, key, store string, a *SortArgs) *IntCmd {
	return queue(p, &IntCmd{}, append(a.argv("SORT", key), "STORE", store)...)
}
