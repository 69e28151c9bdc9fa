package pack

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntries(t *testing.T) {
	in := []string{"", "a", strings.Repeat("x", 127), strings.Repeat("y", 128), strings.Repeat("z", 20000), "\x00\xff"}
	var b []byte
	for _, s := range in {
		b = Append(b, s)
	}
	put := make([]byte, len(b))
	j := 0
	for _, s := range in {
		j = Put(put, j, s)
	}
	assert.Equal(t, b, put, "Put lays out what Append does")
	i := 0
	for _, s := range in {
		start, end := At(b, i)
		assert.Equal(t, s, string(b[start:end]))
		assert.Equal(t, Size(len(s)), end-i)
		i = end
	}
	assert.Equal(t, len(b), i)
	assert.Equal(t, Size(127)+Size(0)+Size(1), Find(b, 0, strings.Repeat("y", 128), 1))
	assert.Equal(t, -1, Find(b, 0, "b", 1))
	assert.Equal(t, 0, Find(b, 0, "", 2))
	assert.Equal(t, -1, Find(b, 0, "a", 2), "step 2 looks at every other entry")
}

func TestScores(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, -32768, 1e15, -1e15,
		maxIntScore - 1, -(maxIntScore - 1), maxIntScore, -maxIntScore, 1.5, -0.25, math.Inf(1), math.Inf(-1),
		math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 62} {
		b := AppendScore([]byte{7}, f)
		assert.Equal(t, 1+ScoreSize(f), len(b), "%v", f)
		got, end := Score(b, 1)
		assert.Equal(t, len(b), end)
		assert.Equal(t, math.Float64bits(f), math.Float64bits(got), "%v round trip (got %v)", f, got)
		p := make([]byte, ScoreSize(f))
		assert.Equal(t, len(p), PutScore(p, 0, f))
		assert.Equal(t, b[1:], p)
	}
	assert.Equal(t, 1, ScoreSize(0))
	assert.Equal(t, 2, ScoreSize(-1))
	assert.Equal(t, 2, ScoreSize(127))
	assert.Equal(t, 3, ScoreSize(128))
	assert.Equal(t, 9, ScoreSize(0.5))
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		f := float64(r.Int64N(1<<56) - 1<<55)
		if r.IntN(2) == 0 {
			f = r.NormFloat64() * 1e6
		}
		got, _ := Score(AppendScore(nil, f), 0)
		require.Equal(t, math.Float64bits(f), math.Float64bits(got), "%v", f)
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
