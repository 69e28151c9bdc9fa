package kevy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Interop with redis-server 7.0 and its tools, both ways: redis-check-rdb
// and redis-check-aof accept kevy's files, redis-server loads kevy's shard
// directories and dumps, and kevy loads what redis-server writes, in every
// encoding, for every data type kevy has (types that have not landed yet
// are left out and logged).

// redisDo runs a command that must not fail.
func redisDo(t testing.TB, c *redistest.Client, args ...string) redistest.Value {
	t.Helper()
	v := c.MustDo(t, args...)
	require.NotEqual(t, byte('-'), v.Type, "%q: %s", args, v.Str)
	return v
}

func redisStrs(v redistest.Value) []string {
	out := make([]string, len(v.Array))
	for i, e := range v.Array {
		out[i] = e.Str
	}
	return out
}

// redisKeyspace reads every key of databases 0..dbs-1 of a live server in
// the form rdbKeyspace renders.
func redisKeyspace(t testing.TB, c *redistest.Client, dbs int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for db := range dbs {
		redisDo(t, c, "SELECT", strconv.Itoa(db))
		for _, k := range redisStrs(redisDo(t, c, "KEYS", "*")) {
			e := &rdb.Entry{DB: db, Key: k}
			switch typ := redisDo(t, c, "TYPE", k).Str; typ {
			case "string":
				e.Type, e.Str = rdb.TypeString, redisDo(t, c, "GET", k).Str
			case "list":
				e.Type, e.List = rdb.TypeList, redisStrs(redisDo(t, c, "LRANGE", k, "0", "-1"))
			case "set":
				e.Type, e.Set = rdb.TypeSet, redisStrs(redisDo(t, c, "SMEMBERS", k))
			case "hash":
				e.Type = rdb.TypeHash
				kv := redisStrs(redisDo(t, c, "HGETALL", k))
				for i := 0; i+1 < len(kv); i += 2 {
					e.Hash = append(e.Hash, rdb.Field{Name: kv[i], Value: kv[i+1]})
				}
			case "zset":
				e.Type = rdb.TypeZSet
				ms := redisStrs(redisDo(t, c, "ZRANGE", k, "0", "-1", "WITHSCORES"))
				for i := 0; i+1 < len(ms); i += 2 {
					f, err := strconv.ParseFloat(ms[i+1], 64)
					require.NoError(t, err)
					e.ZSet = append(e.ZSet, rdb.Member{Member: ms[i], Score: f})
				}
			default:
				t.Fatalf("key %q has type %s", k, typ)
			}
			if exp := redisDo(t, c, "PEXPIRETIME", k).Int; exp >= 0 {
				e.ExpireAt = exp
			}
			out[fmt.Sprintf("%d/%s", db, k)] = canonicalEntry(e)
		}
	}
	return out
}

// supportedTypes reports which RDB types kevy can load now: each is probed
// by importing a one-key dump.
func supportedTypes(t testing.TB) map[rdb.Type]bool {
	t.Helper()
	probes := []*rdb.Entry{
		{Key: "s", Type: rdb.TypeString, Str: "v"},
		{Key: "l", Type: rdb.TypeList, List: []string{"a"}},
		{Key: "t", Type: rdb.TypeSet, Set: []string{"a"}},
		{Key: "h", Type: rdb.TypeHash, Hash: []rdb.Field{{Name: "f", Value: "v"}}},
		{Key: "z", Type: rdb.TypeZSet, ZSet: []rdb.Member{{Member: "m", Score: 1}}},
	}
	db, err := kevy.Open(kevy.Config{Shards: 1})
	require.NoError(t, err)
	defer db.Close()
	ok := map[rdb.Type]bool{}
	var missing []string
	for _, e := range probes {
		var buf bytes.Buffer
		w := rdb.NewWriter(&buf, rdb.WriterOptions{})
		require.NoError(t, w.WriteEntry(e))
		require.NoError(t, w.Close())
		if db.ImportRDB(context.Background(), &buf) == nil {
			ok[e.Type] = true
		} else {
			missing = append(missing, e.Type.String())
		}
	}
	if len(missing) > 0 {
		t.Logf("types kevy does not load yet, left out: %v", missing)
	}
	return ok
}

