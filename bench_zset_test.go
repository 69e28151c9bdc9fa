package kevy_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// Benchmarks of the sorted set hot paths (ZADD, ZSCORE, ZRANGE), on both
// engines side by side, serial and parallel, over keys spread across the
// shards: small sorted sets (the listpack encoding, searched linearly), and
// ZSCORE and ZRANGE on one large skip-list set as well.

const (
	zBenchKeys    = 1 << 10 // sorted sets
	zBenchMembers = 16      // members per small set
	zBenchBig     = 100000  // members of the large set
)

var (
	zBenchKeyNames = hsNames("zset:", zBenchKeys)
	zBenchMemNames = hsNames("member-", zBenchBig)
)

// openZBench opens a store of engine e filled with the benchmark's sorted
// sets.
func openZBench(b *testing.B, e kevy.Engine) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for i := range zBenchKeys {
		zs := make([]kevy.Z, zBenchMembers)
		for j := range zs {
			zs[j] = kevy.Z{Score: float64(j), Member: zBenchMemNames[j]}
		}
		if _, err := db.ZAdd(ctx, zBenchKeyNames[i], zs...); err != nil {
			b.Fatal(err)
		}
	}
	for from := 0; from < zBenchBig; from += 1000 {
		zs := make([]kevy.Z, 1000)
		for j := range zs {
			zs[j] = kevy.Z{Score: float64(from + j), Member: zBenchMemNames[from+j]}
		}
		if _, err := db.ZAdd(ctx, "zset:big", zs...); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func BenchmarkZSet(b *testing.B) {
	ctx := context.Background()
	ops := []struct {
		name string
		fn   func(db *kevy.Store, i int) error
	}{
		{"ZADD", func(db *kevy.Store, i int) error {
			_, err := db.ZAdd(ctx, zBenchKeyNames[i&(zBenchKeys-1)],
				kevy.Z{Score: float64(i & 31), Member: zBenchMemNames[i&(zBenchMembers-1)]})
			return err
		}},
		{"ZSCORE", func(db *kevy.Store, i int) error {
			_, err := db.ZScore(ctx, zBenchKeyNames[i&(zBenchKeys-1)], zBenchMemNames[i&(zBenchMembers-1)])
			return err
		}},
		{"ZRANGE", func(db *kevy.Store, i int) error {
			_, err := db.ZRangeWithScores(ctx, zBenchKeyNames[i&(zBenchKeys-1)], 0, 9)
			return err
		}},
		{"ZSCORE/skiplist", func(db *kevy.Store, i int) error {
			_, err := db.ZScore(ctx, "zset:big", zBenchMemNames[(i*7919)%zBenchBig])
			return err
		}},
		{"ZRANGE/skiplist", func(db *kevy.Store, i int) error {
			start := int64((i * 7919) % (zBenchBig - 10))
			_, err := db.ZRangeWithScores(ctx, "zset:big", start, start+9)
			return err
		}},
	}
	for _, e := range engines {
		db := openZBench(b, e.e)
		for _, op := range ops {
			b.Run("engine="+e.name+"/op="+op.name+"/serial", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if err := op.fn(db, i); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("engine="+e.name+"/op="+op.name+"/parallel", func(b *testing.B) {
				b.ReportAllocs()
				var seed atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					i := int(seed.Add(7919))
					for pb.Next() {
						i++
						if err := op.fn(db, i); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// BenchmarkZAddNew measures inserting new members into one growing sorted
// set (listpack first, then skip list), the cost behind building a
// leaderboard.
func BenchmarkZAddNew(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		b.Run("engine="+e.name, func(b *testing.B) {
			db, err := kevy.Open(kevy.Config{Engine: e.e})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := db.ZAdd(ctx, "board", kevy.Z{Score: float64(i % 1000), Member: "player:" + strconv.Itoa(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
