package shard

import (
	"github.com/kevydb/kevy/internal/zset"
	"github.com/kevydb/kevy/resp"
)

// Sorted set range commands: ZRANGE (BYSCORE, BYLEX, REV, LIMIT,
// WITHSCORES), ZRANGESTORE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
// ZRANGEBYLEX, ZREVRANGEBYLEX, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYSCORE,
// ZREMRANGEBYRANK, ZREMRANGEBYLEX, as Redis's zrangeGenericCommand and
// zremrangeGenericCommand.

func init() {
	Register("zrange", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeAuto, zdirAuto) })
	Register("zrangestore", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 2, c.Args[1], zrangeAuto, zdirAuto) })
	Register("zrevrange", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeRank, zdirReverse) })
	Register("zrangebyscore", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeScore, zdirForward) })
	Register("zrevrangebyscore", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeScore, zdirReverse) })
	Register("zrangebylex", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeLex, zdirForward) })
	Register("zrevrangebylex", func(c *Ctx) resp.Reply { return zrangeGeneric(c, 1, "", zrangeLex, zdirReverse) })
	Register("zcount", cmdZCount)
	Register("zlexcount", cmdZLexCount)
	Register("zremrangebyscore", func(c *Ctx) resp.Reply { return zremrangeGeneric(c, zrangeScore) })
	Register("zremrangebyrank", func(c *Ctx) resp.Reply { return zremrangeGeneric(c, zrangeRank) })
	Register("zremrangebylex", func(c *Ctx) resp.Reply { return zremrangeGeneric(c, zrangeLex) })
}

const (
	msgZMinMaxFloat = "ERR min or max is not a float"
	msgZMinMaxLex   = "ERR min or max not valid string range item"
)

// The kinds of range and directions of zrangeGeneric; auto means "from the
// options".
type (
	zrangeType int
	zrangeDir  int
)

const (
	zrangeAuto zrangeType = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

const (
	zdirAuto zrangeDir = iota
	zdirForward
	zdirReverse
)

// zrangeGeneric is ZRANGE and its variants. The source key is at
// c.Args[src], its two bounds follow, then the options; dst is the
// destination of ZRANGESTORE ("" otherwise).
func zrangeGeneric(c *Ctx, src int, dst string, rtype zrangeType, dir zrangeDir) resp.Reply {
	store := src == 2
	key := c.Args[src]
	minIdx, maxIdx := src+1, src+2
	withScores := false
	var offset, limit int64 = 0, -1
	for j := src + 3; j < len(c.Args); j++ {
		left := len(c.Args) - j - 1
		a := c.Args[j]
		switch {
		case !store && EqualFold(a, "withscores"):
			withScores = true
		case EqualFold(a, "limit") && left >= 2:
			var ok1, ok2 bool
			offset, ok1 = ParseInt(c.Args[j+1])
			if ok1 {
				limit, ok2 = ParseInt(c.Args[j+2])
			}
			if !ok1 || !ok2 {
				return ErrNotInt
			}
			j += 2
		case dir == zdirAuto && EqualFold(a, "rev"):
			dir = zdirReverse
		case rtype == zrangeAuto && EqualFold(a, "bylex"):
			rtype = zrangeLex
		case rtype == zrangeAuto && EqualFold(a, "byscore"):
			rtype = zrangeScore
		default:
			return ErrSyntax
		}
	}
	if dir == zdirAuto {
		dir = zdirForward
	}
	if rtype == zrangeAuto {
		rtype = zrangeRank
	}
	if limit != -1 && rtype == zrangeRank {
		return resp.Err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	}
	if withScores && rtype == zrangeLex {
		return resp.Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	}
	reverse := dir == zdirReverse
	if reverse && rtype != zrangeRank {
		minIdx, maxIdx = maxIdx, minIdx // given as max, min
	}
	var (
		start, end int64
		sr         zset.ScoreRange
		lr         zset.LexRange
		ok         bool
	)
	switch rtype {
	case zrangeRank:
		if start, ok = ParseInt(c.Args[minIdx]); ok {
			end, ok = ParseInt(c.Args[maxIdx])
		}
		if !ok {
			return ErrNotInt
		}
	case zrangeScore:
		if sr, ok = zparseScoreRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			return resp.Err(msgZMinMaxFloat)
		}
	case zrangeLex:
		if lr, ok = zparseLexRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			return resp.Err(msgZMinMaxLex)
		}
	}

	z, rep := readZSet(c, key, resp.EmptyArr)
	if z == nil {
		if store && rep.Kind != resp.Error {
			return zstoreResult(c, dst, nil, "zrangestore")
		}
		return rep
	}
	var out zrangeOut
	out.withScores, out.store = withScores, store
	switch rtype {
	case zrangeRank:
		if from, to, ok := zrankRange(start, end, z.Len()); ok {
			out.grow(to - from + 1)
			z.byRank(from, to, reverse, out.add)
		}
	case zrangeScore:
		z.rangeByScore(sr, reverse, clampInt(offset), clampInt(limit), out.add)
	case zrangeLex:
		z.rangeByLex(lr, reverse, clampInt(offset), clampInt(limit), out.add)
	}
	if !store {
		return resp.ArrayReply(out.reply)
	}
	if reverse {
		for i, j := 0, len(out.entries)-1; i < j; i, j = i+1, j-1 {
			out.entries[i], out.entries[j] = out.entries[j], out.entries[i]
		}
	}
	var res *ZSet
	if len(out.entries) > 0 {
		res = zsetFromSorted(out.entries, c.enc())
	}
	return zstoreResult(c, dst, res, "zrangestore")
}

