package script

import (
	"math"
	"strconv"
)

// cNaN is the NaN glibc's strtod returns for "nan" (the default quiet
// NaN, sign clear). Go's math.NaN has another payload, which
// cmsgpack.pack would show.
var cNaN = math.Float64frombits(0x7ff8000000000000)

// strtod reads the longest prefix of s that glibc's strtod accepts (after
// its leading blanks, which callers have skipped): a sign, then a decimal
// or hexadecimal number, "inf", "infinity" or "nan" with an optional
// "(chars)". It returns the value and the bytes read, 0 when s starts with
// no number. Out-of-range values give ±Inf or zero, as strtod's do; a NaN's
// "(chars)" payload is read but not kept.
func strtod(s string) (float64, int) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	signed := func(f float64, n int) (float64, int) {
		if neg {
			f = -f
		}
		return f, n
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return signed(math.Inf(1), i+8)
	case hasPrefixFold(rest, "inf"):
		return signed(math.Inf(1), i+3)
	case hasPrefixFold(rest, "nan"):
		n := 3
		if n < len(rest) && rest[n] == '(' {
			j := n + 1
			for j < len(rest) && (isAlnum(rest[j]) || rest[j] == '_') {
				j++
			}
			if j < len(rest) && rest[j] == ')' {
				n = j + 1
			}
		}
		return signed(cNaN, i+n)
	case len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x':
		if f, n := hexFloat(rest[2:]); n > 0 {
			return signed(f, i+2+n)
		}
		return signed(0, i+1) // "0x" without digits: strtod reads the 0
	}
	j, digits := 0, 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
		digits++
	}
	if j < len(rest) && rest[j] == '.' {
		j++
		for j < len(rest) && isDigit(rest[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	j = exponent(rest, j, 'e')
	f, _ := strconv.ParseFloat(rest[:j], 64) // a range error still gives strtod's value
	return signed(f, i+j)
}

// exponent extends a number that ends at j over an exponent ("e-12", "p3")
// when one follows with at least one digit.
func exponent(s string, j int, mark byte) int {
	if j >= len(s) || s[j]|0x20 != mark {
		return j
	}
	k := j + 1
	if k < len(s) && (s[k] == '+' || s[k] == '-') {
		k++
	}
	if k >= len(s) || !isDigit(s[k]) {
		return j
	}
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	return k
}

// hexFloat reads the part of a hexadecimal float after "0x": digits, an
// optional fraction and an optional binary exponent.
func hexFloat(s string) (float64, int) {
	j, digits := 0, 0
	for j < len(s) && isHexDigit(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isHexDigit(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	mant := s[:j]
	end := exponent(s, j, 'p')
	exp := "p0"
	if end > j {
		exp = s[j:end]
	}
	f, _ := strconv.ParseFloat("0x"+mant+exp, 64)
	return f, end
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f'
}
