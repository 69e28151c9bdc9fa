package shard

import (
	"github.com/kevydb/kevy/internal/pack"
	"math"
	"strconv"

	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/internal/zset"
	"github.com/kevydb/kevy/resp"
)

// Sorted set commands (Redis's t_zset.c). This file: ZADD ZINCRBY ZREM
// ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZRANDMEMBER ZSCAN; the range commands
// are in cmd_zset_range.go, the pops in cmd_zset_pop.go, the set algebra in
// cmd_zset_store.go.
//
// Effects. ZADD and ZINCRBY log ZADD with the members they added or
// changed and their resulting scores (ZINCRBY's result formatted with
// %.17g, which reads back exactly). ZREM and ZREMRANGEBY* log themselves:
// they are deterministic given the state they run on, which replay
// reproduces. Pops (ZPOPMIN, ZPOPMAX, ZMPOP and the blocking ones) log
// ZPOPMIN/ZPOPMAX key count, as Redis does. The STORE commands log DEL of
// the destination then ZADD commands rebuilding the result, on the
// destination's shard only (the sources may be on other shards).
// ZRANDMEMBER and ZSCAN log nothing.

func init() {
	Register("zadd", func(c *Ctx) resp.Reply { return zaddGeneric(c, false) })
	Register("zincrby", func(c *Ctx) resp.Reply { return zaddGeneric(c, true) })
	Register("zrem", cmdZRem)
	Register("zcard", cmdZCard)
	Register("zscore", cmdZScore)
	Register("zmscore", cmdZMScore)
	Register("zrank", func(c *Ctx) resp.Reply { return zrankGeneric(c, false) })
	Register("zrevrank", func(c *Ctx) resp.Reply { return zrankGeneric(c, true) })
	Register("zrandmember", cmdZRandMember)
	Register("zscan", cmdZScan)
}

const msgZNaN = "ERR resulting score is not a number (NaN)"

// readZSet looks key up for reading. It returns the sorted set, or nil and
// missing when the key does not exist, or nil and WRONGTYPE.
func readZSet(c *Ctx, key string, missing resp.Reply) (*ZSet, resp.Reply) {
	e := c.Read(key)
	if e == nil {
		return nil, missing
	}
	if e.Type != TypeZSet {
		return nil, ErrWrongType
	}
	return e.Obj().(*ZSet), resp.Reply{}
}

// writeZSet looks key up for writing. It returns the entry (nil when the
// key does not exist) and false when the key holds another type.
func writeZSet(c *Ctx, key string) (*Entry, bool) {
	e := c.Write(key)
	if e != nil && e.Type != TypeZSet {
		return nil, false
	}
	return e, true
}

// zscoreReply is a score as Redis's addReplyDouble sends it.
func zscoreReply(s float64) resp.Reply { return resp.BulkReply(FormatDouble(s)) }

// ZADD option flags.
const (
	zaddNX = 1 << iota
	zaddXX
	zaddGT
	zaddLT
	zaddIncr
	zaddCh
)

// zaddGeneric is ZADD and ZINCRBY (incr), as Redis's zaddGenericCommand:
// options, then score-member pairs; every score is parsed before the key
// is looked up, so the command applies fully or not at all.
func zaddGeneric(c *Ctx, incr bool) resp.Reply {
	key := c.Args[1]
	flags := 0
	if incr {
		flags = zaddIncr
	}
	idx := 2
options:
	for ; idx < len(c.Args); idx++ {
		switch a := c.Args[idx]; {
		case EqualFold(a, "nx"):
			flags |= zaddNX
		case EqualFold(a, "xx"):
			flags |= zaddXX
		case EqualFold(a, "ch"):
			flags |= zaddCh
		case EqualFold(a, "incr"):
			flags |= zaddIncr
		case EqualFold(a, "gt"):
			flags |= zaddGT
		case EqualFold(a, "lt"):
			flags |= zaddLT
		default:
			break options
		}
	}
	n := len(c.Args) - idx
	if n == 0 || n%2 != 0 {
		return ErrSyntax
	}
	n /= 2
	nx, xx, gt, lt := flags&zaddNX != 0, flags&zaddXX != 0, flags&zaddGT != 0, flags&zaddLT != 0
	incr = flags&zaddIncr != 0
	switch {
	case nx && xx:
		return resp.Err("ERR XX and NX options at the same time are not compatible")
	case gt && nx || lt && nx || gt && lt:
		return resp.Err("ERR GT, LT, and/or NX options at the same time are not compatible")
	case incr && n > 1:
		return resp.Err("ERR INCR option supports a single increment-element pair")
	}
	var one [1]float64
	scores := one[:]
	if n > 1 {
		scores = make([]float64, n)
	}
	for j := range n {
		s, ok := ParseFloat(c.Args[idx+2*j])
		if !ok {
			return ErrNotFloat
		}
		scores[j] = s
	}

	e, ok := writeZSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		if xx {
			if incr {
				return resp.NilReply
			}
			return resp.Zero
		}
		e = c.Add(key, TypeZSet)
		e.SetObj(newZSetFor(c.Args[idx+1], c.enc()))
	}
	z := e.Obj().(*ZSet)
	enc := c.enc()
	if z.Len() == 0 {
		size := 0
		for j := range n {
			size += pack.ScorePairSize(len(c.Args[idx+2*j+1]), scores[j])
		}
		z.reserve(size)
	}
	added, updated, processed := 0, 0, 0
	var score float64
	var changed []int // pairs added or updated, when more than one pair
	for j := range n {
		member := c.Args[idx+2*j+1]
		score = scores[j]
		cur, exists := z.Score(member)
		switch {
		case exists:
			if nx {
				continue
			}
			if incr {
				score += cur
				if math.IsNaN(score) {
					return resp.Err(msgZNaN)
				}
			}
			if lt && score >= cur || gt && score <= cur {
				continue
			}
			processed++
			if score != cur {
				z.Set(member, score, enc)
				updated++
				changed = append(changed, j)
			}
		case !xx:
			z.Set(member, score, enc)
			added++
			processed++
			changed = append(changed, j)
		}
	}
	if added+updated > 0 {
		c.Modified(key)
		event := "zadd"
		if incr {
			event = "zincr"
		}
		c.Notify(NotifyZSet, event, key)
		zaddPropagate(c, key, idx, changed, incr, score)
	}
	if incr {
		if processed == 0 {
			return resp.NilReply
		}
		return zscoreReply(score)
	}
	if flags&zaddCh != 0 {
		return resp.IntReply(int64(added + updated))
	}
	return resp.IntReply(int64(added))
}

