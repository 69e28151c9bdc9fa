package zset

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"unsafe"
)

// entry is one member of the model: a slice kept sorted like the set.
type entry struct {
	member string
	score  float64
}

func cmpEntry(a, b entry) int {
	if c := cmp.Compare(a.score, b.score); c != 0 {
		return c
	}
	return cmp.Compare(a.member, b.member)
}

type model struct{ e []entry }

func (m *model) find(member string) int {
	return slices.IndexFunc(m.e, func(e entry) bool { return e.member == member })
}

func (m *model) add(member string, score float64) bool {
	i := m.find(member)
	if i >= 0 {
		m.e = slices.Delete(m.e, i, i+1)
	}
	e := entry{member, score}
	j, _ := slices.BinarySearchFunc(m.e, e, cmpEntry)
	m.e = slices.Insert(m.e, j, e)
	return i < 0
}

func (m *model) remove(member string) bool {
	i := m.find(member)
	if i >= 0 {
		m.e = slices.Delete(m.e, i, i+1)
	}
	return i >= 0
}

// filter returns the entries for which in is true, in order.
func (m *model) filter(in func(entry) bool) []entry {
	var out []entry
	for _, e := range m.e {
		if in(e) {
			out = append(out, e)
		}
	}
	return out
}

// limit applies REV, LIMIT offset count to a selection.
func limit(sel []entry, reverse bool, offset, count int) []entry {
	sel = slices.Clone(sel)
	if reverse {
		slices.Reverse(sel)
	}
	if offset < 0 || offset >= len(sel) {
		return nil
	}
	sel = sel[offset:]
	if count >= 0 && count < len(sel) {
		sel = sel[:count]
	}
	if len(sel) == 0 {
		return nil
	}
	return sel
}

// requireEntries is require.Equal that treats nil and empty alike.
func requireEntries(t *testing.T, want, got []entry, msgAndArgs ...any) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	require.Equal(t, want, got, msgAndArgs...)
}

func collect(f func(fn func(string, float64) bool)) []entry {
	var out []entry
	f(func(m string, s float64) bool {
		out = append(out, entry{m, s})
		return true
	})
	return out
}

func collectDel(f func(fn func(string, float64)) int) ([]entry, int) {
	var out []entry
	n := f(func(m string, s float64) { out = append(out, entry{m, s}) })
	return out, n
}

var scores = []float64{math.Inf(-1), -2.5, -1, 0, 1, 1, 2, 3.25, 10, math.Inf(1)}

func randomScoreRange(rng *rand.Rand) ScoreRange {
	return ScoreRange{
		Min: scores[rng.IntN(len(scores))], Max: scores[rng.IntN(len(scores))],
		MinEx: rng.IntN(2) == 0, MaxEx: rng.IntN(2) == 0,
	}
}

func inScore(r ScoreRange) func(entry) bool {
	return func(e entry) bool {
		lo := e.score > r.Min || !r.MinEx && e.score == r.Min
		hi := e.score < r.Max || !r.MaxEx && e.score == r.Max
		return lo && hi
	}
}

