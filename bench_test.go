package kevy_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// Benchmarks of the engine's hot path. Every benchmark runs once per
// engine, side by side in one run (sub-benchmarks engine=actor and
// engine=locked), so their ratio is measured on the same machine state.
// BenchmarkFloor measures what no engine can beat: a channel round trip to
// a goroutine (the floor of any actor hop) and a map behind a RWMutex (the
// floor of a lock-based design).

var engines = []struct {
	name string
	e    kevy.Engine
}{{"actor", kevy.EngineActor}, {"locked", kevy.EngineLocked}}

const benchKeys = 1 << 16

func benchKey(i int) string { return "key:" + strconv.Itoa(i&(benchKeys-1)) }

func openBench(b *testing.B, e kevy.Engine) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for i := 0; i < benchKeys; i++ {
		if err := db.Set(ctx, benchKey(i), "value-"+strconv.Itoa(i), 0); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// keys pre-built so that string conversion is not measured.
var benchKeyNames = func() []string {
	k := make([]string, benchKeys)
	for i := range k {
		k[i] = benchKey(i)
	}
	return k
}()

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		db := openBench(b, e.e)
		b.Run("engine="+e.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := db.Get(ctx, benchKeyNames[i&(benchKeys-1)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("engine="+e.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			var seed atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(seed.Add(7919))
				for pb.Next() {
					i++
					if _, err := db.Get(ctx, benchKeyNames[i&(benchKeys-1)]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkSet(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		db := openBench(b, e.e)
		b.Run("engine="+e.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := db.Set(ctx, benchKeyNames[i&(benchKeys-1)], "v", 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("engine="+e.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			var seed atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(seed.Add(7919))
				for pb.Next() {
					i++
					if err := db.Set(ctx, benchKeyNames[i&(benchKeys-1)], "v", 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkMix is 90% GET, 10% SET.
func BenchmarkMix(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		db := openBench(b, e.e)
		op := func(i int) error {
			k := benchKeyNames[i&(benchKeys-1)]
			if i%10 == 0 {
				return db.Set(ctx, k, "v", 0)
			}
			_, err := db.Get(ctx, k)
			return err
		}
		b.Run("engine="+e.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := op(i); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("engine="+e.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(32) // 64 goroutines on 2 CPUs
			var seed atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				i := int(seed.Add(7919))
				for pb.Next() {
					i++
					if err := op(i); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkFloor: the physical floors the engines are compared with.
func BenchmarkFloor(b *testing.B) {
	b.Run("op=chan-roundtrip", func(b *testing.B) {
		type req struct {
			key   string
			reply chan string
		}
		in := make(chan *req, 1024)
		done := make(chan struct{})
		m := map[string]string{}
		for _, k := range benchKeyNames {
			m[k] = "v"
		}
		go func() {
			defer close(done)
			for r := range in {
				r.reply <- m[r.key]
			}
		}()
		r := &req{reply: make(chan string, 1)}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r.key = benchKeyNames[i&(benchKeys-1)]
			in <- r
			<-r.reply
		}
		close(in)
		<-done
	})
	b.Run("op=rwmutex-map-get", func(b *testing.B) {
		var mu sync.RWMutex
		m := map[string]string{}
		for _, k := range benchKeyNames {
			m[k] = "v"
		}
		b.ReportAllocs()
		var sink string
		for i := 0; b.Loop(); i++ {
			mu.RLock()
			sink = m[benchKeyNames[i&(benchKeys-1)]]
			mu.RUnlock()
		}
		_ = sink
	})
}
