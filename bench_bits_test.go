package kevy_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// Benchmarks of the bitmap, HyperLogLog and geo hot paths on both engines,
// serial and parallel, over keys spread across the shards: SETBIT, GETBIT
// and BITCOUNT on 16 KiB bitmaps (and SETBIT on one 1 MiB bitmap, which
// changes a byte in place rather than copying the string); PFADD and
// PFCOUNT on sparse and dense HLLs; GEOADD, GEOSEARCH and GEODIST on sets
// of a thousand points.

const (
	bitBenchKeys = 1 << 8
	bitBenchBits = 16 << 13 // 16 KiB bitmaps
	geoBenchSets = 64
	geoBenchPts  = 1000
)

var (
	bitBenchNames = hsNames("bitmap:", bitBenchKeys)
	hllBenchNames = hsNames("hll:", bitBenchKeys)
	geoBenchNames = hsNames("geo:", geoBenchSets)
	bitBenchElems = hsNames("element-", 1<<16)
)

// geoBenchPoint returns the coordinates of point i of a set: around
// Sicily, about 400 km across.
func geoBenchPoint(i int) (string, string) {
	r := rand.New(rand.NewPCG(uint64(i), 1))
	lon := 12 + r.Float64()*4
	lat := 36.5 + r.Float64()*2.5
	return strconv.FormatFloat(lon, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64)
}

// openBitsBench opens a store of engine e with the bitmaps, HLLs (sparse
// ones, and hll:dense) and geo sets the benchmarks use.
func openBitsBench(b *testing.B, e kevy.Engine) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	c := db.Conn()
	defer c.Close()
	must := func(args ...string) {
		if r := c.Exec(ctx, args...); r.Kind == kevy.ReplyError {
			b.Fatalf("%q: %s", args, r.Str)
		}
	}
	for i := range bitBenchKeys {
		must("SETBIT", bitBenchNames[i], strconv.Itoa(bitBenchBits-1), "1")
		must("PFADD", hllBenchNames[i], bitBenchElems[i], bitBenchElems[i+1])
	}
	must("SETBIT", "bitmap:big", strconv.Itoa(8<<20-1), "1")
	dense := []string{"PFADD", "hll:dense"}
	dense = append(dense, bitBenchElems[:5000]...)
	must(dense...)
	for s := range geoBenchSets {
		args := []string{"GEOADD", geoBenchNames[s]}
		for p := range geoBenchPts {
			lon, lat := geoBenchPoint(s*geoBenchPts + p)
			args = append(args, lon, lat, "p"+strconv.Itoa(p))
		}
		must(args...)
	}
	return db
}

func BenchmarkBits(b *testing.B) {
	ctx := context.Background()
	type op struct {
		name string
		args func(i int) []string
	}
	ops := []op{
		{"SETBIT", func(i int) []string {
			return []string{"SETBIT", bitBenchNames[i&(bitBenchKeys-1)], strconv.Itoa((i * 7919) % bitBenchBits), strconv.Itoa(i & 1)}
		}},
		{"SETBIT/1MiB", func(i int) []string {
			return []string{"SETBIT", "bitmap:big", strconv.Itoa((i * 7919) & (8<<20 - 1)), strconv.Itoa(i & 1)}
		}},
		{"GETBIT", func(i int) []string {
			return []string{"GETBIT", bitBenchNames[i&(bitBenchKeys-1)], strconv.Itoa((i * 7919) % bitBenchBits)}
		}},
		{"BITCOUNT", func(i int) []string { return []string{"BITCOUNT", bitBenchNames[i&(bitBenchKeys-1)]} }},
		{"PFADD", func(i int) []string {
			return []string{"PFADD", hllBenchNames[i&(bitBenchKeys-1)], bitBenchElems[(i*7919)&(1<<16-1)]}
		}},
		{"PFADD/dense", func(i int) []string { return []string{"PFADD", "hll:dense", bitBenchElems[(i*7919)&(1<<16-1)]} }},
		{"PFCOUNT", func(i int) []string { return []string{"PFCOUNT", hllBenchNames[i&(bitBenchKeys-1)]} }},
		{"PFCOUNT/dense-stale", func(i int) []string {
			// Every other call finds the cache stale and counts the registers.
			if i&1 == 0 {
				return []string{"PFADD", "hll:dense", bitBenchElems[(i*7919)&(1<<16-1)], "x" + strconv.Itoa(i)}
			}
			return []string{"PFCOUNT", "hll:dense"}
		}},
		{"GEOADD", func(i int) []string {
			lon, lat := geoBenchPoint(i)
			return []string{"GEOADD", geoBenchNames[i&(geoBenchSets-1)], lon, lat, "p" + strconv.Itoa(i%geoBenchPts)}
		}},
		{"GEOSEARCH", func(i int) []string {
			return []string{"GEOSEARCH", geoBenchNames[i&(geoBenchSets-1)], "FROMMEMBER", "p" + strconv.Itoa(i%geoBenchPts),
				"BYRADIUS", "20", "km", "WITHDIST", "ASC"}
		}},
		{"GEOSEARCH/COUNT", func(i int) []string {
			return []string{"GEOSEARCH", geoBenchNames[i&(geoBenchSets-1)], "FROMLONLAT", "14", "37.7", "BYRADIUS", "100", "km", "COUNT", "10"}
		}},
		{"GEODIST", func(i int) []string {
			return []string{"GEODIST", geoBenchNames[i&(geoBenchSets-1)], "p" + strconv.Itoa(i%geoBenchPts), "p" + strconv.Itoa((i*31)%geoBenchPts), "km"}
		}},
	}
	for _, e := range engines {
		db := openBitsBench(b, e.e)
		for _, o := range ops {
			b.Run("engine="+e.name+"/op="+o.name+"/serial", func(b *testing.B) {
				b.ReportAllocs()
				c := db.Conn()
				defer c.Close()
				for i := 0; b.Loop(); i++ {
					if r := c.Exec(ctx, o.args(i)...); r.Kind == kevy.ReplyError {
						b.Fatal(r.Str)
					}
				}
			})
			b.Run("engine="+e.name+"/op="+o.name+"/parallel", func(b *testing.B) {
				b.ReportAllocs()
				var seed atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					c := db.Conn()
					defer c.Close()
					i := int(seed.Add(7919))
					for pb.Next() {
						i++
						if r := c.Exec(ctx, o.args(i)...); r.Kind == kevy.ReplyError {
							b.Error(r.Str)
							return
						}
					}
				})
			})
		}
	}
}
