package memcmp

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDatasets checks that every dataset creates the keys it announces,
// its sample among them, with commands of the announced shape.
func TestDatasets(t *testing.T) {
	for _, ds := range Datasets(50, 20, 7, 250) {
		keys := map[string]bool{}
		n := 0
		ds.Gen(func(argv []string) {
			require.GreaterOrEqual(t, len(argv), 3, ds.Name)
			keys[argv[1]] = true
			n++
		})
		assert.Len(t, keys, ds.Keys, ds.Name)
		assert.True(t, keys[ds.Sample], "%s: sample %q not loaded", ds.Name, ds.Sample)
		assert.NotEmpty(t, ds.Desc)
	}
}

// TestMeasure runs the comparison on tiny datasets against a real
// redis-server and kevy serve (built from this tree), when redis-server is
// installed: both hold the same keys and the report has a row per dataset.
func TestMeasure(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("KEVY_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server not installed")
		}
		t.Skip("redis-server not installed")
	}
	if testing.Short() {
		t.Skip("builds kevy")
	}
	bin := filepath.Join(t.TempDir(), "kevy")
	build := exec.Command("go", "build", "-o", bin, "github.com/kevydb/kevy/cmd/kevy")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	o := Options{Settle: 100 * time.Millisecond, Batch: 7}
	var rs, ks []Measurement
	descs := map[string]string{}
	for _, ds := range Datasets(300, 30, 10, 500) {
		descs[ds.Name] = ds.Desc
		r, err := Measure("redis-server", func() (*Server, error) { return StartRedis("redis-server") }, ds, o)
		require.NoError(t, err, ds.Name)
		k, err := Measure("kevy", func() (*Server, error) { return StartKevy(bin) }, ds, o)
		require.NoError(t, err, ds.Name)
		assert.Positive(t, r.Used, "%s: redis used_memory", ds.Name)
		assert.Positive(t, k.Used, "%s: kevy used_memory", ds.Name)
		assert.Positive(t, r.Usage, ds.Name)
		assert.Positive(t, k.Usage, ds.Name)
		assert.GreaterOrEqual(t, k.HeapLive, int64(-1<<40))
		rs, ks = append(rs, r), append(ks, k)
	}
	var b strings.Builder
	Table(&b, descs, rs, ks)
	assert.Equal(t, len(rs)+2, strings.Count(b.String(), "\n"), b.String())
}
