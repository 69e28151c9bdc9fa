package zset

// ScoreRange is an interval of scores, as given to ZRANGEBYSCORE: Min and
// Max are the bounds (math.Inf(-1) and math.Inf(1) for -inf and +inf) and
// MinEx or MaxEx make a bound exclusive, as a "(" prefix does. Neither bound
// may be NaN. A range with Min > Max, or Min == Max with an exclusive bound,
// is empty.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r ScoreRange) gteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

func (r ScoreRange) lteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

func (r ScoreRange) empty() bool {
	return r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx)
}

// LexRange is an interval of members, as given to ZRANGEBYLEX: MinInf means
// the "-" bound (below every member) and MaxInf the "+" bound (above every
// member); otherwise Min and Max are the bounds, exclusive ("(") when MinEx
// or MaxEx is set and inclusive ("[") otherwise. Members compare by bytes.
// As in Redis, lexicographic ranges are meant for sets whose members all
// have the same score; on mixed scores they return what Redis returns.
type LexRange struct {
	Min, Max       string
	MinInf, MaxInf bool
	MinEx, MaxEx   bool
}

// emptyLex is a LexRange that holds nothing: it stands for a "+" minimum or
// a "-" maximum.
var emptyLex = LexRange{MinEx: true, MaxEx: true}

// ParseLexRange parses Redis's lexicographic bounds: "-", "+", "[member" or
// "(member". It reports false when either bound has another form (Redis's
// "min or max not valid string range item").
func ParseLexRange(min, max string) (r LexRange, ok bool) {
	minV, minEx, minKind, ok1 := parseLexItem(min)
	maxV, maxEx, maxKind, ok2 := parseLexItem(max)
	if !ok1 || !ok2 {
		return LexRange{}, false
	}
	if minKind > 0 || maxKind < 0 {
		return emptyLex, true
	}
	return LexRange{
		Min: minV, MinEx: minEx, MinInf: minKind < 0,
		Max: maxV, MaxEx: maxEx, MaxInf: maxKind > 0,
	}, true
}

// parseLexItem parses one bound; kind is -1 for "-", +1 for "+", 0 for a
// member.
func parseLexItem(s string) (v string, ex bool, kind int, ok bool) {
	switch {
	case s == "-":
		return "", false, -1, true
	case s == "+":
		return "", false, 1, true
	case len(s) > 0 && s[0] == '(':
		return s[1:], true, 0, true
	case len(s) > 0 && s[0] == '[':
		return s[1:], false, 0, true
	}
	return "", false, 0, false
}

func (r LexRange) gteMin(m string) bool {
	switch {
	case r.MinInf:
		return true
	case r.MinEx:
		return m > r.Min
	}
	return m >= r.Min
}

func (r LexRange) lteMax(m string) bool {
	switch {
	case r.MaxInf:
		return true
	case r.MaxEx:
		return m < r.Max
	}
	return m <= r.Max
}

func (r LexRange) empty() bool {
	if r.MinInf || r.MaxInf {
		return false
	}
	return r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx)
}

// bounds selects the nodes of a range: below reports that a node sorts
// before the range's start, within that it does not sort past its end.
type bounds interface {
	empty() bool
	below(x *node) bool
	within(x *node) bool
}

type scoreBounds ScoreRange

func (b scoreBounds) empty() bool         { return ScoreRange(b).empty() }
func (b scoreBounds) below(x *node) bool  { return !ScoreRange(b).gteMin(x.score) }
func (b scoreBounds) within(x *node) bool { return ScoreRange(b).lteMax(x.score) }

type lexBounds LexRange

func (b lexBounds) empty() bool         { return LexRange(b).empty() }
func (b lexBounds) below(x *node) bool  { return !LexRange(b).gteMin(x.member) }
func (b lexBounds) within(x *node) bool { return LexRange(b).lteMax(x.member) }

// overlaps reports whether the range may hold a node: it is not empty and
// the set's extremes do not both lie on one side of it.
func overlaps[B bounds](s *Set, b B) bool {
	return s.length > 0 && !b.empty() && !b.below(s.tail) && b.within(s.head.next)
}

// first returns the first node in the range and its 1-based rank, or nil.
func first[B bounds](s *Set, b B) (*node, int) {
	if !overlaps(s, b) {
		return nil, 0
	}
	x, rank := &s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && b.below(f); f = x.forward(i) {
			rank += x.span(i)
			x = f
		}
	}
	x, rank = x.next, rank+1
	if x == nil || !b.within(x) {
		return nil, 0
	}
	return x, rank
}

// last returns the last node in the range and its 1-based rank, or nil.
func last[B bounds](s *Set, b B) (*node, int) {
	if !overlaps(s, b) {
		return nil, 0
	}
	x, rank := &s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && b.within(f); f = x.forward(i) {
			rank += x.span(i)
			x = f
		}
	}
	if x == &s.head || b.below(x) {
		return nil, 0
	}
	return x, rank
}

// count returns the number of nodes in the range, in O(log n).
func count[B bounds](s *Set, b B) int {
	_, lo := first(s, b)
	if lo == 0 {
		return 0
	}
	_, hi := last(s, b)
	return hi - lo + 1
}

