package glob

// Match reports whether s matches pattern, case-sensitively, exactly as
// Redis's stringmatchlen with nocase=0 (KEYS, SCAN MATCH, PSUBSCRIBE). It
// does not allocate.
func Match(pattern, s string) bool { return match(pattern, s, false) }

// MatchNoCase is [Match] with Redis's nocase=1: ASCII letters match either
// case (C's tolower in the "C" locale; other bytes are compared as they are).
func MatchNoCase(pattern, s string) bool { return match(pattern, s, true) }

// IsLiteral reports whether pattern contains none of the special bytes
// '*', '?', '[' and '\'. Such a pattern, matched case-sensitively, matches
// exactly one string, itself, so a lookup can replace a scan. A pattern whose
// specials are all escaped also matches a single string; see
// [Pattern.Literal].
func IsLiteral(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?', '[', '\\':
			return false
		}
	}
	return true
}

// match interprets p against s. Every element but '*' consumes exactly one
// byte, so a failed attempt after the latest '*' is retried only from that
// star, one byte further on; earlier stars never need retrying (that is
// Redis's skipLongerMatches argument made into a loop).
func match(p, s string, nocase bool) bool {
	if len(s) == 0 {
		// stringmatchlen never enters its loop for an empty string: only an
		// empty pattern matches, not even "*".
		return len(p) == 0
	}
	pi, si := 0, 0
	starP, starS := -1, 0 // pattern index after the latest '*', and where its text starts
	for {
		if pi < len(p) && p[pi] == '*' {
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			if pi == len(p) {
				return true // a trailing star takes the rest of s
			}
			starP, starS = pi, si
			continue
		}
		if si == len(s) {
			// The string ran out: only stars may remain. When they do not, a
			// later start for the latest star runs out sooner still (the text
			// after it has a fixed width), so there is nothing to retry.
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			return pi == len(p)
		}
		if pi < len(p) {
			if ok, next := step(p, pi, s[si], nocase); ok {
				pi, si = next, si+1
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		pi, si = starP, starS
	}
}

// step matches the single-byte element at p[i] (anything but '*') against c
// and returns where the next element starts. The end index does not depend
// on c, so the pattern splits into the same elements whatever it is matched
// against.
func step(p string, i int, c byte, nocase bool) (ok bool, next int) {
	switch p[i] {
	case '?':
		return true, i + 1
	case '[':
		return inSet(p, i+1, c, nocase)
	case '\\':
		if i+1 < len(p) {
			i++ // a trailing backslash stands for itself
		}
	}
	if nocase {
		return lower(p[i]) == lower(c), i + 1
	}
	return p[i] == c, i + 1
}

// inSet evaluates the bracket set whose body starts at p[i] (just after the
// '[') against c, returning the verdict and the index after the set: after
// its ']', or len(p) for a set that runs to the end of the pattern.
func inSet(p string, i int, c byte, nocase bool) (ok bool, next int) {
	not := i < len(p) && p[i] == '^'
	if not {
		i++
	}
	hit := false
	for {
		switch {
		case i >= len(p):
			return hit != not, len(p) // unterminated: the set is the rest of p
		case p[i] == '\\' && len(p)-i >= 2:
			i++
			if p[i] == c { // escaped bytes compare exactly, even under nocase
				hit = true
			}
		case p[i] == ']':
			return hit != not, i + 1
		case len(p)-i >= 3 && p[i+1] == '-':
			if inRange(p[i], p[i+2], c, nocase) {
				hit = true
			}
			i += 2
		case nocase:
			if lower(p[i]) == lower(c) {
				hit = true
			}
		default:
			if p[i] == c {
				hit = true
			}
		}
		i++
	}
}

// inRange is Redis's range test: the ends and c are C chars (signed on the
// platforms Redis ships for), the ends are swapped into order, and only then,
// under nocase, all three go through tolower.
func inRange(from, to, c byte, nocase bool) bool {
	lo, hi, x := int(int8(from)), int(int8(to)), int(int8(c))
	if lo > hi {
		lo, hi = hi, lo
	}
	if nocase {
		lo, hi, x = ctolower(lo), ctolower(hi), ctolower(x)
	}
	return x >= lo && x <= hi
}

// ctolower is glibc's tolower in the "C" locale applied to a C char value
// (-128..127): ASCII upper case maps to lower case, the negative values -128
// to -2 map to 128..254 (glibc's table for signed chars), and -1 (EOF) stays.
func ctolower(c int) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A')
	case c < -1:
		return c + 256
	}
	return c
}

// lower folds an ASCII upper-case byte. For equality tests it agrees with
// comparing ctolower of both sides, since ctolower is one-to-one apart from
// case folding.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
