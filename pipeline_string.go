package kevy

import (
	"context"
	"time"
)

// Pipeline methods for the string commands (StringPipeCmdable): each
// queues its command and returns a command object that holds the result
// once the pipeline has run.

// Get queues GET.
func (p *Pipeline) Get(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "GET", key)
}

// Set queues SET with an optional TTL (as Store.Set).
func (p *Pipeline) Set(_ context.Context, key, value string, ttl time.Duration) *StatusCmd {
	return queue(p, &StatusCmd{}, setArgv(new([5]string), key, value, ttl)...)
}

// SetArgs queues SET with options (as Store.SetArgs).
func (p *Pipeline) SetArgs(_ context.Context, key, value string, a SetArgs) *StatusCmd {
	return queue(p, &StatusCmd{}, a.argv(new([7]string), key, value)...)
}

// SetNX queues SETNX, or SET ... NX with an expiry when ttl > 0.
func (p *Pipeline) SetNX(_ context.Context, key, value string, ttl time.Duration) *BoolCmd {
	if ttl <= 0 {
		return queue(p, &BoolCmd{}, "SETNX", key, value)
	}
	return queue(p, &BoolCmd{}, setNXArgv(new([7]string), key, value, ttl)...)
}

// SetXX queues SET ... XX (ttl as in Set).
func (p *Pipeline) SetXX(_ context.Context, key, value string, ttl time.Duration) *BoolCmd {
	return queue(p, &BoolCmd{}, setXXArgv(new([7]string), key, value, ttl)...)
}

// SetEx queues SETEX.
func (p *Pipeline) SetEx(_ context.Context, key, value string, ttl time.Duration) *StatusCmd {
	return queue(p, &StatusCmd{}, "SETEX", key, formatSec(ttl), value)
}

// GetSet queues GETSET.
func (p *Pipeline) GetSet(_ context.Context, key, value string) *StringCmd {
	return queue(p, &StringCmd{}, "GETSET", key, value)
}

// GetDel queues GETDEL.
func (p *Pipeline) GetDel(_ context.Context, key string) *StringCmd {
	return queue(p, &StringCmd{}, "GETDEL", key)
}

// GetEx queues GETEX (ttl as in Store.GetEx).
func (p *Pipeline) GetEx(_ context.Context, key string, ttl time.Duration) *StringCmd {
	return queue(p, &StringCmd{}, getExArgv(new([4]string), key, ttl)...)
}

// MGet queues MGET.
func (p *Pipeline) MGet(_ context.Context, keys ...string) *SliceCmd {
	return queue(p, &SliceCmd{}, args("MGET", keys...)...)
}

// MSet queues MSET (pairs as Store.MSet takes them).
func (p *Pipeline) MSet(_ context.Context, values ...any) *StatusCmd {
	words, err := flatten([]string{"MSET"}, values)
	return queueErr(p, &StatusCmd{}, words, err)
}

// MSetNX queues MSETNX (pairs as Store.MSet takes them).
func (p *Pipeline) MSetNX(_ context.Context, values ...any) *BoolCmd {
	words, err := flatten([]string{"MSETNX"}, values)
	return queueErr(p, &BoolCmd{}, words, err)
}

// Append queues APPEND.
func (p *Pipeline) Append(_ context.Context, key, value string) *IntCmd {
	return queue(p, &IntCmd{}, "APPEND", key, value)
}

// StrLen queues STRLEN.
func (p *Pipeline) StrLen(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "STRLEN", key)
}

// GetRange queues GETRANGE.
func (p *Pipeline) GetRange(_ context.Context, key string, start, end int64) *StringCmd {
	return queue(p, &StringCmd{}, "GETRANGE", key, formatInt(start), formatInt(end))
}

// SetRange queues SETRANGE.
func (p *Pipeline) SetRange(_ context.Context, key string, offset int64, value string) *IntCmd {
	return queue(p, &IntCmd{}, "SETRANGE", key, formatInt(offset), value)
}

// Incr queues INCR.
func (p *Pipeline) Incr(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "INCR", key)
}

// Decr queues DECR.
func (p *Pipeline) Decr(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "DECR", key)
}

// IncrBy queues INCRBY.
func (p *Pipeline) IncrBy(_ context.Context, key string, n int64) *IntCmd {
	return queue(p, &IntCmd{}, "INCRBY", key, formatInt(n))
}

// DecrBy queues DECRBY.
func (p *Pipeline) DecrBy(_ context.Context, key string, n int64) *IntCmd {
	return queue(p, &IntCmd{}, "DECRBY", key, formatInt(n))
}

// IncrByFloat queues INCRBYFLOAT.
func (p *Pipeline) IncrByFloat(_ context.Context, key string, f float64) *FloatCmd {
	return queue(p, &FloatCmd{}, "INCRBYFLOAT", key, formatFloat(f))
}
