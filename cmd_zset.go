package kevy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kevydb/kevy/shard"
)

// The sorted set commands (go-redis's SortedSetCmdable), blocking pops
// included, immediate and deferred.

// SortedSetCmdable is the sorted set commands of Store, Conn and Tx.
type SortedSetCmdable interface {
	ZAdd(ctx context.Context, key string, members ...Z) (int64, error)
	ZAddNX(ctx context.Context, key string, members ...Z) (int64, error)
	ZAddXX(ctx context.Context, key string, members ...Z) (int64, error)
	ZAddGT(ctx context.Context, key string, members ...Z) (int64, error)
	ZAddLT(ctx context.Context, key string, members ...Z) (int64, error)
	ZAddArgs(ctx context.Context, key string, args ZAddArgs) (int64, error)
	ZAddArgsIncr(ctx context.Context, key string, args ZAddArgs) (float64, error)
	ZIncrBy(ctx context.Context, key string, increment float64, member string) (float64, error)
	ZRem(ctx context.Context, key string, members ...any) (int64, error)
	ZCard(ctx context.Context, key string) (int64, error)
	ZScore(ctx context.Context, key, member string) (float64, error)
	ZMScore(ctx context.Context, key string, members ...string) ([]float64, error)
	ZRank(ctx context.Context, key, member string) (int64, error)
	ZRevRank(ctx context.Context, key, member string) (int64, error)
	ZCount(ctx context.Context, key, min, max string) (int64, error)
	ZLexCount(ctx context.Context, key, min, max string) (int64, error)
	ZRange(ctx context.Context, key string, start, stop int64) ([]string, error)
	ZRangeWithScores(ctx context.Context, key string, start, stop int64) ([]Z, error)
	ZRangeArgs(ctx context.Context, z ZRangeArgs) ([]string, error)
	ZRangeArgsWithScores(ctx context.Context, z ZRangeArgs) ([]Z, error)
	ZRangeStore(ctx context.Context, dst string, z ZRangeArgs) (int64, error)
	ZRevRange(ctx context.Context, key string, start, stop int64) ([]string, error)
	ZRevRangeWithScores(ctx context.Context, key string, start, stop int64) ([]Z, error)
	ZRangeByScore(ctx context.Context, key string, opt *ZRangeBy) ([]string, error)
	ZRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) ([]Z, error)
	ZRevRangeByScore(ctx context.Context, key string, opt *ZRangeBy) ([]string, error)
	ZRevRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) ([]Z, error)
	ZRangeByLex(ctx context.Context, key string, opt *ZRangeBy) ([]string, error)
	ZRevRangeByLex(ctx context.Context, key string, opt *ZRangeBy) ([]string, error)
	ZRemRangeByScore(ctx context.Context, key, min, max string) (int64, error)
	ZRemRangeByRank(ctx context.Context, key string, start, stop int64) (int64, error)
	ZRemRangeByLex(ctx context.Context, key, min, max string) (int64, error)
	ZPopMin(ctx context.Context, key string, count ...int64) ([]Z, error)
	ZPopMax(ctx context.Context, key string, count ...int64) ([]Z, error)
	ZMPop(ctx context.Context, order string, count int64, keys ...string) (string, []Z, error)
	BZPopMin(ctx context.Context, timeout time.Duration, keys ...string) (*ZWithKey, error)
	BZPopMax(ctx context.Context, timeout time.Duration, keys ...string) (*ZWithKey, error)
	BZMPop(ctx context.Context, timeout time.Duration, order string, count int64, keys ...string) (string, []Z, error)
	ZUnionStore(ctx context.Context, dest string, store *ZStore) (int64, error)
	ZInterStore(ctx context.Context, dest string, store *ZStore) (int64, error)
	ZUnion(ctx context.Context, store ZStore) ([]string, error)
	ZUnionWithScores(ctx context.Context, store ZStore) ([]Z, error)
	ZInter(ctx context.Context, store *ZStore) ([]string, error)
	ZInterWithScores(ctx context.Context, store *ZStore) ([]Z, error)
	ZInterCard(ctx context.Context, limit int64, keys ...string) (int64, error)
	ZDiff(ctx context.Context, keys ...string) ([]string, error)
	ZDiffWithScores(ctx context.Context, keys ...string) ([]Z, error)
	ZDiffStore(ctx context.Context, destination string, keys ...string) (int64, error)
	ZRandMember(ctx context.Context, key string, count int) ([]string, error)
	ZRandMemberWithScores(ctx context.Context, key string, count int) ([]Z, error)
	ZScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error)
}

