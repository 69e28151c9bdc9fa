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

// TestTypedMethodAllocs pins the typed methods that build their arguments
// on the stack at zero allocations, on both engines: a shared argument
// builder that returned a fresh slice would add one per call.
func TestTypedMethodAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			require.NoError(t, db.Set(ctx, "s", "1", 0))
			_, err := db.HSet(ctx, "h", "f", "v")
			require.NoError(t, err)
			_, err = db.SAdd(ctx, "set", "m")
			require.NoError(t, err)
			_, err = db.ZAdd(ctx, "z", kevy.Z{Score: 1, Member: "m"})
			require.NoError(t, err)
			_, err = db.RPush(ctx, "l", "a", "b")
			require.NoError(t, err)
			cases := []struct {
				name string
				call func() error
			}{
				{"SetArgs", func() error { _, err := db.SetArgs(ctx, "s", "1", kevy.SetArgs{Mode: "XX"}); return err }},
				{"SetXX", func() error { _, err := db.SetXX(ctx, "s", "1", 0); return err }},
				{"HGet", func() error { _, err := db.HGet(ctx, "h", "f"); return err }},
				{"HSet", func() error { _, err := db.HSet(ctx, "h", "f", "v"); return err }},
				{"SIsMember", func() error { _, err := db.SIsMember(ctx, "set", "m"); return err }},
				{"SAdd", func() error { _, err := db.SAdd(ctx, "set", "m"); return err }},
				{"ZScore", func() error { _, err := db.ZScore(ctx, "z", "m"); return err }},
				{"ZAdd", func() error { _, err := db.ZAdd(ctx, "z", kevy.Z{Score: 1, Member: "m"}); return err }},
				{"TTL", func() error { _, err := db.TTL(ctx, "s"); return err }},
				{"LIndex", func() error { _, err := db.LIndex(ctx, "l", 0); return err }},
				{"LSet", func() error { return db.LSet(ctx, "l", 0, "a") }},
				{"LRem", func() error { _, err := db.LRem(ctx, "l", 0, "zz"); return err }},
			}
			for _, c := range cases {
				n := testing.AllocsPerRun(200, func() {
					if err := c.call(); err != nil {
						t.Fatal(c.name, err)
					}
				})
				assert.Zero(t, n, "%s allocations", c.name)
			}
		})
	}
}
