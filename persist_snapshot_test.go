package kevy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rdbKeyspace decodes an RDB file (checksum verified) into "db/key" →
// a canonical rendering of the value and expiry.
func rdbKeyspace(t testing.TB, data []byte) map[string]string {
	t.Helper()
	r := rdb.NewReader(bytes.NewReader(data))
	out := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		k := fmt.Sprintf("%d/%s", e.DB, e.Key)
		_, dup := out[k]
		require.False(t, dup, "key %s appears twice", k)
		out[k] = canonicalEntry(e)
	}
}

// canonicalEntry renders an entry's value so that equal values render
// equally whatever the order of unordered elements.
func canonicalEntry(e *rdb.Entry) string {
	var elems []string
	sorted := true
	switch e.Type {
	case rdb.TypeString:
		elems = []string{e.Str}
	case rdb.TypeList:
		elems, sorted = e.List, false
	case rdb.TypeSet:
		elems = slices.Clone(e.Set)
	case rdb.TypeHash:
		for _, f := range e.Hash {
			elems = append(elems, f.Name+"="+f.Value)
		}
	case rdb.TypeZSet:
		for _, m := range e.ZSet {
			elems = append(elems, m.Member+"="+strconv.FormatFloat(m.Score, 'g', -1, 64))
		}
	}
	if sorted {
		slices.Sort(elems)
	}
	return fmt.Sprintf("%s %q exp=%d", e.Type, elems, e.ExpireAt)
}

// exportKeyspace exports db and decodes it.
func exportKeyspace(t testing.TB, db *kevy.Store) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.ExportRDB(context.Background(), &buf))
	return rdbKeyspace(t, buf.Bytes())
}

// populateMixed writes keys of every type that exists, in several
// databases, some with expiries.
func populateMixed(t testing.TB, db *kevy.Store, n int) {
	t.Helper()
	ctx := context.Background()
	c := db.Conn()
	defer c.Close()
	exp := time.Now().Add(time.Hour).UnixMilli()
	types := supportedTypes(t)
	for i := range n {
		require.NoError(t, c.Select(ctx, i%3))
		k := "k" + strconv.Itoa(i)
		do := func(args ...string) {
			t.Helper()
			r := c.Exec(ctx, args...)
			require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", args, r.Str)
		}
		switch i % 7 {
		case 0, 1:
			do("SET", k, strings.Repeat(strconv.Itoa(i), 1+i%40))
		case 2:
			do("HSET", "h"+k, "a", "1", "b", strconv.Itoa(i))
		case 3:
			do("SADD", "s"+k, "1", "2", strconv.Itoa(i))
		case 4:
			do("SADD", "s"+k, "x", "y", "m"+strconv.Itoa(i))
		case 5:
			if types[rdb.TypeList] {
				do("RPUSH", "l"+k, "a", strconv.Itoa(i), "a")
			}
		case 6:
			if types[rdb.TypeZSet] {
				do("ZADD", "z"+k, "1.5", "a", strconv.Itoa(i), "b")
			}
		}
		if i%7 == 0 {
			do("PEXPIREAT", k, strconv.FormatInt(exp+int64(i), 10))
		}
	}
	// A big hash and a big set: hashtable encodings, streamed item by item.
	args := []string{"HSET", "bighash"}
	sargs := []string{"SADD", "bigset"}
	for i := range 3000 {
		args = append(args, "f"+strconv.Itoa(i), strings.Repeat("v", i%100))
		sargs = append(sargs, strconv.Itoa(i*7))
	}
	require.Equal(t, kevy.ReplyInt, c.Exec(ctx, args...).Kind)
	require.Equal(t, kevy.ReplyInt, c.Exec(ctx, sargs...).Kind)
}

func TestExportImportRDB(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		populateMixed(t, db, 500)
		var buf bytes.Buffer
		require.NoError(t, db.ExportRDB(ctx, &buf))
		want := rdbKeyspace(t, buf.Bytes())
		require.Greater(t, len(want), 400)

		for _, shards := range []int{1, 3} {
			dst := mustOpen(t, kevy.Config{Shards: shards})
			require.NoError(t, dst.Set(ctx, "k0", "to be replaced", 0))
			require.NoError(t, dst.Set(ctx, "other", "kept", 0))
			require.NoError(t, dst.ImportRDB(ctx, bytes.NewReader(buf.Bytes())))
			got := exportKeyspace(t, dst)
			assert.Equal(t, "string [\"kept\"] exp=0", got["0/other"])
			delete(got, "0/other")
			assert.Equal(t, want, got)
		}
	})
}