// TestModel runs random adds, updates and removes against a sorted slice,
// checking every query kind along the way.
func TestModel(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 3))
			var s Set // the zero value works
			var m model
			steps := 6000
			if testing.Short() {
				steps = 1500
			}
			pool := 300
			for step := range steps {
				member := fmt.Sprint("m", rng.IntN(pool))
				switch op := rng.IntN(20); {
				case op < 8:
					score := scores[rng.IntN(len(scores))]
					if rng.IntN(3) == 0 {
						score = float64(rng.IntN(100)) / 8
					}
					require.Equal(t, m.add(member, score), s.Add(member, score))
				case op < 12:
					require.Equal(t, m.remove(member), s.Remove(member))
				case op < 13:
					cnt := rng.IntN(4)
					var want []entry
					if rng.IntN(2) == 0 {
						want = slices.Clone(m.e[:min(cnt, len(m.e))])
						got, n := collectDel(func(fn func(string, float64)) int { return s.PopMin(cnt, fn) })
						requireEntries(t, want, got)
						require.Equal(t, len(want), n)
					} else {
						want = limit(m.e, true, 0, cnt)
						got, n := collectDel(func(fn func(string, float64)) int { return s.PopMax(cnt, fn) })
						requireEntries(t, want, got)
						require.Equal(t, len(want), n)
					}
					for _, e := range want {
						m.remove(e.member)
					}
				case op < 14:
					r := randomScoreRange(rng)
					want := m.filter(inScore(r))
					got, n := collectDel(func(fn func(string, float64)) int { return s.DeleteRangeByScore(r, fn) })
					requireEntries(t, want, got, "DeleteRangeByScore %+v", r)
					require.Equal(t, len(want), n)
					for _, e := range want {
						m.remove(e.member)
					}
				case op < 15:
					start, stop := rng.IntN(len(m.e)+4)-2, rng.IntN(len(m.e)+4)-2
					lo, hi := max(start, 0), min(stop, len(m.e)-1)
					var want []entry
					if lo <= hi {
						want = slices.Clone(m.e[lo : hi+1])
					}
					got, n := collectDel(func(fn func(string, float64)) int { return s.DeleteRangeByRank(start, stop, fn) })
					requireEntries(t, want, got, "DeleteRangeByRank %d %d", start, stop)
					require.Equal(t, len(want), n)
					for _, e := range want {
						m.remove(e.member)
					}
				default:
					checkQueries(t, rng, &s, &m)
				}
				require.Equal(t, len(m.e), s.Len())
				if step%97 == 0 {
					checkSet(t, &s)
				}
			}
			checkSet(t, &s)
			checkAll(t, &s, &m)
		})
	}
}

// checkQueries checks one random query of every read-only kind.
func checkQueries(t *testing.T, rng *rand.Rand, s *Set, m *model) {
	t.Helper()
	n := len(m.e)
	member := fmt.Sprint("m", rng.IntN(300))
	i := m.find(member)
	score, ok := s.Score(member)
	require.Equal(t, i >= 0, ok)
	for _, rev := range []bool{false, true} {
		rank, ok := s.Rank(member, rev)
		require.Equal(t, i >= 0, ok)
		if i >= 0 {
			require.Equal(t, m.e[i].score, score)
			want := i
			if rev {
				want = n - 1 - i
			}
			require.Equal(t, want, rank, "Rank(%q, %v)", member, rev)
		}
	}
	if n > 0 {
		r := rng.IntN(n)
		mem, sc, ok := s.At(r, false)
		require.True(t, ok)
		require.Equal(t, m.e[r], entry{mem, sc})
		mem, sc, ok = s.At(r, true)
		require.True(t, ok)
		require.Equal(t, m.e[n-1-r], entry{mem, sc})
	}
	_, _, ok = s.At(n, false)
	require.False(t, ok)
	_, _, ok = s.At(-1, true)
	require.False(t, ok)

	start, stop := rng.IntN(n+4)-2, rng.IntN(n+4)-2
	rev := rng.IntN(2) == 0
	lo, hi := max(start, 0), min(stop, n-1)
	var want []entry
	if lo <= hi {
		sel := slices.Clone(m.e)
		if rev {
			slices.Reverse(sel)
		}
		want = sel[lo : hi+1]
	}
	requireEntries(t, want, collect(func(fn func(string, float64) bool) { s.ByRank(start, stop, rev, fn) }),
		"ByRank %d %d rev=%v", start, stop, rev)

	r := randomScoreRange(rng)
	offset, count := rng.IntN(6)-1, rng.IntN(8)-2
	sel := m.filter(inScore(r))
	require.Equal(t, len(sel), s.CountInScore(r), "CountInScore %+v", r)
	requireEntries(t, limit(sel, rev, offset, count),
		collect(func(fn func(string, float64) bool) { s.RangeByScore(r, rev, offset, count, fn) }),
		"RangeByScore %+v rev=%v offset=%d count=%d", r, rev, offset, count)
}

