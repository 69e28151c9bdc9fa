package zset

import (
	"fmt"
	"math"
	"runtime"
	"testing"
)

const benchN = 1 << 17

var benchMembers = func() []string {
	m := make([]string, benchN)
	for i := range m {
		m[i] = fmt.Sprintf("member:%08d", i)
	}
	return m
}()

// benchScore scatters scores so insertion order differs from score order.
func benchScore(i int) float64 { return float64((i * 7919) % benchN) }

func filled() *Set {
	s := New()
	for i, m := range benchMembers {
		s.Add(m, benchScore(i))
	}
	return s
}

// BenchmarkAdd inserts benchN members into a fresh set over and over.
func BenchmarkAdd(b *testing.B) {
	b.ReportAllocs()
	var s *Set
	for i := range b.N {
		j := i & (benchN - 1)
		if j == 0 {
			s = New()
		}
		s.Add(benchMembers[j], benchScore(j))
	}
}

// BenchmarkUpdate changes the scores of existing members, half of them by
// a little (in place) and half by a lot (the node moves).
func BenchmarkUpdate(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i & (benchN - 1)
		delta := 0.25
		if i&1 == 1 {
			delta = benchN / 2
		}
		s.Add(benchMembers[j], benchScore(j)+delta*float64(i>>17&1))
	}
}

func BenchmarkScore(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	var sink float64
	for i := range b.N {
		sc, _ := s.Score(benchMembers[(i*31)&(benchN-1)])
		sink += sc
	}
	_ = sink
}

func BenchmarkRank(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0
	for i := range b.N {
		r, _ := s.Rank(benchMembers[(i*31)&(benchN-1)], false)
		sink += r
	}
	_ = sink
}

// BenchmarkByRank10 reads ten members from a random rank (ZRANGE i i+9).
func BenchmarkByRank10(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0
	for i := range b.N {
		start := (i * 7919) & (benchN - 1)
		s.ByRank(start, start+9, false, func(m string, _ float64) bool { sink += len(m); return true })
	}
	_ = sink
}

// BenchmarkRangeByScore10 reads ten members from a score range with a
// random start (ZRANGEBYSCORE min +inf LIMIT 0 10).
func BenchmarkRangeByScore10(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0
	for i := range b.N {
		r := ScoreRange{Min: float64((i * 7919) & (benchN - 1)), Max: math.Inf(1)}
		s.RangeByScore(r, false, 0, 10, func(m string, _ float64) bool { sink += len(m); return true })
	}
	_ = sink
}

func BenchmarkCountInScore(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0
	for i := range b.N {
		lo := float64((i * 7919) & (benchN - 1))
		sink += s.CountInScore(ScoreRange{Min: lo, Max: lo + 1000})
	}
	_ = sink
}

func BenchmarkRemoveAdd(b *testing.B) {
	s := filled()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := (i * 31) & (benchN - 1)
		s.Remove(benchMembers[j])
		s.Add(benchMembers[j], benchScore(j))
	}
}

// BenchmarkMemory reports heap bytes per member, member strings excluded.
func BenchmarkMemory(b *testing.B) {
	var sink *Set
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sink = filled()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchN, "B/member")
	}
	runtime.KeepAlive(sink)
}
