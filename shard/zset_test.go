package shard

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/zset"
	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zsetModel is the reference for ZSet: a sorted slice of entries.
type zsetModel struct{ e []zsetEntry }

func (m *zsetModel) find(member string) int {
	for i := range m.e {
		if m.e[i].member == member {
			return i
		}
	}
	return -1
}

func (m *zsetModel) set(member string, score float64) bool {
	i := m.find(member)
	if i >= 0 {
		if m.e[i].score == score {
			return false // equal scores (0 and -0 too) leave it as it is
		}
		m.e = slices.Delete(m.e, i, i+1)
	}
	m.e = append(m.e, zsetEntry{member, score})
	slices.SortFunc(m.e, zsetCompare)
	return i < 0
}

func (m *zsetModel) remove(member string) bool {
	i := m.find(member)
	if i >= 0 {
		m.e = slices.Delete(m.e, i, i+1)
	}
	return i >= 0
}

// entries returns the set's members in order.
func zsetEntries(z *ZSet) []zsetEntry {
	var out []zsetEntry
	z.each(false, func(m string, s float64) bool {
		out = append(out, zsetEntry{m, s})
		return true
	})
	return out
}

// zsetOps applies operations coded in data to a ZSet and the model,
// checking every result, the order, the encoding rules (listpack until a
// 129th member or one longer than 64 bytes arrives, skip list for good
// after) and the byte accounting.
func zsetOps(t testing.TB, data []byte) {
	z := NewZSet()
	var m zsetModel
	big := false
	member := func(a, b byte) string {
		if a%16 == 0 {
			return strings.Repeat("L", 60+int(b%8)) // around the 64-byte limit
		}
		return "m" + strconv.Itoa(int(b)%160)
	}
	score := func(a byte) float64 {
		switch a % 8 {
		case 0:
			return math.Inf(1)
		case 1:
			return math.Inf(-1)
		case 2:
			return math.Copysign(0, -1)
		}
		return float64(int(a)%9) - 4
	}
	for i := 0; i+2 < len(data); i += 3 {
		op, a, b := data[i], data[i+1], data[i+2]
		mem := member(a, b)
		switch op % 8 {
		case 0, 1, 2:
			s := score(a ^ b)
			if m.find(mem) < 0 && (len(m.e)+1 > zsetMaxListpackEntries || len(mem) > zsetMaxListpackValue) {
				big = true
			}
			ms := s
			if !big && ms == 0 {
				ms = 0 // a listpack keeps no -0
			}
			want := m.set(mem, ms)
			require.Equal(t, want, z.Set(mem, s, dflt), "set %q %v", mem, s)
		case 3:
			require.Equal(t, m.remove(mem), z.Remove(mem), "remove %q", mem)
		case 4:
			r, ok := z.Rank(mem, b%2 == 1)
			i := m.find(mem)
			require.Equal(t, i >= 0, ok)
			if ok {
				if b%2 == 1 {
					i = len(m.e) - 1 - i
				}
				require.Equal(t, i, r, "rank %q", mem)
			}
		case 5:
			n := int(b % 5)
			got := []zsetEntry{}
			z.pop(a%2 == 1, n, func(m string, s float64) { got = append(got, zsetEntry{m, s}) })
			want := []zsetEntry{}
			for range min(n, len(m.e)) {
				if a%2 == 1 {
					want = append(want, m.e[len(m.e)-1])
					m.e = m.e[:len(m.e)-1]
				} else {
					want = append(want, m.e[0])
					m.e = m.e[1:]
				}
			}
			require.Equal(t, want, got, "pop")
		case 6:
			r := zset.ScoreRange{Min: float64(int(a%9) - 4), Max: float64(int(b%9) - 4), MinEx: a&16 != 0, MaxEx: b&16 != 0}
			var want []zsetEntry
			for _, e := range m.e {
				if (e.score > r.Min || !r.MinEx && e.score == r.Min) && (e.score < r.Max || !r.MaxEx && e.score == r.Max) {
					want = append(want, e)
				}
			}
			require.Equal(t, len(want), z.countScore(r), "count %+v", r)
			var got []zsetEntry
			z.rangeByScore(r, false, 0, -1, func(m string, s float64) bool {
				got = append(got, zsetEntry{m, s})
				return true
			})
			require.Equal(t, want, got, "range %+v", r)
			if a%4 == 0 {
				require.Equal(t, len(want), z.deleteRangeByScore(r))
				for _, e := range want {
					m.remove(e.member)
				}
			}
		case 7:
			if n := len(m.e); n > 0 && a%3 == 0 {
				start, stop := int(a)%n, int(b)%n
				if start > stop {
					start, stop = stop, start
				}
				require.Equal(t, stop-start+1, z.deleteRangeByRank(start, stop))
				m.e = slices.Delete(m.e, start, stop+1)
			}
		}
	}
	require.Equal(t, len(m.e), z.Len())
	if len(m.e) == 0 {
		m.e = nil
	}
	require.Equal(t, m.e, zsetEntries(z))
	want := "listpack"
	if big {
		want = "skiplist"
	}
	require.Equal(t, want, z.Encoding())
	total := 0
	for _, e := range m.e {
		total += allocSize(len(e.member))
		s, ok := z.Score(e.member)
		require.True(t, ok)
		require.Equal(t, math.Float64bits(e.score), math.Float64bits(s), "score of %q", e.member)
	}
	if z.sl != nil {
		require.Equal(t, total, z.sl.bytes, "accounted member bytes")
		require.Greater(t, z.MemUsage(), total)
	} else {
		var strs []string
		var scores []float64
		for _, e := range m.e {
			strs, scores = append(strs, e.member), append(scores, e.score)
		}
		require.Equal(t, packedLen(strs, scores), len(z.lp.b), "listpack bytes")
		require.Equal(t, zsetBaseBytes+allocSize(cap(z.lp.b)), z.MemUsage())
	}
}

