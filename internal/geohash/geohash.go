// Package geohash is Redis's geohash (Redis's geohash.c and
// geohash_helper.c): 52-bit interleaved geohashes that GEOADD stores as
// sorted-set scores, their decoding back to coordinates, the nine boxes
// that cover a radius or box search, and the haversine distance, computed
// the way Redis computes them so that scores are bit-identical and
// coordinates and distances format to the same text.
//
// # Encoding
//
// A point is encoded at a step of s bits per coordinate (26 for GEOADD):
// each coordinate becomes its position in its range as an s-bit fraction
// ((lat+85.05112878)/170.10225756 · 2^s, truncated), and the two are
// interleaved, longitude bits in the odd positions and latitude bits in
// the even ones. Aligned to 52 bits, the hash is the score; a float64
// holds it exactly.
//
// # Floating point
//
// Every expression keeps C's evaluation order, and products that Go could
// fuse with a following addition into one rounding are forced to round
// on their own, as on Redis's x86-64 builds. Sine, cosine and arcsine are
// correctly rounded (trig.go), not Go's math functions: the C library
// Redis links is correctly rounded in all but a few cases in a thousand,
// where Go's math package differs from it in a third of them.
package geohash

import "math"

// The limits of the coordinates Redis accepts (EPSG:900913): latitudes
// beyond ±85.05112878 cannot be represented in Web Mercator.
const (
	LatMin  = -85.05112878
	LatMax  = 85.05112878
	LongMin = -180
	LongMax = 180

	// StepMax is the precision of stored scores: 26 bits per coordinate.
	StepMax = 26
)

// Range is an interval of a coordinate.
type Range struct{ Min, Max float64 }

// Hash is a geohash of Step bits per coordinate (2·Step bits).
type Hash struct {
	Bits uint64
	Step uint8
}

// IsZero reports whether h is the zero hash (an excluded neighbour).
func (h Hash) IsZero() bool { return h.Bits == 0 && h.Step == 0 }

// Area is the cell a hash stands for.
type Area struct {
	Hash      Hash
	Longitude Range
	Latitude  Range
}

// The ranges of Redis's encoding.
var (
	longRange = Range{LongMin, LongMax}
	latRange  = Range{LatMin, LatMax}
)

// interleave64 puts the bits of x in the even positions and those of y in
// the odd ones.
func interleave64(xlo, ylo uint32) uint64 {
	x, y := uint64(xlo), uint64(ylo)
	spread := func(v uint64) uint64 {
		v = (v | v<<16) & 0x0000FFFF0000FFFF
		v = (v | v<<8) & 0x00FF00FF00FF00FF
		v = (v | v<<4) & 0x0F0F0F0F0F0F0F0F
		v = (v | v<<2) & 0x3333333333333333
		v = (v | v<<1) & 0x5555555555555555
		return v
	}
	return spread(x) | spread(y)<<1
}

// deinterleave64 undoes interleave64: x (the even bits) in the low 32
// bits of the result, y (the odd ones) in the high 32.
func deinterleave64(v uint64) uint64 {
	squash := func(v uint64) uint64 {
		v &= 0x5555555555555555
		v = (v | v>>1) & 0x3333333333333333
		v = (v | v>>2) & 0x0F0F0F0F0F0F0F0F
		v = (v | v>>4) & 0x00FF00FF00FF00FF
		v = (v | v>>8) & 0x0000FFFF0000FFFF
		v = (v | v>>16) & 0x00000000FFFFFFFF
		return v
	}
	return squash(v) | squash(v>>1)<<32
}

// encode is Redis's geohashEncode over the given ranges. It reports false
// for a step outside 1..32 or coordinates outside Redis's limits or the
// ranges.
func encode(lr, ar Range, longitude, latitude float64, step uint8) (Hash, bool) {
	if step > 32 || step == 0 || (ar.Min == 0 && ar.Max == 0) || (lr.Min == 0 && lr.Max == 0) {
		return Hash{}, false
	}
	if longitude > LongMax || longitude < LongMin || latitude > LatMax || latitude < LatMin ||
		longitude != longitude || latitude != latitude { // NaN: never from a command, which rejects it
		return Hash{}, false
	}
	if latitude < ar.Min || latitude > ar.Max || longitude < lr.Min || longitude > lr.Max {
		return Hash{Step: step}, false
	}
	latOffset := (latitude - ar.Min) / (ar.Max - ar.Min)
	longOffset := (longitude - lr.Min) / (lr.Max - lr.Min)
	scale := float64(uint64(1) << step)
	latOffset *= scale
	longOffset *= scale
	return Hash{Bits: interleave64(toUint32(latOffset), toUint32(longOffset)), Step: step}, true
}

// toUint32 is C's conversion of a double in [0, 2^32] to uint32_t: the
// integer part (2^32 itself, reachable only at step 32, wraps to 0 as the
// x86-64 code does).
func toUint32(f float64) uint32 { return uint32(uint64(f)) }

// Encode encodes a point at the given step over Redis's ranges (Redis's
// geohashEncodeWGS84).
func Encode(longitude, latitude float64, step uint8) (Hash, bool) {
	return encode(longRange, latRange, longitude, latitude, step)
}

