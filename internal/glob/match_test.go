package glob

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// matchCase is one pattern/string pair with Redis 7.0.15's answer.
type matchCase struct {
	pattern, s string
	want       bool
}

// caseSensitive holds Redis's answers for nocase=0. Every row was checked
// against stringmatchlen; the comments say which corner a group covers.
var caseSensitive = []matchCase{
	// Empty inputs: only the empty pattern matches the empty string.
	{"", "", true},
	{"", "a", false},
	{"*", "", false},
	{"**", "", false},
	{"?", "", false},
	{"[", "", false},
	{"a", "", false},
	// Literals.
	{"abc", "abc", true},
	{"abc", "abd", false},
	{"abc", "ab", false},
	{"ab", "abc", false},
	{"hello\x00world", "hello\x00world", true},
	{"hello\x00world", "hello\x00worle", false},
	{"]", "]", true},
	{"^", "^", true},
	{"-", "-", true},
	// Stars.
	{"*", "anything", true},
	{"***", "x", true},
	{"a*", "a", true},
	{"a*", "abc", true},
	{"a*", "ba", false},
	{"*a", "a", true},
	{"*a", "bba", true},
	{"*a", "ab", false},
	{"*a*", "a", true},
	{"*a*", "bab", true},
	{"*a*", "bbb", false},
	{"a*b*c", "abc", true},
	{"a*b*c", "aXbYc", true},
	{"a*b*c", "aXbYcZ", false},
	{"a*b*c", "acb", false},
	{"*ab", "abab", true},
	{"*ab?", "xab", false},
	{"a**b", "ab", true},
	{"h*llo", "hllo", true},
	{"h*llo", "heeeello", true},
	{"*.*", ".", true},
	{"*x*y*z*", "xxyyzz", true},
	{"*x*y*z*", "zyx", false},
	// Question marks.
	{"?", "a", true},
	{"?", "ab", false},
	{"h?llo", "hello", true},
	{"h?llo", "hllo", false},
	{"??", "\x00\xff", true},
	{"*?", "a", true},
	{"?*", "a", true},
	{"*??*", "a", false},
	// Sets.
	{"h[ae]llo", "hello", true},
	{"h[ae]llo", "hallo", true},
	{"h[ae]llo", "hillo", false},
	{"h[^e]llo", "hallo", true},
	{"h[^e]llo", "hello", false},
	{"h[a-b]llo", "hbllo", true},
	{"h[a-b]llo", "hcllo", false},
	{"[b-a]", "a", true}, // reversed range
	{"[z-a]", "m", true},
	{"[a-a]", "a", true},
	{"[a-c-e]", "-", true}, // a-c, then '-' and 'e' as plain bytes
	{"[a-c-e]", "d", false},
	{"[a-c-e]", "e", true},
	{"[]", "]", false},  // empty set, then nothing
	{"[]]", "]", false}, // the empty set "[]" matches nothing
	{"[]a]", "a", false},
	{"[]a]", "]", false},
	{"[^]", "x", true}, // negated empty set
	{"[^]a", "xa", true},
	{"[!a]", "b", false}, // '!' is not negation
	{"[!a]", "!", true},
	// Unterminated sets take the rest of the pattern.
	{"[", "[", false},
	{"[", "a", false},
	{"[a", "a", true},
	{"[a", "[", false},
	{"[ab", "b", true},
	{"[ab", "ab", false},
	{"[^", "x", true},
	{"[^", "xy", false},
	{"[^a", "b", true},
	{"[^a", "a", false},
	{"a[", "a", false},
	{"[a-z", "m", true},
	// "x-y" is a range even when y is the closing bracket.
	{"[a-]", "a", true},
	{"[a-]", "^", true}, // ']'..'a' contains '^'
	{"[a-]", "-", false},
	{"[a-]x", "ax", false}, // the set ran to the end: "x" is in it
	{"[a-]", "]", true},
	{"[-a]", "-", true},
	{"[-]", "-", true},
	// Escapes.
	{"\\*", "*", true},
	{"\\*", "a", false},
	{"\\?", "?", true},
	{"\\[a]", "[a]", true},
	{"\\a", "a", true},
	{"\\", "\\", true}, // trailing backslash is literal
	{"a\\", "a\\", true},
	{"\\\\", "\\", true},
	{"[\\]]", "]", true},
	{"[\\-]", "-", true},
	{"[\\-]", "\\", false},
	{"[\\^a]", "^", true},
	{"[a\\]", "\\", false}, // "\]" escapes the bracket: {a, ]}, unterminated
	{"[a\\]", "]", true},
	{"[\\", "\\", true},
	{"[a-\\]", "]", true}, // the range '\\'..'a' holds ']'
	{"[a-\\]", "b", false},
	{"*\\*", "a*", true},
	// High bytes compare as signed chars in ranges.
	{"[a-\xff]", "\xff", true},
	{"[a-\xff]", "\x00", true},
	{"[a-\xff]", "a", true},
	{"[a-\xff]", "b", false},
	{"[a-\xff]", "\x80", false},
	{"[\x80-\xff]", "\x90", true},
	{"[\x80-\xff]", "a", false},
	{"[\x00-\x7f]", "\x80", false},
	{"[\x7f-\x80]", "a", true}, // -128..127: everything
	{"[\xfe]", "\xfe", true},
	// Case matters.
	{"A", "a", false},
	{"[A-Z]", "a", false},
}

