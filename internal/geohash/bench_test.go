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

// BenchmarkWithin: a search's test of each candidate, with Within's
// shortcuts and as Redis writes it (exact distance for every candidate),
// over candidates spread like those of a 20 km search's nine cells.
func BenchmarkWithin(b *testing.B) {
	s := Shape{X: 14, Y: 37.7, Radius: 20, Conversion: 1000}
	s.CoveringCells()
	pts := make([][2]float64, 1024)
	for i := range pts {
		pts[i] = [2]float64{14 + float64(i%32)/32*0.8 - 0.4, 37.7 + float64(i/32)/32*0.6 - 0.3}
	}
	for _, c := range []struct {
		name string
		fn   func(lon, lat float64) (float64, bool)
	}{
		{"Within", func(lon, lat float64) (float64, bool) { return s.Within(lon, lat, false) }},
		{"Within/dist", func(lon, lat float64) (float64, bool) { return s.Within(lon, lat, true) }},
		{"exact", func(lon, lat float64) (float64, bool) { return redisWithinBench(&s, lon, lat) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				p := pts[i&1023]
				d, _ := c.fn(p[0], p[1])
				sink += d
			}
		})
	}
}

func redisWithinBench(s *Shape, lon, lat float64) (float64, bool) {
	d := Distance(s.X, s.Y, lon, lat)
	return d, !(d > s.Radius*s.Conversion)
}
