package pack

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPairs(t *testing.T) {
	long := strings.Repeat("y", 128)
	in := [][2]string{{"", ""}, {"a", "1"}, {strings.Repeat("x", 127), "v"}, {long, ""}, {"k", long},
		{strings.Repeat("z", 20000), "w"}, {"\x00\xff", "\xff"}, {"a", "2"}}
	var b []byte
	for _, p := range in {
		b = AppendPair(b, p[0], p[1])
	}
	put := make([]byte, len(b))
	j := 0
	for _, p := range in {
		j = PutPair(put, j, p[0], p[1])
	}
	assert.Equal(t, b, put, "PutPair lays out what AppendPair does")
	var offs []int
	for i, k := 0, 0; i < len(b); k++ {
		ks, vs, end := PairAt(b, i)
		require.Equal(t, in[k][0], string(b[ks:vs]))
		require.Equal(t, in[k][1], string(b[vs:end]))
		require.Equal(t, PairSize(len(in[k][0]), len(in[k][1])), end-i)
		require.Equal(t, end, NextPair(b, i))
		offs = append(offs, i)
		i = end
	}
	for k, p := range in[:len(in)-1] {
		assert.Equal(t, offs[k], FindPair(b, 0, p[0]), "key %q", p[0])
	}
	assert.Equal(t, offs[len(in)-1], FindPair(b, offs[2], "a"), "a search from an offset finds the next match")
	assert.Equal(t, -1, FindPair(b, 0, "b"))
	assert.Equal(t, -1, FindPair(b, 0, strings.Repeat("y", 127)+"z"))
	assert.Equal(t, -1, FindPair(b, 0, "1"), "values are not keys")
}

func TestScores(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, -32768, 1e15, -1e15,
		maxIntScore - 1, -(maxIntScore - 1), maxIntScore, -maxIntScore, 1.5, -0.25, math.Inf(1), math.Inf(-1),
		math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 62} {
		b := AppendScorePair([]byte{7}, "m", f)
		require.Equal(t, 1+ScorePairSize(1, f), len(b), "%v", f)
		ks, vs, end := PairAt(b, 1)
		require.Equal(t, "m", string(b[ks:vs]))
		require.Equal(t, len(b), end)
		got := Score(b, vs, end)
		require.Equal(t, math.Float64bits(f), math.Float64bits(got), "%v round trip (got %v)", f, got)
		p := make([]byte, ScorePairSize(1, f))
		require.Equal(t, len(p), PutScorePair(p, 0, "m", f))
		require.Equal(t, b[1:], p)
	}
	assert.Equal(t, 0, ScoreLen(0))
	assert.Equal(t, 1, ScoreLen(-1))
	assert.Equal(t, 1, ScoreLen(127))
	assert.Equal(t, 1, ScoreLen(-128))
	assert.Equal(t, 2, ScoreLen(128))
	assert.Equal(t, 8, ScoreLen(0.5))
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		f := float64(r.Int64N(1<<56) - 1<<55)
		if r.IntN(2) == 0 {
			f = r.NormFloat64() * 1e6
		}
		b := AppendScorePair(nil, "", f)
		_, vs, end := PairAt(b, 0)
		require.Equal(t, math.Float64bits(f), math.Float64bits(Score(b, vs, end)), "%v", f)
	}
}

func TestBidirectional(t *testing.T) {
	in := []string{"", "a", strings.Repeat("x", 127), strings.Repeat("y", 128), strings.Repeat("z", 20000), strings.Repeat("w", 1<<21)}
	var b []byte
	for _, s := range in {
		b = AppendBi(b, s)
	}
	put := make([]byte, len(b))
	j := 0
	for _, s := range in {
		j = PutBi(put, j, s)
	}
	assert.Equal(t, b, put)
	i := 0
	var starts []int
	for _, s := range in {
		start, end, next := BiAt(b, i)
		require.Equal(t, s, string(b[start:end]))
		require.Equal(t, BiSize(len(s)), next-i)
		starts = append(starts, i)
		i = next
	}
	for k := len(in) - 1; k >= 0; k-- {
		at, start, end := BiBefore(b, i)
		require.Equal(t, starts[k], at)
		require.Equal(t, in[k], string(b[start:end]))
		i = at
	}
	assert.Zero(t, i)
}