// noCase holds Redis's answers for nocase=1.
var noCase = []matchCase{
	{"", "", true},
	{"*", "", false},
	{"hello", "HeLLo", true},
	{"HELLO", "hello", true},
	{"h?LLO", "Hello", true},
	{"h[AE]llo", "hello", true},
	{"[a-z]", "Q", true},
	{"[A-Z]", "q", true},
	{"[^a]", "A", false},
	{"\\A", "a", true},    // escape outside a set still folds
	{"[\\A]", "a", false}, // escaped byte in a set compares exactly
	{"[\\A]", "A", true},  // ...
	{"[Z-a]", "z", false}, // ordered as 'Z'..'a', then lowered to 'z'..'a': empty
	{"[Z-a]", "_", false},
	{"[Z-a]", "Z", false},
	{"[a-Z]", "_", false},          // swapped first: same empty range
	{"[\x80-\xff]", "\x90", false}, // lowered ends 128..-1: empty
	{"[\x80-\xfe]", "\x90", true},
	{"\xc0", "\xc0", true},
	{"\xc0", "\xe0", false}, // no Latin-1 folding
	{"[@-@]", "@", true},
	{"[@-A]", "a", true},
	{"ß", "ß", true},
}

func TestMatch(t *testing.T) {
	for _, c := range caseSensitive {
		assert.Equal(t, c.want, Match(c.pattern, c.s), "Match(%q, %q)", c.pattern, c.s)
		assert.Equal(t, c.want, Compile(c.pattern).Match(c.s), "Compile(%q).Match(%q)", c.pattern, c.s)
	}
}

func TestMatchNoCase(t *testing.T) {
	for _, c := range noCase {
		assert.Equal(t, c.want, MatchNoCase(c.pattern, c.s), "MatchNoCase(%q, %q)", c.pattern, c.s)
		assert.Equal(t, c.want, CompileNoCase(c.pattern).Match(c.s), "CompileNoCase(%q).Match(%q)", c.pattern, c.s)
	}
}

// TestPathological checks that patterns which made older Redis versions
// backtrack exponentially (CVE-2022-36021) or recurse once per star finish
// quickly and give the right answer.
func TestPathological(t *testing.T) {
	s := strings.Repeat("a", 10000)
	p := strings.Repeat("a*", 5000) + "b"
	assert.False(t, Match(p, s))
	assert.False(t, Compile(p).Match(s))
	p = strings.Repeat("*a", 5000)
	assert.True(t, Match(p, s))
	assert.True(t, Compile(p).Match(s))
	// Far more stars than Redis 7.2's nesting limit of 1000: 7.0.15 has none.
	p = strings.Repeat("*?", 2000)
	assert.True(t, Match(p, s))
	assert.False(t, Match(p, s[:1999]))
}

func TestIsLiteral(t *testing.T) {
	for p, want := range map[string]bool{
		"": true, "abc": true, "a]b^c-": true, "a\x00b": true,
		"a*": false, "?": false, "[a]": false, "a\\b": false,
	} {
		assert.Equal(t, want, IsLiteral(p), "IsLiteral(%q)", p)
	}
}

func TestLiteral(t *testing.T) {
	for _, c := range []struct {
		pattern string
		nocase  bool
		lit     string
		ok      bool
	}{
		{"abc", false, "abc", true},
		{"", false, "", true},
		{"user\\*1", false, "user*1", true},
		{"a\\", false, "a\\", true},
		{"a*", false, "", false},
		{"[a]", false, "", false},
		{"abc", true, "", false},
		{"123:", true, "123:", true},
	} {
		p := Compile(c.pattern)
		if c.nocase {
			p = CompileNoCase(c.pattern)
		}
		lit, ok := p.Literal()
		assert.Equal(t, c.ok, ok, "%q nocase=%v", c.pattern, c.nocase)
		assert.Equal(t, c.lit, lit, "%q nocase=%v", c.pattern, c.nocase)
		if ok {
			assert.True(t, p.Match(lit))
		}
	}
}

func TestPatternAccessors(t *testing.T) {
	p := CompileNoCase("a*")
	assert.Equal(t, "a*", p.String())
	assert.True(t, p.NoCase())
	var zero Pattern
	assert.True(t, zero.Match(""))
	assert.False(t, zero.Match("a"))
	assert.False(t, zero.NoCase())
}

// TestManySets covers the compiled form's fallback when a pattern has more
// bracket sets than an element can index.
func TestManySets(t *testing.T) {
	p := strings.Repeat("[ab]", 1<<16)
	s := strings.Repeat("ab", 1<<15)
	assert.True(t, Compile(p).Match(s))
	assert.False(t, Compile(p).Match(s[1:]+"c"))
}

func TestZeroAllocs(t *testing.T) {
	p := Compile("user:[0-9]*:name?")
	s := "user:12345:names"
	allocs := testing.AllocsPerRun(100, func() {
		if !Match("user:[0-9]*:name?", s) || !p.Match(s) || !MatchNoCase("USER:*", s) {
			t.Fatal("no match")
		}
	})
	assert.Zero(t, allocs)
}