func TestImportRDBErrors(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{Shards: 2, Databases: 2})
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.WriterOptions{})
	require.NoError(t, w.WriteEntry(&rdb.Entry{Key: "a", Type: rdb.TypeString, Str: "1"}))
	require.NoError(t, w.WriteEntry(&rdb.Entry{Key: "old", Type: rdb.TypeString, Str: "x", ExpireAt: 1000}))
	require.NoError(t, w.WriteEntry(&rdb.Entry{DB: 5, Key: "b", Type: rdb.TypeString, Str: "2"}))
	require.NoError(t, w.Close())
	err := db.ImportRDB(ctx, bytes.NewReader(buf.Bytes()))
	require.ErrorContains(t, err, "database 5")
	assert.ErrorContains(t, err, "0 keys imported")

	// A damaged checksum is found at the end: keys before stay.
	buf.Reset()
	w = rdb.NewWriter(&buf, rdb.WriterOptions{})
	require.NoError(t, w.WriteEntry(&rdb.Entry{Key: "a", Type: rdb.TypeString, Str: "1"}))
	require.NoError(t, w.WriteEntry(&rdb.Entry{Key: "old", Type: rdb.TypeString, Str: "x", ExpireAt: 1000}))
	require.NoError(t, w.Close())
	data := buf.Bytes()
	data[len(data)-1] ^= 0xff
	err = db.ImportRDB(ctx, bytes.NewReader(data))
	require.ErrorIs(t, err, rdb.ErrChecksum)

	data[len(data)-1] ^= 0xff
	require.NoError(t, db.ImportRDB(ctx, bytes.NewReader(data)))
	v, err := db.Get(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	n, err := db.Exists(ctx, "old")
	require.NoError(t, err)
	assert.Zero(t, n, "expired keys are skipped")
}

// TestExportPointInTime: writers hammer keys on every shard while exports
// run; each export must hold exactly the state at one instant: for every
// writer, the effects of a prefix of its operations and nothing else.
func TestExportPointInTime(t *testing.T) {
	const writers, keysPer = 4, 50
	for _, v := range []struct {
		name string
		cfg  kevy.Config
	}{
		{"engine=actor", kevy.Config{Engine: kevy.EngineActor, Shards: 4}},
		{"engine=locked", kevy.Config{Engine: kevy.EngineLocked, Shards: 4}},
	} {
		t.Run(v.name, func(t *testing.T) {
			ctx := context.Background()
			db := mustOpen(t, v.cfg)
			// A bulk of keys that the snapshot walks slowly.
			populateMixed(t, db, 2000)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var ops, during atomic.Int64
			for w := range writers {
				wg.Go(func() {
					for i := 1; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						k := fmt.Sprintf("w%d:k%d", w, i%keysPer)
						val := "v" + strconv.Itoa(i)
						if i%5 == 0 {
							val = "del" + strconv.Itoa(i) // a tombstone keeps the order visible
						}
						if err := db.Set(ctx, k, val, 0); err != nil {
							t.Error(err)
							return
						}
						ops.Add(1)
					}
				})
			}
			for range 5 {
				before := ops.Load()
				got := exportKeyspace(t, db)
				during.Add(ops.Load() - before)
				for w := range writers {
					checkPrefix(t, got, w, keysPer)
				}
			}
			close(stop)
			wg.Wait()
			assert.Positive(t, during.Load(), "writes ran during the exports")
			t.Logf("%d writes during 5 exports", during.Load())
		})
	}
}

// checkPrefix asserts that writer w's keys in ks are the result of its
// operations 1..p for some p (operation i sets key i%keysPer to "v<i>" or
// to the tombstone "del<i>").
func checkPrefix(t *testing.T, ks map[string]string, w, keysPer int) {
	t.Helper()
	p := 0
	vals := map[int]int{}
	for j := range keysPer {
		s, ok := ks[fmt.Sprintf("0/w%d:k%d", w, j)]
		if !ok {
			continue
		}
		_, rest, _ := strings.Cut(s, `["`)
		val, _, _ := strings.Cut(rest, `"]`)
		n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(val, "del"), "v"))
		require.NoError(t, err, s)
		vals[j] = n
		p = max(p, n)
	}
	for j := range keysPer {
		last := p - ((p-j)%keysPer+keysPer)%keysPer // the last operation i <= p on key j
		if last <= 0 {
			assert.NotContains(t, vals, j, "writer %d key %d: written after the cut %d", w, j, p)
			continue
		}
		assert.Equal(t, last, vals[j], "writer %d key %d: cut at %d", w, j, p)
	}
}

