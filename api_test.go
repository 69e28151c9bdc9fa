package kevy_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runScripts(t *testing.T, scripts map[string][]step) {
	names := make([]string, 0, len(scripts))
	for n := range scripts {
		names = append(names, n)
	}
	sort.Strings(names)
	forEach(t, func(t *testing.T, db *kevy.Store) {
		for _, n := range names {
			t.Run(n, func(t *testing.T) {
				require.NoError(t, db.FlushAll(context.Background()))
				runSteps(t, db, scripts[n])
			})
		}
	})
}

// TestScripts runs every script group on every engine variant.
func TestScripts(t *testing.T) {
	names := make([]string, 0, len(scriptGroups))
	for g := range scriptGroups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		t.Run(g, func(t *testing.T) { runScripts(t, scriptGroups[g]) })
	}
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db, err := kevy.Open(v.cfg)
			require.NoError(t, err)
			require.NoError(t, db.Set(ctx, "k", "v", 0))
			c := db.Conn()
			require.NoError(t, db.Close())
			require.NoError(t, db.Close(), "Close is idempotent")
			_, err = db.Get(ctx, "k")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			assert.ErrorIs(t, db.Set(ctx, "k", "v", 0), kevy.ErrClosed)
			_, err = c.Get(ctx, "k")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			_, err = db.Keys(ctx, "*")
			assert.ErrorIs(t, err, kevy.ErrClosed)
			_, err = db.Info(ctx)
			assert.ErrorIs(t, err, kevy.ErrClosed)
			r := db.Exec(ctx, "GET", "k")
			assert.Equal(t, kevy.ReplyError, r.Kind)
			assert.Equal(t, "ERR kevy: store closed", r.Str)
			_, err = db.Do(ctx, "PING")
			assert.ErrorIs(t, err, kevy.ErrClosed)
		})
	}
}

func TestCancelledContext(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := db.Set(ctx, "k", "v", 0)
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
		// Every route: one shard, several shards (holds), fan-out, local.
		for _, args := range [][]string{{"SET", "k", "v"}, {"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}, {"DBSIZE"}, {"PING"}} {
			r := db.Exec(ctx, args...)
			assert.Equal(t, "ERR context canceled", r.Str, "%v", args)
		}
		n, err := db.DBSize(context.Background())
		require.NoError(t, err)
		assert.Zero(t, n, "nothing ran")
	})
}

func TestOpenValidates(t *testing.T) {
	for _, cfg := range []kevy.Config{
		{Shards: -1},
		{Shards: 100000},
		{Databases: -1},
		{Engine: kevy.Engine(9)},
	} {
		_, err := kevy.Open(cfg)
		assert.Error(t, err, "%+v", cfg)
	}
	db := mustOpen(t, kevy.Config{})
	cfg := db.Config()
	assert.Equal(t, 16, cfg.Databases)
	assert.Positive(t, cfg.Shards)
}