func TestZSetModel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 60 {
		data := make([]byte, 3*r.IntN(500))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		zsetOps(t, data)
	}
}

func FuzzZSetOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 3, 4, 3, 1, 2})
	f.Add([]byte{0, 16, 7, 6, 3, 9, 5, 1, 2, 7, 3, 9})
	f.Add(bytes.Repeat([]byte{1, 2, 3, 0, 5, 7}, 100))
	f.Fuzz(func(t *testing.T, data []byte) { zsetOps(t, data) })
}

func TestZSetConversionThresholds(t *testing.T) {
	z := NewZSet()
	for i := range zsetMaxListpackEntries {
		require.True(t, z.Set("m"+strconv.Itoa(i), float64(i), dflt))
	}
	assert.Equal(t, "listpack", z.Encoding())
	z.Set("m0", -1, dflt) // an update adds nothing
	assert.Equal(t, "listpack", z.Encoding())
	z.Set("new", 1, dflt)
	assert.Equal(t, "skiplist", z.Encoding())
	for i := range zsetMaxListpackEntries {
		z.Remove("m" + strconv.Itoa(i))
	}
	assert.Equal(t, "skiplist", z.Encoding(), "never back")

	assert.Equal(t, "listpack", newZSetFor(strings.Repeat("x", 64), dflt).Encoding())
	assert.Equal(t, "skiplist", newZSetFor(strings.Repeat("x", 65), dflt).Encoding())
	z = NewZSet()
	z.Set(strings.Repeat("x", 64), 1, dflt)
	assert.Equal(t, "listpack", z.Encoding())
	z.Set(strings.Repeat("y", 65), 1, dflt)
	assert.Equal(t, "skiplist", z.Encoding())

	long := []zsetEntry{{"a", 1}, {strings.Repeat("b", 65), 2}}
	assert.Equal(t, "skiplist", zsetFromSorted(long, dflt).Encoding())
	var many []zsetEntry
	for i := range 129 {
		many = append(many, zsetEntry{fmt.Sprintf("m%03d", i), 0})
	}
	assert.Equal(t, "listpack", zsetFromSorted(many[:128], dflt).Encoding())
	assert.Equal(t, "skiplist", zsetFromSorted(many, dflt).Encoding())
}

