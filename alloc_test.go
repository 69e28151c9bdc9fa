package kevy_test

import (
	"context"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHotPathAllocs pins the allocation count of GET (hit and miss) and of
// SET overwriting a key: zero, on both engines.
func TestHotPathAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			require.NoError(t, db.Set(ctx, "k", "value", 0))
			get := testing.AllocsPerRun(1000, func() {
				if _, err := db.Get(ctx, "k"); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, get, "GET hit allocations")
			miss := testing.AllocsPerRun(1000, func() {
				if _, err := db.Get(ctx, "nope"); err != kevy.Nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, miss, "GET miss allocations")
			set := testing.AllocsPerRun(1000, func() {
				if err := db.Set(ctx, "k", "value", 0); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, set, "SET overwrite allocations")
			c := db.Conn()
			exec := testing.AllocsPerRun(1000, func() {
				if r := c.Exec(ctx, "GET", "k"); r.Kind != kevy.ReplyBulk {
					t.Fatal(r)
				}
			})
			assert.Zero(t, exec, "Conn.Exec GET allocations")
		})
	}
}