// SortedSetPipeCmdable is SortedSetCmdable deferred: what a Pipeliner
// queues. A blocking command in a pipeline waits as it does alone; inside
// a transaction it does not wait.
type SortedSetPipeCmdable interface {
	ZAdd(ctx context.Context, key string, members ...Z) *IntCmd
	ZAddNX(ctx context.Context, key string, members ...Z) *IntCmd
	ZAddXX(ctx context.Context, key string, members ...Z) *IntCmd
	ZAddGT(ctx context.Context, key string, members ...Z) *IntCmd
	ZAddLT(ctx context.Context, key string, members ...Z) *IntCmd
	ZAddArgs(ctx context.Context, key string, args ZAddArgs) *IntCmd
	ZAddArgsIncr(ctx context.Context, key string, args ZAddArgs) *FloatCmd
	ZIncrBy(ctx context.Context, key string, increment float64, member string) *FloatCmd
	ZRem(ctx context.Context, key string, members ...any) *IntCmd
	ZCard(ctx context.Context, key string) *IntCmd
	ZScore(ctx context.Context, key, member string) *FloatCmd
	ZMScore(ctx context.Context, key string, members ...string) *FloatSliceCmd
	ZRank(ctx context.Context, key, member string) *IntCmd
	ZRevRank(ctx context.Context, key, member string) *IntCmd
	ZCount(ctx context.Context, key, min, max string) *IntCmd
	ZLexCount(ctx context.Context, key, min, max string) *IntCmd
	ZRange(ctx context.Context, key string, start, stop int64) *StringSliceCmd
	ZRangeWithScores(ctx context.Context, key string, start, stop int64) *ZSliceCmd
	ZRangeArgs(ctx context.Context, z ZRangeArgs) *StringSliceCmd
	ZRangeArgsWithScores(ctx context.Context, z ZRangeArgs) *ZSliceCmd
	ZRangeStore(ctx context.Context, dst string, z ZRangeArgs) *IntCmd
	ZRevRange(ctx context.Context, key string, start, stop int64) *StringSliceCmd
	ZRevRangeWithScores(ctx context.Context, key string, start, stop int64) *ZSliceCmd
	ZRangeByScore(ctx context.Context, key string, opt *ZRangeBy) *StringSliceCmd
	ZRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) *ZSliceCmd
	ZRevRangeByScore(ctx context.Context, key string, opt *ZRangeBy) *StringSliceCmd
	ZRevRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) *ZSliceCmd
	ZRangeByLex(ctx context.Context, key string, opt *ZRangeBy) *StringSliceCmd
	ZRevRangeByLex(ctx context.Context, key string, opt *ZRangeBy) *StringSliceCmd
	ZRemRangeByScore(ctx context.Context, key, min, max string) *IntCmd
	ZRemRangeByRank(ctx context.Context, key string, start, stop int64) *IntCmd
	ZRemRangeByLex(ctx context.Context, key, min, max string) *IntCmd
	ZPopMin(ctx context.Context, key string, count ...int64) *ZSliceCmd
	ZPopMax(ctx context.Context, key string, count ...int64) *ZSliceCmd
	ZMPop(ctx context.Context, order string, count int64, keys ...string) *ZSliceWithKeyCmd
	BZPopMin(ctx context.Context, timeout time.Duration, keys ...string) *ZWithKeyCmd
	BZPopMax(ctx context.Context, timeout time.Duration, keys ...string) *ZWithKeyCmd
	BZMPop(ctx context.Context, timeout time.Duration, order string, count int64, keys ...string) *ZSliceWithKeyCmd
	ZUnionStore(ctx context.Context, dest string, store *ZStore) *IntCmd
	ZInterStore(ctx context.Context, dest string, store *ZStore) *IntCmd
	ZUnion(ctx context.Context, store ZStore) *StringSliceCmd
	ZUnionWithScores(ctx context.Context, store ZStore) *ZSliceCmd
	ZInter(ctx context.Context, store *ZStore) *StringSliceCmd
	ZInterWithScores(ctx context.Context, store *ZStore) *ZSliceCmd
	ZInterCard(ctx context.Context, limit int64, keys ...string) *IntCmd
	ZDiff(ctx context.Context, keys ...string) *StringSliceCmd
	ZDiffWithScores(ctx context.Context, keys ...string) *ZSliceCmd
	ZDiffStore(ctx context.Context, destination string, keys ...string) *IntCmd
	ZRandMember(ctx context.Context, key string, count int) *StringSliceCmd
	ZRandMemberWithScores(ctx context.Context, key string, count int) *ZSliceCmd
	ZScan(ctx context.Context, key string, cursor uint64, match string, count int64) *ScanCmd
}