func TestZSetDupAndEmit(t *testing.T) {
	for _, n := range []int{3, 200} {
		z := NewZSet()
		for i := range n {
			z.Set("m"+strconv.Itoa(i), float64(i)/3, dflt)
		}
		z.Set("neg", math.Copysign(0, -1), dflt)
		z.Set("inf", math.Inf(1), dflt)
		d := z.Dup().(*ZSet)
		assert.Equal(t, z.Encoding(), d.Encoding())
		assert.Equal(t, zsetEntries(z), zsetEntries(d))
		assert.Equal(t, z.MemUsage(), d.MemUsage())
		d.Set("m0", 100, dflt)
		s, _ := z.Score("m0")
		assert.Zero(t, s, "a deep copy")

		// Replaying Emit's ZADDs rebuilds the same set (bit for bit, but
		// for a -0 that lands in a listpack, as in Redis).
		s2 := newHSStore(t, 1)
		var cmds int
		z.Emit("k", func(argv ...string) {
			cmds++
			assert.LessOrEqual(t, len(argv), 2+2*64)
			rep := s2.run(argv...)
			require.Equal(t, "integer", rep.Kind.String(), "%v", argv)
		})
		assert.Equal(t, (z.Len()+63)/64, cmds)
		got := s2.shards[0].DB(0).Find("k").Obj().(*ZSet)
		want := zsetEntries(z)
		have := zsetEntries(got)
		require.Equal(t, len(want), len(have))
		for i := range want {
			assert.Equal(t, want[i].member, have[i].member)
			assert.True(t, want[i].score == have[i].score, "%v %v", want[i].score, have[i].score)
		}
	}
}

func TestZSetRDBRoundTrip(t *testing.T) {
	for _, n := range []int{5, 300} {
		z := NewZSet()
		for i := range n {
			z.Set("m"+strconv.Itoa(i), float64(n-i)*1.5, dflt)
		}
		z.Set("x", math.Inf(-1), dflt)
		var buf bytes.Buffer
		w := rdb.NewWriter(&buf, rdb.WriterOptions{})
		require.NoError(t, w.SelectDB(0))
		require.NoError(t, ToRDB[TypeZSet](w, "k", z, 0))
		require.NoError(t, w.Close())
		rd := rdb.NewReader(bytes.NewReader(buf.Bytes()))
		e, err := rd.Next()
		require.NoError(t, err)
		require.Equal(t, rdb.TypeZSet, e.Type)
		obj, err := FromRDB[TypeZSet](e, dflt)
		require.NoError(t, err)
		assert.Equal(t, z.Encoding(), obj.Encoding())
		assert.Equal(t, zsetEntries(z), zsetEntries(obj.(*ZSet)))
	}
	_, err := FromRDB[TypeZSet](&rdb.Entry{Type: rdb.TypeZSet}, dflt)
	assert.Error(t, err)
	_, err = FromRDB[TypeZSet](&rdb.Entry{Type: rdb.TypeZSet, ZSet: []rdb.Member{{Member: "a", Score: 1}, {Member: "a", Score: 2}}}, dflt)
	assert.Error(t, err)
	_, err = FromRDB[TypeZSet](&rdb.Entry{Type: rdb.TypeZSet, ZSet: []rdb.Member{{Member: "a", Score: math.NaN()}}}, dflt)
	assert.Error(t, err)
}

