package shard

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kevydb/kevy/internal/zset"
	"github.com/stretchr/testify/require"
)

// The packed encodings change their buffers in place. Strings they hand
// out must never change afterwards: these tests keep every string read
// (with a private copy of what it said) while writes of every kind change
// the collection, and check the strings after each write.

// kept is a string handed out by a collection and what it said then.
type kept struct{ s, want string }

type keeper []kept

func (k *keeper) add(s string) { *k = append(*k, kept{s, strings.Clone(s)}) }

func (k keeper) check(t *testing.T, after string) {
	t.Helper()
	for _, x := range k {
		if x.s != x.want {
			t.Fatalf("a string handed out changed after %s: %q, was %q", after, x.s, x.want)
		}
	}
}

// sameLen returns a value of the length of v with other bytes: the write
// most likely to be done in place.
func sameLen(v string, i int) string {
	b := []byte(v)
	for j := range b {
		b[j] = byte('A' + (i+j)%26)
	}
	return string(b)
}

func TestPackedHashKeepsHandedOutStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	h := NewHash()
	for i := range 40 {
		h.Set("f"+strconv.Itoa(i), "value-"+strconv.Itoa(i), dflt)
	}
	var k keeper
	for step := range 3000 {
		f := "f" + strconv.Itoa(r.IntN(50))
		switch r.IntN(6) {
		case 0:
			if v, ok := h.Get(f); ok {
				k.add(v)
			}
		case 1:
			h.Range(func(f, v string) bool { k.add(f); k.add(v); return r.IntN(8) != 0 })
		case 2:
			fr, v := h.random(r)
			k.add(fr)
			k.add(v)
		case 3:
			if v, ok := h.lookup(f); ok {
				h.Set(f, sameLen(v, step), dflt)
			}
		case 4:
			h.Set(f, "v"+strconv.Itoa(step), dflt)
		case 5:
			h.Delete(f)
		}
		k.check(t, "hash op "+strconv.Itoa(step))
	}
	require.Equal(t, "listpack", h.Encoding())
}

func TestPackedZSetKeepsHandedOutStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	z := NewZSet()
	for i := range 60 {
		z.Set("m"+strconv.Itoa(i), float64(i%7), dflt)
	}
	var k keeper
	add := func(m string, _ float64) bool { k.add(m); return true }
	for step := range 3000 {
		m := "m" + strconv.Itoa(r.IntN(70))
		switch r.IntN(8) {
		case 0:
			if z.Len() > 0 {
				mm, _ := z.at(r.IntN(z.Len()))
				k.add(mm)
			}
		case 1:
			if n := z.Len(); n > 0 {
				a := r.IntN(n)
				z.byRank(a, min(n-1, a+5), r.IntN(2) == 0, add)
			}
		case 2:
			b := zscoreBounds{Min: float64(r.IntN(7)), Max: float64(r.IntN(7) + 1)}
			z.lpWalk(&b, r.IntN(2) == 0, 0, -1, add)
		case 3:
			z.Set(m, float64(r.IntN(7)), dflt)
		case 4:
			z.Remove(m)
		case 5:
			z.pop(r.IntN(2) == 0, 2, func(m string, _ float64) { k.add(m) })
		case 6:
			z.deleteRangeByScore(zset.ScoreRange{Min: float64(r.IntN(7)), Max: float64(r.IntN(7))})
		case 7:
			z.Set(m, float64(r.IntN(7))+0.5, dflt)
		}
		k.check(t, "zset op "+strconv.Itoa(step))
	}
	require.Equal(t, "listpack", z.Encoding())
}

func TestPackedListKeepsHandedOutStrings(t *testing.T) {
	for _, fill := range []int64{-2, 5} {
		r := rand.New(rand.NewPCG(3, uint64(fill+10)))
		enc := defaultEncodings
		enc.ListMaxListpackSize = fill
		l := newList(&enc)
		for i := range 30 {
			l.PushBack("e-" + strconv.Itoa(i))
		}
		var k keeper
		for step := range 4000 {
			n := l.Len()
			switch r.IntN(10) {
			case 0:
				if v, ok := l.At(int64(r.IntN(n + 1))); ok {
					k.add(v)
				}
			case 1:
				if n > 0 {
					l.RangeFrom(r.IntN(n), func(_ int, v string) bool { k.add(v); return r.IntN(6) != 0 })
				}
			case 2:
				if n > 0 {
					l.RangeReverseFrom(r.IntN(n), func(_ int, v string) bool { k.add(v); return r.IntN(6) != 0 })
				}
			case 3:
				if v, ok := l.Pop(r.IntN(2) == 0); ok {
					k.add(v)
				}
			case 4:
				l.PushFront("f" + strconv.Itoa(step))
			case 5:
				l.PushBack("b" + strconv.Itoa(step))
			case 6:
				if n > 0 {
					i := int64(r.IntN(n))
					v, _ := l.At(i)
					l.Set(i, sameLen(v, step))
				}
			case 7:
				l.Insert(r.IntN(n+1), "i"+strconv.Itoa(step))
			case 8:
				if v, ok := l.At(int64(r.IntN(n + 1))); ok {
					l.Remove(v, int64(r.IntN(3)-1))
				}
			case 9:
				if n > 4 {
					l.Trim(1, n-2)
				}
			}
			k.check(t, "list op "+strconv.Itoa(step))
		}
	}
}

// TestPackedSharedByConcurrentReaders runs readers that hand out strings
// concurrently on one packed hash, sorted set and list (the lock-based
// engine's read lock), under the race detector in the race build, then a
// writer after them.
func TestPackedSharedByConcurrentReaders(t *testing.T) {
	h := NewHash()
	z := NewZSet()
	l := NewList()
	for i := range 50 {
		s := strconv.Itoa(i)
		h.Set("f"+s, "v"+s, dflt)
		z.Set("m"+s, float64(i), dflt)
		l.PushBack("e" + s)
	}
	got := make([][]string, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for i := range 200 {
				v, _ := h.Get("f" + strconv.Itoa(i%50))
				m, _ := z.at(i % 50)
				e, _ := l.At(int64(i % 50))
				got[g] = append(got[g], v, m, e)
			}
		})
	}
	wg.Wait()
	h.Set("f0", "XX", dflt)
	z.Set("m0", 99, dflt)
	l.Set(0, "XX")
	for _, ss := range got {
		for i := 0; i < len(ss); i += 3 {
			s := strconv.Itoa((i / 3) % 50)
			require.Equal(t, []string{"v" + s, "m" + s, "e" + s}, ss[i:i+3])
		}
	}
}