// redisEncodingScript returns commands that build, in a redis-server
// configured as startEncodingRedis does, keys of the given types in every
// encoding Redis 7.0 saves, with expiries and in several databases.
func redisEncodingScript(types map[rdb.Type]bool) [][]string {
	exp := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	n := func(prefix string, k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	add("SELECT", "0")
	add("SET", "int:0", "0")
	add("SET", "int:neg", "-123456")
	add("SET", "int:big", "9223372036854775807")
	add("SET", "embstr", "hello world")
	add("SET", "raw", strings.Repeat("r", 60))
	add("SET", "lzf", strings.Repeat("compress me ", 30))
	add("SET", "binary", "a\x00b\r\n\xff")
	add("SET", "empty", "")
	add("SET", "ttl", "x", "PXAT", exp)
	if types[rdb.TypeSet] {
		add("SADD", "set:ints", "1", "2", "3", "-5")
		add("SADD", "set:int64", "-9223372036854775808", "9223372036854775807")
		add(append([]string{"SADD", "set:bigints"}, n("", 600)...)...)
		add("SADD", "set:mixed", "a", "1", "b")
		add(append([]string{"SADD", "set:big"}, n("m", 700)...)...)
		add("PEXPIREAT", "set:ints", exp)
	}
	if types[rdb.TypeHash] {
		add("HSET", "hash:small", "a", "1", "b", "2", "c", "")
		add("HSET", "hash:longval", "f", strings.Repeat("v", 100))
		big := []string{"HSET", "hash:big"}
		for i := range 300 {
			big = append(big, "f"+strconv.Itoa(i), strconv.Itoa(i*i))
		}
		add(big...)
		add("PEXPIREAT", "hash:small", exp)
	}
	if types[rdb.TypeList] {
		add("RPUSH", "list:small", "a", "1", "", "b")
		add(append([]string{"RPUSH", "list:big"}, n("item", 3000)...)...)
		add("RPUSH", "list:plain", "a", strings.Repeat("P", 3000), "b", strings.Repeat("Q", 1500))
		add("PEXPIREAT", "list:small", exp)
	}
	if types[rdb.TypeZSet] {
		add("ZADD", "zset:small", "1", "a", "2.5", "b", "-inf", "c", "inf", "d")
		big := []string{"ZADD", "zset:big"}
		for i := range 300 {
			big = append(big, strconv.FormatFloat(float64(i)/3, 'g', -1, 64), "m"+strconv.Itoa(i))
		}
		add(big...)
		add("ZADD", "zset:longmember", "1.5", strings.Repeat("m", 100))
		add("PEXPIREAT", "zset:small", exp)
	}
	add("SELECT", "3")
	add("SET", "in3", "three")
	if types[rdb.TypeHash] {
		add("HSET", "h3", "x", "y")
	}
	add("SELECT", "15")
	add("SET", "in15", strings.Repeat("fifteen", 10))
	return cmds
}

// startEncodingRedis starts a redis-server whose small-value thresholds
// make every encoding appear (quicklist PLAIN nodes, LZF strings).
func startEncodingRedis(t testing.TB, dir string, extra ...string) *redistest.Server {
	t.Helper()
	args := append([]string{"--enable-debug-command", "yes", "--list-compress-depth", "1"}, extra...)
	srv := redistest.StartIn(t, dir, args...)
	redisDo(t, srv.Client(t), "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000")
	return srv
}

func runScript(t testing.TB, c *redistest.Client, cmds [][]string) {
	t.Helper()
	for _, cmd := range cmds {
		redisDo(t, c, cmd...)
	}
}

// copyTree copies the directory src to dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Name() == "LOCK" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	}))
}

func checkRDBFile(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(redistest.Binary(t, "redis-check-rdb"), path).CombinedOutput()
	require.NoError(t, err, "redis-check-rdb %s:\n%s", path, out)
	require.Contains(t, string(out), "RDB looks OK", "%s", out)
}