var (
	_ SortedSetCmdable     = (*Store)(nil)
	_ SortedSetCmdable     = (*Conn)(nil)
	_ SortedSetCmdable     = (*Tx)(nil)
	_ SortedSetPipeCmdable = (*Pipeline)(nil)
)

var (
	cmdZAdd             = mustCmd("zadd")
	cmdZIncrBy          = mustCmd("zincrby")
	cmdZRem             = mustCmd("zrem")
	cmdZCard            = mustCmd("zcard")
	cmdZScore           = mustCmd("zscore")
	cmdZMScore          = mustCmd("zmscore")
	cmdZRank            = mustCmd("zrank")
	cmdZRevRank         = mustCmd("zrevrank")
	cmdZCount           = mustCmd("zcount")
	cmdZLexCount        = mustCmd("zlexcount")
	cmdZRange           = mustCmd("zrange")
	cmdZRangeStore      = mustCmd("zrangestore")
	cmdZRevRange        = mustCmd("zrevrange")
	cmdZRangeByScore    = mustCmd("zrangebyscore")
	cmdZRevRangeByScore = mustCmd("zrevrangebyscore")
	cmdZRangeByLex      = mustCmd("zrangebylex")
	cmdZRevRangeByLex   = mustCmd("zrevrangebylex")
	cmdZRemRangeByScore = mustCmd("zremrangebyscore")
	cmdZRemRangeByRank  = mustCmd("zremrangebyrank")
	cmdZRemRangeByLex   = mustCmd("zremrangebylex")
	cmdZPopMin          = mustCmd("zpopmin")
	cmdZPopMax          = mustCmd("zpopmax")
	cmdZMPop            = mustCmd("zmpop")
	cmdBZPopMin         = mustCmd("bzpopmin")
	cmdBZPopMax         = mustCmd("bzpopmax")
	cmdBZMPop           = mustCmd("bzmpop")
	cmdZUnionStore      = mustCmd("zunionstore")
	cmdZInterStore      = mustCmd("zinterstore")
	cmdZDiffStore       = mustCmd("zdiffstore")
	cmdZUnion           = mustCmd("zunion")
	cmdZInter           = mustCmd("zinter")
	cmdZDiff            = mustCmd("zdiff")
	cmdZInterCard       = mustCmd("zintercard")
	cmdZRandMember      = mustCmd("zrandmember")
	cmdZScan            = mustCmd("zscan")
)

// Z is a sorted set member with its score (go-redis's Z, with the member
// as a string).
type Z struct {
	Score  float64
	Member string
}

// ZWithKey is a member popped by BZPopMin or BZPopMax, with the key it
// came from.
type ZWithKey struct {
	Z
	Key string
}

// ZAddArgs are the options and members of ZAddArgs and ZAddArgsIncr
// (go-redis's ZAddArgs): NX adds only new members, XX updates only existing
// ones, GT and LT update only when the new score is greater or less, Ch
// counts updated members as well as added ones.
type ZAddArgs struct {
	NX      bool
	XX      bool
	LT      bool
	GT      bool
	Ch      bool
	Members []Z
}

// ZRangeArgs is a ZRANGE request (go-redis's ZRangeArgs). Start and Stop are
// ranks (integers) by default, scores ("1", "(1", "-inf", floats) with
// ByScore, or "[a", "(a", "-", "+" with ByLex. With Rev and ByScore or
// ByLex, Start is still the low end: the arguments are swapped as Redis
// wants them. Offset and Count (when either is not 0) add LIMIT.
type ZRangeArgs struct {
	Key     string
	Start   any
	Stop    any
	ByScore bool
	ByLex   bool
	Rev     bool
	Offset  int64
	Count   int64
}

// ZRangeBy is a score or lexicographic range with an optional LIMIT (when
// Offset or Count is not 0), as for ZRangeByScore and ZRangeByLex
// (go-redis's ZRangeBy).
type ZRangeBy struct {
	Min, Max      string
	Offset, Count int64
}

// ZStore are the inputs of ZUnionStore, ZInterStore, ZUnion and ZInter
// (go-redis's ZStore): the keys (sorted sets or sets, whose members score
// 1), optional weights (one per key), and the aggregate, "SUM" (default),
// "MIN" or "MAX".
type ZStore struct {
	Keys      []string
	Weights   []float64
	Aggregate string
}

