package kevy_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/kevydb/kevy"
)

// Benchmarks of the hash and set hot paths (HSET, HGET, SADD, SISMEMBER),
// on both engines side by side, serial and parallel, over keys spread
// across the shards. HGET and SISMEMBER also run on one large collection
// of each encoding: a 512-field listpack hash (the longest linear search),
// a 10,000-field hash table, a 512-member intset and a 10,000-member hash
// table set.

const (
	hsBenchKeys   = 1 << 10 // collections
	hsBenchFields = 16      // fields (members) per collection
)

var (
	hsBenchHashKeys = hsNames("hash:", hsBenchKeys)
	hsBenchSetKeys  = hsNames("set:", hsBenchKeys)
	hsBenchFieldIDs = hsNames("f", 10000)
	hsBenchMembers  = hsNames("", 10000)
	hsBenchSetElems = hsNames("member-", hsBenchFields)
)

func hsNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// openHSBench opens a store of engine e filled with the benchmark's hashes
// and sets.
func openHSBench(b *testing.B, e kevy.Engine) *kevy.Store {
	b.Helper()
	db, err := kevy.Open(kevy.Config{Engine: e})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for i := range hsBenchKeys {
		args := make([]any, 0, 2*hsBenchFields)
		members := make([]any, 0, hsBenchFields)
		for j := range hsBenchFields {
			args = append(args, hsBenchFieldIDs[j], "value-"+strconv.Itoa(j))
			members = append(members, hsBenchSetElems[j])
		}
		if _, err := db.HSet(ctx, hsBenchHashKeys[i], args...); err != nil {
			b.Fatal(err)
		}
		if _, err := db.SAdd(ctx, hsBenchSetKeys[i], members...); err != nil {
			b.Fatal(err)
		}
	}
	big := func(key string, n int, hash bool) {
		var args []any
		for j := range n {
			if hash {
				args = append(args, hsBenchFieldIDs[j], "v")
			} else {
				args = append(args, hsBenchMembers[j])
			}
		}
		if hash {
			_, err = db.HSet(ctx, key, args...)
		} else {
			_, err = db.SAdd(ctx, key, args...)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	big("hash:listpack512", 512, true)
	big("hash:table10k", 10000, true)
	big("set:intset512", 512, false)
	big("set:table10k", 10000, false)
	return db
}

// hsBenchOp is one operation; i varies per call.
type hsBenchOp struct {
	name string
	fn   func(ctx context.Context, db *kevy.Store, i int) error
}

var hashBenchOps = []hsBenchOp{
	{"HSET", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.HSet(ctx, hsBenchHashKeys[i&(hsBenchKeys-1)], hsBenchFieldIDs[i&(hsBenchFields-1)], "new")
		return err
	}},
	{"HGET", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.HGet(ctx, hsBenchHashKeys[i&(hsBenchKeys-1)], hsBenchFieldIDs[i&(hsBenchFields-1)])
		return err
	}},
	{"HGET-listpack512", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.HGet(ctx, "hash:listpack512", hsBenchFieldIDs[i&511])
		return err
	}},
	{"HGET-hashtable10k", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.HGet(ctx, "hash:table10k", hsBenchFieldIDs[i%10000])
		return err
	}},
}

var setBenchOps = []hsBenchOp{
	{"SADD", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.SAdd(ctx, hsBenchSetKeys[i&(hsBenchKeys-1)], hsBenchSetElems[i&(hsBenchFields-1)])
		return err
	}},
	{"SISMEMBER", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.SIsMember(ctx, hsBenchSetKeys[i&(hsBenchKeys-1)], hsBenchMembers[i&(2*hsBenchFields-1)])
		return err
	}},
	{"SISMEMBER-intset512", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.SIsMember(ctx, "set:intset512", hsBenchMembers[i&1023])
		return err
	}},
	{"SISMEMBER-hashtable10k", func(ctx context.Context, db *kevy.Store, i int) error {
		_, err := db.SIsMember(ctx, "set:table10k", hsBenchMembers[i%10000])
		return err
	}},
}

func runHSBench(b *testing.B, ops []hsBenchOp) {
	ctx := context.Background()
	for _, e := range engines {
		db := openHSBench(b, e.e)
		for _, op := range ops {
			b.Run("engine="+e.name+"/op="+op.name+"/serial", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if err := op.fn(ctx, db, i); err != nil {
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
						if err := op.fn(ctx, db, i); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

func BenchmarkHash(b *testing.B) { runHSBench(b, hashBenchOps) }

// BenchmarkSets is named in the plural: BenchmarkSet measures SET.
func BenchmarkSets(b *testing.B) { runHSBench(b, setBenchOps) }
