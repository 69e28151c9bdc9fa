package kevy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Directory migrations (re-sharding, importing a Redis directory) are
// interrupted before each of their steps in turn, as a crash would stop
// them; the next Open must finish or undo the migration and hold exactly
// the data, whatever shard count it asks for.

var errCrash = errors.New("simulated crash")

// crashAt returns hooks that fail at the k-th migration step.
func crashAt(k int, steps *[]string) *testHooks {
	n := 0
	return &testHooks{migrate: func(step string) error {
		*steps = append(*steps, step)
		n++
		if n == k {
			return errCrash
		}
		return nil
	}}
}

// dump renders the whole store.
func dump(t *testing.T, s *Store) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, s.ExportRDB(context.Background(), &buf))
	r := rdb.NewReader(&buf)
	out := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		var elems []string
		switch e.Type {
		case rdb.TypeString:
			elems = []string{e.Str}
		case rdb.TypeList:
			elems = e.List
		case rdb.TypeSet:
			elems = slices.Sorted(slices.Values(e.Set))
		case rdb.TypeHash:
			for _, f := range e.Hash {
				elems = append(elems, f.Name+"="+f.Value)
			}
			slices.Sort(elems)
		case rdb.TypeZSet:
			for _, m := range e.ZSet {
				elems = append(elems, fmt.Sprint(m.Member, "=", m.Score))
			}
			slices.Sort(elems)
		}
		out[fmt.Sprintf("%d/%s", e.DB, e.Key)] = fmt.Sprintf("%s %q exp=%d", e.Type, elems, e.ExpireAt)
	}
}

// fillStore writes a mix of keys, rewriting the logs half way so the
// shards have RDB bases and incr files.
func fillStore(t *testing.T, cfg Config) map[string]string {
	t.Helper()
	ctx := context.Background()
	s, err := Open(cfg)
	require.NoError(t, err)
	c := s.Conn()
	for i := range 400 {
		require.NoError(t, c.Select(ctx, i%3))
		k := "k" + strconv.Itoa(i)
		switch i % 4 {
		case 0:
			require.NoError(t, c.Set(ctx, k, strconv.Itoa(i), 0))
		case 1:
			c.Exec(ctx, "HSET", k, "f", strconv.Itoa(i))
		case 2:
			c.Exec(ctx, "SADD", k, "a", strconv.Itoa(i))
		case 3:
			c.Exec(ctx, "RPUSH", k, "x", strconv.Itoa(i))
		}
		if i == 200 {
			require.NoError(t, s.RewriteAOF(ctx))
		}
	}
	want := dump(t, s)
	require.NoError(t, s.Close())
	return want
}

func TestReshard(t *testing.T) {
	for _, e := range []Engine{EngineActor, EngineLocked} {
		t.Run("engine="+e.String(), func(t *testing.T) {
			dir := t.TempDir()
			want := fillStore(t, Config{Dir: dir, Engine: e, Shards: 3})
			for _, n := range []int{5, 1, 2, 2, 4} {
				s, err := Open(Config{Dir: dir, Engine: e, Shards: n})
				require.NoError(t, err, "%d shards", n)
				assert.Equal(t, want, dump(t, s), "%d shards", n)
				require.NoError(t, s.Set(context.Background(), "n"+strconv.Itoa(n), "x", 0))
				want = dump(t, s)
				require.NoError(t, s.Close())
				m, err := readMeta(dir)
				require.NoError(t, err)
				assert.Equal(t, n, m.Shards)
				assert.Nil(t, m.Migration)
				assert.Equal(t, n, countShardDirs(dir))
				_, err = os.Stat(filepath.Join(dir, migrateDirName))
				assert.True(t, errors.Is(err, os.ErrNotExist))
			}
		})
	}
}