// checkAll compares full iterations.
func checkAll(t *testing.T, s *Set, m *model) {
	t.Helper()
	var fwd, bwd, it, itRev []entry
	for mem, sc := range s.All() {
		fwd = append(fwd, entry{mem, sc})
	}
	for mem, sc := range s.Backward() {
		bwd = append(bwd, entry{mem, sc})
	}
	for i := s.Iter(false); ; {
		mem, sc, ok := i.Next()
		if !ok {
			break
		}
		it = append(it, entry{mem, sc})
	}
	for i := s.Iter(true); ; {
		mem, sc, ok := i.Next()
		if !ok {
			break
		}
		itRev = append(itRev, entry{mem, sc})
	}
	want := slices.Clone(m.e)
	requireEntries(t, want, fwd)
	requireEntries(t, want, it)
	slices.Reverse(want)
	requireEntries(t, want, bwd)
	requireEntries(t, want, itRev)
}

// TestLexModel checks lexicographic queries on sets whose members share one
// score, the case Redis defines.
func TestLexModel(t *testing.T) {
	alphabet := []string{"", "a", "aa", "ab", "b", "ba", "c", "\x00", "\xff", "a\x00"}
	bound := func(rng *rand.Rand) string {
		switch rng.IntN(8) {
		case 0:
			return "-"
		case 1:
			return "+"
		}
		p := "["
		if rng.IntN(2) == 0 {
			p = "("
		}
		return p + alphabet[rng.IntN(len(alphabet))]
	}
	for seed := range uint64(4) {
		rng := rand.New(rand.NewPCG(seed, 5))
		s := New()
		var m model
		for range 200 {
			a, b := alphabet[rng.IntN(len(alphabet))], alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(4) == 0 {
				require.Equal(t, m.remove(a+b), s.Remove(a+b))
			} else {
				require.Equal(t, m.add(a+b, 7), s.Add(a+b, 7))
			}
			min, max := bound(rng), bound(rng)
			r, ok := ParseLexRange(min, max)
			require.True(t, ok)
			in := func(e entry) bool { return lexIn(e.member, min, max) }
			sel := m.filter(in)
			require.Equal(t, len(sel), s.CountInLex(r), "ZLEXCOUNT %q %q", min, max)
			rev := rng.IntN(2) == 0
			offset, count := rng.IntN(4)-1, rng.IntN(6)-2
			requireEntries(t, limit(sel, rev, offset, count),
				collect(func(fn func(string, float64) bool) { s.RangeByLex(r, rev, offset, count, fn) }),
				"RANGEBYLEX %q %q rev=%v limit %d %d", min, max, rev, offset, count)
			if rng.IntN(10) == 0 {
				got, n := collectDel(func(fn func(string, float64)) int { return s.DeleteRangeByLex(r, fn) })
				requireEntries(t, sel, got, "ZREMRANGEBYLEX %q %q", min, max)
				require.Equal(t, len(sel), n)
				for _, e := range sel {
					m.remove(e.member)
				}
			}
			checkSet(t, s)
		}
		checkAll(t, s, &m)
	}
}

// lexIn is an independent statement of Redis's lexicographic range test.
func lexIn(member, min, max string) bool {
	geMin := min == "-" ||
		min != "+" && (min[0] == '[' && member >= min[1:] || min[0] == '(' && member > min[1:])
	leMax := max == "+" ||
		max != "-" && (max[0] == '[' && member <= max[1:] || max[0] == '(' && member < max[1:])
	return geMin && leMax
}

func TestParseLexRange(t *testing.T) {
	cases := []struct {
		min, max string
		ok       bool
		want     LexRange
	}{
		{"-", "+", true, LexRange{MinInf: true, MaxInf: true}},
		{"[a", "(b", true, LexRange{Min: "a", Max: "b", MaxEx: true}},
		{"(", "[", true, LexRange{MinEx: true}},
		{"+", "[z", true, emptyLex},
		{"[a", "-", true, emptyLex},
		{"a", "+", false, LexRange{}},
		{"[a", "", false, LexRange{}},
		{"-x", "+", false, LexRange{}},
		{"-", "+x", false, LexRange{}},
	}
	for _, tc := range cases {
		t.Run(tc.min+" "+tc.max, func(t *testing.T) {
			r, ok := ParseLexRange(tc.min, tc.max)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, r)
		})
	}
	s := New()
	s.Add("a", 0)
	assert.Zero(t, s.CountInLex(emptyLex))
}

