package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/require"
)

func fmtScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func fmtBound(f float64, ex bool) string {
	if ex {
		return "(" + fmtScore(f)
	}
	return fmtScore(f)
}

// members extracts the members of an array reply without scores.
func members(t *testing.T, v redistest.Value) []string {
	t.Helper()
	require.Equal(t, byte('*'), v.Type, "reply %+v", v)
	out := []string{}
	for _, e := range v.Array {
		out = append(out, e.Str)
	}
	return out
}

func names(f func(fn func(string, float64) bool)) []string {
	out := []string{}
	f(func(m string, _ float64) bool { out = append(out, m); return true })
	return out
}

// TestAgainstRedis replays random sorted-set commands on redis-server and
// on a Set and compares the replies of every range and rank query.
func TestAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	rng := rand.New(rand.NewPCG(11, 12))
	s := New()
	lex := New() // every member at score 0, for the lexicographic commands
	alphabet := []string{"a", "b", "c", "ab", "ba", "", "\x00", "\xff"}
	for step := range 400 {
		member := fmt.Sprint("m", rng.IntN(60))
		score := scores[rng.IntN(len(scores))]
		if rng.IntN(3) > 0 {
			s.Add(member, score)
			c.MustDo(t, "ZADD", "z", fmtScore(score), member)
		} else {
			s.Remove(member)
			c.MustDo(t, "ZREM", "z", member)
		}
		lm := alphabet[rng.IntN(len(alphabet))] + alphabet[rng.IntN(len(alphabet))]
		lex.Add(lm, 0)
		c.MustDo(t, "ZADD", "l", "0", lm)

		r := randomScoreRange(rng)
		mn, mx := fmtBound(r.Min, r.MinEx), fmtBound(r.Max, r.MaxEx)
		off, cnt := rng.IntN(5)-1, rng.IntN(7)-2
		offS, cntS := strconv.Itoa(off), strconv.Itoa(cnt)
		require.Equal(t, int64(s.CountInScore(r)), c.MustDo(t, "ZCOUNT", "z", mn, mx).Int, "ZCOUNT %s %s", mn, mx)
		require.Equal(t, members(t, c.MustDo(t, "ZRANGEBYSCORE", "z", mn, mx, "LIMIT", offS, cntS)),
			names(func(fn func(string, float64) bool) { s.RangeByScore(r, false, off, cnt, fn) }),
			"step %d: ZRANGEBYSCORE %s %s LIMIT %d %d", step, mn, mx, off, cnt)
		require.Equal(t, members(t, c.MustDo(t, "ZREVRANGEBYSCORE", "z", mx, mn, "LIMIT", offS, cntS)),
			names(func(fn func(string, float64) bool) { s.RangeByScore(r, true, off, cnt, fn) }),
			"step %d: ZREVRANGEBYSCORE %s %s LIMIT %d %d", step, mx, mn, off, cnt)

		start, stop := rng.IntN(70), rng.IntN(70)
		require.Equal(t, members(t, c.MustDo(t, "ZRANGE", "z", strconv.Itoa(start), strconv.Itoa(stop))),
			names(func(fn func(string, float64) bool) { s.ByRank(start, stop, false, fn) }))
		require.Equal(t, members(t, c.MustDo(t, "ZREVRANGE", "z", strconv.Itoa(start), strconv.Itoa(stop))),
			names(func(fn func(string, float64) bool) { s.ByRank(start, stop, true, fn) }))
		for _, cmd := range []string{"ZRANK", "ZREVRANK"} {
			v := c.MustDo(t, cmd, "z", member)
			rank, ok := s.Rank(member, cmd == "ZREVRANK")
			require.Equal(t, !ok, v.Null)
			if ok {
				require.Equal(t, int64(rank), v.Int)
			}
		}

		lmin := []string{"-", "+", "[a", "(a", "[b", "(ab", "[", "(\xff"}[rng.IntN(8)]
		lmax := []string{"-", "+", "[a", "(b", "[ba", "(c", "[", "[\xff"}[rng.IntN(8)]
		lr, ok := ParseLexRange(lmin, lmax)
		require.True(t, ok)
		require.Equal(t, int64(lex.CountInLex(lr)), c.MustDo(t, "ZLEXCOUNT", "l", lmin, lmax).Int,
			"ZLEXCOUNT %q %q", lmin, lmax)
		require.Equal(t, members(t, c.MustDo(t, "ZRANGEBYLEX", "l", lmin, lmax, "LIMIT", offS, cntS)),
			names(func(fn func(string, float64) bool) { lex.RangeByLex(lr, false, off, cnt, fn) }),
			"ZRANGEBYLEX %q %q LIMIT %d %d", lmin, lmax, off, cnt)
		require.Equal(t, members(t, c.MustDo(t, "ZREVRANGEBYLEX", "l", lmax, lmin, "LIMIT", offS, cntS)),
			names(func(fn func(string, float64) bool) { lex.RangeByLex(lr, true, off, cnt, fn) }),
			"ZREVRANGEBYLEX %q %q LIMIT %d %d", lmax, lmin, off, cnt)

		switch rng.IntN(30) {
		case 0:
			require.Equal(t, int64(s.DeleteRangeByScore(r, nil)), c.MustDo(t, "ZREMRANGEBYSCORE", "z", mn, mx).Int)
		case 1:
			require.Equal(t, int64(s.DeleteRangeByRank(start, stop, nil)),
				c.MustDo(t, "ZREMRANGEBYRANK", "z", strconv.Itoa(start), strconv.Itoa(stop)).Int)
		case 2:
			require.Equal(t, int64(lex.DeleteRangeByLex(lr, nil)), c.MustDo(t, "ZREMRANGEBYLEX", "l", lmin, lmax).Int)
		}
	}
	checkSet(t, s)
	checkSet(t, lex)
}
