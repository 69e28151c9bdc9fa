package deque

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

var vals = func() []string {
	v := make([]string, 1024)
	for i := range v {
		v[i] = fmt.Sprint("value-", i)
	}
	return v
}()

// TestSteadyStateAllocs pins the allocation count of queue use: pushing at
// one end and popping at the other allocates nothing once warmed up, in
// ring mode and in block mode.
func TestSteadyStateAllocs(t *testing.T) {
	for _, size := range []int{5, 100, 1000} {
		var d Deque
		for i := range size {
			d.PushBack(vals[i&1023])
		}
		i := 0
		allocs := testing.AllocsPerRun(1000, func() {
			d.PushBack(vals[i&1023])
			d.PopFront()
			d.PushFront(vals[i&1023])
			d.PopBack()
			i++
		})
		assert.Zero(t, allocs, "size %d", size)
	}
}

func BenchmarkPushBackPopFront(b *testing.B) {
	for _, size := range []int{10, 1000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			var d Deque
			for i := range size {
				d.PushBack(vals[i&1023])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				d.PushBack(vals[i&1023])
				d.PopFront()
			}
		})
	}
}

func BenchmarkPushFrontPopBack(b *testing.B) {
	var d Deque
	for i := range 1000 {
		d.PushBack(vals[i&1023])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		d.PushFront(vals[i&1023])
		d.PopBack()
	}
}

// BenchmarkFillDrain pushes 10,000 elements and pops them all, alternating
// ends between rounds; ns/op and allocs/op are per element.
func BenchmarkFillDrain(b *testing.B) {
	const n = 10000
	b.ReportAllocs()
	var d Deque
	for i := 0; i < b.N; {
		k := min(n, b.N-i)
		for j := range k {
			if i&1 == 0 {
				d.PushBack(vals[j&1023])
			} else {
				d.PushFront(vals[j&1023])
			}
		}
		for range k {
			if i&1 == 0 {
				d.PopBack()
			} else {
				d.PopFront()
			}
		}
		i += k
	}
}

func BenchmarkAt(b *testing.B) {
	var d Deque
	for i := range 100000 {
		d.PushFront(vals[i&1023])
	}
	b.ReportAllocs()
	b.ResetTimer()
	var sink int
	for i := range b.N {
		v, _ := d.At((i * 7919) % 100000)
		sink += len(v)
	}
	_ = sink
}

func BenchmarkRange(b *testing.B) {
	var d Deque
	for i := range 100000 {
		d.PushBack(vals[i&1023])
	}
	b.ReportAllocs()
	b.ResetTimer()
	sink := 0
	for range b.N / 100000 {
		d.Range(func(_ int, v string) bool { sink += len(v); return true })
	}
	_ = sink
}
