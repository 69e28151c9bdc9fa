package kevy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
)

// Persistence benchmarks, engine=actor and engine=locked side by side:
//
//   - BenchmarkDurableSet: SET under FsyncAlways with 1 and 64 concurrent
//     writers (group commit: one fsync per batch in the actor engine, one
//     per write in the locked twin).
//   - BenchmarkLoad1M: Open of a directory holding 1M keys, as an AOF of
//     commands (replay) and as an RDB base, next to redis-server loading
//     the very same files (its load time from its log); the metric
//     x-redis is kevy's time over Redis's.
//   - BenchmarkRewrite1M: BGREWRITEAOF of 1M keys while GETs are served,
//     with the GET latency during the rewrite.

func openDurable(b *testing.B, e kevy.Engine, shards int, policy kevy.FsyncPolicy) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e, Shards: shards, Dir: b.TempDir(), Fsync: policy})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkDurableSet(b *testing.B) {
	ctx := context.Background()
	for _, shards := range []int{0, 1} { // 0: GOMAXPROCS, the default
		for _, writers := range []int{1, 64} {
			for _, e := range engines {
				benchDurableSet(b, ctx, shards, writers, e.name, e.e)
			}
		}
	}
}

func benchDurableSet(b *testing.B, ctx context.Context, shards, writers int, name string, e kevy.Engine) {
	b.Run(fmt.Sprintf("shards=%d/writers=%d/engine=%s", shards, writers, name), func(b *testing.B) {
		db := openDurable(b, e, shards, kevy.FsyncAlways)
		b.ReportAllocs()
		if writers == 1 {
			for i := 0; b.Loop(); i++ {
				if err := db.Set(ctx, benchKeyNames[i&(benchKeys-1)], "value", 0); err != nil {
					b.Fatal(err)
				}
			}
			return
		}
		b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		var seed atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seed.Add(7919))
			for pb.Next() {
				i++
				if err := db.Set(ctx, benchKeyNames[i&(benchKeys-1)], "value", 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

const loadKeys = 1_000_000

// fill1M writes loadKeys keys with 8 writers.
func fill1M(b *testing.B, db *kevy.Store) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < loadKeys; i += 8 {
				if err := db.Set(ctx, "key:"+strconv.Itoa(i), "value-"+strconv.Itoa(i), 0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

var redisLoadRe = regexp.MustCompile(`DB loaded from (?:append only file|disk): ([0-9.]+) seconds`)

// redisLoadTime starts redis-server on a copy of dir and returns how long
// it said loading took.
func redisLoadTime(b *testing.B, dir string, extra ...string) time.Duration {
	b.Helper()
	d := b.TempDir()
	copyTree(b, dir, d)
	srv := redistest.StartIn(b, d, extra...)
	srv.Stop()
	log, err := os.ReadFile(filepath.Join(d, "redis.log"))
	if err != nil {
		b.Fatal(err)
	}
	m := redisLoadRe.FindSubmatch(log)
	if m == nil {
		b.Fatalf("no load time in redis.log:\n%s", log)
	}
	f, _ := strconv.ParseFloat(string(m[1]), 64)
	return time.Duration(f * float64(time.Second))
}

func BenchmarkLoad1M(b *testing.B) {
	redistest.Binary(b, "redis-server")
	for _, base := range []string{"aof", "rdb"} {
		// One shard: the directory is exactly one Redis data directory.
		dir := b.TempDir()
		db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 1, Fsync: kevy.FsyncNo})
		if err != nil {
			b.Fatal(err)
		}
		fill1M(b, db)
		if base == "rdb" {
			if err := db.RewriteAOF(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		redis := redisLoadTime(b, filepath.Join(dir, "shard-000"), "--appendonly", "yes")
		for _, e := range engines {
			b.Run(fmt.Sprintf("base=%s/engine=%s", base, e.name), func(b *testing.B) {
				for b.Loop() {
					db, err := kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 1})
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					db.Close()
					b.StartTimer()
				}
				per := b.Elapsed() / time.Duration(b.N)
				b.ReportMetric(float64(redis.Milliseconds()), "redis-ms")
				b.ReportMetric(float64(per)/float64(redis), "x-redis")
			})
		}
	}
}

func BenchmarkRewrite1M(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		b.Run("engine="+e.name, func(b *testing.B) {
			db, err := kevy.Open(kevy.Config{Engine: e.e, Dir: b.TempDir(), Fsync: kevy.FsyncEverySec})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			fill1M(b, db)
			var lat []time.Duration
			for b.Loop() {
				done := make(chan error, 1)
				go func() { done <- db.RewriteAOF(ctx) }()
				for i := 0; ; i++ {
					select {
					case err := <-done:
						if err != nil {
							b.Fatal(err)
						}
					default:
						t := time.Now()
						if _, err := db.Get(ctx, "key:"+strconv.Itoa(i*7919%loadKeys)); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t))
						continue
					}
					break
				}
			}
			slices.Sort(lat)
			q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) }
			b.ReportMetric(q(0.5), "get-p50-µs")
			b.ReportMetric(q(0.99), "get-p99-µs")
			b.ReportMetric(q(0.999), "get-p99.9-µs")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "get-max-µs")
			b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "gets/s")
		})
	}
}
