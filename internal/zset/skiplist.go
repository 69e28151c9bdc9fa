package zset

import (
	"math/bits"
	"math/rand/v2"
	"unsafe"
)

// maxLevel is the most levels a node can have (Redis's ZSKIPLIST_MAXLEVEL);
// with p = 1/4 it is enough for 2^64 elements.
const maxLevel = 32

// level is one of a node's upper links: the next node at that level and
// the number of level-0 steps it skips (its span). For a nil forward, span is
// the number of nodes after this one.
type level struct {
	forward *node
	span    int
}

// node is one member. It is the value of its member's entry in the Set's
// dict.Dict (which keeps it at a fixed address, its member first as the
// dict requires), so a member costs one 64-byte allocation for both its
// hash-table entry and its skip-list node. Level 0 is stored inline as
// next, with an implicit span of 1 (0 for the last node); levels 1 and up
// are in an array of their own that up points to (for the quarter of the
// nodes that have them).
type node struct {
	member   string
	score    float64
	backward *node  // previous node at level 0; nil for the first
	next     *node  // level-0 forward
	up       *level // levels 1 to lvl-1; nil when lvl is 1
	lvl      uint8
}

// setLevels gives x lvl levels, all unlinked.
func (x *node) setLevels(lvl int) {
	x.lvl = uint8(lvl)
	x.up = nil
	if lvl > 1 {
		x.up = &make([]level, lvl-1)[0]
	}
}

// upper returns x's level i >= 1.
func (x *node) upper(i int) *level { return &unsafe.Slice(x.up, int(x.lvl)-1)[i-1] }

// randomLevel returns a level of at least 1 where each further level has
// probability 1/4 (Redis's ZSKIPLIST_P), at most maxLevel.
func randomLevel() int {
	// Each pair of trailing zero bits is one more level; bit 62 caps the
	// count at 31 pairs.
	return 1 + bits.TrailingZeros64(rand.Uint64()|1<<62)/2
}

func (x *node) levels() int { return int(x.lvl) }

func (x *node) forward(i int) *node {
	if i == 0 {
		return x.next
	}
	return x.upper(i).forward
}

func (x *node) setForward(i int, f *node) {
	if i == 0 {
		x.next = f
		return
	}
	x.upper(i).forward = f
}

func (x *node) span(i int) int {
	if i == 0 {
		if x.next == nil {
			return 0
		}
		return 1
	}
	return x.upper(i).span
}

// setSpan sets the span of level i; level 0's span is implicit.
func (x *node) setSpan(i, s int) {
	if i > 0 {
		x.upper(i).span = s
	}
}

func (x *node) addSpan(i, d int) {
	if i > 0 {
		x.upper(i).span += d
	}
}

// before reports whether x sorts before (score, member): by score, then by
// member bytes.
func (x *node) before(score float64, member string) bool {
	return x.score < score || x.score == score && x.member < member
}

// after reports whether x sorts after (score, member).
func (x *node) after(score float64, member string) bool {
	return x.score > score || x.score == score && x.member > member
}

// path fills update with the last node before (score, member) at every
// level in use, and rank (if not nil) with each one's rank (the header has
// rank 0).
func (s *Set) path(score float64, member string, update *[maxLevel]*node, rank *[maxLevel]int) {
	x := &s.head
	r := 0
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && f.before(score, member); f = x.forward(i) {
			r += x.span(i)
			x = f
		}
		update[i] = x
		if rank != nil {
			rank[i] = r
		}
	}
}

// insertNode links x, whose member is not in the list, at its place.
func (s *Set) insertNode(x *node) {
	var update [maxLevel]*node
	var rank [maxLevel]int
	s.path(x.score, x.member, &update, &rank)
	lvl := x.levels()
	if lvl > s.level {
		for i := s.level; i < lvl; i++ {
			rank[i] = 0
			update[i] = &s.head
			s.head.setSpan(i, s.length)
		}
		s.level = lvl
	}
	for i := range lvl {
		x.setForward(i, update[i].forward(i))
		update[i].setForward(i, x)
		// update[i] is rank[i]; x will be rank[0]+1.
		x.setSpan(i, update[i].span(i)-(rank[0]-rank[i]))
		update[i].setSpan(i, rank[0]-rank[i]+1)
	}
	for i := lvl; i < s.level; i++ {
		update[i].addSpan(i, 1)
	}
	if update[0] != &s.head {
		x.backward = update[0]
	} else {
		x.backward = nil
	}
	if x.next != nil {
		x.next.backward = x
	} else {
		s.tail = x
	}
	s.length++
}

// unlink removes x from the list, given update from path for x.
func (s *Set) unlink(x *node, update *[maxLevel]*node) {
	for i := range s.level {
		if update[i].forward(i) == x {
			update[i].setSpan(i, update[i].span(i)+x.span(i)-1)
			update[i].setForward(i, x.forward(i))
		} else {
			update[i].addSpan(i, -1)
		}
	}
	if x.next != nil {
		x.next.backward = x.backward
	} else {
		s.tail = x.backward
	}
	for s.level > 1 && s.head.forward(s.level-1) == nil {
		s.level--
	}
	s.length--
}

// byRank returns the node of 1-based rank r, 1 <= r <= length, in
// O(log n).
func (s *Set) byRank(r int) *node {
	x := &s.head
	traversed := 0
	for i := s.level - 1; i >= 0; i-- {
		for f := x.forward(i); f != nil && traversed+x.span(i) <= r; f = x.forward(i) {
			traversed += x.span(i)
			x = f
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// rankOf returns the 1-based rank of x, which is in the list.
func (s *Set) rankOf(x *node) int {
	n := &s.head
	r := 0
	for i := s.level - 1; i >= 0; i-- {
		for f := n.forward(i); f != nil && !f.after(x.score, x.member); f = n.forward(i) {
			r += n.span(i)
			n = f
		}
		if n == x {
			return r
		}
	}
	return 0
}
