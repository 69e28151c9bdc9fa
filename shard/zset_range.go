package shard

import (
	"math"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/internal/pack"
	"github.com/kevydb/kevy/internal/zset"
)

// Score and lexicographic ranges over a ZSet (ZRANGEBYSCORE, ZRANGEBYLEX,
// ZCOUNT, ZREMRANGEBY...), and the parsing of their bounds with Redis's
// rules.

// zbounds is a score or lexicographic range as the listpack walks see it,
// with Redis's zzl*InRange semantics: below reports that a member sorts
// before the range's start, within that it does not pass its end.
type zbounds interface {
	isEmpty() bool
	below(member string, score float64) bool
	within(member string, score float64) bool
}

type zscoreBounds zset.ScoreRange

func (b *zscoreBounds) isEmpty() bool {
	return b.Min > b.Max || b.Min == b.Max && (b.MinEx || b.MaxEx)
}

func (b *zscoreBounds) below(_ string, score float64) bool {
	if b.MinEx {
		return score <= b.Min
	}
	return score < b.Min
}

func (b *zscoreBounds) within(_ string, score float64) bool {
	if b.MaxEx {
		return score < b.Max
	}
	return score <= b.Max
}

type zlexBounds zset.LexRange

func (b *zlexBounds) isEmpty() bool {
	if b.MinInf || b.MaxInf {
		return false
	}
	return b.Min > b.Max || b.Min == b.Max && (b.MinEx || b.MaxEx)
}

func (b *zlexBounds) below(member string, _ float64) bool {
	switch {
	case b.MinInf:
		return false
	case b.MinEx:
		return member <= b.Min
	}
	return member < b.Min
}

func (b *zlexBounds) within(member string, _ float64) bool {
	switch {
	case b.MaxInf:
		return true
	case b.MaxEx:
		return member < b.Max
	}
	return member <= b.Max
}

// lpInRange reports whether the listpack may hold members of the range:
// Redis's zzlIsInRange / zzlIsInLexRange (the range is not empty, the last
// member is not below it and the first is within its end).
func (z *ZSet) lpInRange(b zbounds) bool {
	if z.n == 0 || b.isEmpty() {
		return false
	}
	ms, me, s, _ := z.lpNext(0)
	if !b.within(z.lp.view(ms, me), s) {
		return false
	}
	last := z.lpOffset(int(z.n) - 1)
	ms, me, s, _ = z.lpNext(last)
	return !b.below(z.lp.view(ms, me), s)
}

// lpFirstIn returns the rank and offset of the first listpack member in
// the range, or rank -1, as Redis's zzlFirstInRange: the first member that
// is not below the range, if it is within it. (With a lexicographic range
// over members of different scores, neither test is monotonic: this is
// exactly the walk Redis does.)
func (z *ZSet) lpFirstIn(b zbounds) (rank, at int) {
	if !z.lpInRange(b) {
		return -1, 0
	}
	buf := z.lp.b
	for i, r := 0, 0; i < len(buf); r++ {
		ms, me, s, next := z.lpNext(i)
		if m := z.lp.view(ms, me); !b.below(m, s) {
			if b.within(m, s) {
				return r, i
			}
			return -1, 0
		}
		i = next
	}
	return -1, 0
}

// lpLastIn returns the rank of the last listpack member in the range, or
// -1, as Redis's zzlLastInRange: walking from the end, the first member
// within the range's end, if it is not below its start.
func (z *ZSet) lpLastIn(b zbounds) int {
	if !z.lpInRange(b) {
		return -1
	}
	last, lastBelow := -1, false
	buf := z.lp.b
	for i, r := 0, 0; i < len(buf); r++ {
		ms, me, s, next := z.lpNext(i)
		if m := z.lp.view(ms, me); b.within(m, s) {
			last, lastBelow = r, b.below(m, s)
		}
		i = next
	}
	if last < 0 || lastBelow {
		return -1
	}
	return last
}

// lpWalk calls fn for the listpack members of the range, ascending (or
// descending), skipping offset of them and stopping after count (count < 0:
// no limit), as Redis's listpack range walks: the seek ignores the far
// bound, the walk stops at it. fn may keep the members.
func (z *ZSet) lpWalk(b zbounds, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	if offset < 0 || count == 0 {
		return
	}
	z.lp.share()
	if !reverse {
		r, i := z.lpFirstIn(b)
		if r < 0 || offset >= int(z.n)-r {
			return
		}
		i = z.lpSkip(i, offset)
		for r += offset; r < int(z.n) && count != 0; r++ {
			ms, me, s, next := z.lpNext(i)
			m := z.lp.view(ms, me)
			if !b.within(m, s) || !fn(m, s) {
				return
			}
			count--
			i = next
		}
		return
	}
	r := z.lpLastIn(b)
	if r < 0 || offset > r {
		return
	}
	offs := z.lpOffsets(0, r-offset)
	for k := len(offs) - 1; k >= 0 && count != 0; k-- {
		ms, me, s, _ := z.lpNext(int(offs[k]))
		m := z.lp.view(ms, me)
		if b.below(m, s) || !fn(m, s) {
			return
		}
		count--
	}
}

// lpSkip returns the offset k members after offset i.
func (z *ZSet) lpSkip(i, k int) int {
	b := z.lp.b
	for ; k > 0; k-- {
		i = pack.NextPair(b, i)
	}
	return i
}

