package kevy_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventAOFLoaded(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := kevy.Open(kevy.Config{Engine: e.e, Dir: dir, Shards: 2})
			require.NoError(t, err)
			for i := range 100 {
				require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), "v", 0))
			}
			require.NoError(t, db.Close())

			var mu sync.Mutex
			var got []kevy.Event
			db, err = kevy.Open(kevy.Config{Engine: e.e, Dir: dir, Shards: 2, MaxMemory: 1 << 30,
				OnEvent: func(ev kevy.Event) {
					mu.Lock()
					got = append(got, ev)
					mu.Unlock()
				}})
			require.NoError(t, err)
			st := stats(t, db)
			assert.Positive(t, st.UsedMemory, "the data loaded is accounted")
			assert.True(t, st.Persistence.Enabled)
			assert.Positive(t, st.Persistence.AOFSize)
			require.NoError(t, db.Close())
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, got)
			assert.Equal(t, kevy.EventAOFLoaded, got[0].Kind)
			assert.Equal(t, int64(100), got[0].Keys)
			assert.Equal(t, -1, got[0].Shard)
			assert.Equal(t, "aof-loaded", got[0].Kind.String())
		})
	}
}

// TestEventsNeverBlockShards checks that a slow OnEvent does not stall
// writes: the events beyond the queue are dropped and counted.
func TestEventsNeverBlockShards(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	db, err := kevy.Open(kevy.Config{MaxMemory: 16 << 10, MaxMemoryPolicy: kevy.AllKeysRandom,
		OnEvent: func(kevy.Event) { <-release }})
	require.NoError(t, err)
	for i := range 3000 {
		require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), "value-value-value-value", 0))
	}
	st := stats(t, db)
	assert.Positive(t, st.EvictedKeys)
	close(release)
	require.NoError(t, db.Close())
}

func TestEventsPersistenceJobs(t *testing.T) {
	ctx := context.Background()
	evs := make(chan kevy.Event, 16)
	db := mustOpen(t, kevy.Config{Dir: t.TempDir(), Shards: 2, OnEvent: func(ev kevy.Event) { evs <- ev }})
	require.NoError(t, db.Set(ctx, "k", "v", 0))
	wait := func(kind kevy.EventKind) kevy.Event {
		t.Helper()
		for {
			select {
			case ev := <-evs:
				if ev.Kind == kind {
					return ev
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("no %v event", kind)
			}
		}
	}
	_, err := db.BgSave(ctx, false)
	require.NoError(t, err)
	ev := wait(kevy.EventSnapshotSaved)
	assert.NoError(t, ev.Err)
	_, err = db.BgRewriteAOF(ctx)
	require.NoError(t, err)
	ev = wait(kevy.EventRewriteDone)
	assert.NoError(t, ev.Err)
	assert.Equal(t, -1, ev.Shard)
}