// zaddPropagate logs ZADD key score member for the pairs in changed (by
// index), each with its resulting score: the score argument as given
// (which parses back to the same double), or for an increment the result.
func zaddPropagate(c *Ctx, key string, idx int, changed []int, incr bool, result float64) {
	if incr {
		c.Propagate(key, "ZADD", key, FormatDouble(result), c.Args[idx+1])
		return
	}
	if len(changed) == 1 {
		j := idx + 2*changed[0]
		c.Propagate(key, "ZADD", key, c.Args[j], c.Args[j+1])
		return
	}
	argv := make([]string, 0, 2+2*len(changed))
	argv = append(argv, "ZADD", key)
	for _, j := range changed {
		argv = append(argv, c.Args[idx+2*j], c.Args[idx+2*j+1])
	}
	c.Propagate(key, argv...)
}

func cmdZRem(c *Ctx) resp.Reply {
	key := c.Args[1]
	e, ok := writeZSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		return resp.Zero
	}
	z := e.Obj().(*ZSet)
	deleted, removed := 0, false
	for _, m := range c.Args[2:] {
		if z.Remove(m) {
			deleted++
		}
		if z.Len() == 0 {
			c.Delete(key)
			removed = true
			break
		}
	}
	if deleted > 0 {
		c.Notify(NotifyZSet, "zrem", key)
		if removed {
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Modified(key)
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(deleted))
}

func cmdZCard(c *Ctx) resp.Reply {
	z, rep := readZSet(c, c.Args[1], resp.Zero)
	if z == nil {
		return rep
	}
	return resp.IntReply(int64(z.Len()))
}

func cmdZScore(c *Ctx) resp.Reply {
	z, rep := readZSet(c, c.Args[1], resp.NilReply)
	if z == nil {
		return rep
	}
	s, ok := z.Score(c.Args[2])
	if !ok {
		return resp.NilReply
	}
	return zscoreReply(s)
}

func cmdZMScore(c *Ctx) resp.Reply {
	z, rep := readZSet(c, c.Args[1], resp.Reply{})
	if rep.Kind == resp.Error {
		return rep
	}
	out := make([]resp.Reply, len(c.Args)-2)
	for i, m := range c.Args[2:] {
		out[i] = resp.NilReply
		if z != nil {
			if s, ok := z.Score(m); ok {
				out[i] = zscoreReply(s)
			}
		}
	}
	return resp.ArrayReply(out)
}

func zrankGeneric(c *Ctx, reverse bool) resp.Reply {
	z, rep := readZSet(c, c.Args[1], resp.NilReply)
	if z == nil {
		return rep
	}
	r, ok := z.Rank(c.Args[2], reverse)
	if !ok {
		return resp.NilReply
	}
	return resp.IntReply(int64(r))
}

// zrandSubStrategyMul is Redis's ZRANDMEMBER_SUB_STRATEGY_MUL: when the set
// has at most this many times the distinct members asked for (or is a
// listpack), they are chosen by a partial shuffle of all ranks instead of
// by random draws until enough distinct ones came up.
const zrandSubStrategyMul = 3