func TestCStrtod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true},
		{"", 0, true},
		{" 1", 1, true},
		{"\t\n-2.5", -2.5, true},
		{"1 ", 0, false},
		{" ", 0, false},
		{"1\x00junk", 1, true},
		{"\x00", 0, true},
		{"0x10", 16, true},
		{"0x1p-2", 0.25, true},
		{"0x", 0, false},
		{"1e400", math.Inf(1), true},
		{"-1e400", math.Inf(-1), true},
		{"1e-400", 0, true},
		{"inf", math.Inf(1), true},
		{"-Infinity", math.Inf(-1), true},
		{"infx", 0, false},
		{"nan", 0, false},
		{"-nan", 0, false},
		{".", 0, false},
		{"5.", 5, true},
		{".5", 0.5, true},
		{"1e", 0, false},
		{"+", 0, false},
	} {
		got, ok := cstrtod(tc.in)
		assert.Equal(t, tc.ok, ok, "%q", tc.in)
		if ok {
			assert.Equal(t, tc.want, got, "%q", tc.in)
		}
	}
	r, ok := zparseScoreRange("(1", "(")
	require.True(t, ok)
	assert.Equal(t, zset.ScoreRange{Min: 1, MinEx: true, Max: 0, MaxEx: true}, r)
	_, ok = zparseScoreRange("[1", "2")
	assert.False(t, ok)
	lr, ok := zparseLexRange("-\x00x", "+\x00")
	require.True(t, ok)
	assert.True(t, lr.MinInf && lr.MaxInf)
}

// FuzzZParseRange checks that range parsing never panics, never yields
// NaN, and agrees with ParseFloat on what string2d accepts.
func FuzzZParseRange(f *testing.F) {
	for _, s := range []string{"1", "(1", "", "(", " 2", "inf", "-inf", "(+inf", "0x1p3", "1e400", "nan", "[a", "-", "+\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ex, ok := zparseScoreBound(s)
		if ok {
			require.False(t, math.IsNaN(v))
			require.Equal(t, len(s) > 0 && s[0] == '(', ex)
		}
		if want, ok2 := ParseFloat(s); ok2 && (len(s) == 0 || s[0] != '(') {
			require.True(t, ok, "%q", s)
			require.Equal(t, want, v, "%q", s)
		}
		zparseLexRange(s, s)
	})
}

// zdump describes every sorted set of database 0 of every shard, sorted,
// with exact scores.
func zdump(s *hsStore) []string {
	var out []string
	for i, ks := range s.shards {
		ks.DB(0).Range(func(e *Entry) bool {
			var items []string
			if e.Type == TypeZSet {
				for _, x := range zsetEntries(e.Obj().(*ZSet)) {
					items = append(items, fmt.Sprintf("%s=%x", x.member, math.Float64bits(x.score)))
				}
			}
			out = append(out, fmt.Sprintf("shard%d %s %s exp=%d %q", i, e.Key, e.Type, e.ExpireAt, items))
			return true
		})
	}
	slices.Sort(out)
	return out
}

func TestZSetEffectsReplay(t *testing.T) {
	for _, shards := range []int{1, 4} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			s := newHSStore(t, shards)
			var big strings.Builder
			big.WriteString("ZADD big")
			for i := range 300 {
				fmt.Fprintf(&big, " %d.%d m%d", i%50, i, i)
			}
			for _, line := range []string{
				"ZADD a 1 x 2 y 3 z 0.1 w",
				"ZADD a XX CH 5 x 1 nothere",
				"ZADD a GT 1 y 10 z",
				"ZINCRBY a 0.2 w",
				"ZADD a INCR 1e-3 w",
				"ZADD b 1 y 2 q -0 n inf i",
				big.String(),
				"ZREM a y",
				"ZREMRANGEBYSCORE big 10 (20",
				"ZREMRANGEBYRANK big -5 -1",
				"ZREMRANGEBYLEX big [m1 (m2",
				"ZPOPMIN big",
				"ZPOPMAX big 3",
				"ZMPOP 2 nokey big MIN COUNT 2",
				"BZPOPMAX nokey big 0",
				"BZMPOP 0 1 big MAX COUNT 4",
				"ZUNIONSTORE u 3 a b big WEIGHTS 1 2 0.5",
				"ZINTERSTORE i 2 a b AGGREGATE MAX",
				"ZDIFFSTORE d 2 big a",
				"ZRANGESTORE r big 10 20 BYSCORE REV LIMIT 2 5",
				"SET str v",
				"ZUNIONSTORE str 1 a",
				"ZINTERSTORE i 2 a nokey",
				"ZADD last 1 only",
				"ZREM last only",
				"ZADD p 1 a 2 b",
				"ZPOPMIN p 5",
			} {
				require.NotEqual(t, byte('-'), s.do(line)[0], line)
			}
			before := zdump(s)
			require.Equal(t, before, zdump(s.replay()))
			assert.Equal(t, ":0", s.do("EXISTS i"))
			assert.Equal(t, ":0", s.do("EXISTS p"))
			assert.Equal(t, ":3", s.do("ZCARD str"))
		})
	}
}

