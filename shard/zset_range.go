package shard

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/internal/zset"
)

// Score and lexicographic ranges over a ZSet (ZRANGEBYSCORE, ZRANGEBYLEX,
// ZCOUNT, ZREMRANGEBY...), and the parsing of their bounds with Redis's
// rules.

// zbounds is a score or lexicographic range as the listpack walks see it,
// with Redis's zzl*InRange semantics: below reports that an entry sorts
// before the range's start, within that it does not pass its end.
type zbounds interface {
	isEmpty() bool
	below(e *zsetEntry) bool
	within(e *zsetEntry) bool
}

type zscoreBounds zset.ScoreRange

func (b *zscoreBounds) isEmpty() bool {
	return b.Min > b.Max || b.Min == b.Max && (b.MinEx || b.MaxEx)
}

func (b *zscoreBounds) below(e *zsetEntry) bool {
	if b.MinEx {
		return e.score <= b.Min
	}
	return e.score < b.Min
}

func (b *zscoreBounds) within(e *zsetEntry) bool {
	if b.MaxEx {
		return e.score < b.Max
	}
	return e.score <= b.Max
}

type zlexBounds zset.LexRange

func (b *zlexBounds) isEmpty() bool {
	if b.MinInf || b.MaxInf {
		return false
	}
	return b.Min > b.Max || b.Min == b.Max && (b.MinEx || b.MaxEx)
}

func (b *zlexBounds) below(e *zsetEntry) bool {
	switch {
	case b.MinInf:
		return false
	case b.MinEx:
		return e.member <= b.Min
	}
	return e.member < b.Min
}

func (b *zlexBounds) within(e *zsetEntry) bool {
	switch {
	case b.MaxInf:
		return true
	case b.MaxEx:
		return e.member < b.Max
	}
	return e.member <= b.Max
}

// lpFirstIn returns the index of the first listpack entry in the range, or
// -1: the first that is not below it, if it is within it.
func (z *ZSet) lpFirstIn(b zbounds) int {
	n := len(z.lp)
	if n == 0 || b.isEmpty() || b.below(&z.lp[n-1]) || !b.within(&z.lp[0]) {
		return -1
	}
	for i := range z.lp {
		if !b.below(&z.lp[i]) {
			if b.within(&z.lp[i]) {
				return i
			}
			return -1
		}
	}
	return -1
}

// lpLastIn returns the index of the last listpack entry in the range, or
// -1.
func (z *ZSet) lpLastIn(b zbounds) int {
	n := len(z.lp)
	if n == 0 || b.isEmpty() || b.below(&z.lp[n-1]) || !b.within(&z.lp[0]) {
		return -1
	}
	for i := n - 1; i >= 0; i-- {
		if b.within(&z.lp[i]) {
			if !b.below(&z.lp[i]) {
				return i
			}
			return -1
		}
	}
	return -1
}

// lpWalk calls fn for the listpack entries of the range, ascending (or
// descending), skipping offset of them and stopping after count (count < 0:
// no limit), as Redis's listpack range walks: the seek ignores the far
// bound, the walk stops at it.
func (z *ZSet) lpWalk(b zbounds, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	if offset < 0 || count == 0 {
		return
	}
	if !reverse {
		i := z.lpFirstIn(b)
		if i < 0 || offset >= len(z.lp)-i {
			return
		}
		for i += offset; i < len(z.lp) && count != 0 && b.within(&z.lp[i]); i++ {
			if !fn(z.lp[i].member, z.lp[i].score) {
				return
			}
			count--
		}
		return
	}
	i := z.lpLastIn(b)
	if i < 0 || offset > i {
		return
	}
	for i -= offset; i >= 0 && count != 0 && !b.below(&z.lp[i]); i-- {
		if !fn(z.lp[i].member, z.lp[i].score) {
			return
		}
		count--
	}
}

// lpDeleteRange removes the listpack entries of the range (the first one
// in it and those after it up to the far bound) and returns how many.
func (z *ZSet) lpDeleteRange(b zbounds) int {
	i := z.lpFirstIn(b)
	if i < 0 {
		return 0
	}
	j := i
	for j < len(z.lp) && b.within(&z.lp[j]) {
		z.bytes -= allocSize(len(z.lp[j].member))
		j++
	}
	z.lp = slices.Delete(z.lp, i, j)
	return j - i
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
	n := 0
	b := zscoreBounds(r)
	z.lpWalk(&b, false, 0, -1, func(string, float64) bool { n++; return true })
	return n
}

// countLex returns how many members are in r (ZLEXCOUNT).
func (z *ZSet) countLex(r zset.LexRange) int {
	if z.sl != nil {
		return z.sl.CountInLex(r)
	}
	n := 0
	b := zlexBounds(r)
	z.lpWalk(&b, false, 0, -1, func(string, float64) bool { n++; return true })
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
	for i := start; i <= stop; i++ {
		z.bytes -= allocSize(len(z.lp[i].member))
	}
	z.lp = slices.Delete(z.lp, start, stop+1)
	return stop - start + 1
}

// forget accounts for a member removed from the skip list.
func (z *ZSet) forget(member string, _ float64) { z.bytes -= allocSize(len(member)) }

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