func cmdZRandMember(c *Ctx) resp.Reply {
	key := c.Args[1]
	if len(c.Args) == 2 {
		z, rep := readZSet(c, key, resp.NilReply)
		if z == nil {
			return rep
		}
		m, _ := z.random(memberRand(c, key))
		return resp.BulkReply(m)
	}
	l, errRep, ok := longArgRange(c.Args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return errRep
	}
	withScores := false
	if len(c.Args) > 4 || len(c.Args) == 4 && !EqualFold(c.Args[3], "withscores") {
		return ErrSyntax
	}
	if len(c.Args) == 4 {
		withScores = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			return resp.Err(MsgNotIntOrRange)
		}
	}
	z, rep := readZSet(c, key, resp.EmptyArr)
	if z == nil {
		return rep
	}
	if l == 0 {
		return resp.EmptyArr
	}
	r := memberRand(c, key)
	per := 1
	if withScores {
		per = 2
	}
	add := func(out []resp.Reply, m string, s float64) []resp.Reply {
		out = append(out, resp.BulkReply(m))
		if withScores {
			out = append(out, zscoreReply(s))
		}
		return out
	}
	size := z.Len()
	if l < 0 || l == 1 {
		count := l
		if count < 0 {
			count = -count
		}
		if count > randCountLimit {
			return resp.Err(msgRandTooMany)
		}
		out := make([]resp.Reply, 0, int(count)*per)
		for range count {
			m, s := z.random(r)
			out = add(out, m, s)
		}
		return resp.ArrayReply(out)
	}
	if l >= int64(size) {
		// The whole set, in the order Redis's iterator visits it: from the
		// highest score down.
		out := make([]resp.Reply, 0, size*per)
		z.each(true, func(m string, s float64) bool {
			out = add(out, m, s)
			return true
		})
		return resp.ArrayReply(out)
	}
	n := int(l)
	out := make([]resp.Reply, 0, n*per)
	if n*zrandSubStrategyMul > size || z.sl == nil {
		// Choose n distinct ranks by a partial shuffle.
		ranks := make([]int, size)
		for i := range ranks {
			ranks[i] = i
		}
		for i := range n {
			j := i + memberRandN(r, size-i)
			ranks[i], ranks[j] = ranks[j], ranks[i]
		}
		for _, rk := range ranks[:n] {
			m, s := z.at(rk)
			out = add(out, m, s)
		}
		return resp.ArrayReply(out)
	}
	seen := make(map[string]struct{}, n)
	for len(seen) < n {
		m, s := z.random(r)
		if _, dup := seen[m]; dup {
			continue
		}
		seen[m] = struct{}{}
		out = add(out, m, s)
	}
	return resp.ArrayReply(out)
}

// d2string formats a score as Redis's d2string, the form a listpack
// stores it in: integral values within ±2^62 as integers, others as %.17g
// ("inf", "-inf", "-0" spelled out).
func d2string(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	if f >= -math.MaxInt64/2 && f <= math.MaxInt64/2 && f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10)
	}
	return FormatDouble(f)
}

// ZSCAN. A listpack comes back whole (cursor 0), with its scores as the
// listpack stores them (d2string), exactly as from Redis. A skip list has
// no hash table to scan in Redis's way; its cursor is instead the score of
// the last member returned, in an order-preserving 64-bit encoding, and a
// call returns members by ascending score from the first score above the
// cursor, at least COUNT of them and always every member that shares the
// last score returned. So every member present for the whole scan is
// returned exactly once (even when members are added or removed between
// calls), at the price of a call returning more than COUNT members when
// many share one score.

// zscanKey maps a score to its cursor: order-preserving, 0 below every
// score, -0 the same as 0.
func zscanKey(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// zscanFrom returns the score range a skip-list scan continues with after
// cursor, and false when the scan is past the highest possible score.
func zscanFrom(cursor uint64) (zset.ScoreRange, bool) {
	r := zset.ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}
	if cursor < zscanKey(math.Inf(-1)) {
		return r, true
	}
	if cursor >= zscanKey(math.Inf(1)) {
		return r, false
	}
	// Decode; cursors that are not scores (NaN patterns) lie outside the
	// two bounds above.
	var b uint64
	if cursor>>63 != 0 {
		b = cursor &^ (1 << 63)
	} else {
		b = ^cursor
	}
	r.Min, r.MinEx = math.Float64frombits(b), true
	return r, true
}

func cmdZScan(c *Ctx) resp.Reply {
	key := c.Args[1]
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return resp.Err(msgInvalidCur)
	}
	z, rep := readZSet(c, key, emptyScan)
	if z == nil {
		return rep
	}
	opts, errRep, ok := ParseScanOptions(c.Args, 3, false)
	if !ok {
		return errRep
	}
	var pat glob.Pattern
	if opts.HasPattern {
		pat = glob.Compile(opts.Pattern)
	}
	var out []resp.Reply
	add := func(m, s string) {
		if !opts.HasPattern || pat.Match(m) {
			out = append(out, resp.BulkReply(m), resp.BulkReply(s))
		}
	}
	if z.sl == nil {
		z.each(false, func(m string, s float64) bool {
			add(m, d2string(s))
			return true
		})
		return scanReply(0, out)
	}
	from, ok := zscanFrom(cursor)
	if !ok {
		return scanReply(0, out)
	}
	var next uint64
	n := 0
	last := math.NaN()
	z.sl.RangeByScore(from, false, 0, -1, func(m string, s float64) bool {
		if n >= opts.Count && s != last {
			next = zscanKey(last)
			return false
		}
		add(m, FormatDouble(s))
		n++
		last = s
		return true
	})
	return scanReply(next, out)
}