// FuzzParseLexRange checks that parsing never panics and that a parsed
// range selects exactly the members Redis's rules select.
func FuzzParseLexRange(f *testing.F) {
	for _, seed := range [][3]string{
		{"-", "+", "a"}, {"[a", "(b", "a"}, {"(a", "[a", "a"}, {"+", "-", ""},
		{"[", "(", ""}, {"x", "+", "x"}, {"", "", ""}, {"(\xff", "+", "\xff\x00"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, min, max, member string) {
		r, ok := ParseLexRange(min, max)
		valid := func(b string) bool {
			return b == "-" || b == "+" || len(b) > 0 && (b[0] == '[' || b[0] == '(')
		}
		require.Equal(t, valid(min) && valid(max), ok)
		if !ok {
			return
		}
		s := New()
		s.Add(member, 0)
		want := 0
		if lexIn(member, min, max) {
			want = 1
		}
		require.Equal(t, want, s.CountInLex(r), "member %q in %q %q", member, min, max)
	})
}

func TestUpdateInPlace(t *testing.T) {
	s := New()
	for i := range 10 {
		s.Add(fmt.Sprint(i), float64(i))
	}
	x := s.dict.GetShared("5")
	// Between its neighbours: the node stays where it is.
	assert.False(t, s.Add("5", 5.5))
	assert.Same(t, x, s.dict.GetShared("5"))
	assert.Same(t, s.dict.GetShared("4"), x.backward)
	// Past a neighbour: the same node moves.
	assert.False(t, s.Add("5", 100))
	assert.Same(t, x, s.dict.GetShared("5"))
	assert.Same(t, x, s.tail)
	r, _ := s.Rank("5", false)
	assert.Equal(t, 9, r)
	// Ties order by member.
	s.Add("5", 3)
	r, _ = s.Rank("5", false)
	assert.Equal(t, 4, r, "5 sorts after 3 at score 3")
	checkSet(t, s)
}

func TestNaNIgnored(t *testing.T) {
	s := New()
	assert.False(t, s.Add("a", math.NaN()))
	assert.Zero(t, s.Len())
	s.Add("a", 1)
	assert.False(t, s.Add("a", math.NaN()))
	sc, _ := s.Score("a")
	assert.Equal(t, 1.0, sc)
	checkSet(t, s)
}

func TestInfinities(t *testing.T) {
	s := New()
	s.Add("lo", math.Inf(-1))
	s.Add("hi", math.Inf(1))
	s.Add("mid", 0)
	all := ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}
	assert.Equal(t, 3, s.CountInScore(all))
	assert.Equal(t, 1, s.CountInScore(ScoreRange{Min: math.Inf(-1), Max: math.Inf(1), MinEx: true, MaxEx: true}))
	assert.Equal(t, 1, s.CountInScore(ScoreRange{Min: math.Inf(1), Max: math.Inf(1)}))
	assert.Zero(t, s.CountInScore(ScoreRange{Min: math.Inf(1), Max: math.Inf(1), MinEx: true}))
	checkSet(t, s)
}

func TestZeroValueAndEmpty(t *testing.T) {
	var s Set
	assert.Zero(t, s.Len())
	_, ok := s.Score("a")
	assert.False(t, ok)
	_, ok = s.Rank("a", false)
	assert.False(t, ok)
	assert.False(t, s.Remove("a"))
	_, _, ok = s.RandomMember()
	assert.False(t, ok)
	assert.Zero(t, s.PopMin(3, nil))
	assert.Zero(t, s.PopMax(3, nil))
	all := ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}
	assert.Zero(t, s.CountInScore(all))
	assert.Zero(t, s.DeleteRangeByScore(all, nil))
	assert.Zero(t, s.DeleteRangeByRank(0, -1, nil))
	assert.Zero(t, s.DeleteRangeByLex(LexRange{MinInf: true, MaxInf: true}, nil))
	s.ByRank(0, -1, false, func(string, float64) bool { t.Fatal("ByRank on empty set"); return false })
	s.RangeByScore(all, true, 0, -1, func(string, float64) bool { t.Fatal("RangeByScore on empty set"); return false })
	for range s.All() {
		t.Fatal("All on empty set")
	}
	it := s.Iter(false)
	_, _, ok = it.Next()
	assert.False(t, ok)
	c := s.Clone()
	assert.Zero(t, c.Len())
	checkSet(t, c)
	assert.True(t, s.Add("a", 1))
	checkSet(t, &s)
}

