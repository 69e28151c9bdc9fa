package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
)

var okUpTo = regexp.MustCompile(`ok_up_to=(\d+)`)

func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	dst := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(dst, data, 0o644))
	return dst
}

// TestCheckAOFAgreesWithRedis checks single files against redis-check-aof:
// the same verdict and the same offset of the first problem.
func TestCheckAOFAgreesWithRedis(t *testing.T) {
	bin := redistest.Binary(t, "redis-check-aof")
	for _, name := range []string{"corrupt.aof", "redis-annotated.aof", "redis-incr.aof", "torn-multi.aof", "torn-record.aof"} {
		t.Run(name, func(t *testing.T) {
			f := copyFile(t, filepath.Join("..", "..", "aof", "testdata", name), t.TempDir())
			var out bytes.Buffer
			ok, err := checkAOFSet(&out, []string{f}, false, false, nil)
			require.NoError(t, err)
			redisOut, rerr := exec.Command(bin, f).CombinedOutput()
			assert.Equal(t, rerr == nil, ok, "verdict; ours:\n%s\nredis:\n%s", out.String(), redisOut)
			if !ok {
				assert.Equal(t, okUpTo.FindString(string(redisOut)), okUpTo.FindString(out.String()),
					"ours:\n%s\nredis:\n%s", out.String(), redisOut)
			}
		})
	}
}

func TestCheckAOFFix(t *testing.T) {
	dir := t.TempDir()
	torn := copyFile(t, filepath.Join("..", "..", "aof", "testdata", "torn-record.aof"), dir)
	var out bytes.Buffer
	// Without --yes it asks; "n" aborts and changes nothing.
	ok, err := checkAOFSet(&out, []string{torn}, true, false, strings.NewReader("n\n"))
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "Aborting")
	st, _ := os.Stat(torn)
	assert.Equal(t, int64(52), st.Size())
	out.Reset()
	ok, err = checkAOFSet(&out, []string{torn}, true, false, strings.NewReader("y\n"))
	require.NoError(t, err)
	assert.True(t, ok, out.String())
	st, _ = os.Stat(torn)
	assert.Equal(t, int64(27), st.Size())
	out.Reset()
	ok, _ = checkAOFSet(&out, []string{torn}, false, false, nil)
	assert.True(t, ok, out.String())

	// Damage that is not a torn tail is reported, never truncated.
	bad := copyFile(t, filepath.Join("..", "..", "aof", "testdata", "corrupt.aof"), dir)
	out.Reset()
	ok, err = checkAOFSet(&out, []string{bad}, true, true, nil)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "corrupt at offset 27")
	st, _ = os.Stat(bad)
	assert.Equal(t, int64(54), st.Size())
}

func TestCheckAOFDataDir(t *testing.T) {
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 2})
	require.NoError(t, err)
	ctx := context.Background()
	for i := range 50 {
		require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), "v", 0))
	}
	require.NoError(t, db.Close())
	sets, err := aofSets(dir)
	require.NoError(t, err)
	require.Len(t, sets, 2)
	var out bytes.Buffer
	for _, s := range sets {
		ok, err := checkAOFSet(&out, s, false, false, nil)
		require.NoError(t, err)
		assert.True(t, ok, out.String())
	}
	// Tear the last file of shard 0.
	last := sets[0][len(sets[0])-1]
	f, err := os.OpenFile(last, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("*3\r\n$3\r\nSET\r\n$1\r\nx")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	out.Reset()
	ok, err := checkAOFSet(&out, sets[0], false, false, nil)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Contains(t, out.String(), "Use the --fix option")
	ok, err = checkAOFSet(&out, sets[0], true, true, nil)
	require.NoError(t, err)
	assert.True(t, ok)
	db, err = kevy.Open(kevy.Config{Dir: dir, Shards: 2, StrictAOF: true})
	require.NoError(t, err)
	n, err := db.DBSize(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(50), n)
	require.NoError(t, db.Close())
}

// fill writes one key of each type, with and without TTLs, in two databases.
func fill(t *testing.T, db *kevy.Store) {
	t.Helper()
	ctx := context.Background()
	c := db.Conn()
	defer c.Close()
	for _, cmd := range [][]string{
		{"SET", "s", "hello"}, {"SET", "num", "12345"}, {"SET", "ttl", "v", "PX", "100000000"},
		{"RPUSH", "l", "a", "b", "c"}, {"SADD", "set", "x", "y", "1"}, {"HSET", "h", "f", "v", "g", "w"},
		{"ZADD", "z", "1.5", "a", "-2", "b", "inf", "c"},
		{"SELECT", "3"}, {"SET", "in3", "yes"}, {"SELECT", "0"},
	} {
		r := c.Exec(ctx, cmd...)
		if r.IsError() && strings.Contains(r.Str, "unknown command") {
			t.Logf("%v: %s (type not landed yet)", cmd, r.Str)
			continue
		}
		require.False(t, r.IsError(), "%v: %s", cmd, r.Str)
	}
}

