package geohash

import (
	"math"
	"strconv"
	"strings"
)

// FormatDistance formats a distance as Redis's addReplyDoubleDistance
// (fixedpoint_d2string with 4 digits): the value times 10^4 rounded to an
// integer as llrint does (to nearest, ties to even), then printed with
// four decimals.
func FormatDistance(d float64) string {
	if d == 0 {
		return "0.0000"
	}
	scaled := math.RoundToEven(d * 10000.0)
	var v uint64
	neg := false
	switch {
	case scaled != scaled || scaled >= 9223372036854775808.0 || scaled < -9223372036854775808.0:
		v, neg = 1<<63, true // llrint's out-of-range result, LLONG_MIN
	case scaled < 0:
		v, neg = uint64(-int64(scaled)), true
	default:
		v = uint64(scaled)
	}
	digits := strconv.FormatUint(v, 10)
	for len(digits) < 5 {
		digits = "0" + digits
	}
	s := digits[:len(digits)-4] + "." + digits[len(digits)-4:]
	if neg {
		s = "-" + s
	}
	return s
}

// FormatCoord formats a coordinate as Redis's addReplyHumanLongDouble
// (ld2string in human mode): "%.17f" of the value, without trailing zeros
// or a trailing dot, "-0" as "0".
func FormatCoord(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'f', 17, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// Base32 renders a stored score as the 11-character standard geohash
// GEOHASH replies with: the point decoded, re-encoded over latitudes ±90,
// 52 bits in ten base-32 digits and a final '0'.
func Base32(score float64) string {
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	lon, lat := DecodeScore(score)
	h := EncodeStandard(lon, lat)
	var buf [11]byte
	for i := 0; i < 10; i++ {
		buf[i] = alphabet[(h.Bits>>(52-uint((i+1)*5)))&0x1f]
	}
	buf[10] = alphabet[0]
	return string(buf[:])
}
