package geohash

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFastDistanceMargin: the math package's distance stays within the
// margin compare allows of the exact one, antipodes included.
func TestFastDistanceMargin(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	worst, nan := 0.0, 0
	for i := 0; i < 200000; i++ {
		lon1, lat1 := r.Float64()*360-180, r.Float64()*170-85
		var lon2, lat2 float64
		switch i % 4 {
		case 0: // near the antipode
			lon2 = lon1 + 180 - r.Float64()*1e-6
			if lon2 > 180 {
				lon2 -= 360
			}
			lat2 = -lat1 + (r.Float64()-0.5)*1e-6
		case 1: // close by
			lon2, lat2 = lon1+(r.Float64()-0.5)*1e-4, max(min(lat1+(r.Float64()-0.5)*1e-4, 85), -85)
		default:
			lon2, lat2 = r.Float64()*360-180, r.Float64()*170-85
		}
		d := Distance(lon1, lat1, lon2, lat2)
		f := fastDistance(lon1, lat1, lon2, lat2)
		if math.IsNaN(d) || math.IsNaN(f) {
			nan++
			continue // past the antipode guard: Within computes the exact one
		}
		worst = max(worst, math.Abs(d-f))
		if c := compare(f, d); c != 0 && c != -1 {
			t.Fatalf("%v,%v %v,%v: exact %v, fast %v: compare says outside", lon1, lat1, lon2, lat2, d, f)
		}
	}
	t.Logf("largest difference: %g m; %d NaN distances", worst, nan)
	if worst > 0.5 {
		t.Fatalf("difference %g m: too close to the 1 m margin", worst)
	}
}