// formatScore formats a score argument so that Redis reads back the same
// double (+Inf and -Inf included).
func formatScore(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// zaddArgv builds ZADD key [options] score member ...
func zaddArgv(key string, opts []string, members []Z) []string {
	argv := make([]string, 0, 2+len(opts)+2*len(members))
	argv = append(argv, "ZADD", key)
	argv = append(argv, opts...)
	for _, m := range members {
		argv = append(argv, formatScore(m.Score), m.Member)
	}
	return argv
}

// ZAdd adds members with their scores to the sorted set at key (updating
// the scores of existing ones) and returns how many were new.
func (x cmdable) ZAdd(ctx context.Context, key string, members ...Z) (int64, error) {
	if len(members) == 1 {
		a := [4]string{"ZADD", key, formatScore(members[0].Score), members[0].Member}
		return x.integer(ctx, cmdZAdd, a[:])
	}
	return x.integer(ctx, cmdZAdd, zaddArgv(key, nil, members))
}

// ZAddNX adds the members that are not in the sorted set yet (ZADD NX).
func (x cmdable) ZAddNX(ctx context.Context, key string, members ...Z) (int64, error) {
	return x.integer(ctx, cmdZAdd, zaddArgv(key, []string{"NX"}, members))
}

// ZAddXX updates the scores of members already in the sorted set (ZADD
// XX); it returns 0, as it adds nothing.
func (x cmdable) ZAddXX(ctx context.Context, key string, members ...Z) (int64, error) {
	return x.integer(ctx, cmdZAdd, zaddArgv(key, []string{"XX"}, members))
}

// ZAddGT adds members, updating existing ones only to greater scores (ZADD
// GT).
func (x cmdable) ZAddGT(ctx context.Context, key string, members ...Z) (int64, error) {
	return x.integer(ctx, cmdZAdd, zaddArgv(key, []string{"GT"}, members))
}

// ZAddLT adds members, updating existing ones only to lesser scores (ZADD
// LT).
func (x cmdable) ZAddLT(ctx context.Context, key string, members ...Z) (int64, error) {
	return x.integer(ctx, cmdZAdd, zaddArgv(key, []string{"LT"}, members))
}

func (a *ZAddArgs) options(incr bool) []string {
	var opts []string
	if a.NX {
		opts = append(opts, "NX")
	}
	if a.XX {
		opts = append(opts, "XX")
	}
	if a.GT {
		opts = append(opts, "GT")
	}
	if a.LT {
		opts = append(opts, "LT")
	}
	if a.Ch {
		opts = append(opts, "CH")
	}
	if incr {
		opts = append(opts, "INCR")
	}
	return opts
}

// ZAddArgs runs ZADD with the options of args and returns how many members
// were added (or added and updated, with Ch).
func (x cmdable) ZAddArgs(ctx context.Context, key string, args ZAddArgs) (int64, error) {
	return x.integer(ctx, cmdZAdd, zaddArgv(key, args.options(false), args.Members))
}

// ZAddArgsIncr runs ZADD ... INCR with one member in args.Members: it adds
// the score to the member's and returns the result, or Nil when NX, XX, GT
// or LT prevented the change.
func (x cmdable) ZAddArgsIncr(ctx context.Context, key string, args ZAddArgs) (float64, error) {
	return call(ctx, x, cmdZAdd, zaddArgv(key, args.options(true), args.Members), toFloat)
}

// ZIncrBy adds increment to the score of member (0 if it is new) and
// returns the new score.
func (x cmdable) ZIncrBy(ctx context.Context, key string, increment float64, member string) (float64, error) {
	a := [4]string{"ZINCRBY", key, formatScore(increment), member}
	return call(ctx, x, cmdZIncrBy, a[:], toFloat)
}

// ZRem removes members (strings, numbers, or a []string / []any of them)
// and returns how many were there.
func (x cmdable) ZRem(ctx context.Context, key string, members ...any) (int64, error) {
	argv, err := flatten([]string{"ZREM", key}, members)
	if err != nil {
		return 0, err
	}
	return x.integer(ctx, cmdZRem, argv)
}

// ZCard returns the number of members of the sorted set at key.
func (x cmdable) ZCard(ctx context.Context, key string) (int64, error) {
	a := [2]string{"ZCARD", key}
	return x.integer(ctx, cmdZCard, a[:])
}

// ZScore returns the score of member, or Nil when it (or the key) does not
// exist.
func (x cmdable) ZScore(ctx context.Context, key, member string) (float64, error) {
	a := [3]string{"ZSCORE", key, member}
	return call(ctx, x, cmdZScore, a[:], toFloat)
}

// ZMScore returns the scores of members, 0 for those not in the set (as
// go-redis).
func (x cmdable) ZMScore(ctx context.Context, key string, members ...string) ([]float64, error) {
	return call(ctx, x, cmdZMScore, keyArgs("ZMSCORE", key, members), toFloats)
}

// ZRank returns the rank of member by ascending score (0 = lowest), or
// Nil.
func (x cmdable) ZRank(ctx context.Context, key, member string) (int64, error) {
	a := [3]string{"ZRANK", key, member}
	return x.integer(ctx, cmdZRank, a[:])
}

// ZRevRank returns the rank of member by descending score, or Nil.
func (x cmdable) ZRevRank(ctx context.Context, key, member string) (int64, error) {
	a := [3]string{"ZREVRANK", key, member}
	return x.integer(ctx, cmdZRevRank, a[:])
}

// ZCount returns how many members have scores between min and max ("1",
// "(1" exclusive, "-inf", "+inf").
func (x cmdable) ZCount(ctx context.Context, key, min, max string) (int64, error) {
	a := [4]string{"ZCOUNT", key, min, max}
	return x.integer(ctx, cmdZCount, a[:])
}

// ZLexCount returns how many members lie between min and max ("[a", "(a",
// "-", "+").
func (x cmdable) ZLexCount(ctx context.Context, key, min, max string) (int64, error) {
	a := [4]string{"ZLEXCOUNT", key, min, max}
	return x.integer(ctx, cmdZLexCount, a[:])
}

// ZRange returns the members of ranks start to stop (negative counts from
// the end), by ascending score.
func (x cmdable) ZRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	a := [4]string{"ZRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)}
	return call(ctx, x, cmdZRange, a[:], toStrings)
}

// ZRangeWithScores is ZRange with the scores.
func (x cmdable) ZRangeWithScores(ctx context.Context, key string, start, stop int64) ([]Z, error) {
	a := [5]string{"ZRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10), "WITHSCORES"}
	return call(ctx, x, cmdZRange, a[:], toZs)
}

// argv builds name [dst] key start stop [BYSCORE|BYLEX] [REV] [LIMIT o c].
func (z *ZRangeArgs) argv(name, dst string, withScores bool) []string {
	start, stop := zrangeBound(z.Start), zrangeBound(z.Stop)
	argv := make([]string, 0, 11)
	argv = append(argv, name)
	if name == "ZRANGESTORE" {
		argv = append(argv, dst)
	}
	if z.Rev && (z.ByScore || z.ByLex) {
		start, stop = stop, start
	}
	argv = append(argv, z.Key, start, stop)
	switch {
	case z.ByScore:
		argv = append(argv, "BYSCORE")
	case z.ByLex:
		argv = append(argv, "BYLEX")
	}
	if z.Rev {
		argv = append(argv, "REV")
	}
	if z.Offset != 0 || z.Count != 0 {
		argv = append(argv, "LIMIT", strconv.FormatInt(z.Offset, 10), strconv.FormatInt(z.Count, 10))
	}
	if withScores {
		argv = append(argv, "WITHSCORES")
	}
	return argv
}

// zrangeBound formats a ZRangeArgs bound: as Do formats arguments, or with
// fmt's %v for other types.
func zrangeBound(v any) string {
	if s, err := argString(v); err == nil {
		return s
	}
	return fmt.Sprint(v)
}

// ZRangeArgs runs ZRANGE as described by z.
func (x cmdable) ZRangeArgs(ctx context.Context, z ZRangeArgs) ([]string, error) {
	return call(ctx, x, cmdZRange, z.argv("ZRANGE", "", false), toStrings)
}

// ZRangeArgsWithScores is ZRangeArgs with the scores.
func (x cmdable) ZRangeArgsWithScores(ctx context.Context, z ZRangeArgs) ([]Z, error) {
	return call(ctx, x, cmdZRange, z.argv("ZRANGE", "", true), toZs)
}

// ZRangeStore stores the range z describes at dst (deleting dst when it is
// empty) and returns its size. The keys may live on different shards.
func (x cmdable) ZRangeStore(ctx context.Context, dst string, z ZRangeArgs) (int64, error) {
	return x.integer(ctx, cmdZRangeStore, z.argv("ZRANGESTORE", dst, false))
}

// ZRevRange returns the members of ranks start to stop by descending
// score.
func (x cmdable) ZRevRange(ctx context.Context, key string, start, stop int64) ([]string, error) {
	a := [4]string{"ZREVRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)}
	return call(ctx, x, cmdZRevRange, a[:], toStrings)
}

// ZRevRangeWithScores is ZRevRange with the scores.
func (x cmdable) ZRevRangeWithScores(ctx context.Context, key string, start, stop int64) ([]Z, error) {
	a := [5]string{"ZREVRANGE", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10), "WITHSCORES"}
	return call(ctx, x, cmdZRevRange, a[:], toZs)
}

// rangeByArgv builds name key first second [WITHSCORES] [LIMIT o c].
func rangeByArgv(name, key, first, second string, opt *ZRangeBy, withScores bool) []string {
	argv := make([]string, 0, 8)
	argv = append(argv, name, key, first, second)
	if withScores {
		argv = append(argv, "WITHSCORES")
	}
	if opt.Offset != 0 || opt.Count != 0 {
		argv = append(argv, "LIMIT", strconv.FormatInt(opt.Offset, 10), strconv.FormatInt(opt.Count, 10))
	}
	return argv
}

// ZRangeByScore returns the members with scores between opt.Min and
// opt.Max, ascending.
func (x cmdable) ZRangeByScore(ctx context.Context, key string, opt *ZRangeBy) ([]string, error) {
	return call(ctx, x, cmdZRangeByScore, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, false), toStrings)
}

// ZRangeByScoreWithScores is ZRangeByScore with the scores.
func (x cmdable) ZRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) ([]Z, error) {
	return call(ctx, x, cmdZRangeByScore, rangeByArgv("ZRANGEBYSCORE", key, opt.Min, opt.Max, opt, true), toZs)
}

