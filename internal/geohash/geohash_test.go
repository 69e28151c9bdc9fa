package geohash

import (
	"bufio"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readLines(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); !strings.HasPrefix(l, "#") && l != "" {
			out = append(out, strings.Fields(l))
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// TestMatchesRedis checks scores, coordinates, hashes and distances
// against what redis-server replied for the same points
// (testdata/redis-7.0.15.txt).
func TestMatchesRedis(t *testing.T) {
	rows := readLines(t, "testdata/redis-7.0.15.txt")
	require.Greater(t, len(rows), 600)
	var prev [2]float64
	units := []float64{1, 1000, 1609.34, 0.3048}
	for i, r := range rows {
		if r[0] == "odd" {
			s, err := strconv.ParseFloat(r[1], 64)
			require.NoError(t, err)
			lon, lat := DecodeScore(s)
			assert.Equal(t, r[2:4], []string{FormatCoord(lon), FormatCoord(lat)}, "GEOPOS of score %s", r[1])
			assert.Equal(t, r[4], Base32(s), "GEOHASH of score %s", r[1])
			continue
		}
		lon, err := strconv.ParseFloat(r[0], 64)
		require.NoError(t, err)
		lat, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		score, ok := Score(lon, lat)
		require.True(t, ok)
		// The stored score is the hash as a double (ZADD parses it): the
		// corner cells' hashes, past 2^53, round.
		require.Equal(t, r[2], strconv.FormatFloat(float64(score), 'g', 17, 64), "score of %s,%s", r[0], r[1])
		plon, plat := DecodeScore(float64(score))
		assert.Equal(t, r[3:5], []string{FormatCoord(plon), FormatCoord(plat)}, "GEOPOS of %s,%s", r[0], r[1])
		assert.Equal(t, r[5], Base32(float64(score)), "GEOHASH of %s,%s", r[0], r[1])
		if i == 0 {
			prev = [2]float64{plon, plat}
		}
		d := Distance(prev[0], prev[1], plon, plat)
		for j, u := range units {
			assert.Equal(t, r[6+j], FormatDistance(d/u), "GEODIST %d", i)
		}
		prev = [2]float64{plon, plat}
	}
}

// TestEncodeLimits: coordinates outside Redis's limits do not encode.
func TestEncodeLimits(t *testing.T) {
	for _, p := range [][2]float64{{180.0000001, 0}, {-180.0000001, 0}, {0, 85.05112879}, {0, -85.05112879}, {math.Inf(1), 0}, {0, math.NaN()}} {
		_, ok := Score(p[0], p[1])
		assert.False(t, ok, "%v", p)
	}
	// The corner's offsets are 2^26 exactly: its hash carries a bit past
	// the 52, as in Redis (redis-server: GEOADD k 180 85.05112878 c;
	// ZSCORE k c).
	s, ok := Score(180, 85.05112878)
	require.True(t, ok)
	assert.Equal(t, uint64(13510798882111488), s)
	_, ok = Encode(0, 0, 0)
	assert.False(t, ok, "step 0")
	_, ok = Encode(0, 0, 33)
	assert.False(t, ok, "step 33")
}

// TestScoreBits follows x86-64's double to uint64 conversion.
func TestScoreBits(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want uint64
	}{
		{1.5, 1}, {-1, math.MaxUint64}, {-1.5, math.MaxUint64}, {0, 0}, {math.Inf(1), 0}, {math.Inf(-1), 1 << 63},
		{math.NaN(), 1 << 63}, {1e30, 0}, {9223372036854775808, 1 << 63}, {18446744073709549568, 18446744073709549568},
		{-9223372036854777856, 1 << 63}, {4503599627370496, 4503599627370496},
	} {
		assert.Equal(t, c.want, ScoreBits(c.f), "%v", c.f)
	}
}

// TestFormat checks the reply formats.
func TestFormat(t *testing.T) {
	for _, c := range []struct {
		d    float64
		want string
	}{
		{0, "0.0000"}, {0.0001, "0.0001"}, {6.0642951598391699e-05, "0.0001"}, {0.00005, "0.0000"}, {0.00015, "0.0001"}, {0.00075, "0.0008"},
		{0.00025, "0.0002"}, {1, "1.0000"}, {123.45678, "123.4568"}, {20037508.3427892, "20037508.3428"}, {-2.5, "-2.5000"},
		{math.Copysign(0, -1), "0.0000"}, {-0.00001, "0.0000"},
	} {
		assert.Equal(t, c.want, FormatDistance(c.d), "%v", c.d)
	}
	for _, c := range []struct {
		f    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {180, "180"}, {-85.05112878, "-85.0511287799999991"}, {13.361389, "13.36138900000000085"},
		{0.5, "0.5"}, {1e-20, "0"}, {math.Inf(1), "inf"},
	} {
		assert.Equal(t, c.want, FormatCoord(c.f), "%v", c.f)
	}
}

// bigSinCos evaluates sin and cos by their series at 300 bits.
func bigSinCos(x float64) (sin, cos float64) {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	s := new(big.Float).SetPrec(prec).Set(bx)
	c := new(big.Float).SetPrec(prec).SetInt64(1)
	ts := new(big.Float).SetPrec(prec).Set(bx)
	tc := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 80; n++ {
		ts.Mul(ts, x2)
		ts.Quo(ts, new(big.Float).SetInt64(int64(-(2*n)*(2*n+1))))
		s.Add(s, ts)
		tc.Mul(tc, x2)
		tc.Quo(tc, new(big.Float).SetInt64(int64(-(2*n-1)*(2*n))))
		c.Add(c, tc)
	}
	sin, _ = s.Float64()
	cos, _ = c.Float64()
	return sin, cos
}

// bigAsin solves sin(y) = x by Newton's method at 300 bits.
func bigAsin(x float64) float64 {
	const prec = 300
	y := new(big.Float).SetPrec(prec).SetFloat64(math.Asin(x))
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	for range 4 {
		yf, _ := y.Float64()
		// sin and cos of y need y's full precision: use the series on the
		// big value through the identity sin(a+b) with a = yf, b = y-yf.
		b := new(big.Float).SetPrec(prec).Sub(y, new(big.Float).SetFloat64(yf))
		bf, _ := b.Float64()
		sa, ca := bigSinCosBig(yf)
		sb, cb := bigSinCosBig(bf)
		sin := new(big.Float).SetPrec(prec).Add(new(big.Float).SetPrec(prec).Mul(sa, cb), new(big.Float).SetPrec(prec).Mul(ca, sb))
		cos := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetPrec(prec).Mul(ca, cb), new(big.Float).SetPrec(prec).Mul(sa, sb))
		step := new(big.Float).SetPrec(prec).Quo(new(big.Float).SetPrec(prec).Sub(sin, bx), cos)
		y.Sub(y, step)
	}
	f, _ := y.Float64()
	return f
}

