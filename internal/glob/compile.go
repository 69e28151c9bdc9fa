package glob

import "strings"

// Pattern is a compiled glob pattern. Its Match gives the same answers as
// [Match] (or [MatchNoCase] for [CompileNoCase]) on the source pattern. The
// zero Pattern is the compiled empty pattern, which matches only "". A
// Pattern is immutable and safe for concurrent use by multiple goroutines.
type Pattern struct {
	src    string
	nocase bool
	kind   kind
	lit    string    // the literal text for kindExact, kindPrefix, kindSuffix, kindInfix
	elems  []elem    // kindGeneral: the elements, consecutive stars merged
	sets   []byteSet // the tables that elemSet elements index
}

// kind selects Pattern.Match's strategy.
type kind uint8

const (
	kindExact   kind = iota // lit
	kindPrefix              // lit*
	kindSuffix              // *lit
	kindInfix               // *lit*
	kindAny                 // *
	kindGeneral             // anything else: run elems
)

// elem is one compiled pattern element.
type elem struct {
	op  op
	b   byte   // opByte: the byte; opFold: its lower-case form
	set uint16 // opSet: index into Pattern.sets
}

type op uint8

const (
	opStar op = iota // '*': any run of bytes
	opAny            // '?': any one byte
	opByte           // one exact byte
	opFold           // one byte, ASCII case-insensitive
	opSet            // one byte from a 256-bit set
)

// byteSet is a set of bytes, one bit each.
type byteSet [4]uint64

func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func (s *byteSet) add(c byte) { s[c>>6] |= 1 << (c & 63) }

// buildSet is inSet for all 256 bytes at once: it walks the set body that
// starts at p[i] the way inSet does and returns the bytes it accepts and the
// index after the set. FuzzMatch holds the two to the same answers.
func buildSet(p string, i int, nocase bool) (set byteSet, next int) {
	not := i < len(p) && p[i] == '^'
	if not {
		i++
	}
	next = len(p)
loop:
	for ; ; i++ {
		switch {
		case i >= len(p):
			break loop
		case p[i] == '\\' && len(p)-i >= 2:
			i++
			set.add(p[i])
		case p[i] == ']':
			next = i + 1
			break loop
		case len(p)-i >= 3 && p[i+1] == '-':
			for c := 0; c < 256; c++ {
				if inRange(p[i], p[i+2], byte(c), nocase) {
					set.add(byte(c))
				}
			}
			i += 2
		case nocase:
			set.add(lower(p[i]))
			set.add(upper(p[i]))
		default:
			set.add(p[i])
		}
	}
	if not {
		for w := range set {
			set[w] = ^set[w]
		}
	}
	return set, next
}

// Compile compiles a case-sensitive pattern (Redis's nocase=0). Every
// pattern compiles; Compile never fails.
func Compile(pattern string) Pattern { return compile(pattern, false) }

// CompileNoCase compiles a pattern for ASCII case-insensitive matching
// (Redis's nocase=1), the compiled form of [MatchNoCase].
func CompileNoCase(pattern string) Pattern { return compile(pattern, true) }

func compile(p string, nocase bool) Pattern {
	pat := Pattern{src: p, nocase: nocase}
	var lit []byte
	literal := true // every element so far is an exact byte
	for i := 0; i < len(p); {
		switch p[i] {
		case '*':
			for i < len(p) && p[i] == '*' {
				i++
			}
			pat.elems = append(pat.elems, elem{op: opStar})
			literal = false
			continue
		case '?':
			pat.elems = append(pat.elems, elem{op: opAny})
			literal = false
			i++
			continue
		case '[':
			set, next := buildSet(p, i+1, nocase)
			e := elem{op: opSet, set: uint16(len(pat.sets))}
			if len(pat.sets) == 1<<16-1 {
				// Index space exhausted (a pattern with 65535 sets): keep the
				// rest exact by falling back to the interpreter.
				return Pattern{src: p, nocase: nocase, kind: kindGeneral}
			}
			pat.sets = append(pat.sets, set)
			pat.elems = append(pat.elems, e)
			literal = false
			i = next
			continue
		case '\\':
			if i+1 < len(p) {
				i++
			}
		}
		c := p[i]
		if nocase && lower(c) != upper(c) {
			pat.elems = append(pat.elems, elem{op: opFold, b: lower(c)})
			literal = false
		} else {
			pat.elems = append(pat.elems, elem{op: opByte, b: c})
			lit = append(lit, c)
		}
		i++
	}
	pat.kind, pat.lit = classify(pat.elems, literal)
	if pat.kind != kindGeneral {
		pat.elems, pat.sets = nil, nil
	}
	return pat
}

