package kevy

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAutoRewrite: the persistence supervisor rewrites a shard's log when
// it grew past the thresholds (percentage over the minimum size, or the
// absolute cap), and never when automatic rewrites are disabled.
func TestAutoRewrite(t *testing.T) {
	cases := []struct {
		name     string
		perc     int
		min, cap int64
		want     bool
	}{
		{"percentage", 100, 4 << 10, -1, true},
		{"below-min-size", 100, 1 << 30, -1, false},
		{"cap", 1 << 20, 4 << 10, 8 << 10, true},
		{"disabled", -1, 1, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				s, err := Open(Config{Dir: dir, Shards: 2, AutoAOFRewritePercent: tc.perc,
					AutoAOFRewriteMinSize: tc.min, AutoAOFRewriteCap: tc.cap})
				require.NoError(t, err)
				for i := range 2000 {
					require.NoError(t, s.Set(ctx, "k"+strconv.Itoa(i%50), strings.Repeat("v", 20)+strconv.Itoa(i), 0))
				}
				before := s.persist.logs[0].Size() + s.persist.logs[1].Size()
				time.Sleep(2 * time.Second)
				synctest.Wait()
				info, err := s.Info(ctx, "persistence")
				require.NoError(t, err)
				after := s.persist.logs[0].Size() + s.persist.logs[1].Size()
				if tc.want {
					assert.Contains(t, info, "aof_rewrites:1\r", "one rewrite job covering the shards due")
					assert.Less(t, after, before/4, "the rewritten logs are small")
					assert.Equal(t, after, s.persist.logs[0].BaseSize()+s.persist.logs[1].BaseSize())
				} else {
					assert.Contains(t, info, "aof_rewrites:0\r")
					assert.Equal(t, before, after)
				}
				require.NoError(t, s.Close())
				s, err = Open(Config{Dir: dir, Shards: 2})
				require.NoError(t, err)
				v, err := s.Get(ctx, "k49")
				require.NoError(t, err)
				assert.Equal(t, strings.Repeat("v", 20)+"1999", v)
				require.NoError(t, s.Close())
			})
		})
	}
}

func TestRewriteDue(t *testing.T) {
	cfg := Config{AutoAOFRewritePercent: 100, AutoAOFRewriteMinSize: 100, AutoAOFRewriteCap: 1000}
	assert.False(t, rewriteDue(100, 0, cfg), "at the minimum size")
	assert.True(t, rewriteDue(101, 0, cfg), "past the minimum with no base")
	assert.False(t, rewriteDue(399, 200, cfg), "grew 99%")
	assert.True(t, rewriteDue(400, 200, cfg), "grew 100%")
	assert.True(t, rewriteDue(5000, 4000, cfg), "grew by the cap")
	assert.False(t, rewriteDue(4999, 4000, Config{AutoAOFRewritePercent: 100, AutoAOFRewriteMinSize: 100, AutoAOFRewriteCap: -1}))
}