// TestZSetEffectsStayOnTheirShards checks that the cross-shard commands log
// each effect to the shard of the key it names, never naming another
// shard's keys.
func TestZSetEffectsStayOnTheirShards(t *testing.T) {
	s := newHSStore(t, 4)
	var keys []string
	used := map[int]bool{}
	for i := 0; len(keys) < 3; i++ {
		k := "k" + strconv.Itoa(i)
		if !used[s.router.Shard(k)] {
			used[s.router.Shard(k)] = true
			keys = append(keys, k)
		}
	}
	a, b, d := keys[0], keys[1], keys[2]
	for _, line := range []string{
		"ZADD " + a + " 1 x 2 y",
		"ZADD " + b + " 3 y 4 z",
		"ZUNIONSTORE " + d + " 2 " + a + " " + b,
		"ZINTERSTORE " + d + " 2 " + a + " " + b,
		"ZDIFFSTORE " + d + " 2 " + b + " " + a,
		"ZRANGESTORE " + d + " " + a + " 0 -1",
	} {
		require.NotEqual(t, byte('-'), s.do(line)[0], line)
	}
	for i, ks := range s.shards {
		eff := string(ks.Effects())
		for _, k := range keys {
			if s.router.Shard(k) != i {
				assert.NotContains(t, eff, "\r\n"+k+"\r\n", "shard %d logs key %s of shard %d", i, k, s.router.Shard(k))
			}
		}
	}
	require.Equal(t, zdump(s), zdump(s.replay()))
}

func TestZSetNotifications(t *testing.T) {
	s := newHSStore(t, 1)
	for _, tc := range []struct {
		cmd    string
		events []string
	}{
		{"ZADD z 1 a 2 b", []string{"zadd z"}},
		{"ZADD z 1 a", nil},
		{"ZADD z NX 5 a", nil},
		{"ZINCRBY z 1 a", []string{"zincr z"}},
		{"ZADD z INCR 0 a", nil},
		{"ZREM z zz", nil},
		{"ZREM z a", []string{"zrem z"}},
		{"ZREM z b", []string{"zrem z", "del z"}},
		{"ZADD z 1 a 2 b 3 c", []string{"zadd z"}},
		{"ZREMRANGEBYSCORE z 10 20", nil},
		{"ZREMRANGEBYSCORE z 1 1", []string{"zremrangebyscore z"}},
		{"ZREMRANGEBYRANK z 0 0", []string{"zremrangebyrank z"}},
		{"ZREMRANGEBYLEX z - +", []string{"zremrangebylex z", "del z"}},
		{"ZADD z 1 a 2 b 3 c", []string{"zadd z"}},
		{"ZPOPMIN z 0", nil},
		{"ZPOPMIN z", []string{"zpopmin z"}},
		{"ZPOPMAX z 5", []string{"zpopmax z", "del z"}},
		{"ZADD z 1 a", []string{"zadd z"}},
		{"ZUNIONSTORE d 1 z", []string{"zunionstore d"}},
		{"ZINTERSTORE d 1 z", []string{"zinterstore d"}},
		{"ZDIFFSTORE d 1 z", []string{"zdiffstore d"}},
		{"ZRANGESTORE d z 0 -1", []string{"zrangestore d"}},
		{"ZDIFFSTORE d 2 z z", []string{"del d"}},
		{"ZDIFFSTORE d 2 z z", nil},
		{"ZRANGESTORE d nokey 0 -1", nil},
		{"ZMPOP 1 z MAX", []string{"zpopmax z", "del z"}},
	} {
		s.do(tc.cmd)
		assert.Equal(t, tc.events, s.takeEvents(), tc.cmd)
	}
}

