package kevy

import (
	"context"
	"strconv"
	"time"
)

// Pipeline methods for the sorted set commands (SortedSetPipeCmdable):
// each queues its command and returns a command object that holds the
// result once the pipeline has run.

// ZAdd queues ZADD.
func (p *Pipeline) ZAdd(_ context.Context, key string, members ...Z) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, nil, members)...)
}

// ZAddNX queues ZADD NX.
func (p *Pipeline) ZAddNX(_ context.Context, key string, members ...Z) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, []string{"NX"}, members)...)
}

// ZAddXX queues ZADD XX.
func (p *Pipeline) ZAddXX(_ context.Context, key string, members ...Z) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, []string{"XX"}, members)...)
}

// ZAddGT queues ZADD GT.
func (p *Pipeline) ZAddGT(_ context.Context, key string, members ...Z) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, []string{"GT"}, members)...)
}

// ZAddLT queues ZADD LT.
func (p *Pipeline) ZAddLT(_ context.Context, key string, members ...Z) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, []string{"LT"}, members)...)
}

// ZAddArgs queues ZADD with options.
func (p *Pipeline) ZAddArgs(_ context.Context, key string, args ZAddArgs) *IntCmd {
	return queue(p, &IntCmd{}, zaddArgv(key, args.options(false), args.Members)...)
}

// ZAddArgsIncr queues ZADD ... INCR.
func (p *Pipeline) ZAddArgsIncr(_ context.Context, key string, args ZAddArgs) *FloatCmd {
	return queue(p, &FloatCmd{}, zaddArgv(key, args.options(true), args.Members)...)
}

// ZIncrBy queues ZINCRBY.
func (p *Pipeline) ZIncrBy(_ context.Context, key string, increment float64, member string) *FloatCmd {
	return queue(p, &FloatCmd{}, "ZINCRBY", key, formatScore(increment), member)
}

// ZRem queues ZREM (members as Store.ZRem takes them).
func (p *Pipeline) ZRem(_ context.Context, key string, members ...any) *IntCmd {
	words, err := flatten([]string{"ZREM", key}, members)
	return queueErr(p, &IntCmd{}, words, err)
}

// ZCard queues ZCARD.
func (p *Pipeline) ZCard(_ context.Context, key string) *IntCmd {
	return queue(p, &IntCmd{}, "ZCARD", key)
}

// ZScore queues ZSCORE.
func (p *Pipeline) ZScore(_ context.Context, key, member string) *FloatCmd {
	return queue(p, &FloatCmd{}, "ZSCORE", key, member)
}

// ZMScore queues ZMSCORE.
func (p *Pipeline) ZMScore(_ context.Context, key string, members ...string) *FloatSliceCmd {
	return queue(p, &FloatSliceCmd{}, keyArgs("ZMSCORE", key, members)...)
}

// ZRank queues ZRANK.
func (p *Pipeline) ZRank(_ context.Context, key, member string) *IntCmd {
	return queue(p, &IntCmd{}, "ZRANK", key, member)
}

// ZRevRank queues ZREVRANK.
func (p *Pipeline) ZRevRank(_ context.Context, key, member string) *IntCmd {
	return queue(p, &IntCmd{}, "ZREVRANK", key, member)
}

// ZCount queues ZCOUNT.
func (p *Pipeline) ZCount(_ context.Context, key, min, max string) *IntCmd {
	return queue(p, &IntCmd{}, "ZCOUNT", key, min, max)
}

// ZLexCount queues ZLEXCOUNT.
func (p *Pipeline) ZLexCount(_ context.Context, key, min, max string) *IntCmd {
	return queue(p, &IntCmd{}, "ZLEXCOUNT", key, min, max)
}

// ZRange queues ZRANGE by rank.
func (p *Pipeline) ZRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "ZRANGE", key, formatInt(start), formatInt(stop))
}

// ZRangeWithScores queues ZRANGE by rank WITHSCORES.
func (p *Pipeline) ZRangeWithScores(_ context.Context, key string, start, stop int64) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, "ZRANGE", key, formatInt(start), formatInt(stop), "WITHSCORES")
}

// ZRangeArgs queues ZRANGE as z describes it.
func (p *Pipeline) ZRangeArgs(_ context.Context, z ZRangeArgs) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, z.argv("ZRANGE", "", false)...)
}

