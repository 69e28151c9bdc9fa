package kevy

import (
	"context"
	"strconv"
	"time"
)

// Pipeline methods for the list commands and SORT, in go-redis's shape:
// each queues its command and returns a Cmd that holds the result once the
// pipeline has run. Blocking commands in a pipeline wait as they do alone
// (inside TxPipelined they do not wait).

// LPush queues LPUSH.
func (p *Pipeline) LPush(_ context.Context, key string, values ...any) *IntCmd {
	return pwords(p, mkInt, []string{"LPUSH", key}, values...)
}

// RPush queues RPUSH.
func (p *Pipeline) RPush(_ context.Context, key string, values ...any) *IntCmd {
	return pwords(p, mkInt, []string{"RPUSH", key}, values...)
}

// LPushX queues LPUSHX.
func (p *Pipeline) LPushX(_ context.Context, key string, values ...any) *IntCmd {
	return pwords(p, mkInt, []string{"LPUSHX", key}, values...)
}

// RPushX queues RPUSHX.
func (p *Pipeline) RPushX(_ context.Context, key string, values ...any) *IntCmd {
	return pwords(p, mkInt, []string{"RPUSHX", key}, values...)
}

// LPop queues LPOP.
func (p *Pipeline) LPop(_ context.Context, key string) *StringCmd { return pstr(p, "LPOP", key) }

// RPop queues RPOP.
func (p *Pipeline) RPop(_ context.Context, key string) *StringCmd { return pstr(p, "RPOP", key) }

// LPopCount queues LPOP with a count.
func (p *Pipeline) LPopCount(_ context.Context, key string, count int) *StringSliceCmd {
	return pstrings(p, []string{"LPOP", key, strconv.Itoa(count)})
}

// RPopCount queues RPOP with a count.
func (p *Pipeline) RPopCount(_ context.Context, key string, count int) *StringSliceCmd {
	return pstrings(p, []string{"RPOP", key, strconv.Itoa(count)})
}

// LLen queues LLEN.
func (p *Pipeline) LLen(_ context.Context, key string) *IntCmd { return pint(p, "LLEN", key) }

// LRange queues LRANGE.
func (p *Pipeline) LRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return pstrings(p, []string{"LRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)})
}

// LIndex queues LINDEX.
func (p *Pipeline) LIndex(_ context.Context, key string, index int64) *StringCmd {
	return pstr(p, "LINDEX", key, strconv.FormatInt(index, 10))
}

// pwords queues a command whose trailing arguments are go-redis-style
// values, as a Cmd of the given kind.
func pwords[C Cmder](p *Pipeline, mk func(baseCmd) C, head []string, values ...any) C {
	words, err := flatten(head, values)
	c := mk(baseCmd{args: words, err: err})
	p.add(c)
	return c
}

func mkStatus(b baseCmd) *StatusCmd { return &StatusCmd{b} }
func mkInt(b baseCmd) *IntCmd       { return &IntCmd{b} }

// LSet queues LSET.
func (p *Pipeline) LSet(_ context.Context, key string, index int64, value any) *StatusCmd {
	return pwords(p, mkStatus, []string{"LSET", key, strconv.FormatInt(index, 10)}, value)
}

// LInsert queues LINSERT (op "BEFORE" or "AFTER").
func (p *Pipeline) LInsert(_ context.Context, key, op string, pivot, value any) *IntCmd {
	return pwords(p, mkInt, []string{"LINSERT", key, op}, pivot, value)
}

// LInsertBefore queues LINSERT ... BEFORE.
func (p *Pipeline) LInsertBefore(ctx context.Context, key string, pivot, value any) *IntCmd {
	return p.LInsert(ctx, key, "BEFORE", pivot, value)
}

// LInsertAfter queues LINSERT ... AFTER.
func (p *Pipeline) LInsertAfter(ctx context.Context, key string, pivot, value any) *IntCmd {
	return p.LInsert(ctx, key, "AFTER", pivot, value)
}

// LRem queues LREM.
func (p *Pipeline) LRem(_ context.Context, key string, count int64, value any) *IntCmd {
	return pwords(p, mkInt, []string{"LREM", key, strconv.FormatInt(count, 10)}, value)
}

// LTrim queues LTRIM.
func (p *Pipeline) LTrim(_ context.Context, key string, start, stop int64) *StatusCmd {
	return pstatus(p, "LTRIM", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10))
}

// LPos queues LPOS without COUNT.
func (p *Pipeline) LPos(_ context.Context, key, value string, a LPosArgs) *IntCmd {
	return pint(p, lposArgv(key, value, 0, false, a)...)
}

// LMove queues LMOVE.
func (p *Pipeline) LMove(_ context.Context, source, destination, srcpos, destpos string) *StringCmd {
	return pstr(p, "LMOVE", source, destination, srcpos, destpos)
}

// RPopLPush queues RPOPLPUSH.
func (p *Pipeline) RPopLPush(_ context.Context, source, destination string) *StringCmd {
	return pstr(p, "RPOPLPUSH", source, destination)
}

// BLPop queues BLPOP.
func (p *Pipeline) BLPop(_ context.Context, timeout time.Duration, keys ...string) *StringSliceCmd {
	return pstrings(p, append(args("BLPOP", keys...), blockTimeout(timeout)))
}

// BRPop queues BRPOP.
func (p *Pipeline) BRPop(_ context.Context, timeout time.Duration, keys ...string) *StringSliceCmd {
	return pstrings(p, append(args("BRPOP", keys...), blockTimeout(timeout)))
}

// BLMove queues BLMOVE.
func (p *Pipeline) BLMove(_ context.Context, source, destination, srcpos, destpos string, timeout time.Duration) *StringCmd {
	return pstr(p, "BLMOVE", source, destination, srcpos, destpos, blockTimeout(timeout))
}

// Sort queues SORT.
func (p *Pipeline) Sort(_ context.Context, key string, a *SortArgs) *StringSliceCmd {
	return pstrings(p, a.argv("SORT", key))
}

// SortRO queues SORT_RO.
func (p *Pipeline) SortRO(_ context.Context, key string, a *SortArgs) *StringSliceCmd {
	return pstrings(p, a.argv("SORT_RO", key))
}

// SortStore queues SORT ... STORE.
func (p *Pipeline) SortStore(_ context.Context, key, store string, a *SortArgs) *IntCmd {
	return pint(p, append(a.argv("SORT", key), "STORE", store)...)
}