// lpCountFrom returns how many listpack members of the range there are
// from its first on (while within its end), and the offset after them, as
// Redis's ZCOUNT and ZREMRANGEBY* walks.
func (z *ZSet) lpCountFrom(b zbounds) (first, n, from, to int) {
	r, i := z.lpFirstIn(b)
	if r < 0 {
		return -1, 0, 0, 0
	}
	from = i
	for buf := z.lp.b; i < len(buf); n++ {
		ms, me, s, next := z.lpNext(i)
		if !b.within(z.lp.view(ms, me), s) {
			break
		}
		i = next
	}
	return r, n, from, i
}

// lpDeleteRange removes the listpack members of the range (the first one
// in it and those after it up to the far bound) and returns how many.
func (z *ZSet) lpDeleteRange(b zbounds) int {
	_, n, from, to := z.lpCountFrom(b)
	if n > 0 {
		z.lpDelete(from, to, n)
	}
	return n
}

// rangeByScore calls fn for the members with scores in r, as
// zset.Set.RangeByScore (r has Min <= Max even when reverse is set).
func (z *ZSet) rangeByScore(r zset.ScoreRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	if z.sl != nil {
		z.sl.RangeByScore(r, reverse, min(offset, z.sl.Len()), count, fn)
		return
	}
	b := zscoreBounds(r)
	z.lpWalk(&b, reverse, offset, count, fn)
}

// rangeByLex calls fn for the members in r, as zset.Set.RangeByLex.
func (z *ZSet) rangeByLex(r zset.LexRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	if z.sl != nil {
		z.sl.RangeByLex(r, reverse, min(offset, z.sl.Len()), count, fn)
		return
	}
	b := zlexBounds(r)
	z.lpWalk(&b, reverse, offset, count, fn)
}

// countScore returns how many members have scores in r (ZCOUNT).
func (z *ZSet) countScore(r zset.ScoreRange) int {
	if z.sl != nil {
		return z.sl.CountInScore(r)
	}
	b := zscoreBounds(r)
	_, n, _, _ := z.lpCountFrom(&b)
	return n
}

// countLex returns how many members are in r (ZLEXCOUNT).
func (z *ZSet) countLex(r zset.LexRange) int {
	if z.sl != nil {
		return z.sl.CountInLex(r)
	}
	b := zlexBounds(r)
	_, n, _, _ := z.lpCountFrom(&b)
	return n
}

// deleteRangeByScore removes the members with scores in r and returns how
// many.
func (z *ZSet) deleteRangeByScore(r zset.ScoreRange) int {
	z.settle()
	if z.sl != nil {
		return z.sl.DeleteRangeByScore(r, z.forget)
	}
	b := zscoreBounds(r)
	return z.lpDeleteRange(&b)
}

// deleteRangeByLex removes the members in r and returns how many.
func (z *ZSet) deleteRangeByLex(r zset.LexRange) int {
	z.settle()
	if z.sl != nil {
		return z.sl.DeleteRangeByLex(r, z.forget)
	}
	b := zlexBounds(r)
	return z.lpDeleteRange(&b)
}

// deleteRangeByRank removes the members of ascending ranks start to stop
// (0 <= start <= stop < Len) and returns how many.
func (z *ZSet) deleteRangeByRank(start, stop int) int {
	z.settle()
	if z.sl != nil {
		return z.sl.DeleteRangeByRank(start, stop, z.forget)
	}
	from := z.lpOffset(start)
	to := from
	for r := start; r <= stop; r++ {
		_, _, _, to = z.lpNext(to)
	}
	z.lpDelete(from, to, stop-start+1)
	return stop - start + 1
}

// forget accounts for a member removed from the skip list.
func (z *ZSet) forget(member string, _ float64) { z.sl.bytes -= allocSize(len(member)) }

// Parsing.

// zparseScoreRange parses the bounds of a score range as Redis's
// zslParseRange: each a number as C's strtod reads it (so leading white
// space and an empty string are accepted, and a NUL byte ends it), "(" in
// front for an exclusive bound; NaN is refused.
func zparseScoreRange(minArg, maxArg string) (zset.ScoreRange, bool) {
	var r zset.ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = zparseScoreBound(minArg)
	r.Max, r.MaxEx, ok2 = zparseScoreBound(maxArg)
	return r, ok1 && ok2
}

func zparseScoreBound(s string) (v float64, ex, ok bool) {
	if len(s) > 0 && s[0] == '(' {
		v, ok = cstrtod(s[1:])
		return v, true, ok
	}
	v, ok = cstrtod(s)
	return v, false, ok
}

// cstrtod reads s as C's strtod reads a C string (up to its first NUL
// byte), requiring that it consume all of it: leading white space is
// skipped, an empty string is 0, out-of-range values become ±inf or 0 as
// strtod returns them. NaN is refused.
func cstrtod(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return 0, true
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	s = s[i:]
	ok, hex, hasP, inf := cFloatSyntax(s)
	if !ok {
		return 0, false
	}
	if inf {
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if hex && !hasP {
		s += "p0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errorsIsRange(err) {
		return 0, false
	}
	return f, true
}

// errorsIsRange reports whether err is strconv's out-of-range error, for
// which ParseFloat returns what strtod does (±inf, or 0 on underflow).
func errorsIsRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// zparseLexRange parses the bounds of a lexicographic range as Redis's
// zslParseLexRange: "-", "+", "(member" or "[member". Like C, it sees "+"
// and "-" followed by a NUL byte as plain "+" and "-".
func zparseLexRange(minArg, maxArg string) (zset.LexRange, bool) {
	return zset.ParseLexRange(zlexItem(minArg), zlexItem(maxArg))
}

func zlexItem(s string) string {
	if len(s) > 1 && (s[0] == '+' || s[0] == '-') && s[1] == 0 {
		return s[:1]
	}
	return s
}