// zrankRange converts ZRANGE's start and end indexes (negative: from the
// end) for a set of n members into ranks 0 <= from <= to < n, as Redis
// sanitizes them; ok is false for an empty range.
func zrankRange(start, end int64, n int) (from, to int, ok bool) {
	l := int64(n)
	if start < 0 {
		start += l
	}
	if end < 0 {
		end += l
	}
	start = max(start, 0)
	if start > end || start >= l {
		return 0, 0, false
	}
	return int(start), int(min(end, l-1)), true
}

// zrangeOut collects a range: reply elements, or entries to store.
type zrangeOut struct {
	withScores, store bool
	reply             []resp.Reply
	entries           []zsetEntry
}

func (o *zrangeOut) grow(n int) {
	switch {
	case o.store:
		o.entries = make([]zsetEntry, 0, n)
	case o.withScores:
		o.reply = make([]resp.Reply, 0, 2*n)
	default:
		o.reply = make([]resp.Reply, 0, n)
	}
}

func (o *zrangeOut) add(m string, s float64) bool {
	switch {
	case o.store:
		o.entries = append(o.entries, zsetEntry{m, s})
	case o.withScores:
		o.reply = append(o.reply, resp.BulkReply(m), zscoreReply(s))
	default:
		o.reply = append(o.reply, resp.BulkReply(m))
	}
	return true
}

// clampInt converts a LIMIT argument to int (they are int64 in Redis; int
// is 64 bits on the platforms kevy supports, and a clamp keeps 32-bit ones
// correct).
func clampInt(n int64) int {
	const maxInt = int64(^uint(0) >> 1)
	switch {
	case n > maxInt:
		return int(maxInt)
	case n < -maxInt:
		return int(-maxInt)
	}
	return int(n)
}

func cmdZCount(c *Ctx) resp.Reply {
	r, ok := zparseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		return resp.Err(msgZMinMaxFloat)
	}
	z, rep := readZSet(c, c.Args[1], resp.Zero)
	if z == nil {
		return rep
	}
	return resp.IntReply(int64(z.countScore(r)))
}

func cmdZLexCount(c *Ctx) resp.Reply {
	r, ok := zparseLexRange(c.Args[2], c.Args[3])
	if !ok {
		return resp.Err(msgZMinMaxLex)
	}
	z, rep := readZSet(c, c.Args[1], resp.Zero)
	if z == nil {
		return rep
	}
	return resp.IntReply(int64(z.countLex(r)))
}

// zremrangeGeneric is ZREMRANGEBYRANK, ZREMRANGEBYSCORE and
// ZREMRANGEBYLEX: the range is parsed before the key is looked up.
func zremrangeGeneric(c *Ctx, rtype zrangeType) resp.Reply {
	key := c.Args[1]
	var (
		start, end int64
		sr         zset.ScoreRange
		lr         zset.LexRange
		ok         bool
		event      string
	)
	switch rtype {
	case zrangeRank:
		event = "zremrangebyrank"
		if start, ok = ParseInt(c.Args[2]); ok {
			end, ok = ParseInt(c.Args[3])
		}
		if !ok {
			return ErrNotInt
		}
	case zrangeScore:
		event = "zremrangebyscore"
		if sr, ok = zparseScoreRange(c.Args[2], c.Args[3]); !ok {
			return resp.Err(msgZMinMaxFloat)
		}
	default:
		event = "zremrangebylex"
		if lr, ok = zparseLexRange(c.Args[2], c.Args[3]); !ok {
			return resp.Err(msgZMinMaxLex)
		}
	}
	e, ok := writeZSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		return resp.Zero
	}
	z := e.Obj().(*ZSet)
	deleted := 0
	switch rtype {
	case zrangeRank:
		from, to, ok := zrankRange(start, end, z.Len())
		if !ok {
			return resp.Zero
		}
		deleted = z.deleteRangeByRank(from, to)
	case zrangeScore:
		deleted = z.deleteRangeByScore(sr)
	default:
		deleted = z.deleteRangeByLex(lr)
	}
	if deleted > 0 {
		c.Modified(key)
		c.Notify(NotifyZSet, event, key)
		if z.Len() == 0 {
			c.Delete(key)
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(deleted))
}