// ZRevRangeByScore returns the members with scores between opt.Min and
// opt.Max, descending.
func (x cmdable) ZRevRangeByScore(ctx context.Context, key string, opt *ZRangeBy) ([]string, error) {
	return call(ctx, x, cmdZRevRangeByScore, rangeByArgv("ZREVRANGEBYSCORE", key, opt.Max, opt.Min, opt, false), toStrings)
}

// ZRevRangeByScoreWithScores is ZRevRangeByScore with the scores.
func (x cmdable) ZRevRangeByScoreWithScores(ctx context.Context, key string, opt *ZRangeBy) ([]Z, error) {
	return call(ctx, x, cmdZRevRangeByScore, rangeByArgv("ZREVRANGEBYSCORE", key, opt.Max, opt.Min, opt, true), toZs)
}

// ZRangeByLex returns the members between opt.Min and opt.Max by member
// order (for members of equal scores), ascending.
func (x cmdable) ZRangeByLex(ctx context.Context, key string, opt *ZRangeBy) ([]string, error) {
	return call(ctx, x, cmdZRangeByLex, rangeByArgv("ZRANGEBYLEX", key, opt.Min, opt.Max, opt, false), toStrings)
}

// ZRevRangeByLex is ZRangeByLex, descending.
func (x cmdable) ZRevRangeByLex(ctx context.Context, key string, opt *ZRangeBy) ([]string, error) {
	return call(ctx, x, cmdZRevRangeByLex, rangeByArgv("ZREVRANGEBYLEX", key, opt.Max, opt.Min, opt, false), toStrings)
}

