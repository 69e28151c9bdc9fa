package kevy_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The layout of a data directory (issue 13, item 2): kevy.meta and the
// shard directories must agree — every mismatch is refused with an error
// naming both, before anything is loaded, re-sharded or deleted.

// treeHash hashes every file and directory name under dir, with contents.
func treeHash(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "LOCK" { // created by every Open, empty
			return nil
		}
		h.Write([]byte(rel + "\x00"))
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	}))
	return hex.EncodeToString(h.Sum(nil))
}

// editJSON rewrites the JSON file path with fn applied to its fields.
func editJSON(t testing.TB, path string, fn func(m map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	fn(m)
	b, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// fillShards writes n keys to a new store of the given shard count in
// dir and returns its keyspace.
func fillShards(t testing.TB, dir string, shards, n int, prefix string) map[string]string {
	t.Helper()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: shards})
	require.NoError(t, err)
	for i := range n {
		require.NoError(t, db.Set(context.Background(), prefix+strconv.Itoa(i), strconv.Itoa(i), 0))
	}
	want := exportKeyspace(t, db)
	require.NoError(t, db.Close())
	return want
}

// TestLayoutMismatchMatrix damages the agreement between kevy.meta and the
// shard directories of a 3-shard store in every way we know, and opens it
// with the old shard count and another: each is refused with an error
// that names kevy.meta and the shard directory concerned, and leaves the
// directory exactly as it was.
func TestLayoutMismatchMatrix(t *testing.T) {
	src := t.TempDir()
	want := fillShards(t, src, 3, 300, "k")
	other3 := t.TempDir()
	fillShards(t, other3, 3, 10, "o")
	other4 := t.TempDir()
	fillShards(t, other4, 4, 10, "o")
	meta := func(dir string) string { return filepath.Join(dir, "kevy.meta") }
	shardMeta := func(dir string, i int) string {
		return filepath.Join(dir, "shard-00"+strconv.Itoa(i), "kevy-shard.meta")
	}
	stripLayout := func(t testing.TB, dir string) { // as written before kevy recorded layouts
		for i := range 3 {
			require.NoError(t, os.Remove(shardMeta(dir, i)))
		}
		editJSON(t, meta(dir), func(m map[string]any) { delete(m, "layout") })
	}
	cases := []struct {
		name   string
		damage func(t testing.TB, dir string)
		want   []string // what the error names, besides kevy.meta
	}{
		{"kevy.meta says 2 shards", func(t testing.TB, dir string) {
			editJSON(t, meta(dir), func(m map[string]any) { m["shards"] = 2 })
		}, []string{"says 2 shards", "shard-000", "shard 0 of 3"}},
		{"kevy.meta says 1 shard", func(t testing.TB, dir string) {
			editJSON(t, meta(dir), func(m map[string]any) { m["shards"] = 1 })
		}, []string{"says 1 shard", "shard 0 of 3"}},
		{"kevy.meta says 4 shards", func(t testing.TB, dir string) {
			editJSON(t, meta(dir), func(m map[string]any) { m["shards"] = 4 })
		}, []string{"says 4 shards", "shard-003 is missing"}},
		{"kevy.meta names another layout", func(t testing.TB, dir string) {
			editJSON(t, meta(dir), func(m map[string]any) { m["layout"] = "0123456789abcdef" })
		}, []string{"layout 0123456789abcdef", "shard-000"}},
		{"shard-000 deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-000")))
		}, []string{"shard-000 is missing", "present: shard-001, shard-002"}},
		{"shard-001 deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-001")))
		}, []string{"shard-001 is missing"}},
		{"shard-002 deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-002")))
		}, []string{"shard-002 is missing"}},
		{"every shard deleted", func(t testing.TB, dir string) {
			for i := range 3 {
				require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-00"+strconv.Itoa(i))))
			}
		}, []string{"shard-000 is missing", "present: none"}},
		{"a shard of another store added", func(t testing.TB, dir string) {
			copyTree(t, filepath.Join(other4, "shard-003"), filepath.Join(dir, "shard-003"))
		}, []string{"shard-003 is also present", "shard 3 of 4"}},
		{"a shard replaced by another store's", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-001")))
			copyTree(t, filepath.Join(other3, "shard-001"), filepath.Join(dir, "shard-001"))
		}, []string{"shard-001", "shard 1 of 3, layout", "mix of layouts"}},
		{"two shards swapped", func(t testing.TB, dir string) {
			a, b := filepath.Join(dir, "shard-000"), filepath.Join(dir, "shard-001")
			require.NoError(t, os.Rename(a, a+".x"))
			require.NoError(t, os.Rename(b, a))
			require.NoError(t, os.Rename(a+".x", b))
		}, []string{"shard-000", "shard 1 of 3"}},
		{"a shard's metadata edited", func(t testing.TB, dir string) {
			editJSON(t, shardMeta(dir, 2), func(m map[string]any) { m["shards"] = 2 })
		}, []string{"shard-002", "shard 2 of 2"}},
		{"a shard's metadata deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.Remove(shardMeta(dir, 1)))
		}, []string{"shard-001 has no kevy-shard.meta"}},
		{"a shard replaced by an old-format one", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-001")))
			copyTree(t, filepath.Join(other3, "shard-001"), filepath.Join(dir, "shard-001"))
			require.NoError(t, os.Remove(shardMeta(dir, 1)))
		}, []string{"shard-001 has no kevy-shard.meta"}},
		{"a shard's AOF deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-001", "appendonlydir")))
		}, []string{"shard-001 has no AOF manifest"}},
		{"kevy.meta deleted", func(t testing.TB, dir string) {
			require.NoError(t, os.Remove(meta(dir)))
		}, []string{"kevy.meta is missing", "shard-000, shard-001, shard-002"}},
		{"old layout: kevy.meta says 2 shards", func(t testing.TB, dir string) {
			stripLayout(t, dir)
			editJSON(t, meta(dir), func(m map[string]any) { m["shards"] = 2 })
		}, []string{"says 2 shards", "shard-002 is also present", "no metadata"}},
		{"old layout: kevy.meta says 4 shards", func(t testing.TB, dir string) {
			stripLayout(t, dir)
			editJSON(t, meta(dir), func(m map[string]any) { m["shards"] = 4 })
		}, []string{"says 4 shards", "shard-003 is missing"}},
		{"old layout: shard-001 deleted", func(t testing.TB, dir string) {
			stripLayout(t, dir)
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "shard-001")))
		}, []string{"shard-001 is missing"}},
	}
	for _, e := range engines {
		for _, tc := range cases {
			t.Run("engine="+e.name+"/"+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				copyTree(t, src, dir)
				tc.damage(t, dir)
				before := treeHash(t, dir)
				for _, n := range []int{3, 2, 4} {
					_, err := kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: n})
					require.Error(t, err, "opening with %d shards", n)
					assert.Contains(t, err.Error(), "kevy.meta", "opening with %d shards", n)
					for _, w := range tc.want {
						assert.Contains(t, err.Error(), w, "opening with %d shards", n)
					}
					assert.Equal(t, before, treeHash(t, dir), "opening with %d shards changed the directory", n)
				}
			})
		}
	}
	// Undamaged, the store opens with every key, with any shard count.
	for _, n := range []int{3, 2} {
		dir := t.TempDir()
		copyTree(t, src, dir)
		db, err := kevy.Open(kevy.Config{Dir: dir, Shards: n})
		require.NoError(t, err)
		assert.Equal(t, want, exportKeyspace(t, db))
		require.NoError(t, db.Close())
	}
}

