package rdb

import (
	"bytes"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests compare with a real redis-server 7.0 (skipped when it is not
// installed, unless KEVY_REQUIRE_REDIS=1).

func do(t testing.TB, c *redistest.Client, args ...string) redistest.Value {
	t.Helper()
	v := c.MustDo(t, args...)
	require.NotEqual(t, byte('-'), v.Type, "%q: %s", args, v.Str)
	return v
}

func strs(v redistest.Value) []string {
	out := make([]string, len(v.Array))
	for i, e := range v.Array {
		out[i] = e.Str
	}
	return out
}

func formatScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// populate issues the commands that create es in a live server.
func populate(t testing.TB, c *redistest.Client, es []*Entry) {
	t.Helper()
	const chunk = 500
	for _, e := range es {
		do(t, c, "SELECT", strconv.Itoa(e.DB))
		switch e.Type {
		case TypeString:
			do(t, c, "SET", e.Key, e.Str)
		case TypeList, TypeSet:
			cmd, items := "RPUSH", e.List
			if e.Type == TypeSet {
				cmd, items = "SADD", e.Set
			}
			for i := 0; i < len(items); i += chunk {
				do(t, c, append([]string{cmd, e.Key}, items[i:min(i+chunk, len(items))]...)...)
			}
		case TypeHash:
			for i := 0; i < len(e.Hash); i += chunk {
				args := []string{"HSET", e.Key}
				for _, f := range e.Hash[i:min(i+chunk, len(e.Hash))] {
					args = append(args, f.Name, f.Value)
				}
				do(t, c, args...)
			}
		case TypeZSet:
			for i := 0; i < len(e.ZSet); i += chunk {
				args := []string{"ZADD", e.Key}
				for _, m := range e.ZSet[i:min(i+chunk, len(e.ZSet))] {
					args = append(args, formatScore(m.Score), m.Member)
				}
				do(t, c, args...)
			}
		}
		if e.ExpireAt != 0 {
			do(t, c, "PEXPIREAT", e.Key, strconv.FormatInt(e.ExpireAt, 10))
		}
	}
}

// redisKeyspace reads databases dbs of a live server into entries.
func redisKeyspace(t testing.TB, c *redistest.Client, dbs []int) []*Entry {
	t.Helper()
	var out []*Entry
	for _, db := range dbs {
		do(t, c, "SELECT", strconv.Itoa(db))
		for _, k := range strs(do(t, c, "KEYS", "*")) {
			e := &Entry{DB: db, Key: k}
			switch typ := do(t, c, "TYPE", k).Str; typ {
			case "string":
				e.Type, e.Str = TypeString, do(t, c, "GET", k).Str
			case "list":
				e.Type, e.List = TypeList, strs(do(t, c, "LRANGE", k, "0", "-1"))
			case "set":
				e.Type, e.Set = TypeSet, strs(do(t, c, "SMEMBERS", k))
			case "hash":
				e.Type = TypeHash
				kv := strs(do(t, c, "HGETALL", k))
				for i := 0; i+1 < len(kv); i += 2 {
					e.Hash = append(e.Hash, Field{kv[i], kv[i+1]})
				}
			case "zset":
				e.Type = TypeZSet
				ms := strs(do(t, c, "ZRANGE", k, "0", "-1", "WITHSCORES"))
				for i := 0; i+1 < len(ms); i += 2 {
					f, err := strconv.ParseFloat(ms[i+1], 64)
					require.NoError(t, err)
					e.ZSet = append(e.ZSet, Member{ms[i], f})
				}
			default:
				t.Fatalf("key %q has type %s", k, typ)
			}
			if exp := do(t, c, "PEXPIRETIME", k).Int; exp >= 0 {
				e.ExpireAt = exp
			}
			out = append(out, e)
		}
	}
	return out
}

func dbsOf(es []*Entry) []int {
	seen := map[int]bool{}
	var dbs []int
	for _, e := range es {
		if !seen[e.DB] {
			seen[e.DB] = true
			dbs = append(dbs, e.DB)
		}
	}
	return dbs
}

func checkRDB(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(redistest.Binary(t, "redis-check-rdb"), path).CombinedOutput()
	require.NoError(t, err, "redis-check-rdb:\n%s", out)
	require.Contains(t, string(out), "RDB looks OK", "%s", out)
}

// TestRedisLoadsWrittenFile: a file from Writer passes redis-check-rdb and
// loads into redis-server as exactly the keyspace written.
func TestRedisLoadsWrittenFile(t *testing.T) {
	redistest.Binary(t, "redis-server")
	es := sampleEntries(3000)
	es[0].Idle, es[0].HasIdle = 5000, true
	es[1].Freq, es[1].HasFreq = 200, true
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	require.NoError(t, os.WriteFile(path, writeAll(t, WriterOptions{}, es), 0o644))
	checkRDB(t, path)

	srv := redistest.StartIn(t, dir)
	c := srv.Client(t)
	do(t, c, "SELECT", "0")
	assert.GreaterOrEqual(t, do(t, c, "OBJECT", "IDLETIME", es[0].Key).Int, int64(5000))
	got := redisKeyspace(t, c, dbsOf(es))
	for _, e := range es {
		e.Idle, e.HasIdle, e.Freq, e.HasFreq = 0, false, 0, false
	}
	assert.Equal(t, keyspace(es), keyspace(got))
	srv.Stop()

	lfu := redistest.StartIn(t, dir, "--maxmemory-policy", "allkeys-lfu")
	assert.Equal(t, int64(200), do(t, lfu.Client(t), "OBJECT", "FREQ", es[1].Key).Int)

	// Uncompressed and checksum-less variants load too.
	for _, opts := range []WriterOptions{{NoCompression: true}, {NoChecksum: true}} {
		p := filepath.Join(t.TempDir(), "x.rdb")
		require.NoError(t, os.WriteFile(p, writeAll(t, opts, es[:20]), 0o644))
		checkRDB(t, p)
	}
}

// redisEncodingEntries are keys that, with the configuration in
// TestReadRedisDump, take every encoding Redis 7.0 saves.
func redisEncodingEntries(bigN int) ([]*Entry, map[string]string) {
	es := sampleEntries(bigN)
	nums := make([]string, 600)
	for i := range nums {
		nums[i] = strconv.Itoa(i * 1000)
	}
	longList := []string{"a", strings.Repeat("P", 3000), "b", "c", strings.Repeat("Q", 1500)}
	es = append(es,
		&Entry{DB: 5, Key: "set:int64", Type: TypeSet, Set: []string{"-9223372036854775808", "1"}},
		&Entry{DB: 5, Key: "set:bigints", Type: TypeSet, Set: nums},
		&Entry{DB: 5, Key: "list:plain", Type: TypeList, List: longList},
		&Entry{DB: 5, Key: "hash:longval", Type: TypeHash, Hash: []Field{{"f", strings.Repeat("v", 100)}}},
		&Entry{DB: 5, Key: "zset:longmember", Type: TypeZSet, ZSet: []Member{{strings.Repeat("m", 100), 1.5}}},
	)
	enc := map[string]string{
		"int:0": "int", "empty": "embstr", "lzf:text": "raw",
		"list:small": "quicklist", "list:big": "quicklist", "list:plain": "quicklist",
		"set:ints": "intset", "set:int64": "intset", "set:mixed": "hashtable", "set:big": "hashtable", "set:bigints": "hashtable",
		"hash:small": "hashtable", "hash:big": "hashtable", "hash:longval": "hashtable",
		"zset:small": "listpack", "zset:big": "skiplist", "zset:longmember": "skiplist",
	}
	for _, e := range es {
		if e.Key == "hash:small" {
			e.Hash = e.Hash[:3] // drop the 100-byte value: stays a listpack
			enc["hash:small"] = "listpack"
		}
	}
	return es, enc
}

// TestReadRedisDump: a dump.rdb saved by redis-server, holding every
// encoding, decodes to exactly the keyspace that was populated.
func TestReadRedisDump(t *testing.T) {
	es, enc := redisEncodingEntries(3000)
	srv := redistest.Start(t, "--enable-debug-command", "yes", "--list-compress-depth", "1")
	c := srv.Client(t)
	do(t, c, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000")
	populate(t, c, es)
	for _, e := range es {
		if want, ok := enc[e.Key]; ok {
			do(t, c, "SELECT", strconv.Itoa(e.DB))
			assert.Equal(t, want, do(t, c, "OBJECT", "ENCODING", e.Key).Str, e.Key)
		}
	}
	got, r := readTraced(t, save(t, srv), "type 0", "type 2", "type 5", "type 11", "type 16", "type 17", "type 18", "lzf", "plain node")
	assert.Equal(t, keyspace(es), keyspace(got))
	h, err := r.Header()
	require.NoError(t, err)
	assert.Equal(t, Aux{"redis-ver", "7.0.15"}, h.Aux[0])
}

// save runs SAVE and returns the dump.
func save(t *testing.T, srv *redistest.Server) []byte {
	t.Helper()
	do(t, srv.Client(t), "SAVE")
	data, err := os.ReadFile(filepath.Join(srv.Dir, "dump.rdb"))
	require.NoError(t, err)
	return data
}

// readTraced decodes data, asserting it succeeds and that each of the
// trace events in want occurred (the dump holds those encodings).
func readTraced(t *testing.T, data []byte, want ...string) ([]*Entry, *Reader) {
	t.Helper()
	seen := map[string]int{}
	r := NewReader(bytes.NewReader(data))
	r.trace = func(ev string) { seen[ev]++ }
	var got []*Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got = append(got, e)
	}
	for _, ev := range want {
		assert.Positive(t, seen[ev], "the dump should contain %s", ev)
	}
	return got, r
}
