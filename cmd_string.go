package kevy

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/kevydb/kevy/locked"
)

// The string commands (go-redis's StringCmdable), immediate and deferred.

// StringCmdable is the string commands of Store, Conn and Tx.
type StringCmdable interface {
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	SetArgs(ctx context.Context, key, value string, a SetArgs) (string, error)
	SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	SetXX(ctx context.Context, key, value string, ttl time.Duration) (bool, error)
	SetEx(ctx context.Context, key, value string, ttl time.Duration) error
	GetSet(ctx context.Context, key, value string) (string, error)
	GetDel(ctx context.Context, key string) (string, error)
	GetEx(ctx context.Context, key string, ttl time.Duration) (string, error)
	MGet(ctx context.Context, keys ...string) ([]any, error)
	MSet(ctx context.Context, values ...any) error
	MSetNX(ctx context.Context, values ...any) (bool, error)
	Append(ctx context.Context, key, value string) (int64, error)
	StrLen(ctx context.Context, key string) (int64, error)
	GetRange(ctx context.Context, key string, start, end int64) (string, error)
	SetRange(ctx context.Context, key string, offset int64, value string) (int64, error)
	Incr(ctx context.Context, key string) (int64, error)
	Decr(ctx context.Context, key string) (int64, error)
	IncrBy(ctx context.Context, key string, n int64) (int64, error)
	DecrBy(ctx context.Context, key string, n int64) (int64, error)
	IncrByFloat(ctx context.Context, key string, f float64) (float64, error)
}

// StringPipeCmdable is StringCmdable deferred: what a Pipeliner queues.
type StringPipeCmdable interface {
	Get(ctx context.Context, key string) *StringCmd
	Set(ctx context.Context, key, value string, ttl time.Duration) *StatusCmd
	SetArgs(ctx context.Context, key, value string, a SetArgs) *StatusCmd
	SetNX(ctx context.Context, key, value string, ttl time.Duration) *BoolCmd
	SetXX(ctx context.Context, key, value string, ttl time.Duration) *BoolCmd
	SetEx(ctx context.Context, key, value string, ttl time.Duration) *StatusCmd
	GetSet(ctx context.Context, key, value string) *StringCmd
	GetDel(ctx context.Context, key string) *StringCmd
	GetEx(ctx context.Context, key string, ttl time.Duration) *StringCmd
	MGet(ctx context.Context, keys ...string) *SliceCmd
	MSet(ctx context.Context, values ...any) *StatusCmd
	MSetNX(ctx context.Context, values ...any) *BoolCmd
	Append(ctx context.Context, key, value string) *IntCmd
	StrLen(ctx context.Context, key string) *IntCmd
	GetRange(ctx context.Context, key string, start, end int64) *StringCmd
	SetRange(ctx context.Context, key string, offset int64, value string) *IntCmd
	Incr(ctx context.Context, key string) *IntCmd
	Decr(ctx context.Context, key string) *IntCmd
	IncrBy(ctx context.Context, key string, n int64) *IntCmd
	DecrBy(ctx context.Context, key string, n int64) *IntCmd
	IncrByFloat(ctx context.Context, key string, f float64) *FloatCmd
}

var (
	_ StringCmdable     = (*Store)(nil)
	_ StringCmdable     = (*Conn)(nil)
	_ StringCmdable     = (*Tx)(nil)
	_ StringPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdGet         = mustCmd("get")
	cmdSet         = mustCmd("set")
	cmdSetNX       = mustCmd("setnx")
	cmdSetEX       = mustCmd("setex")
	cmdGetSet      = mustCmd("getset")
	cmdGetDel      = mustCmd("getdel")
	cmdGetEX       = mustCmd("getex")
	cmdMGet        = mustCmd("mget")
	cmdMSet        = mustCmd("mset")
	cmdMSetNX      = mustCmd("msetnx")
	cmdAppend      = mustCmd("append")
	cmdStrlen      = mustCmd("strlen")
	cmdGetRange    = mustCmd("getrange")
	cmdSetRange    = mustCmd("setrange")
	cmdIncr        = mustCmd("incr")
	cmdDecr        = mustCmd("decr")
	cmdIncrBy      = mustCmd("incrby")
	cmdDecrBy      = mustCmd("decrby")
	cmdIncrByFloat = mustCmd("incrbyfloat")
)

// KeepTTL, passed as a TTL to Set, keeps the key's current expiry (SET ...
// KEEPTTL), as in go-redis.
const KeepTTL = -1