// ZRangeArgsWithScores queues ZRANGE ... WITHSCORES as z describes it.
func (p *Pipeline) ZRangeArgsWithScores(_ context.Context, z ZRangeArgs) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, z.argv("ZRANGE", "", true)...)
}

// ZRangeStore queues ZRANGESTORE.
func (p *Pipeline) ZRangeStore(_ context.Context, dst string, z ZRangeArgs) *IntCmd {
	return queue(p, &IntCmd{}, z.argv("ZRANGESTORE", dst, false)...)
}

// ZRevRange queues ZREVRANGE.
func (p *Pipeline) ZRevRange(_ context.Context, key string, start, stop int64) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "ZREVRANGE", key, formatInt(start), formatInt(stop))
}

// ZRevRangeWithScores queues ZREVRANGE WITHSCORES.
func (p *Pipeline) ZRevRangeWithScores(_ context.Context, key string, start, stop int64) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, "ZREVRANGE", key, formatInt(start), formatInt(stop), "WITHSCORES")
}

// ZRangeByScore queues ZRANGEBYSCORE.
func (p *Pipeline) ZRangeByScore(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, false)...)
}

// ZRangeByScoreWithScores queues ZRANGEBYSCORE ... WITHSCORES.
func (p *Pipeline) ZRangeByScoreWithScores(_ context.Context, key string, opt *ZRangeBy) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, true)...)
}

// ZRevRangeByScore queues ZREVRANGEBYSCORE.
func (p *Pipeline) ZRevRangeByScore(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, rangeByArgv("ZREVRANGEBYSCORE", key, opt.Max, opt.Min, opt, false)...)
}

// ZRevRangeByScoreWithScores queues ZREVRANGEBYSCORE ... WITHSCORES.
func (p *Pipeline) ZRevRangeByScoreWithScores(_ context.Context, key string, opt *ZRangeBy) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, rangeByArgv("ZREVRANGEBYSCORE", key, opt.Max, opt.Min, opt, true)...)
}

// ZRangeByLex queues ZRANGEBYLEX.
func (p *Pipeline) ZRangeByLex(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, rangeByArgv("ZRANGEBYLEX", key, opt.Min, opt.Max, opt, false)...)
}

// ZRevRangeByLex queues ZREVRANGEBYLEX.
func (p *Pipeline) ZRevRangeByLex(_ context.Context, key string, opt *ZRangeBy) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, rangeByArgv("ZREVRANGEBYLEX", key, opt.Max, opt.Min, opt, false)...)
}

// ZRemRangeByScore queues ZREMRANGEBYSCORE.
func (p *Pipeline) ZRemRangeByScore(_ context.Context, key, min, max string) *IntCmd {
	return queue(p, &IntCmd{}, "ZREMRANGEBYSCORE", key, min, max)
}

// ZRemRangeByRank queues ZREMRANGEBYRANK.
func (p *Pipeline) ZRemRangeByRank(_ context.Context, key string, start, stop int64) *IntCmd {
	return queue(p, &IntCmd{}, "ZREMRANGEBYRANK", key, formatInt(start), formatInt(stop))
}

// ZRemRangeByLex queues ZREMRANGEBYLEX.
func (p *Pipeline) ZRemRangeByLex(_ context.Context, key, min, max string) *IntCmd {
	return queue(p, &IntCmd{}, "ZREMRANGEBYLEX", key, min, max)
}

// ZPopMin queues ZPOPMIN (with a count when one is given; more than one
// is the error Store.ZPopMin returns).
func (p *Pipeline) ZPopMin(_ context.Context, key string, count ...int64) *ZSliceCmd {
	words, err := zpopArgv(new([3]string), "ZPOPMIN", key, count)
	return queueErr(p, &ZSliceCmd{}, words, err)
}

// ZPopMax queues ZPOPMAX (with a count when one is given).
func (p *Pipeline) ZPopMax(_ context.Context, key string, count ...int64) *ZSliceCmd {
	words, err := zpopArgv(new([3]string), "ZPOPMAX", key, count)
	return queueErr(p, &ZSliceCmd{}, words, err)
}

// ZMPop queues ZMPOP.
func (p *Pipeline) ZMPop(_ context.Context, order string, count int64, keys ...string) *ZSliceWithKeyCmd {
	return queue(p, &ZSliceWithKeyCmd{}, mpopArgv("ZMPOP", "", order, count, keys)...)
}