// EncodeStandard encodes a point at step 26 over the standard geohash
// ranges (latitude ±90), as GEOHASH re-encodes a stored point before
// rendering it in base 32.
func EncodeStandard(longitude, latitude float64) Hash {
	h, _ := encode(Range{-180, 180}, Range{-90, 90}, longitude, latitude, StepMax)
	return h
}

// Score returns the sorted-set score GEOADD stores for a point: its
// 26-step hash aligned to 52 bits. ok is false for coordinates outside
// Redis's limits.
func Score(longitude, latitude float64) (uint64, bool) {
	h, ok := Encode(longitude, latitude, StepMax)
	if !ok {
		return 0, false
	}
	return Align52(h), true
}

// Align52 shifts a hash to the 52-bit score scale.
func Align52(h Hash) uint64 { return h.Bits << (52 - uint(h.Step)*2) }

// decode is Redis's geohashDecode over the given ranges.
func decode(lr, ar Range, h Hash) (Area, bool) {
	if h.IsZero() || (ar.Min == 0 && ar.Max == 0) || (lr.Min == 0 && lr.Max == 0) {
		return Area{}, false
	}
	sep := deinterleave64(h.Bits)
	latScale := ar.Max - ar.Min
	longScale := lr.Max - lr.Min
	ilato := uint32(sep)
	ilono := uint32(sep >> 32)
	div := float64(uint64(1) << h.Step)
	a := Area{Hash: h}
	a.Latitude.Min = ar.Min + float64(float64(ilato)*1.0/div*latScale)
	a.Latitude.Max = ar.Min + float64(float64(ilato+1)*1.0/div*latScale) // uint32 arithmetic, as C's

	a.Longitude.Min = lr.Min + float64(float64(ilono)*1.0/div*longScale)
	a.Longitude.Max = lr.Min + float64(float64(ilono+1)*1.0/div*longScale)
	return a, true
}

// Decode returns the cell of a hash over Redis's ranges.
func Decode(h Hash) (Area, bool) { return decode(longRange, latRange, h) }

// Center returns the middle of an area, clamped to Redis's limits (Redis's
// geohashDecodeAreaToLongLat).
func (a Area) Center() (longitude, latitude float64) {
	longitude = (a.Longitude.Min + a.Longitude.Max) / 2
	longitude = math.Min(math.Max(longitude, LongMin), LongMax)
	latitude = (a.Latitude.Min + a.Latitude.Max) / 2
	latitude = math.Min(math.Max(latitude, LatMin), LatMax)
	return longitude, latitude
}

// ScoreBits converts a sorted-set score to the hash bits Redis decodes
// from it: C's (uint64_t) conversion of a double as GCC compiles it for
// x86-64, which GEOPOS, GEOHASH, GEODIST and the searches apply to any
// score, not only GEOADD's. Negative scores keep their low 64 bits of
// two's complement; NaN, infinities and values beyond the int64 or uint64
// range give the bits x86's conversion instructions give.
func ScoreBits(score float64) uint64 {
	const two63 = 9223372036854775808.0
	if !(score >= two63) { // NaN takes this branch too, as after x86's comisd
		return uint64(cvttsd2si(score))
	}
	return uint64(cvttsd2si(score-two63)) ^ 1<<63
}

// cvttsd2si is x86-64's truncating double to int64 conversion: out of
// range values and NaN give the "integer indefinite" 0x8000000000000000.
func cvttsd2si(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// DecodeScore returns the point a 52-bit score stands for (Redis's
// decodeGeohash): the center of its cell, clamped to Redis's limits.
func DecodeScore(score float64) (longitude, latitude float64) {
	a, _ := Decode(Hash{Bits: ScoreBits(score), Step: StepMax})
	return a.Center()
}

// moveX moves a hash one cell east (d > 0) or west (d < 0).
func moveX(h *Hash, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - uint(h.Step)*2)
	if d > 0 {
		x = x + (zz + 1)
	} else {
		x = x | zz
		x = x - (zz + 1)
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

// moveY moves a hash one cell north (d > 0) or south (d < 0).
func moveY(h *Hash, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - uint(h.Step)*2)
	if d > 0 {
		y = y + (zz + 1)
	} else {
		y = y | zz
		y = y - (zz + 1)
	}
	y &= 0x5555555555555555 >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

// Neighbors are the eight cells around a hash, in the order Redis
// searches them after the center: north, south, east, west, north-east,
// north-west, south-east, south-west.
type Neighbors [8]Hash

// The neighbour indexes.
const (
	North = iota
	South
	East
	West
	NorthEast
	NorthWest
	SouthEast
	SouthWest
)

// neighbors is Redis's geohashNeighbors.
func neighbors(h Hash) Neighbors {
	var n Neighbors
	moves := [8][2]int{North: {0, 1}, South: {0, -1}, East: {1, 0}, West: {-1, 0},
		NorthEast: {1, 1}, NorthWest: {-1, 1}, SouthEast: {1, -1}, SouthWest: {-1, -1}}
	for i, m := range moves {
		n[i] = h
		moveX(&n[i], m[0])
		moveY(&n[i], m[1])
	}
	return n
}