func bigSinCosBig(x float64) (*big.Float, *big.Float) {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	s := new(big.Float).SetPrec(prec).Set(bx)
	c := new(big.Float).SetPrec(prec).SetInt64(1)
	ts := new(big.Float).SetPrec(prec).Set(bx)
	tc := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 80; n++ {
		ts.Mul(ts, x2)
		ts.Quo(ts, new(big.Float).SetInt64(int64(-(2*n)*(2*n+1))))
		s.Add(s, ts)
		tc.Mul(tc, x2)
		tc.Quo(tc, new(big.Float).SetInt64(int64(-(2*n-1)*(2*n))))
		c.Add(c, tc)
	}
	return s, c
}

// TestTrigCorrectlyRounded compares Sin, Cos and Asin with 300-bit
// references: they are correctly rounded on every sample.
func TestTrigCorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n := 1000
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		scale := []float64{4, 1.6, 0.8, 0.01, 1e-9}[i%5]
		x := (r.Float64()*2 - 1) * scale
		ws, wc := bigSinCos(x)
		require.Equal(t, ws, Sin(x), "sin(%v)", x)
		require.Equal(t, wc, Cos(x), "cos(%v)", x)
		y := (r.Float64()*2 - 1) * []float64{1, 0.5, 0.999999, 1e-6, 0.7}[i%5]
		require.Equal(t, bigAsin(y), Asin(y), "asin(%v)", y)
	}
	for _, y := range []float64{1, -1, 0.5, -0.5, 0, math.Nextafter(1, 0), math.Nextafter(0.5, 1)} {
		require.Equal(t, bigAsin(y), Asin(y), "asin(%v)", y)
	}
	assert.True(t, math.IsNaN(Asin(1.0000001)))
	assert.Equal(t, math.Sin(100), Sin(100), "outside the reduced range: the math package")
}

