package kevy

import (
	"context"
	"strconv"
)

// Pipeline methods for the hash commands (HashPipeCmdable): each queues
// its command and returns a command object that holds the result once
// the pipeline has run.

// HSet queues HSET (values as Store.HSet takes them).
func (p *Pipeline) HSet(_ context.Context, key string, values ...any) *IntCmd {
	words, err := flatten([]string{"HSET", key}, values)
	return queueErr(p, &IntCmd{}, words, err)
}

// HMSet queues HMSET (values as Store.HSet takes them).
func (p *Pipeline) HMSet(_ context.Context, key string, values ...any) *BoolCmd {
	words, err := flatten([]string{"HMSET", key}, values)
	return queueErr(p, &BoolCmd{}, words, err)
}

// HSetNX queues HSETNX.
func (p *Pipeline) HSetNX(_ context.Context, key, field, value string) *BoolCmd {
	return queue(p, &BoolCmd{}, "HSETNX", key, field, value)
}

// HGet queues HGET.
func (p *Pipeline) HGet(_ context.Context, key, field string) *StringCmd {
	return queue(p, &StringCmd{}, "HGET", key, field)
}

// HMGet queues HMGET.
func (p *Pipeline) HMGet(_ context.Context, key string, fields ...string) *SliceCmd {
	return queue(p, &SliceCmd{}, keyArgs("HMGET", key, fields)...)
}

// HDel queues HDEL.
func (p *Pipeline) HDel(_ context.Context, key string, fields ...string) *IntCmd {
	return queue(p, &IntCmd{}, keyArgs("HDEL", key, fields)...)
}

// HLen queues HLEN.
func (p *Pipeline) HLen(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "HLEN", key)
}

// HExists queues HEXISTS.
func (p *Pipeline) HExists(_ context.Context, key, field string) *BoolCmd {
	return queue(p, &BoolCmd{}, "HEXISTS", key, field)
}

// HStrLen queues HSTRLEN.
func (p *Pipeline) HStrLen(_ context.Context, key, field string) *IntCmd {
	return queue(p, &IntCmd{}, "HSTRLEN", key, field)
}

// HIncrBy queues HINCRBY.
func (p *Pipeline) HIncrBy(_ context.Context, key, field string, incr int64) *IntCmd {
	return queue(p, &IntCmd{}, "HINCRBY", key, field, formatInt(incr))
}

// HIncrByFloat queues HINCRBYFLOAT.
func (p *Pipeline) HIncrByFloat(_ context.Context, key, field string, incr float64) *FloatCmd {
	return queue(p, &FloatCmd{}, "HINCRBYFLOAT", key, field, formatFloat(incr))
}

// HKeys queues HKEYS.
func (p *Pipeline) HKeys(_ context.Context, key string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "HKEYS", key)
}

// HVals queues HVALS.
func (p *Pipeline) HVals(_ context.Context, key string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "HVALS", key)
}

// HGetAll queues HGETALL.
func (p *Pipeline) HGetAll(_ context.Context, key string) *MapStringStringCmd {
	return queue(p, &MapStringStringCmd{}, "HGETALL", key)
}

// HRandField queues HRANDFIELD with a count.
func (p *Pipeline) HRandField(_ context.Context, key string, count int) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "HRANDFIELD", key, strconv.Itoa(count))
}

// HRandFieldWithValues queues HRANDFIELD ... WITHVALUES.
func (p *Pipeline) HRandFieldWithValues(_ context.Context, key string, count int) *KeyValueSliceCmd {
	return queue(p, &KeyValueSliceCmd{}, "HRANDFIELD", key, strconv.Itoa(count), "WITHVALUES")
}

// HScan queues HSCAN (arguments as Store.HScan).
func (p *Pipeline) HScan(_ context.Context, key string, cursor uint64, match string, count int64) *ScanCmd {
	return queue(p, &ScanCmd{}, collectionScanArgv(new([7]string), "HSCAN", key, cursor, match, count)...)
}