// Get returns the string at key, or Nil when the key does not exist.
func (x cmdable) Get(ctx context.Context, key string) (string, error) {
	if x.c == nil && x.s.locked != nil { // the lock-based engine's fast path
		if x.s.closed.Load() {
			return "", ErrClosed
		}
		v, found, ok, err := x.s.locked.Get(ctx, 0, key)
		switch {
		case errors.Is(err, locked.ErrClosed):
			return "", ErrClosed
		case err != nil:
			return "", err
		case ok && !found:
			return "", Nil
		case ok:
			return v, nil
		}
	}
	a := [2]string{"GET", key}
	return x.str(ctx, cmdGet, a[:])
}

// setArgv builds SET key value [PX ms | EX s | KEEPTTL] in a.
func setArgv(a *[5]string, key, value string, ttl time.Duration) []string {
	n := 3
	a[0], a[1], a[2] = "SET", key, value
	switch {
	case ttl > 0 && usePrecise(ttl):
		a[3], a[4], n = "PX", formatMs(ttl), 5
	case ttl > 0:
		a[3], a[4], n = "EX", formatSec(ttl), 5
	case ttl == KeepTTL:
		a[3], n = "KEEPTTL", 4
	}
	return a[:n]
}

// Set stores value at key. ttl > 0 sets an expiry (EX, or PX when it is not
// whole seconds); 0 means none; KeepTTL keeps the current one.
func (x cmdable) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	var a [5]string
	return x.status(ctx, cmdSet, setArgv(&a, key, value, ttl))
}

// SetArgs are the options of SET, as go-redis's.
type SetArgs struct {
	Mode     string        // "NX", "XX" or ""
	TTL      time.Duration // relative expiry; zero = none
	ExpireAt time.Time     // absolute expiry; zero = none
	Get      bool          // return the old value
	KeepTTL  bool          // keep the current expiry
}

// argv builds SET key value with the options of a, in buf.
func (a SetArgs) argv(buf *[7]string, key, value string) []string {
	argv := append(buf[:0], "SET", key, value)
	switch {
	case a.KeepTTL:
		argv = append(argv, "KEEPTTL")
	case !a.ExpireAt.IsZero():
		argv = append(argv, "PXAT", strconv.FormatInt(a.ExpireAt.UnixMilli(), 10))
	case a.TTL > 0 && usePrecise(a.TTL):
		argv = append(argv, "PX", formatMs(a.TTL))
	case a.TTL > 0:
		argv = append(argv, "EX", formatSec(a.TTL))
	}
	if a.Mode != "" {
		argv = append(argv, a.Mode)
	}
	if a.Get {
		argv = append(argv, "GET")
	}
	return argv
}

// SetArgs runs SET with options. It returns "OK", or the old value when
// a.Get is set; Nil when NX/XX prevented the write (or, with Get, when
// there was no old value).
func (x cmdable) SetArgs(ctx context.Context, key, value string, a SetArgs) (string, error) {
	var buf [7]string
	return x.str(ctx, cmdSet, a.argv(&buf, key, value))
}

// setNXArgv builds SET key value NX with an expiry (ttl > 0) in buf.
func setNXArgv(buf *[7]string, key, value string, ttl time.Duration) []string {
	return SetArgs{Mode: "NX", TTL: ttl}.argv(buf, key, value)
}

// setXXArgv builds SET key value XX with ttl as in Set, in buf.
func setXXArgv(buf *[7]string, key, value string, ttl time.Duration) []string {
	if ttl == KeepTTL {
		return SetArgs{Mode: "XX", KeepTTL: true}.argv(buf, key, value)
	}
	return SetArgs{Mode: "XX", TTL: ttl}.argv(buf, key, value)
}

// SetNX stores value at key only if the key does not exist, and reports
// whether it did. ttl as in Set.
func (x cmdable) SetNX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		a := [3]string{"SETNX", key, value}
		return x.boolean(ctx, cmdSetNX, a[:])
	}
	var buf [7]string
	return x.boolean(ctx, cmdSet, setNXArgv(&buf, key, value, ttl))
}

// SetXX stores value at key only if the key exists, and reports whether it
// did. ttl as in Set.
func (x cmdable) SetXX(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	var buf [7]string
	return x.boolean(ctx, cmdSet, setXXArgv(&buf, key, value, ttl))
}

// SetEx stores value at key with an expiry of ttl (SETEX).
func (x cmdable) SetEx(ctx context.Context, key, value string, ttl time.Duration) error {
	a := [4]string{"SETEX", key, formatSec(ttl), value}
	return x.status(ctx, cmdSetEX, a[:])
}

// GetSet stores value at key and returns the old value (Nil if none).
func (x cmdable) GetSet(ctx context.Context, key, value string) (string, error) {
	a := [3]string{"GETSET", key, value}
	return x.str(ctx, cmdGetSet, a[:])
}

