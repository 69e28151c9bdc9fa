package kevy_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// What memory accounting, the memory limit and command timing cost on the
// hot path: GET and SET with no limit, with a limit never reached, and with
// a limit reached (every SET evicts), on both engines; and GET with the
// slow log (command timing) on and off.

func openBenchCfg(b *testing.B, cfg kevy.Config) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(cfg)
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

func BenchmarkMaxMemory(b *testing.B) {
	ctx := context.Background()
	limits := []struct {
		name string
		cfg  kevy.Config
	}{
		{"maxmemory=off", kevy.Config{}},
		{"maxmemory=unreached", kevy.Config{MaxMemory: 1 << 40, MaxMemoryPolicy: kevy.AllKeysLRU}},
		// 65536 keys of about 150 bytes: a 4 MB limit keeps the store full.
		{"maxmemory=evicting", kevy.Config{MaxMemory: 4 << 20, MaxMemoryPolicy: kevy.AllKeysLRU}},
	}
	for _, e := range engines {
		for _, l := range limits {
			cfg := l.cfg
			cfg.Engine = e.e
			db := openBenchCfg(b, cfg)
			for _, op := range []string{"GET", "SET"} {
				run := func(i int) {
					k := benchKeyNames[i&(benchKeys-1)]
					var err error
					if op == "GET" {
						_, err = db.Get(ctx, k)
						if err == kevy.Nil {
							err = nil
						}
					} else {
						err = db.Set(ctx, k, "value", 0)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.Run("engine="+e.name+"/"+l.name+"/op="+op+"/serial", func(b *testing.B) {
					b.ReportAllocs()
					for i := 0; b.Loop(); i++ {
						run(i)
					}
				})
				b.Run("engine="+e.name+"/"+l.name+"/op="+op+"/parallel", func(b *testing.B) {
					b.ReportAllocs()
					var seed atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						i := int(seed.Add(7919))
						for pb.Next() {
							i++
							run(i)
						}
					})
				})
			}
		}
	}
}

func BenchmarkSlowlogTiming(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		for _, t := range []struct {
			name string
			thr  int64
		}{{"timing=on", 0}, {"timing=off", -1}} {
			cfg := kevy.Config{Engine: e.e}
			if t.thr < 0 {
				cfg.SlowlogThreshold = -1
			}
			db := openBenchCfg(b, cfg)
			b.Run("engine="+e.name+"/"+t.name+"/op=GET/serial", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := db.Get(ctx, benchKeyNames[i&(benchKeys-1)]); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("engine="+e.name+"/"+t.name+"/op=GET/parallel", func(b *testing.B) {
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
}
