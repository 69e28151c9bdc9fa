package kevy

import (
	"context"
	"strconv"
)

// Pipeline methods for the sorted set commands, in go-redis's shape: each
// queues its command and returns a Cmd that holds the result once the
// pipeline has run.

// ZSliceCmd is a command replying with members and their scores.
type ZSliceCmd struct{ baseCmd }

// Val returns the members with their scores.
func (c *ZSliceCmd) Val() []Z {
	v, _ := c.Result()
	return v
}

// Result returns the members with their scores, and Err.
func (c *ZSliceCmd) Result() ([]Z, error) {
	if c.err != nil {
		return nil, c.err
	}
	return replyZs(c.reply)
}

func pzslice(p *Pipeline, args []string) *ZSliceCmd {
	c := &ZSliceCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

func pstrings(p *Pipeline, args []string) *StringSliceCmd {
	c := &StringSliceCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

func pfloat(p *Pipeline, args ...string) *FloatCmd {
	c := &FloatCmd{baseCmd{args: args}}
	p.add(c)
	return c
}

// ZAdd queues ZADD.
func (p *Pipeline) ZAdd(_ context.Context, key string, members ...Z) *IntCmd {
	return pint(p, zaddArgv(key, nil, members)...)
}

// ZAddArgs queues ZADD with options.
func (p *Pipeline) ZAddArgs(_ context.Context, key string, args ZAddArgs) *IntCmd {
	return pint(p, zaddArgv(key, args.options(false), args.Members)...)
}

// ZIncrBy queues ZINCRBY.
func (p *Pipeline) ZIncrBy(_ context.Context, key string, increment float64, member string) *FloatCmd {
	return pfloat(p, "ZINCRBY", key, formatScore(increment), member)
}

// ZRem queues ZREM (members as Store.ZRem takes them).
func (p *Pipeline) ZRem(_ context.Context, key string, members ...any) *IntCmd {
	words, err := flatten([]string{"ZREM", key}, members)
	c := &IntCmd{baseCmd{args: words, err: err}}
	p.add(c)
	return c
}

// ZCard queues ZCARD.
func (p *Pipeline) ZCard(_ context.Context, key string) *IntCmd { return pint(p, "ZCARD", key) }

// ZScore queues ZSCORE.
func (p *Pipeline) ZScore(_ context.Context, key, member string) *FloatCmd {
	return pfloat(p, "ZSCORE", key, member)
}

// ZRank queues ZRANK.
func (p *Pipeline) ZRank(_ context.Context, key, member string) *IntCmd {
	return pint(p, "ZRANK", key, member)
}

// ZRevRank queues ZREVRANK.
func (p *Pipeline) ZRevRank(_ context.Context, key, member string) *IntCmd {
	return pint(p, "ZREVRANK", key, member)
}

// ZCount queues ZCOUNT.
func (p *Pipeline) ZCount(_ context.Context, key, min, max string) *IntCmd {
	return pint(p, "ZCOUNT", key, min, max)
}

// ZLexCount queues ZLEXCOUNT.
func (p *Pipeline) ZLexCount(_ context.Context, key, min, max string) *IntCmd {
	return pint(p, "ZLEXCOUNT", key, min, max)
}

// ZRange queues ZRANGE by rank.
func (p *Pipeline) ZRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return pstrings(p, []string{"ZRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)})
}

// ZRangeWithScores queues ZRANGE by rank WITHSCORES.
func (p *Pipeline) ZRangeWithScores(_ context.Context, key string, start, stop int64) *ZSliceCmd {
	return pzslice(p, []string{"ZRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10), "WITHSCORES"})
}

// ZRevRange queues ZREVRANGE.
func (p *Pipeline) ZRevRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return pstrings(p, []string{"ZREVRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)})
}

// ZRevRangeWithScores queues ZREVRANGE WITHSCORES.
func (p *Pipeline) ZRevRangeWithScores(_ context.Context, key string, start, stop int64) *ZSliceCmd {
	return pzslice(p, []string{"ZREVRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10), "WITHSCORES"})
}

// ZRangeArgs queues ZRANGE as z describes it.
func (p *Pipeline) ZRangeArgs(_ context.Context, z ZRangeArgs) *StringSliceCmd {
	return pstrings(p, z.argv("ZRANGE", "", false))
}

// ZRangeArgsWithScores queues ZRANGE ... WITHSCORES as z describes it.
func (p *Pipeline) ZRangeArgsWithScores(_ context.Context, z ZRangeArgs) *ZSliceCmd {
	return pzslice(p, z.argv("ZRANGE", "", true))
}

// ZRangeByScore queues ZRANGEBYSCORE.
func (p *Pipeline) ZRangeByScore(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return pstrings(p, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, false))
}

// ZRangeByScoreWithScores queues ZRANGEBYSCORE ... WITHSCORES.
func (p *Pipeline) ZRangeByScoreWithScores(_ context.Context, key string, opt *ZRangeBy) *ZSliceCmd {
	return pzslice(p, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, true))
}

// ZRevRangeByScore queues ZREVRANGEBYSCORE.
func (p *Pipeline) ZRevRangeByScore(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return pstrings(p, rangeByArgv("ZREVRANGEBYSCORE", key, opt.Max, opt.Min, opt, false))
}

// ZRemRangeByScore queues ZREMRANGEBYSCORE.
func (p *Pipeline) ZRemRangeByScore(_ context.Context, key, min, max string) *IntCmd {
	return pint(p, "ZREMRANGEBYSCORE", key, min, max)
}

// ZRemRangeByRank queues ZREMRANGEBYRANK.
func (p *Pipeline) ZRemRangeByRank(_ context.Context, key string, start, stop int64) *IntCmd {
	return pint(p, "ZREMRANGEBYRANK", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10))
}

// ZPopMin queues ZPOPMIN (with a count when one is given).
func (p *Pipeline) ZPopMin(_ context.Context, key string, count ...int64) *ZSliceCmd {
	return pzslice(p, zpopArgv("ZPOPMIN", key, count))
}

// ZPopMax queues ZPOPMAX (with a count when one is given).
func (p *Pipeline) ZPopMax(_ context.Context, key string, count ...int64) *ZSliceCmd {
	return pzslice(p, zpopArgv("ZPOPMAX", key, count))
}

func zpopArgv(name, key string, count []int64) []string {
	argv := []string{name, key}
	for _, n := range count {
		argv = append(argv, strconv.FormatInt(n, 10)) // more than one: Redis's syntax error
	}
	return argv
}

// ZUnionStore queues ZUNIONSTORE.
func (p *Pipeline) ZUnionStore(_ context.Context, dest string, store *ZStore) *IntCmd {
	return pint(p, zstoreArgv("ZUNIONSTORE", dest, store, false)...)
}

// ZInterStore queues ZINTERSTORE.
func (p *Pipeline) ZInterStore(_ context.Context, dest string, store *ZStore) *IntCmd {
	return pint(p, zstoreArgv("ZINTERSTORE", dest, store, false)...)
}

// ZRandMember queues ZRANDMEMBER with a count.
func (p *Pipeline) ZRandMember(_ context.Context, key string, count int) *StringSliceCmd {
	return pstrings(p, []string{"ZRANDMEMBER", key, strconv.Itoa(count)})
}
