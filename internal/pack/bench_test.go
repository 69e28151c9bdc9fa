package pack

import (
	"strconv"
	"testing"
)

// BenchmarkFindPair512 searches the fields of a 512-pair listpack (the
// longest linear search of a hash under Redis's default limits) for every
// field in turn.
func BenchmarkFindPair512(b *testing.B) {
	var buf []byte
	fields := make([]string, 512)
	for i := range fields {
		fields[i] = "f" + strconv.Itoa(i)
		buf = AppendPair(buf, fields[i], "v")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if FindPair(buf, 0, fields[i&511]) < 0 {
			b.Fatal("not found")
		}
	}
}

// BenchmarkFindStrings512 is the same search over a slice of strings (the
// listpack encoding before this package), for comparison.
func BenchmarkFindStrings512(b *testing.B) {
	var lp []string
	fields := make([]string, 512)
	for i := range fields {
		fields[i] = "f" + strconv.Itoa(i)
		lp = append(lp, string([]byte(fields[i])), "v")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := fields[i&511]
		found := false
		for j := 0; j+1 < len(lp); j += 2 {
			if lp[j] == f {
				found = true
				break
			}
		}
		if !found {
			b.Fatal("not found")
		}
	}
}
