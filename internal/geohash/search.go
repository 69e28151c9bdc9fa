package geohash

import "math"

// Searches: the shape of a GEOSEARCH or GEORADIUS query, the nine cells
// that cover it, and the distance tests (Redis's geohash_helper.c).

// Earth and unit constants, as Redis defines them.
const (
	// EarthRadius is the Earth's quadratic mean radius for WGS-84, in
	// meters, that Redis's haversine uses.
	EarthRadius = 6372797.560856

	mercatorMax = 20037726.37
)

// degToRad is C's M_PI / 180.0: π rounded to a double, then divided.
var degToRad = float64(math.Pi) / 180.0

func degRad(ang float64) float64 { return ang * degToRad }
func radDeg(ang float64) float64 { return ang / degToRad }

// Shape is a search area: a circle of Radius, or a Width × Height box,
// around the point X (longitude), Y (latitude). The sizes are in the
// query's unit; Conversion is the unit's size in meters.
type Shape struct {
	X, Y          float64
	Box           bool
	Radius        float64
	Width, Height float64
	Conversion    float64

	bounds [4]float64 // min longitude, min latitude, max longitude, max latitude

	// The cosine of the center's latitude, exact and fast: every distance
	// from the center needs it.
	cosY, fastCosY float64
	prepared       bool
}

func (s *Shape) prepare() {
	if !s.prepared {
		s.cosY, s.fastCosY = Cos(degRad(s.Y)), math.Cos(degRad(s.Y))
		s.prepared = true
	}
}

// fromCenter is Distance(s.X, s.Y, lon, lat) with the center's cosine
// computed once (fast selects fastDistance's functions).
func (s *Shape) fromCenter(lon, lat float64, fast bool) float64 {
	s.prepare()
	sin, cos, asin, cosY := Sin, Cos, Asin, s.cosY
	if fast {
		sin, cos, asin, cosY = math.Sin, math.Cos, math.Asin, s.fastCosY
	}
	lon1r := degRad(s.X)
	lon2r := degRad(lon)
	v := sin((lon2r - lon1r) / 2)
	if v == 0 {
		return LatDistance(s.Y, lat)
	}
	lat1r := degRad(s.Y)
	lat2r := degRad(lat)
	u := sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(cosY*cos(lat2r))*v)*v)
	return 2.0 * EarthRadius * asin(math.Sqrt(a))
}

// estimateSteps is Redis's geohashEstimateStepsByRadius: the hash step
// whose cells are about as large as the search radius.
func estimateSteps(rangeMeters, lat float64) uint8 {
	if rangeMeters == 0 {
		return 26
	}
	step := 1
	for rangeMeters < mercatorMax {
		rangeMeters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	step = max(min(step, 26), 1)
	return uint8(step)
}

// boundingBox is Redis's geohashBoundingBox.
func (s *Shape) boundingBox() {
	height, width := s.Radius, s.Radius
	if s.Box {
		height, width = s.Height/2, s.Width/2
	}
	height *= s.Conversion
	width *= s.Conversion
	latDelta := radDeg(height / EarthRadius)
	longDeltaTop := radDeg(width / EarthRadius / Cos(degRad(s.Y+latDelta)))
	longDeltaBottom := radDeg(width / EarthRadius / Cos(degRad(s.Y-latDelta)))
	if s.Y < 0 { // the southern hemisphere's widest edge is its northern one
		s.bounds[0] = s.X - longDeltaBottom
		s.bounds[2] = s.X + longDeltaBottom
	} else {
		s.bounds[0] = s.X - longDeltaTop
		s.bounds[2] = s.X + longDeltaTop
	}
	s.bounds[1] = s.Y - latDelta
	s.bounds[3] = s.Y + latDelta
}

// Cells are the cells a search visits, in Redis's order: the center cell,
// then its neighbours (zero hashes are excluded ones).
type Cells [9]Hash

// CoveringCells is Redis's geohashCalculateAreasByShapeWGS84: the center
// cell of the shape at a step about as large as the search, and the
// neighbours that can hold points of the shape.
func (s *Shape) CoveringCells() Cells {
	s.boundingBox()
	minLon, minLat, maxLon, maxLat := s.bounds[0], s.bounds[1], s.bounds[2], s.bounds[3]
	radius := s.Radius
	if s.Box {
		radius = math.Sqrt(float64(s.Width/2*(s.Width/2)) + float64(s.Height/2*(s.Height/2)))
	}
	radius *= s.Conversion
	steps := estimateSteps(radius, s.Y)

	hash, _ := Encode(s.X, s.Y, steps)
	nb := neighbors(hash)
	area, _ := Decode(hash)

	// A cell next to an edge of the search area may be too small at the
	// estimated step: then use the step below.
	north, _ := Decode(nb[North])
	south, _ := Decode(nb[South])
	east, _ := Decode(nb[East])
	west, _ := Decode(nb[West])
	decrease := north.Latitude.Max < maxLat || south.Latitude.Min > minLat ||
		east.Longitude.Max < maxLon || west.Longitude.Min > minLon
	if steps > 1 && decrease {
		steps--
		hash, _ = Encode(s.X, s.Y, steps)
		nb = neighbors(hash)
		area, _ = Decode(hash)
	}

	// Leave out the neighbours the search area cannot reach.
	if steps >= 2 {
		if area.Latitude.Min < minLat {
			nb[South], nb[SouthWest], nb[SouthEast] = Hash{}, Hash{}, Hash{}
		}
		if area.Latitude.Max > maxLat {
			nb[North], nb[NorthEast], nb[NorthWest] = Hash{}, Hash{}, Hash{}
		}
		if area.Longitude.Min < minLon {
			nb[West], nb[SouthWest], nb[NorthWest] = Hash{}, Hash{}, Hash{}
		}
		if area.Longitude.Max > maxLon {
			nb[East], nb[SouthEast], nb[NorthEast] = Hash{}, Hash{}, Hash{}
		}
	}
	var c Cells
	c[0] = hash
	copy(c[1:], nb[:])
	return c
}

// ScoreRange returns the scores of the points in a cell: min included,
// max excluded (Redis's scoresOfGeoHashBox).
func ScoreRange(h Hash) (min, max uint64) {
	min = Align52(h)
	h.Bits++
	return min, Align52(h)
}

// LatDistance is the distance in meters between two latitudes on one
// meridian (Redis's geohashGetLatDistance).
func LatDistance(lat1, lat2 float64) float64 {
	return EarthRadius * math.Abs(degRad(lat2)-degRad(lat1))
}

// Distance is the haversine great-circle distance in meters between two
// points (Redis's geohashGetDistance).
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r := degRad(lon1)
	lon2r := degRad(lon2)
	v := Sin((lon2r - lon1r) / 2)
	if v == 0 {
		return LatDistance(lat1, lat2)
	}
	lat1r := degRad(lat1)
	lat2r := degRad(lat2)
	u := Sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(Cos(lat1r)*Cos(lat2r))*v)*v)
	return 2.0 * EarthRadius * Asin(math.Sqrt(a))
}