// TestTrigAgreesWithGlibc measures agreement with the C library Redis
// links (testdata/glibc-trig.txt, from glibc 2.36 on x86-64): glibc is
// correctly rounded but for a few cases in a thousand, which Go's math
// package is not in a third of them.
func TestTrigAgreesWithGlibc(t *testing.T) {
	rows := readLines(t, "testdata/glibc-trig.txt")
	bits := func(s string) float64 {
		u, err := strconv.ParseUint(s, 16, 64)
		require.NoError(t, err)
		return math.Float64frombits(u)
	}
	var calls, ours, goMath int
	for _, r := range rows {
		x, y := bits(r[0]), bits(r[3])
		for _, c := range []struct{ got, gomath, want float64 }{
			{Sin(x), math.Sin(x), bits(r[1])}, {Cos(x), math.Cos(x), bits(r[2])}, {Asin(y), math.Asin(y), bits(r[4])},
		} {
			calls++
			if c.got != c.want {
				ours++
			}
			if c.gomath != c.want {
				goMath++
			}
		}
	}
	t.Logf("%d calls: %d differ from glibc (Go's math package: %d)", calls, ours, goMath)
	assert.Less(t, float64(ours)/float64(calls), 0.005)
	assert.Greater(t, goMath, 10*max(ours, 1), "the test data should show why math.Sin is not used")
}

// TestPartialSort: the requested positions hold what a full sort puts
// there, over inputs full of ties.
func TestPartialSort(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	type item struct{ key, id int }
	cmp := func(a, b *item) int { return a.key - b.key }
	for k := 0; k < 500; k++ {
		n := r.IntN(120)
		s := make([]item, n)
		for i := range s {
			s[i] = item{r.IntN(1 + r.IntN(20)), i}
		}
		if n == 0 {
			PartialSort(s, cmp, 0, -1)
			continue
		}
		lo := r.IntN(n)
		hi := lo + r.IntN(n-lo)
		full := slices.Clone(s)
		slices.SortStableFunc(full, func(a, b item) int { return cmp(&a, &b) })
		PartialSort(s, cmp, lo, hi)
		for i := lo; i <= hi; i++ {
			require.Equal(t, full[i].key, s[i].key, "position %d", i)
		}
		ids := map[int]bool{}
		for _, it := range s {
			ids[it.id] = true
		}
		require.Len(t, ids, n, "a permutation")
	}
}

// TestCoveringCellsContainResults: every point within a search shape lies
// in one of the cells the search visits, for shapes away from the poles
// and the antimeridian (near them Redis's cells do miss points, and kevy
// misses the same ones: the differential tests compare those).
func TestCoveringCellsContainResults(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for k := 0; k < 300; k++ {
		shape := Shape{X: r.Float64()*300 - 150, Y: r.Float64()*120 - 60, Conversion: 1000}
		if k%2 == 0 {
			shape.Radius = []float64{0.5, 5, 50, 500, 1000}[k%5]
		} else {
			shape.Box = true
			shape.Width, shape.Height = []float64{1, 10, 100, 1000, 2000}[k%5], []float64{2, 20, 200, 900, 1500}[k%5]
		}
		cells := shape.CoveringCells()
		for j := 0; j < 200; j++ {
			lon := max(min(shape.X+(r.Float64()-0.5)*shape.Radius/50, 180), -180)
			lat := max(min(shape.Y+(r.Float64()-0.5)*shape.Radius/100, LatMax), LatMin)
			s, ok := Score(lon, lat)
			require.True(t, ok)
			dlon, dlat := DecodeScore(float64(s))
			if _, in := shape.Within(dlon, dlat, false); !in {
				continue
			}
			found := false
			for _, c := range cells {
				if lo, hi := ScoreRange(c); !c.IsZero() && s >= lo && s < hi {
					found = true
				}
			}
			require.True(t, found, "point %v,%v in shape %+v but in no cell", lon, lat, shape)
		}
	}
}