func TestSaveLastsaveInfo(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db := mustOpen(t, cfg)
			populateMixed(t, db, 100)
			info, err := db.Info(ctx, "persistence")
			require.NoError(t, err)
			assert.Contains(t, info, "aof_enabled:1")
			assert.Contains(t, info, "rdb_changes_since_last_save:")
			assert.NotContains(t, info, "rdb_changes_since_last_save:0\r")
			assert.Contains(t, info, "aof_last_write_status:ok")

			before := db.Exec(ctx, "LASTSAVE").Int
			assert.InDelta(t, time.Now().Unix(), before, 5)
			assert.Equal(t, "+OK", show(db.Exec(ctx, "SAVE")))
			info, err = db.Info(ctx, "persistence")
			require.NoError(t, err)
			assert.Contains(t, info, "rdb_changes_since_last_save:0\r")
			assert.Contains(t, info, "rdb_saves:1\r")

			var whole map[string]string = exportKeyspace(t, db)
			got := map[string]string{}
			for i := range cfg.Shards {
				data, err := os.ReadFile(filepath.Join(cfg.Dir, fmt.Sprintf("shard-%03d", i), "dump.rdb"))
				require.NoError(t, err)
				for k, v := range rdbKeyspace(t, data) {
					got[k] = v
				}
			}
			assert.Equal(t, whole, got)

			assert.Equal(t, "+Background saving started", show(db.Exec(ctx, "BGSAVE")))
			assert.Equal(t, "-ERR syntax error", show(db.Exec(ctx, "BGSAVE", "x")))
			// SAVE waits for nothing but refuses while a BGSAVE runs;
			// Save from the API likewise. Wait for the BGSAVE through
			// the job slot: ExportRDB waits for it.
			exportKeyspace(t, db)
			info, err = db.Info(ctx, "persistence")
			require.NoError(t, err)
			assert.Contains(t, info, "rdb_bgsave_in_progress:0")
			assert.Contains(t, info, "rdb_last_bgsave_status:ok")
		})
	}
}

func TestInMemoryPersistenceCommands(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t, kevy.Config{Shards: 2})
	assert.Contains(t, show(db.Exec(ctx, "SAVE")), "-ERR no data directory")
	assert.Contains(t, show(db.Exec(ctx, "BGSAVE")), "-ERR no data directory")
	assert.Contains(t, show(db.Exec(ctx, "BGREWRITEAOF")), "-ERR no data directory")
	assert.Equal(t, kevy.ReplyInt, db.Exec(ctx, "LASTSAVE").Kind)
	info, err := db.Info(ctx, "persistence")
	require.NoError(t, err)
	assert.Contains(t, info, "aof_enabled:0")
}

func TestRewriteAOF(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			populateMixed(t, db, 300)
			for i := range 200 {
				_, err := db.Incr(ctx, "counter")
				require.NoError(t, err)
				require.NoError(t, db.Set(ctx, "over", strconv.Itoa(i), 0))
			}
			require.NoError(t, db.RewriteAOF(ctx))
			// Writes after the rewrite go to the new incr file.
			_, err = db.Incr(ctx, "counter")
			require.NoError(t, err)
			assert.Equal(t, "+Background append only file rewriting started", show(db.Exec(ctx, "BGREWRITEAOF")))
			require.NoError(t, db.RewriteAOF(ctx)) // waits for the BGREWRITEAOF, then rewrites again
			_, err = db.Incr(ctx, "counter")
			require.NoError(t, err)
			want := exportKeyspace(t, db)
			info, err := db.Info(ctx, "persistence")
			require.NoError(t, err)
			assert.Contains(t, info, "aof_rewrites:3\r")
			assert.Contains(t, info, "aof_last_bgrewrite_status:ok")
			require.NoError(t, db.Close())

			for i := range cfg.Shards {
				man, err := os.ReadFile(filepath.Join(cfg.Dir, fmt.Sprintf("shard-%03d", i), "appendonlydir", "appendonly.aof.manifest"))
				require.NoError(t, err)
				assert.Contains(t, string(man), ".base.rdb seq 3 type b")
			}
			db = mustOpen(t, cfg)
			assert.Equal(t, want, exportKeyspace(t, db))
			n, err := db.Get(ctx, "counter")
			require.NoError(t, err)
			assert.Equal(t, "202", n)
		})
	}
}

// TestImportRDBSurvivesRestart: imported keys are logged to the shards'
// AOFs, replacements included, so a restart finds them.
func TestImportRDBSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t, kevy.Config{Shards: 2})
	populateMixed(t, src, 300)
	var buf bytes.Buffer
	require.NoError(t, src.ExportRDB(ctx, &buf))
	want := rdbKeyspace(t, buf.Bytes())
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			require.NoError(t, db.Set(ctx, "k0", "old value", 0))
			require.NoError(t, db.ImportRDB(ctx, bytes.NewReader(buf.Bytes())))
			require.NoError(t, db.Close())
			db = mustOpen(t, cfg)
			assert.Equal(t, want, exportKeyspace(t, db))
		})
	}
}
