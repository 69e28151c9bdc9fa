package geohash

import (
	"math"
	"testing"
)

// Benchmarks of the distance and its correctly rounded functions, beside
// the math package's (what rounding them correctly costs).

var sink float64

func BenchmarkTrig(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = float64(i)/512 - 1.1 // -1.1 .. 0.9
	}
	for _, f := range []struct {
		name string
		fn   func(float64) float64
	}{
		{"Sin", Sin}, {"math.Sin", math.Sin}, {"Cos", Cos}, {"math.Cos", math.Cos},
		{"Asin", func(x float64) float64 { return Asin(x / 1.2) }}, {"math.Asin", func(x float64) float64 { return math.Asin(x / 1.2) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				sink += f.fn(xs[i&1023])
			}
		})
	}
}

func BenchmarkDistance(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sink += Distance(13.361389, 38.115556, 15.087269+float64(i&1023)*1e-4, 37.502669)
	}
}
