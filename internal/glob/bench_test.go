package glob

import (
	"strconv"
	"testing"
)

// benchKeys is a KEYS-like workload: many keys, one pattern.
var benchKeys = func() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "user:" + strconv.Itoa(i*7919) + ":session:" + strconv.Itoa(i)
	}
	return keys
}()

var benchPatterns = []struct{ name, pattern string }{
	{"prefix", "user:1*"},
	{"infix", "*session*"},
	{"class", "user:[0-4]*:session:?"},
	{"stars", "*:*:*:*9"},
}

func BenchmarkMatch(b *testing.B) {
	for _, bp := range benchPatterns {
		b.Run(bp.name+"/interpreted", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				Match(bp.pattern, benchKeys[i&1023])
			}
		})
		b.Run(bp.name+"/compiled", func(b *testing.B) {
			p := Compile(bp.pattern)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p.Match(benchKeys[i&1023])
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Compile("user:[0-4]*:session:?")
	}
}