// ZRemRangeByScore removes the members with scores between min and max and
// returns how many.
func (x cmdable) ZRemRangeByScore(ctx context.Context, key, min, max string) (int64, error) {
	a := [4]string{"ZREMRANGEBYSCORE", key, min, max}
	return x.integer(ctx, cmdZRemRangeByScore, a[:])
}

// ZRemRangeByRank removes the members of ranks start to stop and returns
// how many.
func (x cmdable) ZRemRangeByRank(ctx context.Context, key string, start, stop int64) (int64, error) {
	a := [4]string{"ZREMRANGEBYRANK", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10)}
	return x.integer(ctx, cmdZRemRangeByRank, a[:])
}

// ZRemRangeByLex removes the members between min and max and returns how
// many.
func (x cmdable) ZRemRangeByLex(ctx context.Context, key, min, max string) (int64, error) {
	a := [4]string{"ZREMRANGEBYLEX", key, min, max}
	return x.integer(ctx, cmdZRemRangeByLex, a[:])
}

// errZPopCount is returned when ZPopMin or ZPopMax get more than one count.
var errZPopCount = errors.New("kevy: ZPopMin/ZPopMax take at most one count")

// zpopArgv builds ZPOPMIN or ZPOPMAX key [count] in a.
func zpopArgv(a *[3]string, name, key string, count []int64) ([]string, error) {
	a[0], a[1] = name, key
	switch len(count) {
	case 0:
		return a[:2], nil
	case 1:
		a[2] = formatInt(count[0])
		return a[:3], nil
	}
	return nil, errZPopCount
}

