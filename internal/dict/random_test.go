package dict

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomWeights returns each key's relative chance under Random's design:
// 1, or c/L for a key in a chain of L > c entries (see Random).
func randomWeights[V any](d *Dict[V]) map[string]float64 {
	l := d.live()
	c := float64(d.randomCap(&l))
	w := map[string]float64{}
	chains := func(b []*node[V]) {
		for _, head := range b {
			n := 0
			for e := head; e != nil; e = e.next {
				n++
			}
			for e := head; e != nil; e = e.next {
				w[e.key()] = min(1, c/float64(n))
			}
		}
	}
	chains(l.t0[l.lo:])
	chains(l.t1)
	return w
}

// chiSquareWeighted returns Pearson's statistic for counts against the
// expectation weights give.
func chiSquareWeighted(counts map[string]int, weights map[string]float64, draws int) float64 {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	sum := 0.0
	for k, w := range weights {
		exp := float64(draws) * w / total
		d := float64(counts[k]) - exp
		sum += d * d / exp
	}
	return sum
}

// chiSquare returns Pearson's statistic for counts against a uniform
// expectation.
func chiSquare(counts map[string]int, keys, draws int) float64 {
	exp := float64(draws) / float64(keys)
	sum := 0.0
	for _, c := range counts {
		d := float64(c) - exp
		sum += d * d / exp
	}
	// Keys never drawn contribute exp each.
	sum += float64(keys-len(counts)) * exp
	return sum
}

func TestRandomUniform(t *testing.T) {
	cases := []struct {
		name string
		keys int
		// prepare leaves d holding keys "0".."keys-1" and paused, so
		// that Random does no rehash work and the layout stays as set up.
		prepare func(d *Dict[ent], keys int)
	}{
		{"full", 1024, func(d *Dict[ent], keys int) {
			fill(d, "", keys)
			for d.RehashStep(1 << 20) {
			}
			d.pause++
		}},
		{"sparse", 120, func(d *Dict[ent], keys int) {
			// 120 keys in 2048 buckets: a shrink is held off by the pause.
			fill(d, "", keys)
			fill(d, "x", 1500)
			for d.RehashStep(1 << 20) {
			}
			d.pause++
			for i := range 1500 {
				d.Delete(fmt.Sprint("x", i))
			}
		}},
		{"rehashing", 1025, func(d *Dict[ent], keys int) {
			fill(d, "", keys)
			d.RehashStep(200)
			d.pause++
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := New[ent](0)
			tc.prepare(d, tc.keys)
			require.Equal(t, tc.keys, d.Len())
			draws := tc.keys * 200
			counts := map[string]int{}
			for range draws {
				k, _, ok := d.Random()
				if !ok {
					require.FailNow(t, "Random found nothing")
				}
				counts[k]++
			}
			weights := randomWeights(d) // the layout the draws saw
			d.pause--
			for k, c := range counts {
				p := d.Get(k)
				require.NotNil(t, p, "Random returned missing key %q", k)
				require.Equal(t, k, fmt.Sprint(p.n))
				require.Positive(t, c)
			}
			// Against the expectation of Random's design (a key in a
			// chain longer than c is c/L as likely), the statistic is
			// chi-square with keys-1 degrees of freedom: mean df, deviation
			// sqrt(2 df); six deviations is a false alarm in about one run
			// in a million. Against a uniform expectation, the designed-in
			// bias alone (which depends on the chains the hash seed makes)
			// ranged up to 18 deviations over 200 seeds.
			chi := chiSquareWeighted(counts, weights, draws)
			df := float64(tc.keys - 1)
			assert.Less(t, chi, df+6*math.Sqrt(2*df), "chi-square %.0f with %d keys", chi, tc.keys)
			uniform := chiSquare(counts, tc.keys, draws)
			assert.Less(t, uniform, df+30*math.Sqrt(2*df), "uniform chi-square %.0f with %d keys", uniform, tc.keys)
			assert.Len(t, counts, tc.keys, "every key drawn at least once")
		})
	}
}

// fill inserts keys prefix+"0" .. prefix+"n-1" with values 0..n-1.
func fill(d *Dict[ent], prefix string, n int) {
	for i := range n {
		d.Set(fmt.Sprint(prefix, i), ent{n: i})
	}
}

func TestRandomLiveOnly(t *testing.T) {
	d := New[ent](0)
	live := map[string]bool{}
	for i := range 2000 {
		k := fmt.Sprint(i)
		d.Set(k, ent{n: i})
		live[k] = true
	}
	for i := 0; i < 2000; i += 3 {
		k := fmt.Sprint(i)
		d.Delete(k)
		delete(live, k)
	}
	for range 5000 {
		k, _, ok := d.Random()
		require.True(t, ok)
		require.True(t, live[k], "Random returned deleted key %q", k)
	}
	d.Clear()
	d.Set("only", ent{n: 1})
	k, v, ok := d.Random()
	assert.True(t, ok)
	assert.Equal(t, "only", k)
	assert.Equal(t, 1, v.n)
}

func TestSample(t *testing.T) {
	for _, tc := range []struct {
		name     string
		keys, n  int
		rehashed bool
	}{
		{"few", 3, 10, true},
		{"many", 5000, 16, true},
		{"all", 300, 300, true},
		{"rehashing", 1025, 64, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New[ent](0)
			for i := range tc.keys {
				d.Set(fmt.Sprint(i), ent{n: i})
			}
			if tc.rehashed {
				for d.RehashStep(1 << 20) {
				}
			}
			for range 200 {
				seen := map[string]bool{}
				got := d.Sample(tc.n, func(k string, v *ent) bool {
					require.Equal(t, k, fmt.Sprint(v.n))
					require.False(t, seen[k], "Sample returned %q twice", k)
					seen[k] = true
					return true
				})
				require.Equal(t, min(tc.n, tc.keys), got)
				require.Len(t, seen, got)
			}
			// Stopping early.
			calls := 0
			got := d.Sample(tc.n, func(string, *ent) bool { calls++; return false })
			assert.Equal(t, 1, got)
			assert.Equal(t, 1, calls)
			checkInvariants(t, d)
		})
	}
}

func TestSampleUniform(t *testing.T) {
	// Small samples draw buckets independently: every key is included
	// about equally often. 512 keys in 512 buckets; samples of 5.
	const keys, n, calls = 512, 5, 512 * 40
	d := New[ent](0)
	fill(d, "", keys)
	counts := map[string]int{}
	for range calls {
		d.Sample(n, func(k string, _ *ent) bool { counts[k]++; return true })
	}
	// Keys of one chain are included together, and a chain longer than
	// what a sample still wants gives each of its keys a smaller share, so
	// the counts are neither independent nor identically distributed and a
	// chi-square test does not apply; check instead that no key is far
	// from the mean of 200. Over 200 seeds the counts ranged from 76 to 300
	// (a window of ±100 failed one run in ten).
	assert.Len(t, counts, keys)
	want := float64(calls*n) / keys
	for k, c := range counts {
		assert.GreaterOrEqual(t, float64(c), want/3, "key %q included %d times", k, c)
		assert.LessOrEqual(t, float64(c), 2*want, "key %q included %d times", k, c)
	}
}