// TestZScanSkiplist checks the skip-list ZSCAN cursor: a full scan returns
// every member present for the whole scan exactly once, even while members
// are added and removed between calls, and members sharing a score come in
// one call.
func TestZScanSkiplist(t *testing.T) {
	s := newHSStore(t, 1)
	var b strings.Builder
	b.WriteString("ZADD z")
	for i := range 1000 {
		fmt.Fprintf(&b, " %d m%d", i/4, i) // four members per score
	}
	s.do(b.String())
	s.do("ZADD z -inf ninf inf pinf -0 negzero")
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]int{}
	stable := map[string]bool{} // never touched during the scan
	for i := range 1000 {
		stable["m"+strconv.Itoa(i)] = true
	}
	stable["ninf"], stable["pinf"], stable["negzero"] = true, true, true
	cursor := "0"
	calls := 0
	for {
		rep := s.run("ZSCAN", "z", cursor, "COUNT", "7")
		require.Equal(t, 2, len(rep.Elems))
		items := rep.Elems[1].Elems
		require.Zero(t, len(items)%2)
		scores := map[string]int{}
		for i := 0; i < len(items); i += 2 {
			seen[items[i].Str]++
			scores[items[i+1].Str]++
		}
		for sc, n := range scores {
			if sc != "inf" && sc != "-inf" && sc != "0" && sc != "-0" && !strings.HasPrefix(sc, "1000") {
				f, _ := strconv.ParseFloat(sc, 64)
				if f < 250 && f >= 0 && f == math.Trunc(f) && n < 4 {
					// A score group is never split: it holds 4 members
					// of the original set plus any added ones.
					t.Fatalf("score %s split across calls (%d here)", sc, n)
				}
			}
		}
		calls++
		// Churn: remove members that are not stable, add new ones.
		for range 3 {
			k := "new" + strconv.Itoa(r.IntN(1000))
			s.run("ZADD", "z", strconv.Itoa(r.IntN(300)), k)
			s.run("ZREM", "z", "new"+strconv.Itoa(r.IntN(1000)))
		}
		cursor = rep.Elems[0].Str
		if cursor == "0" {
			break
		}
		require.Less(t, calls, 1000)
	}
	for m := range stable {
		assert.Equal(t, 1, seen[m], "member %s", m)
	}
	assert.Greater(t, calls, 100)

	// Cursors beyond every score end the scan; ones below start it.
	assert.Equal(t, `["0" []]`, s.do("ZSCAN z 18442240474082181120"))
	assert.Equal(t, `["0" []]`, s.do("ZSCAN z 18446744073709551615"))
	rep := s.run("ZSCAN", "z", "1", "COUNT", "1")
	assert.Equal(t, "ninf", rep.Elems[1].Elems[0].Str)
	rep = s.run("ZSCAN", "z", "0", "MATCH", "m99*", "COUNT", "100000")
	assert.Equal(t, "0", rep.Elems[0].Str)
	assert.Len(t, rep.Elems[1].Elems, 2*11)
}

func TestZSetKeysFns(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []int
	}{
		{[]string{"zunionstore", "d", "2", "a", "b"}, []int{1, 3, 4}},
		{[]string{"zunionstore", "d", "02", "a", "b"}, []int{3, 4, 1}}, // atoi fallback
		{[]string{"zinterstore", "d", "3", "a", "b"}, nil},
		{[]string{"zdiffstore", "d", "0", "a"}, nil},
		{[]string{"zdiffstore", "d"}, nil},
		{[]string{"zunion", "2", "a", "b", "WITHSCORES"}, []int{2, 3}},
		{[]string{"zinter", "x", "a"}, nil},
		{[]string{"zdiff", "1", "a"}, []int{2}},
		{[]string{"zintercard", "2", "a", "b", "LIMIT", "1"}, []int{2, 3}},
		{[]string{"zmpop", "2", "a", "b", "MIN"}, []int{2, 3}},
		{[]string{"zmpop", "9", "a", "MIN"}, nil},
		{[]string{"bzmpop", "0", "1", "a", "MIN"}, []int{3}},
		{[]string{"bzmpop", "0"}, nil},
		{[]string{"bzpopmin", "a", "b", "0"}, []int{1, 2}},
		{[]string{"zrangestore", "d", "s", "0", "1"}, []int{1, 2}},
	} {
		assert.Equal(t, tc.want, Lookup(tc.args[0]).Keys(tc.args, nil), "%q", tc.args)
	}
}

