package shard

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Number parsing and formatting with C's semantics, as Redis uses them:
// strtod/strtold grammar (decimal, hexadecimal, inf/infinity, no NaN, no
// leading space, nothing trailing), long double arithmetic for INCRBYFLOAT
// and HINCRBYFLOAT (x87 80-bit: a 64-bit mantissa, emulated with big.Float
// at precision 64), and "%.17Lf" output with trailing zeros trimmed.

// cFloatSyntax reports whether all of s is a number strtod accepts, other
// than NaN: [+-] then inf | infinity | decimal | 0x hexadecimal, with an
// optional exponent. hex reports the hexadecimal form, hasP whether a hex
// number carries its 'p' exponent, and inf the infinity forms.
func cFloatSyntax(s string) (ok, hex, hasP, inf bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	rest := s[i:]
	if EqualFold(rest, "inf") || EqualFold(rest, "infinity") {
		return !strings.ContainsRune(rest, 0), false, false, true
	}
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	isHex := func(c byte) bool {
		return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
	}
	digit := isDigit
	if len(rest) >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X') {
		hex = true
		digit = isHex
		i += 2
	}
	n := 0
	for i < len(s) && digit(s[i]) {
		i++
		n++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && digit(s[i]) {
			i++
			n++
		}
	}
	if n == 0 {
		return false, false, false, false
	}
	if i < len(s) && ((!hex && (s[i] == 'e' || s[i] == 'E')) || (hex && (s[i] == 'p' || s[i] == 'P'))) {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		m := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			m++
		}
		if m == 0 {
			return false, false, false, false
		}
		hasP = hex
	}
	return i == len(s), hex, hasP, false
}

// ParseFloat parses s as Redis's string2d does (strtod, whole string, no
// leading space, no NaN, no overflow to ±inf, no underflow to zero).
// "inf", "+inf", "-inf" and "infinity" are accepted.
func ParseFloat(s string) (float64, bool) {
	ok, hex, hasP, inf := cFloatSyntax(s)
	if !ok {
		return 0, false
	}
	if inf {
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	t := s
	if hex && !hasP {
		t += "p0"
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, false // out of range: strtod's ERANGE with ±HUGE_VAL
	}
	if f == 0 && hasNonZeroMantissa(s, hex) {
		return 0, false // underflow to zero: ERANGE with FP_ZERO
	}
	return f, true
}

func hasNonZeroMantissa(s string, hex bool) bool {
	i := 0
	if s[i] == '+' || s[i] == '-' {
		i++
	}
	if hex {
		i += 2
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c == 'e' || c == 'E' || (hex && (c == 'p' || c == 'P')) {
			break
		}
		if c != '0' && c != '.' {
			return true
		}
	}
	return false
}

// Long double limits (x87 extended precision).
const (
	ldMaxExp = 16384  // |x| < 2^16384
	ldMinExp = -16444 // the smallest denormal is 2^-16445
)

// ParseLongDouble parses s as Redis's string2ld does (strtold) into a
// 64-bit-mantissa big.Float. It rejects what strtold rejects or overflows.
func ParseLongDouble(s string) (*big.Float, bool) {
	if len(s) == 0 || len(s) >= 5*1024 {
		return nil, false
	}
	ok, hex, hasP, inf := cFloatSyntax(s)
	if !ok {
		return nil, false
	}
	f := new(big.Float).SetPrec(64).SetMode(big.ToNearestEven)
	if inf {
		return f.SetInf(s[0] == '-'), true
	}
	t := s
	if hex && !hasP {
		t += "p0"
	}
	base := 10
	if hex {
		base = 0
	}
	if _, _, err := f.Parse(t, base); err != nil {
		return nil, false
	}
	if !ldInRange(f) {
		return nil, false
	}
	return f, true
}

// ldInRange reports whether f is representable as a finite, and (when f
// is not zero) non-zero long double.
func ldInRange(f *big.Float) bool {
	if f.IsInf() {
		return false
	}
	if f.Sign() == 0 {
		return true
	}
	e := f.MantExp(nil) // f = mant × 2^e with 0.5 <= |mant| < 1
	return e <= ldMaxExp && e > ldMinExp
}

// LongDoubleFromInt converts an integer value to a long double.
func LongDoubleFromInt(n int64) *big.Float {
	return new(big.Float).SetPrec(64).SetMode(big.ToNearestEven).SetInt64(n)
}

// AddLongDouble returns a+b in long double arithmetic, and false when the
// result is NaN or infinite (Redis: "increment would produce NaN or
// Infinity").
func AddLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false // inf + x is inf; inf - inf is NaN
	}
	r := new(big.Float).SetPrec(64).SetMode(big.ToNearestEven).Add(a, b)
	if r.Sign() != 0 && r.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return r, true
}

// FormatLongDouble formats f as Redis's ld2string in human mode:
// "%.17Lf" with trailing zeros (and a trailing '.') removed, "-0" as "0",
// and infinities as "inf"/"-inf".
func FormatLongDouble(f *big.Float) string {
	if f.IsInf() {
		if f.Sign() > 0 {
			return "inf"
		}
		return "-inf"
	}
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// FormatDouble formats a double reply as Redis 7.0 does ("%.17g"; inf and
// -inf spelled out).
func FormatDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}