// TestReshardCrashAtEveryStep interrupts a re-shard from 2 to 3 shards
// before each step; reopening with 3 shards — or with the old 2 — must
// give the same data.
func TestReshardCrashAtEveryStep(t *testing.T) {
	src := t.TempDir()
	want := fillStore(t, Config{Dir: src, Shards: 2})
	for k := 1; ; k++ {
		var steps []string
		dir := t.TempDir()
		copyDir(t, src, dir)
		s, err := openWithHooks(Config{Dir: dir, Shards: 3}, crashAt(k, &steps))
		if err == nil {
			require.NoError(t, s.Close())
			require.Greater(t, k, 5, "the migration has steps")
			break
		}
		require.ErrorIs(t, err, errCrash)
		step := steps[len(steps)-1]
		for _, reopen := range []int{3, 2} {
			d := t.TempDir()
			copyDir(t, dir, d)
			s, err := Open(Config{Dir: d, Shards: reopen})
			require.NoError(t, err, "crash before %s, reopen with %d shards", step, reopen)
			assert.Equal(t, want, dump(t, s), "crash before %s, reopen with %d shards", step, reopen)
			require.NoError(t, s.Close())
			assert.Equal(t, reopen, countShardDirs(d), "crash before %s", step)
		}
	}
}

// TestImportRedisDirectory opens directories holding Redis data — a
// dump.rdb, a multi-part AOF — and no kevy.meta, crashing before each step
// of the import once.
func TestImportRedisDirectory(t *testing.T) {
	entries := []*rdb.Entry{
		{Key: "s", Type: rdb.TypeString, Str: "v"},
		{DB: 2, Key: "h", Type: rdb.TypeHash, Hash: []rdb.Field{{Name: "f", Value: "1"}}},
		{Key: "set", Type: rdb.TypeSet, Set: []string{"a", "b"}, ExpireAt: 4102444800000},
		{Key: "gone", Type: rdb.TypeString, Str: "expired", ExpireAt: 1000},
	}
	for i := range 300 {
		entries = append(entries, &rdb.Entry{DB: i % 4, Key: "k" + strconv.Itoa(i), Type: rdb.TypeString, Str: strconv.Itoa(i)})
	}
	rdbDir := t.TempDir()
	f, err := os.Create(filepath.Join(rdbDir, "dump.rdb"))
	require.NoError(t, err)
	w := rdb.NewWriter(f, rdb.WriterOptions{})
	for _, e := range entries {
		require.NoError(t, w.WriteEntry(e))
	}
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())

	aofDir := t.TempDir()
	l, err := aof.Open(aofDir, aof.Options{})
	require.NoError(t, err)
	_, err = l.Replay(func([]string) error { return nil })
	require.NoError(t, err)
	l.AppendCommand("SET", "s", "v")
	l.AppendCommand("SELECT", "2")
	l.AppendCommand("HSET", "h", "f", "1")
	l.AppendCommand("SELECT", "0")
	l.AppendCommand("SADD", "set", "a", "b")
	l.AppendCommand("PEXPIREAT", "set", "4102444800000")
	for i := range 300 {
		l.AppendCommand("SELECT", strconv.Itoa(i%4))
		l.AppendCommand("SET", "k"+strconv.Itoa(i), strconv.Itoa(i))
	}
	require.NoError(t, l.Close())

	var want map[string]string
	for _, src := range []string{rdbDir, aofDir} {
		for k := 1; ; k++ {
			var steps []string
			dir := t.TempDir()
			copyDir(t, src, dir)
			s, err := openWithHooks(Config{Dir: dir, Shards: 3}, crashAt(k, &steps))
			if err == nil {
				got := dump(t, s)
				require.NoError(t, s.Close())
				if want == nil {
					want = got
					assert.Len(t, want, 303, "the expired key is skipped")
				}
				assert.Equal(t, want, got)
				break
			}
			require.ErrorIs(t, err, errCrash)
			s, err = Open(Config{Dir: dir, Shards: 2})
			require.NoError(t, err, "crash before %s", steps[len(steps)-1])
			got := dump(t, s)
			require.NoError(t, s.Close())
			if want == nil {
				want = got
			}
			assert.Equal(t, want, got, "crash before %s", steps[len(steps)-1])
		}
	}
}