func (x cmdable) zpop(ctx context.Context, cmd *shard.Command, name, key string, count []int64) ([]Z, error) {
	var a [3]string
	argv, err := zpopArgv(&a, name, key, count)
	if err != nil {
		return nil, err
	}
	return call(ctx, x, cmd, argv, toZs)
}

// ZPopMin removes and returns the member with the lowest score, or the
// count lowest.
func (x cmdable) ZPopMin(ctx context.Context, key string, count ...int64) ([]Z, error) {
	return x.zpop(ctx, cmdZPopMin, "ZPOPMIN", key, count)
}

// ZPopMax removes and returns the member with the highest score, or the
// count highest.
func (x cmdable) ZPopMax(ctx context.Context, key string, count ...int64) ([]Z, error) {
	return x.zpop(ctx, cmdZPopMax, "ZPOPMAX", key, count)
}

// ZMPop pops up to count members from the first non-empty sorted set of
// keys, the lowest scores (order "MIN") or the highest ("MAX"), and
// returns that key with them, or Nil when every key is empty.
func (x cmdable) ZMPop(ctx context.Context, order string, count int64, keys ...string) (string, []Z, error) {
	return call2(ctx, x, cmdZMPop, mpopArgv("ZMPOP", "", order, count, keys), toKeyZs)
}

// BZPopMin pops the member with the lowest score from the first non-empty
// sorted set of keys, waiting up to timeout (0 = forever) for one to be
// filled; it returns Nil on timeout. Waiters are served in arrival order;
// ctx cancellation abandons the wait (a member already popped for the
// caller is returned, never lost). Inside MULTI it does not wait.
func (x cmdable) BZPopMin(ctx context.Context, timeout time.Duration, keys ...string) (*ZWithKey, error) {
	return call(ctx, x, cmdBZPopMin, blockingArgv("BZPOPMIN", keys, timeout), toZWithKey)
}

// BZPopMax is BZPopMin for the highest score.
func (x cmdable) BZPopMax(ctx context.Context, timeout time.Duration, keys ...string) (*ZWithKey, error) {
	return call(ctx, x, cmdBZPopMax, blockingArgv("BZPOPMAX", keys, timeout), toZWithKey)
}

// BZMPop is ZMPop waiting up to timeout (0 = forever) for a key to be
// filled, as BZPopMin; it returns Nil on timeout.
func (x cmdable) BZMPop(ctx context.Context, timeout time.Duration, order string, count int64, keys ...string) (string, []Z, error) {
	return call2(ctx, x, cmdBZMPop, mpopArgv("BZMPOP", blockTimeout(timeout), order, count, keys), toKeyZs)
}

// zstoreArgv builds name [dst] numkeys keys... [WEIGHTS w...] [AGGREGATE a]
// [WITHSCORES].
func zstoreArgv(name, dst string, store *ZStore, withScores bool) []string {
	argv := make([]string, 0, 6+len(store.Keys)+len(store.Weights))
	argv = append(argv, name)
	if name == "ZUNIONSTORE" || name == "ZINTERSTORE" {
		argv = append(argv, dst)
	}
	argv = append(argv, strconv.Itoa(len(store.Keys)))
	argv = append(argv, store.Keys...)
	if len(store.Weights) > 0 {
		argv = append(argv, "WEIGHTS")
		for _, w := range store.Weights {
			argv = append(argv, formatScore(w))
		}
	}
	if store.Aggregate != "" {
		argv = append(argv, "AGGREGATE", store.Aggregate)
	}
	if withScores {
		argv = append(argv, "WITHSCORES")
	}
	return argv
}

// ZUnionStore stores the union of store.Keys at dest (deleting it when
// empty) and returns its size. The keys may live on different shards.
func (x cmdable) ZUnionStore(ctx context.Context, dest string, store *ZStore) (int64, error) {
	return x.integer(ctx, cmdZUnionStore, zstoreArgv("ZUNIONSTORE", dest, store, false))
}

