package glob

import "testing"

// FuzzMatch checks that the compiled form always agrees with the
// interpreter, in both modes, that literal patterns match their literal, and
// that nothing panics on any input.
func FuzzMatch(f *testing.F) {
	for _, c := range caseSensitive {
		f.Add(c.pattern, c.s)
	}
	for _, c := range noCase {
		f.Add(c.pattern, c.s)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		for _, nocase := range []bool{false, true} {
			p := Compile(pattern)
			want := Match(pattern, s)
			if nocase {
				p = CompileNoCase(pattern)
				want = MatchNoCase(pattern, s)
			}
			if got := p.Match(s); got != want {
				t.Fatalf("nocase=%v pattern %q s %q: compiled %v, interpreted %v", nocase, pattern, s, got, want)
			}
			if lit, ok := p.Literal(); ok {
				if !p.Match(lit) {
					t.Fatalf("pattern %q does not match its literal %q", pattern, lit)
				}
				if s != lit && p.Match(s) {
					t.Fatalf("literal pattern %q (%q) matches %q", pattern, lit, s)
				}
			}
		}
		if IsLiteral(pattern) && Match(pattern, s) != (pattern == s) {
			t.Fatalf("IsLiteral(%q) but Match(%q) = %v", pattern, s, !(pattern == s))
		}
	})
}