func TestStopEarly(t *testing.T) {
	s := New()
	for i := range 50 {
		s.Add(fmt.Sprint(i), float64(i))
	}
	all := ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}
	for _, f := range []func(fn func(string, float64) bool){
		func(fn func(string, float64) bool) { s.ByRank(0, -1+50, false, fn) },
		func(fn func(string, float64) bool) { s.ByRank(0, 49, true, fn) },
		func(fn func(string, float64) bool) { s.RangeByScore(all, false, 0, -1, fn) },
		func(fn func(string, float64) bool) { s.RangeByScore(all, true, 0, -1, fn) },
		func(fn func(string, float64) bool) {
			s.RangeByLex(LexRange{MinInf: true, MaxInf: true}, false, 0, -1, fn)
		},
	} {
		n := 0
		f(func(string, float64) bool { n++; return n < 3 })
		assert.Equal(t, 3, n)
	}
	n := 0
	for range s.Backward() {
		if n++; n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
}

func TestClone(t *testing.T) {
	for _, n := range []int{1, 2, 100, 5000} {
		s := New()
		for i := range n {
			s.Add(fmt.Sprint("m", i), float64(i%17))
		}
		c := s.Clone()
		checkSet(t, c)
		var m model
		for mem, sc := range s.All() {
			m.e = append(m.e, entry{mem, sc})
		}
		checkAll(t, c, &m)
		// Independent: changing the clone leaves the original alone.
		c.Add("m0", 1000)
		c.Remove("m1")
		sc, _ := s.Score("m0")
		assert.Zero(t, sc)
		if n > 1 {
			_, ok := s.Score("m1")
			assert.True(t, ok)
		}
		checkSet(t, c)
		checkSet(t, s)
	}
}

func TestRandomMember(t *testing.T) {
	s := New()
	const n = 64
	for i := range n {
		s.Add(fmt.Sprint(i), float64(i))
	}
	counts := map[string]int{}
	const draws = n * 200
	for range draws {
		m, sc, ok := s.RandomMember()
		require.True(t, ok)
		require.Equal(t, m, fmt.Sprint(sc))
		counts[m]++
	}
	require.Len(t, counts, n)
	for m, c := range counts {
		assert.InDelta(t, 200, c, 100, "member %q drawn %d times", m, c)
	}
}

func TestTallNodes(t *testing.T) {
	// Exercise every node height.
	s := New()
	for lvl := 1; lvl <= maxLevel; lvl++ {
		x, inserted := s.dict.GetOrInsert(fmt.Sprintf("n%02d", lvl))
		require.True(t, inserted)
		x.score = float64(lvl)
		x.setLevels(lvl)
		require.Equal(t, lvl, x.levels())
		s.insertNode(x)
	}
	checkSet(t, s)
	assert.Equal(t, maxLevel, s.level)
	for lvl := maxLevel; lvl >= 1; lvl -= 2 {
		require.True(t, s.Remove(fmt.Sprintf("n%02d", lvl)))
		checkSet(t, s)
	}
	for range 10000 {
		l := randomLevel()
		require.GreaterOrEqual(t, l, 1)
		require.LessOrEqual(t, l, maxLevel)
	}
}

// TestNodeSize pins the 56-byte node that, as its member's dict entry,
// fills a 64-byte allocation (docs/memory.md).
func TestNodeSize(t *testing.T) {
	assert.Equal(t, uintptr(56), unsafe.Sizeof(node{}))
}
