package dict

import (
	"fmt"
	"runtime"
	"testing"
)

// item stands for a keyspace value: its key, a 16-byte payload and an
// expiry.
type item struct {
	key string
	v   any
	exp int64
}

const benchKeys = 1 << 18

var keys = func() []string {
	k := make([]string, benchKeys)
	for i := range k {
		k[i] = fmt.Sprintf("key:%08d", i)
	}
	return k
}()

func BenchmarkGet(b *testing.B) {
	b.Run("dict", func(b *testing.B) {
		d := New[item](0)
		for i, k := range keys {
			d.Set(k, item{exp: int64(i)})
		}
		for d.RehashStep(1 << 20) {
		}
		b.ReportAllocs()
		b.ResetTimer()
		var sink int64
		for i := range b.N {
			sink += d.Get(keys[i&(benchKeys-1)]).exp
		}
		_ = sink
	})
	b.Run("map", func(b *testing.B) {
		m := make(map[string]*item)
		for i, k := range keys {
			m[k] = &item{exp: int64(i)}
		}
		b.ReportAllocs()
		b.ResetTimer()
		var sink int64
		for i := range b.N {
			sink += m[keys[i&(benchKeys-1)]].exp
		}
		_ = sink
	})
}

func BenchmarkGetMiss(b *testing.B) {
	miss := make([]string, 1024)
	for i := range miss {
		miss[i] = fmt.Sprintf("nokey:%08d", i)
	}
	b.Run("dict", func(b *testing.B) {
		d := New[item](0)
		for _, k := range keys {
			d.Set(k, item{})
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if d.Get(miss[i&1023]) != nil {
				b.Fatal("hit")
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		m := make(map[string]*item)
		for _, k := range keys {
			m[k] = &item{}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if m[miss[i&1023]] != nil {
				b.Fatal("hit")
			}
		}
	})
}

// BenchmarkInsert fills a fresh table with benchKeys keys over and over, so
// it includes every resize on the way.
func BenchmarkInsert(b *testing.B) {
	b.Run("dict", func(b *testing.B) {
		b.ReportAllocs()
		var d *Dict[item]
		for i := range b.N {
			j := i & (benchKeys - 1)
			if j == 0 {
				d = New[item](0)
			}
			p, _ := d.GetOrInsert(keys[j])
			p.exp = int64(i)
		}
	})
	b.Run("map", func(b *testing.B) {
		b.ReportAllocs()
		var m map[string]*item
		for i := range b.N {
			j := i & (benchKeys - 1)
			if j == 0 {
				m = make(map[string]*item)
			}
			m[keys[j]] = &item{exp: int64(i)}
		}
	})
}

// BenchmarkDeleteInsert deletes a key from a full table and inserts it
// again.
func BenchmarkDeleteInsert(b *testing.B) {
	b.Run("dict", func(b *testing.B) {
		d := New[item](0)
		for _, k := range keys {
			d.Set(k, item{})
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			k := keys[i&(benchKeys-1)]
			d.Delete(k)
			d.Set(k, item{exp: int64(i)})
		}
	})
	b.Run("map", func(b *testing.B) {
		m := make(map[string]*item)
		for _, k := range keys {
			m[k] = &item{}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			k := keys[i&(benchKeys-1)]
			delete(m, k)
			m[k] = &item{exp: int64(i)}
		}
	})
}

func BenchmarkRandom(b *testing.B) {
	d := New[item](0)
	for _, k := range keys {
		d.Set(k, item{})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d.Random()
	}
}

func BenchmarkSample16(b *testing.B) {
	d := New[item](0)
	for _, k := range keys {
		d.Set(k, item{})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d.Sample(16, func(string, *item) bool { return true })
	}
}

func BenchmarkScan(b *testing.B) {
	d := New[item](0)
	for _, k := range keys {
		d.Set(k, item{})
	}
	b.ReportAllocs()
	b.ResetTimer()
	cursor := uint64(0)
	n := 0
	for range b.N {
		cursor = d.Scan(cursor, func(string, *item) { n++ })
	}
}

// BenchmarkMemory reports the heap bytes per entry of a table of benchKeys
// entries, keys excluded (both sides share the same key strings).
func BenchmarkMemory(b *testing.B) {
	measure := func(b *testing.B, build func() any) {
		var sink any
		for range b.N {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			sink = build()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchKeys, "B/entry")
		}
		runtime.KeepAlive(sink)
	}
	b.Run("dict", func(b *testing.B) {
		measure(b, func() any {
			d := New[item](0)
			for _, k := range keys {
				d.Set(k, item{})
			}
			for d.RehashStep(1 << 20) {
			}
			return d
		})
	})
	b.Run("map", func(b *testing.B) {
		measure(b, func() any {
			m := make(map[string]*item)
			for _, k := range keys {
				m[k] = &item{}
			}
			return m
		})
	})
}