// dump lists every key of db 0..15 with its type and value, sorted.
func dump(t *testing.T, cl *cliClient) []string {
	t.Helper()
	var out []string
	for dbi := 0; dbi < 16; dbi++ {
		_, err := cl.do([]string{"SELECT", strconv.Itoa(dbi)})
		require.NoError(t, err)
		r, err := cl.do([]string{"KEYS", "*"})
		require.NoError(t, err)
		entries, err := readEntries(cl, strs(r))
		require.NoError(t, err)
		for _, e := range entries {
			ttl := e.ExpireAt > 0
			e.ExpireAt = 0
			sort.Strings(e.Set)
			sort.Slice(e.Hash, func(i, j int) bool { return e.Hash[i].Name < e.Hash[j].Name })
			out = append(out, strconv.Itoa(dbi)+" "+e.Key+" "+e.Type.String()+" ttl="+strconv.FormatBool(ttl)+" "+
				strings.Join([]string{e.Str, strings.Join(e.List, ","), strings.Join(e.Set, ",")}, "|")+
				" "+fmtAny(e.Hash)+fmtAny(e.ZSet))
		}
	}
	_, err := cl.do([]string{"SELECT", "0"})
	require.NoError(t, err)
	sort.Strings(out)
	return out
}

func fmtAny(v any) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.TrimSpace(sprint(v)), "\n", " "))
}

func TestExportImportRoundTrip(t *testing.T) {
	src := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: src, Shards: 2})
	require.NoError(t, err)
	fill(t, db)
	require.NoError(t, db.Close())

	out := filepath.Join(t.TempDir(), "dump.rdb")
	cl, closeFn, err := dialCLI(&cliOptions{dir: src})
	require.NoError(t, err)
	n, err := exportRDB(cl, out)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 4)
	want := dump(t, cl)
	closeFn()

	// Valid for kevy and for redis-check-rdb.
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	st, err := checkRDBData(data)
	require.NoError(t, err)
	assert.Equal(t, n, st.keys)
	if out, err := exec.Command(redistest.Binary(t, "redis-check-rdb"), out).CombinedOutput(); err != nil {
		t.Fatalf("redis-check-rdb: %v\n%s", err, out)
	}

	dst := t.TempDir()
	cl, closeFn, err = dialCLI(&cliOptions{dir: dst})
	require.NoError(t, err)
	defer closeFn()
	m, expired, err := importRDB(cl, out)
	require.NoError(t, err)
	assert.Equal(t, n, m)
	assert.Equal(t, 0, expired)
	assert.Equal(t, want, dump(t, cl))

	// redis-server loads the export too.
	rdir := t.TempDir()
	copyFile(t, out, rdir)
	real := redistest.StartIn(t, rdir)
	v, err := real.Client(t).Do("GET", "s")
	require.NoError(t, err)
	assert.Equal(t, "hello", v.Str)
}

func TestCheckRDBReportsDamage(t *testing.T) {
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 1})
	require.NoError(t, err)
	fill(t, db)
	require.NoError(t, db.Close())
	out := filepath.Join(t.TempDir(), "dump.rdb")
	cl, closeFn, err := dialCLI(&cliOptions{dir: dir})
	require.NoError(t, err)
	_, err = exportRDB(cl, out)
	closeFn()
	require.NoError(t, err)
	data, err := os.ReadFile(out)
	require.NoError(t, err)

	_, err = checkRDBData(data[:len(data)-20])
	require.Error(t, err)
	assert.Greater(t, rdbErrOffset(err), int64(0))

	flipped := bytes.Clone(data)
	flipped[len(flipped)-3] ^= 0xff // inside the checksum
	_, err = checkRDBData(flipped)
	assert.Error(t, err)

	_, err = checkRDBData([]byte("REDIS0010\xff"))
	assert.Error(t, err)
	_, err = checkRDBData([]byte("NOTREDIS"))
	assert.Error(t, err)
}

func sprint(v any) string { return fmt.Sprint(v) }