// TestMetaMissingWithShards: shard directories without kevy.meta are not
// guessed at.
func TestMetaMissingWithShards(t *testing.T) {
	dir := t.TempDir()
	fillStore(t, Config{Dir: dir, Shards: 2})
	require.NoError(t, os.Remove(filepath.Join(dir, metaName)))
	_, err := Open(Config{Dir: dir, Shards: 2})
	assert.ErrorContains(t, err, "kevy.meta is missing")
}

// copyDir copies the directory tree src into dst (which exists).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	}))
}

// TestImportRefusesDamagedRedisAOF: damage in a Redis directory's AOF
// (here, a damaged command name) refuses the import, naming the file
// and offset; Redis's files are not cut, and no layout is created.
func TestImportRefusesDamagedRedisAOF(t *testing.T) {
	dir := t.TempDir()
	l, err := aof.Open(dir, aof.Options{})
	require.NoError(t, err)
	_, err = l.Replay(func([]string) error { return nil })
	require.NoError(t, err)
	l.AppendCommand("SET", "a", "1")
	l.AppendCommand("SEU", "s", "v") // a damaged SET
	l.AppendCommand("SET", "b", "2")
	require.NoError(t, l.Close())
	paths, _, err := aof.Files(dir)
	require.NoError(t, err)
	before, err := os.ReadFile(paths[len(paths)-1])
	require.NoError(t, err)
	_, err = Open(Config{Dir: dir, Shards: 2})
	var ce *aof.CorruptError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, paths[len(paths)-1], ce.Path)
	assert.Equal(t, int64(len("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n")), ce.Offset)
	assert.ErrorContains(t, err, "unknown command 'SEU'")
	after, err := os.ReadFile(paths[len(paths)-1])
	require.NoError(t, err)
	assert.Equal(t, before, after)
	_, err = os.Stat(filepath.Join(dir, metaName))
	assert.True(t, errors.Is(err, os.ErrNotExist))
	assert.Zero(t, countShardDirs(dir))
}

// TestReshardKeepsDamageCopies: damage found in an old shard while
// re-sharding is handled as Open handles it (the log cut, a copy kept,
// an event); the copy survives the removal of the old shard directory.
func TestReshardKeepsDamageCopies(t *testing.T) {
	dir := t.TempDir()
	want := fillStore(t, Config{Dir: dir, Shards: 2})
	m, err := readMeta(dir)
	require.NoError(t, err)
	paths, _, err := aof.Files(shardDir(dir, 0))
	require.NoError(t, err)
	last := paths[len(paths)-1]
	data, err := os.ReadFile(last)
	require.NoError(t, err)
	const bad = "*2\r\n$3\r\nSEU\r\n$1\r\nx\r\n"
	data = append(data, bad...) // an unknown command at the end
	require.NoError(t, os.WriteFile(last, data, 0o644))
	var mu sync.Mutex
	var evs []Event
	s, err := Open(Config{Dir: dir, Shards: 3, OnEvent: func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		evs = append(evs, ev)
	}})
	require.NoError(t, err)
	assert.Equal(t, want, dump(t, s), "the damaged record held nothing")
	require.NoError(t, s.Close())
	var damaged []Event
	for _, ev := range evs {
		if ev.Kind == EventAOFDamaged {
			damaged = append(damaged, ev)
		}
	}
	require.Len(t, damaged, 1)
	assert.Equal(t, last, damaged[0].Path)
	kept := filepath.Join(dir, damagedDirName, m.Layout, "shard-000", filepath.Base(last)+".corrupt-"+strconv.Itoa(len(data)-len(bad)))
	got, err := os.ReadFile(kept)
	require.NoError(t, err)
	assert.Equal(t, bad, string(got))
}