// TestLayoutRecordedInOldDirectories: a directory written before kevy
// recorded layouts (no kevy-shard.meta, no layout in kevy.meta) opens, and
// gets them — so that from then on a mismatch is caught precisely.
func TestLayoutRecordedInOldDirectories(t *testing.T) {
	dir := t.TempDir()
	want := fillShards(t, dir, 3, 100, "k")
	for i := range 3 {
		require.NoError(t, os.Remove(filepath.Join(dir, "shard-00"+strconv.Itoa(i), "kevy-shard.meta")))
	}
	editJSON(t, filepath.Join(dir, "kevy.meta"), func(m map[string]any) { delete(m, "layout") })
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 3})
	require.NoError(t, err)
	assert.Equal(t, want, exportKeyspace(t, db))
	require.NoError(t, db.Close())
	b, err := os.ReadFile(filepath.Join(dir, "kevy.meta"))
	require.NoError(t, err)
	var m struct{ Layout string }
	require.NoError(t, json.Unmarshal(b, &m))
	require.Len(t, m.Layout, 16)
	for i := range 3 {
		b, err := os.ReadFile(filepath.Join(dir, "shard-00"+strconv.Itoa(i), "kevy-shard.meta"))
		require.NoError(t, err)
		assert.Contains(t, string(b), `"layout": "`+m.Layout+`"`)
		assert.Contains(t, string(b), `"shard": `+strconv.Itoa(i))
	}
	// And now a shard count edited in kevy.meta is caught.
	editJSON(t, filepath.Join(dir, "kevy.meta"), func(m map[string]any) { m["shards"] = 2 })
	_, err = kevy.Open(kevy.Config{Dir: dir, Shards: 2})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "shard 0 of 3"), err.Error())
}
