package glob

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randString draws n bytes (0..max) from alphabet.
func randString(rng *rand.Rand, alphabet string, max int) string {
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// TestKeysDifferential stores random keys in a real redis-server and checks
// that KEYS pattern returns exactly the keys Match accepts, for random
// patterns over an alphabet dense in special bytes (plus high bytes and NUL,
// to pin the signed-char ranges and binary safety).
func TestKeysDifferential(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	rng := rand.New(rand.NewPCG(1, 7))
	const keyAlphabet = "ab-]^[\\*?\x00\xff\x80"
	const patAlphabet = "ab-]^[\\*?*[\x00\xff\x80"
	keys := map[string]bool{"": true}
	for len(keys) < 400 {
		keys[randString(rng, keyAlphabet, 4)] = true
	}
	mset := []string{"MSET"}
	for k := range keys {
		mset = append(mset, k, "v")
	}
	require.Equal(t, "OK", c.MustDo(t, mset...).Str)

	patterns := 3000
	if testing.Short() {
		patterns = 300
	}
	nonEmpty := 0
	for i := 0; i < patterns; i++ {
		p := randString(rng, patAlphabet, 7)
		if p == "*" {
			continue // KEYS * bypasses matching (and so lists the "" key)
		}
		v := c.MustDo(t, "KEYS", p)
		require.Equal(t, byte('*'), v.Type, "KEYS %q: %+v", p, v)
		var got []string
		for _, e := range v.Array {
			got = append(got, e.Str)
		}
		var want []string
		cp := Compile(p)
		for k := range keys {
			m := Match(p, k)
			if m != cp.Match(k) {
				t.Fatalf("Match and Compile disagree on %q %q", p, k)
			}
			if m {
				want = append(want, k)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !assert.Equal(t, want, got, "KEYS %q", p) {
			return
		}
		if len(got) > 0 {
			nonEmpty++
		}
	}
	assert.Greater(t, nonEmpty, patterns/4, "too few patterns matched anything to be a test")
}

// TestNoCaseDifferential checks nocase matching against COMMAND LIST
// FILTERBY PATTERN, which matches command names with nocase=1.
func TestNoCaseDifferential(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	all := c.MustDo(t, "COMMAND", "LIST")
	require.Equal(t, byte('*'), all.Type)
	var names []string
	for _, e := range all.Array {
		names = append(names, e.Str)
	}
	require.NotEmpty(t, names)
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "eEsStTlL|-*?[]^\\r-a-z"
	patterns := 1500
	if testing.Short() {
		patterns = 150
	}
	nonEmpty := 0
	for i := 0; i < patterns; i++ {
		p := randString(rng, alphabet, 6)
		if i%2 == 0 {
			p = mutate(rng, names[rng.IntN(len(names))])
		}
		v := c.MustDo(t, "COMMAND", "LIST", "FILTERBY", "PATTERN", p)
		require.Equal(t, byte('*'), v.Type, "pattern %q: %+v", p, v)
		var got, want []string
		for _, e := range v.Array {
			got = append(got, e.Str)
		}
		cp := CompileNoCase(p)
		for _, n := range names {
			if MatchNoCase(p, n) {
				want = append(want, n)
			}
			if MatchNoCase(p, n) != cp.Match(n) {
				t.Fatalf("MatchNoCase and CompileNoCase disagree on %q %q", p, n)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !assert.Equal(t, want, got, "FILTERBY PATTERN %q", p) {
			return
		}
		if len(got) > 0 {
			nonEmpty++
		}
	}
	assert.Greater(t, nonEmpty, patterns/10, "too few patterns matched anything to be a test")
}

// mutate turns a command name into a pattern that often still matches it:
// flipped case, bytes replaced by '?', sets or ranges, stars and escapes.
func mutate(rng *rand.Rand, name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch rng.IntN(12) {
		case 0:
			b.WriteByte('?')
		case 1:
			b.WriteByte('*')
			i += rng.IntN(3)
		case 2:
			b.WriteString("[" + string(c-32) + "x]")
		case 3:
			b.WriteString("[^" + string(c) + "]")
		case 4:
			b.WriteString("[A-" + string(c) + "]")
		case 5:
			b.WriteString("\\" + string(c-32))
		case 6, 7:
			b.WriteByte(c - 32)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