// ZInterStore stores the intersection of store.Keys at dest and returns
// its size.
func (x cmdable) ZInterStore(ctx context.Context, dest string, store *ZStore) (int64, error) {
	return x.integer(ctx, cmdZInterStore, zstoreArgv("ZINTERSTORE", dest, store, false))
}

// ZUnion returns the union of store.Keys, by ascending score.
func (x cmdable) ZUnion(ctx context.Context, store ZStore) ([]string, error) {
	return call(ctx, x, cmdZUnion, zstoreArgv("ZUNION", "", &store, false), toStrings)
}

// ZUnionWithScores is ZUnion with the scores.
func (x cmdable) ZUnionWithScores(ctx context.Context, store ZStore) ([]Z, error) {
	return call(ctx, x, cmdZUnion, zstoreArgv("ZUNION", "", &store, true), toZs)
}

// ZInter returns the intersection of store.Keys, by ascending score.
func (x cmdable) ZInter(ctx context.Context, store *ZStore) ([]string, error) {
	return call(ctx, x, cmdZInter, zstoreArgv("ZINTER", "", store, false), toStrings)
}

// ZInterWithScores is ZInter with the scores.
func (x cmdable) ZInterWithScores(ctx context.Context, store *ZStore) ([]Z, error) {
	return call(ctx, x, cmdZInter, zstoreArgv("ZINTER", "", store, true), toZs)
}

// ZInterCard returns the size of the intersection of keys, counting no
// further than limit when limit > 0.
func (x cmdable) ZInterCard(ctx context.Context, limit int64, keys ...string) (int64, error) {
	return x.integer(ctx, cmdZInterCard, interCardArgv("ZINTERCARD", limit, keys))
}

func zdiffArgv(name, dst string, keys []string, withScores bool) []string {
	argv := make([]string, 0, 4+len(keys))
	argv = append(argv, name)
	if name == "ZDIFFSTORE" {
		argv = append(argv, dst)
	}
	argv = append(argv, strconv.Itoa(len(keys)))
	argv = append(argv, keys...)
	if withScores {
		argv = append(argv, "WITHSCORES")
	}
	return argv
}

// ZDiff returns the members of the first key's sorted set that are in none
// of the others, by ascending score.
func (x cmdable) ZDiff(ctx context.Context, keys ...string) ([]string, error) {
	return call(ctx, x, cmdZDiff, zdiffArgv("ZDIFF", "", keys, false), toStrings)
}

// ZDiffWithScores is ZDiff with the scores.
func (x cmdable) ZDiffWithScores(ctx context.Context, keys ...string) ([]Z, error) {
	return call(ctx, x, cmdZDiff, zdiffArgv("ZDIFF", "", keys, true), toZs)
}

// ZDiffStore stores the difference of keys (as ZDiff) at destination and
// returns its size.
func (x cmdable) ZDiffStore(ctx context.Context, destination string, keys ...string) (int64, error) {
	return x.integer(ctx, cmdZDiffStore, zdiffArgv("ZDIFFSTORE", destination, keys, false))
}

// ZRandMember returns random members: count > 0 gives up to count distinct
// members, count < 0 gives -count members that may repeat.
func (x cmdable) ZRandMember(ctx context.Context, key string, count int) ([]string, error) {
	a := [3]string{"ZRANDMEMBER", key, strconv.Itoa(count)}
	return call(ctx, x, cmdZRandMember, a[:], toStrings)
}

// ZRandMemberWithScores is ZRandMember with the scores.
func (x cmdable) ZRandMemberWithScores(ctx context.Context, key string, count int) ([]Z, error) {
	a := [4]string{"ZRANDMEMBER", key, strconv.Itoa(count), "WITHSCORES"}
	return call(ctx, x, cmdZRandMember, a[:], toZs)
}

// ZScan returns some members and scores (alternating, flattened) of the
// sorted set at key whose members match match ("" = all) from cursor, and
// the cursor to continue from (0 when the iteration is complete). count is
// a hint (0 = Redis's default of 10). A small sorted set (listpack) comes
// back whole; a large one by ascending score, every member present for the
// whole scan exactly once, members sharing a score always in one call.
func (x cmdable) ZScan(ctx context.Context, key string, cursor uint64, match string, count int64) ([]string, uint64, error) {
	var a [7]string
	return call2(ctx, x, cmdZScan, collectionScanArgv(&a, "ZSCAN", key, cursor, match, count), toScan)
}
