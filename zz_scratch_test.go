package kevy_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/kevydb/kevy"
)

func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func TestScratchAccuracy(t *testing.T) {
	const n = 300000
	types := map[string]func(db *kevy.Store, i int){
		"string": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "SET", "key:"+strconv.Itoa(i), "value-"+strconv.Itoa(i*7))
		},
		"string-ttl": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "SET", "key:"+strconv.Itoa(i), "value-"+strconv.Itoa(i*7), "EX", "10000")
		},
		"hash": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "HSET", "key:"+strconv.Itoa(i), "name", "alice"+strconv.Itoa(i), "age", strconv.Itoa(i%100), "city", "paris", "email", "a"+strconv.Itoa(i)+"@example.com")
		},
		"set": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "SADD", "key:"+strconv.Itoa(i), "m-a"+strconv.Itoa(i), "m-b"+strconv.Itoa(i), "m-c", "m-d", "m-e")
		},
		"intset": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "SADD", "key:"+strconv.Itoa(i), "1", "2", "3", strconv.Itoa(i), "5")
		},
		"list": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "RPUSH", "key:"+strconv.Itoa(i), "el-a"+strconv.Itoa(i), "el-b", "el-c", "el-d", "el-e")
		},
		"zset": func(db *kevy.Store, i int) {
			db.Do(context.Background(), "ZADD", "key:"+strconv.Itoa(i), "1", "m-a"+strconv.Itoa(i), "2", "m-b", "3", "m-c", "4", "m-d", "5", "m-e")
		},
	}
	for _, name := range []string{"string", "string-ttl", "hash", "set", "intset", "list", "zset"} {
		fn := types[name]
		db, _ := kevy.Open(kevy.Config{Shards: 2})
		ctx := context.Background()
		before := liveHeap()
		st0, _ := db.Stats(ctx)
		for i := 0; i < n; i++ {
			fn(db, i)
		}
		after := liveHeap()
		st, _ := db.Stats(ctx)
		heap := after - before
		acc := st.UsedMemory - st0.UsedMemory
		t.Logf("%-10s heap=%d (%.1f/key) accounted=%d (%.1f/key) ratio=%.3f", name, heap, float64(heap)/n, acc, float64(acc)/n, float64(acc)/float64(heap))
		db.Close()
	}
}