// fastDistance is Distance with the math package's sine, cosine and
// arcsine: off by less than a meter (near the antipode, where arcsine is
// steepest) and usually by an ulp or two.
func fastDistance(lon1, lat1, lon2, lat2 float64) float64 {
	lon1r := degRad(lon1)
	lon2r := degRad(lon2)
	v := math.Sin((lon2r - lon1r) / 2)
	if v == 0 {
		return LatDistance(lat1, lat2)
	}
	lat1r := degRad(lat1)
	lat2r := degRad(lat2)
	u := math.Sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(math.Cos(lat1r)*math.Cos(lat2r))*v)*v)
	return 2.0 * EarthRadius * math.Asin(math.Sqrt(a))
}

// antipode is a little less than half the Earth's circumference: past it,
// fastDistance does not decide.
const antipode = math.Pi*EarthRadius - 1000

// compare tells, from the fast distance f, whether Distance would be over
// limit (1), under or at it (-1), or 0 when f is too close to tell.
func compare(f, limit float64) int {
	margin := 1 + limit*1e-12
	switch {
	case f > limit+margin:
		return 1
	case f < limit-margin:
		return -1
	}
	return 0 // NaN too
}

// Within reports whether the point (lon, lat) is inside the shape (Redis's
// geoWithinShape after decoding: the radius test, or the box test of
// geohashGetDistanceIfInRectangle), and when needDist its distance in
// meters from the shape's center, exactly as Redis computes it. Points
// clearly inside or outside are told apart by the fast distance; the
// exact one is computed for the others and when needDist.
func (s *Shape) Within(lon, lat float64, needDist bool) (float64, bool) {
	if !s.Box {
		limit := s.Radius * s.Conversion
		// The great-circle distance is at least the distance along the
		// meridian (no trigonometry): far in latitude is outside, unless
		// the longitudes are far apart too (near the antipode the
		// haversine may be NaN, which Redis lets in).
		if dl := math.Abs(lon - s.X); (dl < 90 || dl > 270) && compare(LatDistance(s.Y, lat), limit) > 0 {
			return 0, false
		}
		f := s.fromCenter(lon, lat, true)
		c := compare(f, limit)
		// Near the antipode the exact haversine may be NaN (its sine
		// squared rounds past 1), which Redis's test "distance > radius"
		// lets in: only the exact distance can tell.
		if (c > 0 && f < antipode) || (c < 0 && !needDist) {
			return 0, c < 0
		}
		d := s.fromCenter(lon, lat, false)
		return d, !(d > limit)
	}
	width, height := s.Width*s.Conversion, s.Height*s.Conversion
	if LatDistance(lat, s.Y) > height/2 {
		return 0, false
	}
	switch compare(fastDistance(lon, lat, s.X, lat), width/2) {
	case 1:
		return 0, false
	case 0:
		if Distance(lon, lat, s.X, lat) > width/2 {
			return 0, false
		}
	}
	if !needDist {
		return 0, true
	}
	return s.fromCenter(lon, lat, false), true
}