// walk calls fn for the nodes of the range in order (descending when
// reverse is set), skipping offset of them and stopping after count of them
// (no limit when count is negative), with an O(log n) seek for the offset.
// A negative offset selects nothing, as LIMIT does in Redis.
func walk[B bounds](s *Set, b B, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	if offset < 0 || count == 0 {
		return
	}
	if !reverse {
		x, rank := first(s, b)
		if x == nil || rank+offset > s.length {
			return
		}
		if offset > 0 {
			x = s.byRank(rank + offset)
		}
		for ; x != nil && count != 0 && b.within(x); x = x.next {
			if !fn(x.member, x.score) {
				return
			}
			count--
		}
		return
	}
	x, rank := last(s, b)
	if x == nil || rank-offset < 1 {
		return
	}
	if offset > 0 {
		x = s.byRank(rank - offset)
	}
	for ; x != nil && count != 0 && !b.below(x); x = x.backward {
		if !fn(x.member, x.score) {
			return
		}
		count--
	}
}

// deleteRange removes the nodes of the range, calling fn (if not nil) with
// each in ascending order, and returns how many it removed.
func deleteRange[B bounds](s *Set, b B, fn func(member string, score float64)) int {
	if !overlaps(s, b) {
		return 0
	}
	var update [maxLevel]*node
	x := &s.head
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && b.below(f); f = x.forward(i) {
			x = f
		}
		update[i] = x
	}
	n := 0
	for x = x.next; x != nil && b.within(x); n++ {
		next := x.next
		s.unlink(x, &update)
		s.dict.Delete(x.member)
		if fn != nil {
			fn(x.member, x.score)
		}
		x = next
	}
	return n
}

// ByRank calls fn for the members of 0-based ranks start to stop, both
// inclusive, in ascending order (descending, with ranks counted from the
// highest score, when reverse is set), until fn returns false: ZRANGE by
// index. start below 0 counts as 0 and stop past the end as the last rank;
// converting negative (from-the-end) indexes is the caller's job. The seek
// to start costs O(log n).
func (s *Set) ByRank(start, stop int, reverse bool, fn func(member string, score float64) bool) {
	start, stop = max(start, 0), min(stop, s.length-1)
	if start > stop {
		return
	}
	n := stop - start + 1
	if !reverse {
		for x := s.byRank(start + 1); n > 0; x, n = x.next, n-1 {
			if !fn(x.member, x.score) {
				return
			}
		}
		return
	}
	for x := s.byRank(s.length - start); n > 0; x, n = x.backward, n-1 {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// RangeByScore calls fn for the members whose scores are in r, in
// ascending order, or descending when reverse is set (ZREVRANGEBYSCORE:
// r still has Min <= Max), until fn returns false. As with LIMIT, it skips
// the first offset of them and stops after count (count < 0: no limit; a
// negative offset or a zero count select nothing). Seeking to the first
// member, offset included, costs O(log n).
func (s *Set) RangeByScore(r ScoreRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	walk(s, scoreBounds(r), reverse, offset, count, fn)
}

// RangeByLex is RangeByScore for a lexicographic range (ZRANGEBYLEX).
func (s *Set) RangeByLex(r LexRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	walk(s, lexBounds(r), reverse, offset, count, fn)
}

// CountInScore returns how many members have scores in r (ZCOUNT), in
// O(log n).
func (s *Set) CountInScore(r ScoreRange) int { return count(s, scoreBounds(r)) }

// CountInLex returns how many members are in r (ZLEXCOUNT), in O(log n).
func (s *Set) CountInLex(r LexRange) int { return count(s, lexBounds(r)) }

// DeleteRangeByScore removes the members whose scores are in r
// (ZREMRANGEBYSCORE), calling fn (if not nil) with each in ascending order,
// and returns how many it removed.
func (s *Set) DeleteRangeByScore(r ScoreRange, fn func(member string, score float64)) int {
	return deleteRange(s, scoreBounds(r), fn)
}

// DeleteRangeByLex removes the members in r (ZREMRANGEBYLEX), calling fn
// (if not nil) with each in ascending order, and returns how many it
// removed.
func (s *Set) DeleteRangeByLex(r LexRange, fn func(member string, score float64)) int {
	return deleteRange(s, lexBounds(r), fn)
}

// DeleteRangeByRank removes the members of 0-based ranks start to stop,
// both inclusive, in ascending order (ZREMRANGEBYRANK, negative indexes
// already converted; start below 0 counts as 0 and stop past the end as the
// last rank), calling fn (if not nil) with each, and returns how many it
// removed.
func (s *Set) DeleteRangeByRank(start, stop int, fn func(member string, score float64)) int {
	start, stop = max(start, 0), min(stop, s.length-1)
	if start > stop {
		return 0
	}
	var update [maxLevel]*node
	x, traversed := &s.head, 0
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && traversed+x.span(i) <= start; f = x.forward(i) {
			traversed += x.span(i)
			x = f
		}
		update[i] = x
	}
	n := 0
	for x = x.next; n <= stop-start; n++ {
		next := x.next
		s.unlink(x, &update)
		s.dict.Delete(x.member)
		if fn != nil {
			fn(x.member, x.score)
		}
		x = next
	}
	return n
}