func checkAOFDir(t *testing.T, shardDir string) {
	t.Helper()
	man := filepath.Join(shardDir, "appendonlydir", "appendonly.aof.manifest")
	out, err := exec.Command(redistest.Binary(t, "redis-check-aof"), man).CombinedOutput()
	require.NoError(t, err, "redis-check-aof %s:\n%s", man, out)
	require.Contains(t, string(out), "All AOF files and manifest are valid", "%s", out)
}

// kevyWorkload writes keys of the supported types, rewrites the logs half
// way, and goes on writing, so each shard has an RDB base and commands.
func kevyWorkload(t *testing.T, db *kevy.Store, types map[rdb.Type]bool) {
	t.Helper()
	ctx := context.Background()
	c := db.Conn()
	defer c.Close()
	run := func(cmds [][]string) {
		for _, cmd := range cmds {
			if cmd[0] == "SELECT" {
				n, _ := strconv.Atoi(cmd[1])
				require.NoError(t, c.Select(ctx, n))
				continue
			}
			r := c.Exec(ctx, cmd...)
			require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", cmd, r.Str)
		}
	}
	run(redisEncodingScript(types))
	require.NoError(t, db.Save(ctx))
	require.NoError(t, db.RewriteAOF(ctx))
	after := [][]string{
		{"SELECT", "0"}, {"SET", "after", "rewrite"}, {"DEL", "embstr"}, {"INCR", "int:0"},
		{"PEXPIRE", "raw", "3600000"}, {"PERSIST", "ttl"}, {"APPEND", "lzf", "!"},
		{"MSET", "m1", "1", "m2", "2", "m3", "3"}, {"RENAME", "binary", "renamed"},
	}
	if types[rdb.TypeHash] {
		after = append(after, []string{"HSET", "hash:big", "new", "field"}, []string{"HDEL", "hash:small", "a"})
	}
	if types[rdb.TypeSet] {
		after = append(after, []string{"SADD", "set:ints", "99"}, []string{"SREM", "set:big", "m1"})
	}
	run(after)
}

// TestRedisLoadsKevyFiles: every file kevy writes passes Redis's checkers,
// redis-server loads each shard directory (RDB-preamble base plus incr
// commands) and kevy's exported dump, and together they hold exactly
// kevy's keyspace.
func TestRedisLoadsKevyFiles(t *testing.T) {
	redistest.Binary(t, "redis-server")
	types := supportedTypes(t)
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := kevy.Config{Engine: e.e, Shards: 3, Dir: t.TempDir()}
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			kevyWorkload(t, db, types)
			want := exportKeyspace(t, db)
			var dump bytes.Buffer
			require.NoError(t, db.ExportRDB(ctx, &dump))
			require.NoError(t, db.Close())

			got := map[string]string{}
			for i := range cfg.Shards {
				sd := filepath.Join(cfg.Dir, fmt.Sprintf("shard-%03d", i))
				checkRDBFile(t, filepath.Join(sd, "dump.rdb"))
				checkAOFDir(t, sd)
				base, err := filepath.Glob(filepath.Join(sd, "appendonlydir", "*.base.rdb"))
				require.NoError(t, err)
				require.Len(t, base, 1)
				checkRDBFile(t, base[0])

				dir := t.TempDir()
				copyTree(t, sd, dir)
				require.NoError(t, os.Remove(filepath.Join(dir, "dump.rdb")))
				srv := redistest.StartIn(t, dir, "--appendonly", "yes")
				part := redisKeyspace(t, srv.Client(t), 16)
				srv.Stop()
				for k, v := range part {
					_, dup := got[k]
					require.False(t, dup, "key %s in two shards", k)
					got[k] = v
				}
			}
			assert.Equal(t, want, got, "redis-server loading every shard directory")

			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "dump.rdb"), dump.Bytes(), 0o644))
			checkRDBFile(t, filepath.Join(dir, "dump.rdb"))
			srv := redistest.StartIn(t, dir)
			assert.Equal(t, want, redisKeyspace(t, srv.Client(t), 16), "redis-server loading ExportRDB's dump")
		})
	}
}

