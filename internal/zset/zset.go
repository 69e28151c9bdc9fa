// Package zset is the sorted set of Redis: members (binary-safe strings)
// ordered by a float64 score and then by member bytes, with O(1) score
// lookup and O(log n) insertion, removal, rank and range queries.
//
// # Layout
//
// A [Set] is Redis's zskiplist (p = 1/4, at most 32 levels, backward links
// at level 0, a span on every link so that ranks come from the same walk as
// positions) whose nodes are the entries of a hash table from member to
// node ([dict.Dict]): a node holds the member, its score, the backward and
// level-0 links and a pointer to its upper levels, and is the table's
// entry, in one 64-byte allocation; the quarter of the nodes with upper
// levels have them in an array of 16 bytes per level besides.
//
// Ranks are 0-based here, as in ZRANK; range bounds and LIMIT follow Redis
// (see [ScoreRange], [LexRange], [Set.RangeByScore]). Scores may be ±Inf but
// never NaN: the caller rejects NaN (Redis replies "resulting score is not a
// number"), and [Set.Add] ignores it.
//
// # Concurrency
//
// A Set is not safe for concurrent use. It is owned by one goroutine (a
// shard) or used under its owner's lock; it contains no locks of its own.
// Read-only methods write nothing (apart from RandomMember's use of the
// global random source), so readers sharing a Set under a read lock are
// safe.
package zset

import (
	"iter"
	"math/rand/v2"

	"github.com/kevydb/kevy/internal/dict"
)

// Set is a sorted set. The zero value is an empty set ready to use. A Set
// must not be copied after first use. It is not safe for concurrent use.
type Set struct {
	head   node // header: no member; maxLevel levels
	tail   *node
	length int
	level  int // levels in use, at least 1 once initialised
	dict   *dict.Dict[node]
}

// New returns an empty sorted set.
func New() *Set {
	s := &Set{}
	s.init(0)
	return s
}

func (s *Set) init(hint int) {
	s.head.setLevels(maxLevel)
	s.level = 1
	s.dict = dict.New[node](hint)
}

// Len returns the number of members.
func (s *Set) Len() int { return s.length }

// Score returns the score of member.
func (s *Set) Score(member string) (score float64, ok bool) {
	if s.dict == nil {
		return 0, false
	}
	x := s.dict.GetShared(member)
	if x == nil {
		return 0, false
	}
	return x.score, true
}

// Add sets the score of member, inserting it if absent, and reports whether
// it was inserted. Updating the score of an existing member moves it only
// if its position changes. A NaN score is ignored (Add returns false and
// changes nothing).
func (s *Set) Add(member string, score float64) (added bool) {
	if score != score {
		return false
	}
	if s.dict == nil {
		s.init(0)
	}
	x, inserted := s.dict.GetOrInsert(member)
	if !inserted {
		s.update(x, score)
		return false
	}
	x.score = score
	x.setLevels(randomLevel())
	s.insertNode(x)
	return true
}

// update changes the score of x, which is in the set.
func (s *Set) update(x *node, score float64) {
	if x.score == score {
		return
	}
	// Still between its neighbours: only the score changes.
	if (x.backward == nil || x.backward.before(score, x.member)) &&
		(x.next == nil || x.next.after(score, x.member)) {
		x.score = score
		return
	}
	var update [maxLevel]*node
	s.path(x.score, x.member, &update, nil)
	s.unlink(x, &update)
	// Reinsert the same node (its links are all rewritten): it is the
	// table's entry.
	x.score = score
	s.insertNode(x)
}

// Remove deletes member and reports whether it was present.
func (s *Set) Remove(member string) bool {
	if s.dict == nil {
		return false
	}
	x := s.dict.GetShared(member)
	if x == nil {
		return false
	}
	s.removeNode(x)
	return true
}

// removeNode unlinks x and forgets its member.
func (s *Set) removeNode(x *node) {
	var update [maxLevel]*node
	s.path(x.score, x.member, &update, nil)
	s.unlink(x, &update)
	s.dict.Delete(x.member)
}