// BZPopMin queues BZPOPMIN.
func (p *Pipeline) BZPopMin(_ context.Context, timeout time.Duration, keys ...string) *ZWithKeyCmd {
	return queue(p, &ZWithKeyCmd{}, blockingArgv("BZPOPMIN", keys, timeout)...)
}

// BZPopMax queues BZPOPMAX.
func (p *Pipeline) BZPopMax(_ context.Context, timeout time.Duration, keys ...string) *ZWithKeyCmd {
	return queue(p, &ZWithKeyCmd{}, blockingArgv("BZPOPMAX", keys, timeout)...)
}

// BZMPop queues BZMPOP.
func (p *Pipeline) BZMPop(_ context.Context, timeout time.Duration, order string, count int64, keys ...string) *ZSliceWithKeyCmd {
	return queue(p, &ZSliceWithKeyCmd{}, mpopArgv("BZMPOP", blockTimeout(timeout), order, count, keys)...)
}

// ZUnionStore queues ZUNIONSTORE.
func (p *Pipeline) ZUnionStore(_ context.Context, dest string, store *ZStore) *IntCmd {
	return queue(p, &IntCmd{}, zstoreArgv("ZUNIONSTORE", dest, store, false)...)
}

// ZInterStore queues ZINTERSTORE.
func (p *Pipeline) ZInterStore(_ context.Context, dest string, store *ZStore) *IntCmd {
	return queue(p, &IntCmd{}, zstoreArgv("ZINTERSTORE", dest, store, false)...)
}

// ZUnion queues ZUNION.
func (p *Pipeline) ZUnion(_ context.Context, store ZStore) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, zstoreArgv("ZUNION", "", &store, false)...)
}

// ZUnionWithScores queues ZUNION ... WITHSCORES.
func (p *Pipeline) ZUnionWithScores(_ context.Context, store ZStore) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, zstoreArgv("ZUNION", "", &store, true)...)
}

// ZInter queues ZINTER.
func (p *Pipeline) ZInter(_ context.Context, store *ZStore) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, zstoreArgv("ZINTER", "", store, false)...)
}

// ZInterWithScores queues ZINTER ... WITHSCORES.
func (p *Pipeline) ZInterWithScores(_ context.Context, store *ZStore) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, zstoreArgv("ZINTER", "", store, true)...)
}

// ZInterCard queues ZINTERCARD.
func (p *Pipeline) ZInterCard(_ context.Context, limit int64, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, interCardArgv("ZINTERCARD", limit, keys)...)
}

// ZDiff queues ZDIFF.
func (p *Pipeline) ZDiff(_ context.Context, keys ...string) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, zdiffArgv("ZDIFF", "", keys, false)...)
}

// ZDiffWithScores queues ZDIFF ... WITHSCORES.
func (p *Pipeline) ZDiffWithScores(_ context.Context, keys ...string) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, zdiffArgv("ZDIFF", "", keys, true)...)
}

// ZDiffStore queues ZDIFFSTORE.
func (p *Pipeline) ZDiffStore(_ context.Context, destination string, keys ...string) *IntCmd {
	return queue(p, &IntCmd{}, zdiffArgv("ZDIFFSTORE", destination, keys, false)...)
}

// ZRandMember queues ZRANDMEMBER with a count.
func (p *Pipeline) ZRandMember(_ context.Context, key string, count int) *StringSliceCmd {
	return queue(p, &StringSliceCmd{}, "ZRANDMEMBER", key, strconv.Itoa(count))
}

// ZRandMemberWithScores queues ZRANDMEMBER ... WITHSCORES.
func (p *Pipeline) ZRandMemberWithScores(_ context.Context, key string, count int) *ZSliceCmd {
	return queue(p, &ZSliceCmd{}, "ZRANDMEMBER", key, strconv.Itoa(count), "WITHSCORES")
}

// ZScan queues ZSCAN (arguments as Store.ZScan).
func (p *Pipeline) ZScan(_ context.Context, key string, cursor uint64, match string, count int64) *ScanCmd {
	return queue(p, &ScanCmd{}, collectionScanArgv(new([7]string), "ZSCAN", key, cursor, match, count)...)
}