// FuzzShape runs a search's geometry over arbitrary centers, sizes and
// scores: nothing may panic, and a point found within a circle is no
// farther than its radius.
func FuzzShape(f *testing.F) {
	f.Add(13.36, 38.11, 200.0, 0.0, 1000.0, false, 3479099956230698.0)
	f.Add(180.0, 85.05112878, 1e30, 1e30, 1.0, true, -1.0)
	f.Add(-180.0, -85.05112878, 0.0, 0.0, 0.3048, true, math.Inf(1))
	f.Fuzz(func(t *testing.T, x, y, a, b, conv float64, box bool, score float64) {
		if x < LongMin || x > LongMax || y < LatMin || y > LatMax || a < 0 || b < 0 || !(conv > 0) {
			return
		}
		s := Shape{X: x, Y: y, Box: box, Radius: a, Width: a, Height: b, Conversion: conv}
		cells := s.CoveringCells()
		for _, c := range cells {
			ScoreRange(c)
		}
		lon, lat := DecodeScore(score)
		d, in := s.Within(lon, lat, true)
		if in && !box && d > a*conv {
			t.Fatalf("distance %v beyond radius %v", d, a*conv)
		}
		if _, in2 := s.Within(lon, lat, false); in2 != in {
			t.Fatalf("Within with and without the distance disagree at %v,%v", lon, lat)
		}
		if want, wantIn := redisWithin(&s, lon, lat); in != wantIn || (in && d != want && !(math.IsNaN(d) && math.IsNaN(want))) {
			t.Fatalf("Within(%v,%v) = %v,%v; Redis's test gives %v,%v", lon, lat, d, in, want, wantIn)
		}
		_ = Base32(score)
		_ = FormatDistance(d)
		_ = FormatCoord(lon)
	})
}

// redisWithin is Redis's geoWithinShape written plainly: the exact
// distances, no shortcut.
func redisWithin(s *Shape, lon, lat float64) (float64, bool) {
	if !s.Box {
		d := Distance(s.X, s.Y, lon, lat)
		return d, !(d > s.Radius*s.Conversion)
	}
	if LatDistance(lat, s.Y) > s.Height*s.Conversion/2 {
		return 0, false
	}
	if Distance(lon, lat, s.X, lat) > s.Width*s.Conversion/2 {
		return 0, false
	}
	return Distance(s.X, s.Y, lon, lat), true
}

// TestWithinIsRedisWithin: the shortcuts of Within (the meridian bound,
// the fast distance) never change a result, over points at every scale
// around random centers.
func TestWithinIsRedisWithin(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for k := 0; k < 400; k++ {
		s := Shape{X: r.Float64()*360 - 180, Y: r.Float64()*170 - 85, Conversion: []float64{1, 1000, 0.3048, 1609.34}[k%4]}
		if k%2 == 0 {
			s.Radius = math.Pow(10, r.Float64()*8)
		} else {
			s.Box = true
			s.Width, s.Height = math.Pow(10, r.Float64()*8), math.Pow(10, r.Float64()*8)
		}
		s.CoveringCells()
		for j := 0; j < 300; j++ {
			spread := math.Pow(10, r.Float64()*3-1) // 0.1 to 100 degrees
			lon := max(min(s.X+(r.Float64()-0.5)*spread, 180), -180)
			lat := max(min(s.Y+(r.Float64()-0.5)*spread, LatMax), LatMin)
			if j%10 == 0 { // near the antipode
				lon, lat = s.X-180+(r.Float64()-0.5)*1e-3, -s.Y
				if lon < -180 {
					lon += 360
				}
			}
			want, wantIn := redisWithin(&s, lon, lat)
			d, in := s.Within(lon, lat, true)
			require.Equal(t, wantIn, in, "shape %+v point %v,%v", s, lon, lat)
			if in && !math.IsNaN(want) {
				require.Equal(t, want, d)
			}
			_, in = s.Within(lon, lat, false)
			require.Equal(t, wantIn, in)
		}
	}
}