// classify picks a strings-package fast path for patterns made of exact
// bytes with stars only at the ends.
func classify(elems []elem, literal bool) (kind, string) {
	if literal {
		return kindExact, bytesOf(elems)
	}
	n := len(elems)
	leading := n > 0 && elems[0].op == opStar
	trailing := n > 0 && elems[n-1].op == opStar
	inner := elems
	if leading {
		inner = inner[1:]
	}
	if trailing && len(inner) > 0 {
		inner = inner[:len(inner)-1]
	}
	for _, e := range inner {
		if e.op != opByte {
			return kindGeneral, ""
		}
	}
	lit := bytesOf(inner)
	switch {
	case leading && len(inner) == 0:
		return kindAny, ""
	case leading && trailing:
		return kindInfix, lit
	case leading:
		return kindSuffix, lit
	default:
		return kindPrefix, lit
	}
}

func bytesOf(elems []elem) string {
	var b strings.Builder
	b.Grow(len(elems))
	for _, e := range elems {
		b.WriteByte(e.b)
	}
	return b.String()
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// String returns the source pattern.
func (p Pattern) String() string { return p.src }

// NoCase reports whether p was compiled with [CompileNoCase].
func (p Pattern) NoCase() bool { return p.nocase }

// Literal returns the one string p matches, when there is exactly one: the
// pattern is made of plain and escaped bytes only (no '*', '?' or '[') and,
// for a nocase pattern, has no ASCII letters. "user\*1" gives "user*1".
func (p Pattern) Literal() (string, bool) {
	if p.kind != kindExact {
		return "", false
	}
	return p.lit, true
}

// Match reports whether s matches p. It does not allocate.
func (p Pattern) Match(s string) bool {
	if len(s) == 0 {
		return len(p.src) == 0 // as in Redis, even "*" does not match ""
	}
	switch p.kind {
	case kindExact:
		return s == p.lit
	case kindPrefix:
		return strings.HasPrefix(s, p.lit)
	case kindSuffix:
		return strings.HasSuffix(s, p.lit)
	case kindInfix:
		return strings.Contains(s, p.lit)
	case kindAny:
		return true
	}
	if p.elems == nil {
		return match(p.src, s, p.nocase)
	}
	return p.run(s)
}

// run is match over compiled elements; see match for the algorithm.
func (p *Pattern) run(s string) bool {
	el := p.elems
	ei, si := 0, 0
	starE, starS := -1, 0
	for {
		if ei < len(el) && el[ei].op == opStar {
			ei++
			if ei == len(el) {
				return true
			}
			starE, starS = ei, si
			continue
		}
		if si == len(s) {
			for ei < len(el) && el[ei].op == opStar {
				ei++
			}
			return ei == len(el)
		}
		if ei < len(el) && p.one(el[ei], s[si]) {
			ei++
			si++
			continue
		}
		if starE < 0 {
			return false
		}
		starS++
		ei, si = starE, starS
	}
}

func (p *Pattern) one(e elem, c byte) bool {
	switch e.op {
	case opAny:
		return true
	case opByte:
		return e.b == c
	case opFold:
		return e.b == lower(c)
	}
	return p.sets[e.set].has(c)
}
