package zset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// checkSet verifies every invariant of the skip list: order, backward and
// tail links, the member map, the membership of every level, and every span
// (including those of links that end a level, which span to the end).
func checkSet(t *testing.T, s *Set) {
	t.Helper()
	if s.dict == nil {
		require.Zero(t, s.length)
		return
	}
	require.Equal(t, s.dict.Len(), s.length, "table and length disagree")
	require.GreaterOrEqual(t, s.level, 1)
	require.LessOrEqual(t, s.level, maxLevel)
	require.Equal(t, maxLevel, s.head.levels())

	// Level 0: order, ranks, backward links, map.
	rank := map[*node]int{&s.head: 0}
	var prev *node
	r := 0
	for x := s.head.next; x != nil; x = x.next {
		r++
		rank[x] = r
		if prev != nil {
			require.True(t, prev.before(x.score, x.member), "order broken at rank %d: (%v %q) then (%v %q)",
				r, prev.score, prev.member, x.score, x.member)
		}
		require.Same(t, prev, x.backward, "backward link of %q", x.member)
		require.Same(t, x, s.dict.GetShared(x.member), "table entry of %q", x.member)
		require.False(t, x.score != x.score, "NaN score stored")
		require.LessOrEqual(t, x.levels(), maxLevel)
		prev = x
	}
	require.Equal(t, s.length, r, "level 0 length")
	require.Same(t, prev, s.tail, "tail")

	// Upper levels: each holds exactly the nodes that tall, with spans
	// equal to rank differences.
	for i := range s.level {
		var want []*node
		for x := s.head.next; x != nil; x = x.next {
			if x.levels() > i {
				want = append(want, x)
			}
		}
		var got []*node
		for x := &s.head; ; {
			f := x.forward(i)
			if f == nil {
				require.Equal(t, s.length-rank[x], x.span(i), "end span at level %d after rank %d", i, rank[x])
				break
			}
			require.Equal(t, rank[f]-rank[x], x.span(i), "span at level %d from rank %d", i, rank[x])
			got = append(got, f)
			x = f
		}
		require.Equal(t, want, got, "membership of level %d", i)
	}
	if s.length > 0 {
		require.NotNil(t, s.head.forward(s.level-1), "top level %d is empty", s.level)
	} else {
		require.Equal(t, 1, s.level)
	}
	for i := s.level; i < maxLevel; i++ {
		require.Nil(t, s.head.forward(i), "header link above the top level %d", i)
	}
}
