package kevy_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// Benchmarks of the list hot paths (LPUSH, LPOP, LRANGE, LINDEX) on both
// engines side by side, serial and parallel, over lists spread across the
// shards; and of SORT, which holds every shard (RouteAll), against LRANGE
// of the same list, which runs on one.

const listBenchKeys = 1 << 10

var listBenchNames = hsNames("list:", listBenchKeys)

// openListBench opens a store of engine e with shards shards (0: the
// default) holding listBenchKeys lists of 16 elements.
func openListBench(b *testing.B, e kevy.Engine, shards int) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e, Shards: shards})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	vals := make([]any, 16)
	for j := range vals {
		vals[j] = strconv.Itoa(16 - j)
	}
	for _, k := range listBenchNames {
		if _, err := db.RPush(ctx, k, vals...); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// listBenchOp is one operation; prefill, when set, adds what n calls of
// the operation consume, before the timer starts.
type listBenchOp struct {
	name    string
	fn      func(ctx context.Context, db *kevy.Store, i int) error
	prefill func(ctx context.Context, db *kevy.Store, n int) error
}

var listBenchOps = []listBenchOp{
	{name: "LPUSH", fn: func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.LPush(ctx, listBenchNames[i&(listBenchKeys-1)], "value")
		return err
	}},
	{name: "LPOP", fn: func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.LPop(ctx, listBenchNames[i&(listBenchKeys-1)])
		return err
	}, prefill: func(ctx context.Context, db *kevy.Store, n int) error {
		per := n/listBenchKeys + 1
		vals := make([]any, per)
		for j := range vals {
			vals[j] = "value"
		}
		for _, k := range listBenchNames {
			if _, err := db.RPush(ctx, k, vals...); err != nil {
				return err
			}
		}
		return nil
	}},
	{name: "LRANGE-16", fn: func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.LRange(ctx, listBenchNames[i&(listBenchKeys-1)], 0, 15)
		return err
	}},
	{name: "LINDEX", fn: func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.LIndex(ctx, listBenchNames[i&(listBenchKeys-1)], int64(i&7))
		return err
	}},
}

func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		for _, op := range listBenchOps {
			b.Run("engine="+e.name+"/op="+op.name+"/serial", func(b *testing.B) {
				db := openListBench(b, e.e, 0)
				runListOp(b, ctx, db, op, false)
			})
			b.Run("engine="+e.name+"/op="+op.name+"/parallel", func(b *testing.B) {
				db := openListBench(b, e.e, 0)
				runListOp(b, ctx, db, op, true)
			})
		}
	}
}

func runListOp(b *testing.B, ctx context.Context, db *kevy.Store, op listBenchOp, parallel bool) {
	if op.prefill != nil {
		if err := op.prefill(ctx, db, b.N); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if !parallel {
		for i := range b.N {
			if err := op.fn(ctx, db, i); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	var seed atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(7919))
		for pb.Next() {
			i++
			if err := op.fn(ctx, db, i); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSort measures what holding every shard costs SORT: SORT of a
// 16-element list next to LRANGE of the same list (one shard), on 1 and 4
// shards.
func BenchmarkSort(b *testing.B) {
	ctx := context.Background()
	for _, e := range engines {
		for _, shards := range []int{1, 4} {
			db := openListBench(b, e.e, shards)
			name := "engine=" + e.name + "/shards=" + strconv.Itoa(shards)
			b.Run(name+"/op=SORT", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := db.Sort(ctx, listBenchNames[i&(listBenchKeys-1)], nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/op=LRANGE", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := db.LRange(ctx, listBenchNames[i&(listBenchKeys-1)], 0, -1); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/op=SORT/parallel", func(b *testing.B) {
				b.ReportAllocs()
				var seed atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					i := int(seed.Add(7919))
					for pb.Next() {
						i++
						if _, err := db.Sort(ctx, listBenchNames[i&(listBenchKeys-1)], nil); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