// GetDel returns the value at key and deletes the key.
func (x cmdable) GetDel(ctx context.Context, key string) (string, error) {
	a := [2]string{"GETDEL", key}
	return x.str(ctx, cmdGetDel, a[:])
}

// getExArgv builds GETEX key [PX ms | EX s | PERSIST] in a.
func getExArgv(a *[4]string, key string, ttl time.Duration) []string {
	a[0], a[1] = "GETEX", key
	n := 3
	switch {
	case ttl > 0 && usePrecise(ttl):
		a[2], a[3], n = "PX", formatMs(ttl), 4
	case ttl > 0:
		a[2], a[3], n = "EX", formatSec(ttl), 4
	default:
		a[2] = "PERSIST"
	}
	return a[:n]
}

// GetEx returns the value at key and sets its expiry: ttl > 0 sets it,
// 0 removes it (PERSIST), as go-redis's GetEx.
func (x cmdable) GetEx(ctx context.Context, key string, ttl time.Duration) (string, error) {
	var a [4]string
	return x.str(ctx, cmdGetEX, getExArgv(&a, key, ttl))
}

// MGet returns the values at keys: each a string, or nil for a missing key
// or a value of another type.
func (x cmdable) MGet(ctx context.Context, keys ...string) ([]any, error) {
	return call(ctx, x, cmdMGet, args("MGET", keys...), toSlice)
}

// MSet stores several values at once. Pass "k1", "v1", "k2", "v2" ..., or
// a map[string]any, or a []string of pairs, as with go-redis.
func (x cmdable) MSet(ctx context.Context, values ...any) error {
	argv, err := flatten([]string{"MSET"}, values)
	if err != nil {
		return err
	}
	return x.status(ctx, cmdMSet, argv)
}

// MSetNX stores several values only if none of the keys exists, and
// reports whether it did.
func (x cmdable) MSetNX(ctx context.Context, values ...any) (bool, error) {
	argv, err := flatten([]string{"MSETNX"}, values)
	if err != nil {
		return false, err
	}
	return x.boolean(ctx, cmdMSetNX, argv)
}

// Append appends value to the string at key and returns its new length.
func (x cmdable) Append(ctx context.Context, key, value string) (int64, error) {
	a := [3]string{"APPEND", key, value}
	return x.integer(ctx, cmdAppend, a[:])
}

// StrLen returns the length of the string at key.
func (x cmdable) StrLen(ctx context.Context, key string) (int64, error) {
	a := [2]string{"STRLEN", key}
	return x.integer(ctx, cmdStrlen, a[:])
}

// GetRange returns the substring of the value at key between start and end
// (inclusive; negative offsets count from the end).
func (x cmdable) GetRange(ctx context.Context, key string, start, end int64) (string, error) {
	a := [4]string{"GETRANGE", key, formatInt(start), formatInt(end)}
	return x.str(ctx, cmdGetRange, a[:])
}

// SetRange overwrites part of the string at key from offset and returns
// its new length.
func (x cmdable) SetRange(ctx context.Context, key string, offset int64, value string) (int64, error) {
	a := [4]string{"SETRANGE", key, formatInt(offset), value}
	return x.integer(ctx, cmdSetRange, a[:])
}

// Incr increments the integer at key by one and returns the new value.
func (x cmdable) Incr(ctx context.Context, key string) (int64, error) {
	a := [2]string{"INCR", key}
	return x.integer(ctx, cmdIncr, a[:])
}

// Decr decrements the integer at key by one and returns the new value.
func (x cmdable) Decr(ctx context.Context, key string) (int64, error) {
	a := [2]string{"DECR", key}
	return x.integer(ctx, cmdDecr, a[:])
}

// IncrBy adds n to the integer at key and returns the new value.
func (x cmdable) IncrBy(ctx context.Context, key string, n int64) (int64, error) {
	a := [3]string{"INCRBY", key, formatInt(n)}
	return x.integer(ctx, cmdIncrBy, a[:])
}

// DecrBy subtracts n from the integer at key and returns the new value.
func (x cmdable) DecrBy(ctx context.Context, key string, n int64) (int64, error) {
	a := [3]string{"DECRBY", key, formatInt(n)}
	return x.integer(ctx, cmdDecrBy, a[:])
}

// IncrByFloat adds f to the number at key (long double arithmetic, as
// Redis) and returns the new value.
func (x cmdable) IncrByFloat(ctx context.Context, key string, f float64) (float64, error) {
	a := [3]string{"INCRBYFLOAT", key, formatFloat(f)}
	return call(ctx, x, cmdIncrByFloat, a[:], toFloat)
}
