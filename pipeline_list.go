package kevy

import (
	"context"
	"time"
)

// Pipeline methods for the list commands (ListPipeCmdable): each queues
// its command and returns a command object that holds the result once
// the pipeline has run. Blocking commands in a pipeline wait as they do
// alone (inside a transaction they do not wait).

// push queues LPUSH, RPUSH, LPUSHX or RPUSHX with go-redis-style values.
func (p *Pipeline) push(name, key string, values []any) *IntCmd {
	words, err := flatten([]string{name, key}, values)
	return queueErr(p, &IntCmd{}, words, err)
}

// LPush queues LPUSH (values as Store.LPush takes them).
func (p *Pipeline) LPush(_ context.Context, key string, values ...any) *IntCmd {
	return p.push("LPUSH", key, values)
}

// RPush queues RPUSH.
func (p *Pipeline) RPush(_ context.Context, key string, values ...any) *IntCmd {
	return p.push("RPUSH", key, values)
}

// LPushX queues LPUSHX.
func (p *Pipeline) LPushX(_ context.Context, key string, values ...any) *IntCmd {
	return p.push("LPUSHX", key, values)
}

// RPushX queues RPUSHX.
func (p *Pipeline) RPushX(_ context.Context, key string, values ...any) *IntCmd {
	return p.push("RPUSHX", key, values)
}

// LPop queues LPOP.
func (p *Pipeline) LPop(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "LPOP", key)
}

// LPopCount queues LPOP with a count.
func (p *Pipeline) LPopCount(_ context.Context, key string, count int) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "LPOP", key, formatInt(int64(count)))
}

// RPop queues RPOP.
func (p *Pipeline) RPop(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "RPOP", key)
}

// RPopCount queues RPOP with a count.
func (p *Pipeline) RPopCount(_ context.Context, key string, count int) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "RPOP", key, formatInt(int64(count)))
}

// LLen queues LLEN.
func (p *Pipeline) LLen(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "LLEN", key)
}

// LRange queues LRANGE.
func (p *Pipeline) LRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "LRANGE", key, formatInt(start), formatInt(stop))
}

// LIndex queues LINDEX.
func (p *Pipeline) LIndex(_ context.Context, key string, index int64) *StringCmd {
	return queue(p, &StringCmd{}, "LINDEX", key, formatInt(index))
}

// LSet queues LSET.
func (p *Pipeline) LSet(_ context.Context, key string, index int64, value any) *StatusCmd {
	words, err := lsetArgv(new([4]string), key, index, value)
	return queueErr(p, &StatusCmd{}, words, err)
}

// LInsert queues LINSERT (op "BEFORE" or "AFTER").
func (p *Pipeline) LInsert(_ context.Context, key, op string, pivot, value any) *IntCmd {
	words, err := linsertArgv(new([5]string), key, op, pivot, value)
	return queueErr(p, &IntCmd{}, words, err)
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
	words, err := lremArgv(new([4]string), key, count, value)
	return queueErr(p, &IntCmd{}, words, err)
}

// LTrim queues LTRIM.
func (p *Pipeline) LTrim(_ context.Context, key string, start, stop int64) *StatusCmd {
	return queue(p, &StatusCmd{}, "LTRIM", key, formatInt(start), formatInt(stop))
}

// LPos queues LPOS without COUNT.
func (p *Pipeline) LPos(_ context.Context, key, value string, a LPosArgs) *IntCmd {
	return queue(p, &IntCmd{}, lposArgv(key, value, 0, false, a)...)
}

// LPosCount queues LPOS ... COUNT.
func (p *Pipeline) LPosCount(_ context.Context, key, value string, count int64, a LPosArgs) *IntSliceCmd {
	return queue(p, &IntSliceCmd{}, lposArgv(key, value, count, true, a)...)
}

// LMove queues LMOVE.
func (p *Pipeline) LMove(_ context.Context, source, destination, srcpos, destpos string) *StringCmd {
	return queue(p, &StringCmd{}, "LMOVE", source, destination, srcpos, destpos)
}

// RPopLPush queues RPOPLPUSH.
func (p *Pipeline) RPopLPush(_ context.Context, source, destination string) *StringCmd {
	return queue(p, &StringCmd{}, "RPOPLPUSH", source, destination)
}

// LMPop queues LMPOP.
func (p *Pipeline) LMPop(_ context.Context, direction string, count int64, keys ...string) *KeyValuesCmd {
	return queue(p, &KeyValuesCmd{}, mpopArgv("LMPOP", "", direction, count, keys)...)
}

// BLPop queues BLPOP.
func (p *Pipeline) BLPop(_ context.Context, timeout time.Duration, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, blockingArgv("BLPOP", keys, timeout)...)
}

// BRPop queues BRPOP.
func (p *Pipeline) BRPop(_ context.Context, timeout time.Duration, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, blockingArgv("BRPOP", keys, timeout)...)
}

// BLMove queues BLMOVE.
func (p *Pipeline) BLMove(_ context.Context, source, destination, srcpos, destpos string, timeout time.Duration) *StringCmd {
	return queue(p, &StringCmd{}, "BLMOVE", source, destination, srcpos, destpos, blockTimeout(timeout))
}

// BRPopLPush queues BRPOPLPUSH.
func (p *Pipeline) BRPopLPush(_ context.Context, source, destination string, timeout time.Duration) *StringCmd {
	return queue(p, &StringCmd{}, "BRPOPLPUSH", source, destination, blockTimeout(timeout))
}

// BLMPop queues BLMPOP.
func (p *Pipeline) BLMPop(_ context.Context, timeout time.Duration, direction string, count int64, keys ...string) *KeyValuesCmd {
	return queue(p, &KeyValuesCmd{}, mpopArgv("BLMPOP", blockTimeout(timeout), direction, count, keys)...)
}