// TestKevyLoadsRedisFiles: dumps and AOF directories that redis-server
// wrote, holding every encoding, load into kevy as exactly Redis's
// keyspace: through ImportRDB, and by opening the directory.
func TestKevyLoadsRedisFiles(t *testing.T) {
	redistest.Binary(t, "redis-server")
	types := supportedTypes(t)
	ctx := context.Background()

	// A dump.rdb.
	rdir := t.TempDir()
	srv := startEncodingRedis(t, rdir)
	c := srv.Client(t)
	runScript(t, c, redisEncodingScript(types))
	want := redisKeyspace(t, c, 16)
	redisDo(t, c, "SAVE")
	srv.Stop()
	dump, err := os.ReadFile(filepath.Join(rdir, "dump.rdb"))
	require.NoError(t, err)

	// An AOF directory: an RDB base with every encoding, then commands.
	adir := t.TempDir()
	asrv := startEncodingRedis(t, adir, "--appendonly", "yes")
	ac := asrv.Client(t)
	runScript(t, ac, redisEncodingScript(types))
	redisDo(t, ac, "BGREWRITEAOF")
	waitRewrite(t, ac)
	runScript(t, ac, [][]string{{"SELECT", "0"}, {"SET", "after", "rewrite"}, {"DEL", "embstr"}, {"INCR", "int:0"}, {"SELECT", "4"}, {"SET", "in4", "x"}})
	wantAOF := redisKeyspace(t, ac, 16)
	asrv.Stop()

	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			require.NoError(t, db.ImportRDB(ctx, bytes.NewReader(dump)))
			assert.Equal(t, want, exportKeyspace(t, db), "ImportRDB of a redis-server dump")

			cfg := v.cfg
			cfg.Dir = t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(cfg.Dir, "dump.rdb"), dump, 0o644))
			db = mustOpen(t, cfg)
			assert.Equal(t, want, exportKeyspace(t, db), "opening a directory with a redis-server dump.rdb")

			cfg.Dir = t.TempDir()
			copyTree(t, adir, cfg.Dir)
			db = mustOpen(t, cfg)
			assert.Equal(t, wantAOF, exportKeyspace(t, db), "opening a redis-server appendonlydir")
		})
	}
}

// waitRewrite polls a redis-server until its AOF rewrite is done (it runs
// in a child process of its own).
func waitRewrite(t testing.TB, c *redistest.Client) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		info := redisDo(t, c, "INFO", "persistence").Str
		if strings.Contains(info, "aof_rewrite_in_progress:0") && strings.Contains(info, "aof_rewrite_scheduled:0") {
			require.Contains(t, info, "aof_last_bgrewrite_status:ok")
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("redis-server did not finish its AOF rewrite")
}

// TestKevyLoadsRedisTestdata imports the checked-in dump of every Redis
// 7.0 encoding when kevy has all of its types.
func TestKevyLoadsRedisTestdata(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("rdb", "testdata", "redis-7.0-encodings.rdb"))
	require.NoError(t, err)
	types := supportedTypes(t)
	want := rdbKeyspace(t, data)
	var missing []string
	r := rdb.NewReader(bytes.NewReader(data))
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if !types[e.Type] && !slices.Contains(missing, e.Type.String()) {
			missing = append(missing, e.Type.String())
		}
	}
	if len(missing) > 0 {
		t.Skipf("the dump holds types kevy does not load yet: %v", missing)
	}
	now := time.Now().UnixMilli()
	maps.DeleteFunc(want, func(_ string, v string) bool {
		i := strings.LastIndex(v, "exp=")
		exp, _ := strconv.ParseInt(v[i+4:], 10, 64)
		return exp != 0 && exp < now
	})
	db := mustOpen(t, kevy.Config{Shards: 3})
	require.NoError(t, db.ImportRDB(context.Background(), bytes.NewReader(data)))
	assert.Equal(t, want, exportKeyspace(t, db))
}