func TestZRandMember(t *testing.T) {
	s := newHSStore(t, 1)
	for _, n := range []int{10, 300} {
		s.do("DEL z")
		var b strings.Builder
		b.WriteString("ZADD z")
		for i := range n {
			fmt.Fprintf(&b, " %d m%d", i, i)
		}
		s.do(b.String())
		for _, count := range []int{1, 3, n / 2, n - 1, n, n + 5} {
			rep := s.run("ZRANDMEMBER", "z", strconv.Itoa(count), "WITHSCORES")
			require.Equal(t, 2*min(count, n), len(rep.Elems), "count %d", count)
			seen := map[string]bool{}
			for i := 0; i < len(rep.Elems); i += 2 {
				m := rep.Elems[i].Str
				require.False(t, seen[m], "distinct: %s", m)
				seen[m] = true
				require.Equal(t, "m"+rep.Elems[i+1].Str, m, "score goes with member")
			}
		}
		rep := s.run("ZRANDMEMBER", "z", "-1000")
		require.Len(t, rep.Elems, 1000)
		hits := map[string]int{}
		for _, e := range rep.Elems {
			hits[e.Str]++
		}
		if n == 10 {
			assert.Len(t, hits, 10, "1000 draws from 10 reach every member")
		}
	}
	assert.Equal(t, "-ERR value is out of range", s.do("ZRANDMEMBER z -4194305"))
}

// FuzzZSetCommands runs arbitrary arguments through every sorted set
// command against a small store: no input may panic, and the effects
// logged must replay to the same data.
func FuzzZSetCommands(f *testing.F) {
	for _, s := range []string{
		"ZADD k 1 a 2 b", "ZADD k INCR inf a", "ZRANGE k (1 +inf BYSCORE REV LIMIT 0 -1",
		"ZRANGEBYLEX k - + LIMIT 9223372036854775807 1", "ZMPOP 9223372036854775807 k MIN",
		"ZUNIONSTORE d 2 k s WEIGHTS inf 0 AGGREGATE MIN", "ZRANDMEMBER k -5 WITHSCORES",
		"ZSCAN k 0 COUNT 1 MATCH *", "ZREMRANGEBYRANK k -9223372036854775808 5",
		"BZMPOP 0 2 k d MAX COUNT 3", "ZINTERCARD 2 k d LIMIT 1", "ZRANGESTORE d k 0 -1",
	} {
		f.Add(s)
	}
	names := []string{"zadd", "zincrby", "zrem", "zcard", "zscore", "zmscore", "zrank", "zrevrank",
		"zcount", "zlexcount", "zrange", "zrangestore", "zrevrange", "zrangebyscore",
		"zrevrangebyscore", "zrangebylex", "zrevrangebylex", "zremrangebyscore", "zremrangebyrank",
		"zremrangebylex", "zpopmin", "zpopmax", "zmpop", "bzpopmin", "bzpopmax", "bzmpop",
		"zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff", "zintercard",
		"zrandmember", "zscan"}
	f.Fuzz(func(t *testing.T, line string) {
		s := newHSStore(t, 2)
		s.do("ZADD k 1 a 2 b 3 c -inf d inf e")
		s.do("SADD s a x")
		for _, cmd := range strings.Split(line, ";") {
			args := strings.Fields(cmd)
			if len(args) == 0 {
				continue
			}
			if Lookup(args[0]) == nil {
				args[0] = names[int(len(args[0]))%len(names)]
			}
			if cmd := Lookup(args[0]); cmd == nil || !strings.HasPrefix(cmd.Name, "z") && !strings.HasPrefix(cmd.Name, "bz") {
				continue
			}
			s.run(args...)
		}
		require.Equal(t, zdump(s), zdump(s.replay()))
	})
}
