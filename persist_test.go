package kevy_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// persistVariants are the persistent configurations: both engines, one
// and several shards, every fsync policy.
var persistVariants = []struct {
	name string
	cfg  kevy.Config
}{
	{"engine=actor/shards=1/fsync=everysec", kevy.Config{Engine: kevy.EngineActor, Shards: 1}},
	{"engine=actor/shards=4/fsync=always", kevy.Config{Engine: kevy.EngineActor, Shards: 4, Fsync: kevy.FsyncAlways}},
	{"engine=locked/shards=1/fsync=no", kevy.Config{Engine: kevy.EngineLocked, Shards: 1, Fsync: kevy.FsyncNo}},
	{"engine=locked/shards=4/fsync=everysec", kevy.Config{Engine: kevy.EngineLocked, Shards: 4}},
}

func TestPersistReopen(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			for i := 0; i < 200; i++ {
				require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), "v"+strconv.Itoa(i), 0))
			}
			require.NoError(t, db.Set(ctx, "ttl", "x", time.Hour))
			_, err = db.Incr(ctx, "counter")
			require.NoError(t, err)
			_, err = db.IncrByFloat(ctx, "f", 1.5)
			require.NoError(t, err)
			require.NoError(t, db.Rename(ctx, "k1", "renamed"))
			_, err = db.Del(ctx, "k2")
			require.NoError(t, err)
			c := db.Conn()
			require.NoError(t, c.Select(ctx, 3))
			require.NoError(t, c.Set(ctx, "in3", "yes", 0))
			require.NoError(t, db.MSet(ctx, "m1", "1", "m2", "2", "m3", "3"))
			require.NoError(t, db.Close())

			db, err = kevy.Open(cfg)
			require.NoError(t, err)
			defer db.Close()
			v, err := db.Get(ctx, "k199")
			require.NoError(t, err)
			assert.Equal(t, "v199", v)
			v, _ = db.Get(ctx, "renamed")
			assert.Equal(t, "v1", v)
			n, _ := db.Exists(ctx, "k1", "k2")
			assert.Equal(t, int64(0), n)
			ttl, _ := db.TTL(ctx, "ttl")
			assert.InDelta(t, time.Hour, ttl, float64(5*time.Second))
			v, _ = db.Get(ctx, "f")
			assert.Equal(t, "1.5", v)
			vals, _ := db.MGet(ctx, "m1", "m2", "m3")
			assert.Equal(t, []any{"1", "2", "3"}, vals)
			c = db.Conn()
			require.NoError(t, c.Select(ctx, 3))
			v, _ = c.Get(ctx, "in3")
			assert.Equal(t, "yes", v)
			size, _ := db.DBSize(ctx)
			assert.Equal(t, int64(205), size)
		})
	}
}

func TestPersistDirLocked(t *testing.T) {
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir})
	require.NoError(t, err)
	_, err = kevy.Open(kevy.Config{Dir: dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "in use")
	require.NoError(t, db.Close())
	db, err = kevy.Open(kevy.Config{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, db.Close())
}

func TestPersistLayout(t *testing.T) {
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 2})
	require.NoError(t, err)
	require.NoError(t, db.Set(context.Background(), "a", "b", 0))
	require.NoError(t, db.Close())
	for _, p := range []string{"kevy.meta", "shard-000/appendonlydir/appendonly.aof.manifest", "shard-001/appendonlydir"} {
		_, err := os.Stat(filepath.Join(dir, p))
		assert.NoError(t, err, p)
	}
	// Another shard count re-shards the directory (persist_migrate_test.go).
	db, err = kevy.Open(kevy.Config{Dir: dir, Shards: 3})
	require.NoError(t, err)
	v, err := db.Get(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, "b", v)
	require.NoError(t, db.Close())
	_, err = os.Stat(filepath.Join(dir, "shard-002/appendonlydir"))
	assert.NoError(t, err)
}

// A command that logs several records on one shard (a *STORE's DEL of the
// old value and the rebuilt one, a value moved from another shard) logs
// them as one MULTI/EXEC group, so a torn tail never replays half of it;
// inside a transaction the groups do not nest (the log would not open:
// "MULTI inside MULTI").
func TestPersistMultiRecordCommandsReplayAllOrNone(t *testing.T) {
	ctx := context.Background()
	for _, v := range persistVariants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.Dir = t.TempDir()
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			setup := [][]string{
				{"RPUSH", "{a}src", "3", "1", "2"}, {"SET", "{a}dst", "old"},
				{"SADD", "{a}s1", "x", "y"}, {"SET", "{a}sdst", "old"},
				{"SET", "{a}dst2", "old"}, {"SET", "{a}sdst2", "old"},
			}
			for _, cmd := range setup {
				require.NotEqual(t, kevy.ReplyError, db.Exec(ctx, cmd...).Kind, cmd)
			}
			assert.Equal(t, int64(3), db.Exec(ctx, "SORT", "{a}src", "STORE", "{a}dst").Int)
			assert.Equal(t, int64(2), db.Exec(ctx, "SUNIONSTORE", "{a}sdst", "{a}s1").Int)
			c := db.Conn()
			for _, cmd := range [][]string{
				{"MULTI"}, {"SORT", "{a}src", "STORE", "{a}dst2"}, {"SUNIONSTORE", "{a}sdst2", "{a}s1"}, {"INCR", "{a}n"},
			} {
				require.NotEqual(t, kevy.ReplyError, c.Exec(ctx, cmd...).Kind, cmd)
			}
			exec := c.Exec(ctx, "EXEC")
			require.Equal(t, kevy.ReplyArray, exec.Kind, exec.Str)
			require.NoError(t, c.Close())
			require.NoError(t, db.Close())

			// The standalone *STORE logged DEL and the rebuilt value as one
			// group on the shard of {a}.
			var logs []byte
			files, err := filepath.Glob(filepath.Join(cfg.Dir, "shard-*", "appendonlydir", "*.incr.aof"))
			require.NoError(t, err)
			for _, f := range files {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				logs = append(logs, b...)
			}
			assert.Contains(t, string(logs), "*1\r\n$5\r\nMULTI\r\n*2\r\n$3\r\nDEL\r\n$6\r\n{a}dst\r\n")
			assert.Contains(t, string(logs), "*1\r\n$5\r\nMULTI\r\n*2\r\n$3\r\nDEL\r\n$7\r\n{a}sdst\r\n")
			assert.NotContains(t, string(logs), "MULTI\r\n*1\r\n$5\r\nMULTI", "groups nested")

			db, err = kevy.Open(cfg)
			require.NoError(t, err)
			defer db.Close()
			for _, key := range []string{"{a}dst", "{a}dst2"} {
				assert.Equal(t, []any{"1", "2", "3"}, must(db.Do(ctx, "LRANGE", key, 0, -1)), key)
			}
			for _, key := range []string{"{a}sdst", "{a}sdst2"} {
				n, err := db.SCard(ctx, key)
				require.NoError(t, err)
				assert.Equal(t, int64(2), n, key)
			}
		})
	}
}

func must(v any, err error) any {
	if err != nil {
		return err
	}
	return v
}