// Rank returns the 0-based rank of member in ascending order, or in
// descending order when reverse is set (ZREVRANK), in O(log n).
func (s *Set) Rank(member string, reverse bool) (rank int, ok bool) {
	if s.dict == nil {
		return 0, false
	}
	x := s.dict.GetShared(member)
	if x == nil {
		return 0, false
	}
	r := s.rankOf(x) - 1
	if reverse {
		r = s.length - 1 - r
	}
	return r, true
}

// At returns the member of 0-based rank r in ascending order, or in
// descending order when reverse is set, in O(log n).
func (s *Set) At(r int, reverse bool) (member string, score float64, ok bool) {
	if r < 0 || r >= s.length {
		return "", 0, false
	}
	if reverse {
		r = s.length - 1 - r
	}
	x := s.byRank(r + 1)
	return x.member, x.score, true
}

// RandomMember returns a member chosen uniformly at random, in O(log n).
func (s *Set) RandomMember() (member string, score float64, ok bool) {
	if s.length == 0 {
		return "", 0, false
	}
	return s.At(rand.IntN(s.length), false)
}

// PopMin removes up to count members with the lowest scores, calling fn (if
// not nil) with each in ascending order, and returns how many it removed.
func (s *Set) PopMin(count int, fn func(member string, score float64)) int {
	n := 0
	for ; n < count && s.length > 0; n++ {
		x := s.head.next
		// The first node's predecessor at every level is the header.
		var update [maxLevel]*node
		for i := range s.level {
			update[i] = &s.head
		}
		s.unlink(x, &update)
		s.dict.Delete(x.member)
		if fn != nil {
			fn(x.member, x.score)
		}
	}
	return n
}

// PopMax removes up to count members with the highest scores, calling fn
// (if not nil) with each in descending order, and returns how many it
// removed.
func (s *Set) PopMax(count int, fn func(member string, score float64)) int {
	n := 0
	for ; n < count && s.length > 0; n++ {
		x := s.tail
		s.removeNode(x)
		if fn != nil {
			fn(x.member, x.score)
		}
	}
	return n
}

// All returns an iterator over the members and scores in ascending order.
// The set must not be modified during the iteration.
func (s *Set) All() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for x := s.head.next; x != nil; x = x.next {
			if !yield(x.member, x.score) {
				return
			}
		}
	}
}

// Backward returns an iterator over the members and scores in descending
// order. The set must not be modified during the iteration.
func (s *Set) Backward() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for x := s.tail; x != nil; x = x.backward {
			if !yield(x.member, x.score) {
				return
			}
		}
	}
}

// Iterator walks a Set in order, one member per Next call, so that a
// snapshot writer can stream a large set in pieces. It stays valid only
// while the set is not modified.
type Iterator struct {
	x       *node
	reverse bool
}

// Iter returns an Iterator positioned before the first member (the last one
// when reverse is set).
func (s *Set) Iter(reverse bool) Iterator {
	if reverse {
		return Iterator{x: s.tail, reverse: true}
	}
	return Iterator{x: s.head.next}
}

// Next returns the next member and its score, or ok false at the end.
func (it *Iterator) Next() (member string, score float64, ok bool) {
	x := it.x
	if x == nil {
		return "", 0, false
	}
	if it.reverse {
		it.x = x.backward
	} else {
		it.x = x.next
	}
	return x.member, x.score, true
}

// Clone returns an independent copy of s in O(n).
func (s *Set) Clone() *Set {
	c := &Set{}
	c.init(s.length)
	if s.length == 0 {
		return c
	}
	// Append in order, keeping the last node and its rank at every level.
	var last [maxLevel]*node
	var lastRank [maxLevel]int
	for i := range last {
		last[i] = &c.head
	}
	var prev *node
	for x := s.head.next; x != nil; x = x.next {
		lvl := randomLevel()
		y, _ := c.dict.GetOrInsert(x.member)
		y.score = x.score
		y.setLevels(lvl)
		c.length++
		c.level = max(c.level, lvl)
		for i := range lvl {
			last[i].setForward(i, y)
			last[i].setSpan(i, c.length-lastRank[i])
			last[i], lastRank[i] = y, c.length
		}
		y.backward = prev
		prev = y
	}
	c.tail = prev
	// Links that end the list span to its end.
	for i := range c.level {
		last[i].setSpan(i, c.length-lastRank[i])
	}
	return c
}
