package kevy_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bitsWorkload builds HyperLogLogs (sparse, dense, with and without a
// cached cardinality), bitmaps and geo sets.
func bitsWorkload() [][]string {
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	add("PFADD", "hll:small", "a", "b", "c")
	add("PFADD", "hll:cached", "x", "y")
	add("PFCOUNT", "hll:cached")
	big := []string{"PFADD", "hll:dense"}
	for i := range 4000 {
		big = append(big, "e"+strconv.Itoa(i))
	}
	add(big...)
	mid := []string{"PFADD", "hll:mid"}
	for i := range 600 {
		mid = append(mid, "m"+strconv.Itoa(i))
	}
	add(mid...)
	add("PFCOUNT", "hll:mid")
	add("SETBIT", "bits:a", "7", "1")
	add("SETBIT", "bits:a", "100000", "1")
	add("BITFIELD", "bits:f", "SET", "i16", "#3", "-1234", "SET", "u5", "200", "17")
	geo := []string{"GEOADD", "geo:small"}
	for i := range 20 {
		geo = append(geo, strconv.FormatFloat(-170+float64(i)*17.3, 'f', 6, 64), strconv.FormatFloat(-80+float64(i)*8.1, 'f', 6, 64), "p"+strconv.Itoa(i))
	}
	add(geo...)
	geo = []string{"GEOADD", "geo:big"}
	for i := range 300 {
		geo = append(geo, strconv.FormatFloat(float64(i%360)-179.5, 'f', 4, 64), strconv.FormatFloat(float64(i%170)-84.5, 'f', 4, 64), "q"+strconv.Itoa(i))
	}
	add(geo...)
	return cmds
}

// bitsProbe reads, on either side, what must survive a trip through an
// RDB file: the exact bytes, the counts, positions, distances and the
// result of further writes.
var bitsProbe = [][]string{
	{"GET", "hll:small"}, {"GET", "hll:cached"}, {"GET", "hll:dense"}, {"GET", "hll:mid"},
	{"PFCOUNT", "hll:small"}, {"PFCOUNT", "hll:dense"}, {"PFCOUNT", "hll:mid"}, {"PFCOUNT", "hll:small", "hll:dense", "hll:mid"},
	{"PFDEBUG", "ENCODING", "hll:mid"}, {"PFADD", "hll:small", "new1", "new2"}, {"GET", "hll:small"},
	{"PFMERGE", "hll:m", "hll:small", "hll:mid"}, {"GET", "hll:m"},
	{"GET", "bits:a"}, {"BITCOUNT", "bits:a"}, {"BITFIELD", "bits:f", "GET", "i16", "#3", "GET", "u5", "200"},
	{"GEOPOS", "geo:small", "p0", "p7", "p19"}, {"GEOPOS", "geo:big", "q0", "q150", "q299"}, {"GEOHASH", "geo:big", "q3"},
	{"GEODIST", "geo:big", "q1", "q200", "km"}, {"ZRANGE", "geo:small", "0", "-1", "WITHSCORES"},
	{"GEOSEARCH", "geo:big", "FROMLONLAT", "0", "0", "BYRADIUS", "3000", "km", "WITHDIST", "ASC"},
	{"OBJECT", "ENCODING", "geo:small"}, {"OBJECT", "ENCODING", "geo:big"},
}

// TestBitsRDBWithRedis moves HLLs, bitmaps and geo sets through RDB files
// both ways: kevy's exported dump loads in redis-server, and a
// redis-server dump imports into kevy, with the same bytes, counts,
// positions and behaviour afterwards.
func TestBitsRDBWithRedis(t *testing.T) {
	redistest.Binary(t, "redis-server")
	ctx := context.Background()

	// Reference: the workload and probe on redis-server itself.
	rdir := t.TempDir()
	srv := redistest.StartIn(t, rdir)
	rc := srv.Client(t)
	for _, c := range bitsWorkload() {
		redisDo(t, rc, c...)
	}
	redisDo(t, rc, "SAVE")
	dump, err := os.ReadFile(filepath.Join(rdir, "dump.rdb"))
	require.NoError(t, err)
	var want []string
	for _, p := range bitsProbe {
		want = append(want, show(fromRedis(rc.MustDo(t, p...))))
	}
	srv.Stop()

	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			// redis-server's dump into kevy.
			db := mustOpen(t, v.cfg)
			require.NoError(t, db.ImportRDB(ctx, bytes.NewReader(dump)))
			c := db.Conn()
			for i, p := range bitsProbe {
				assert.Equal(t, want[i], show(c.Exec(ctx, p...)), "kevy after importing redis-server's dump: %q", p)
			}
			c.Close()

			// kevy's dump into redis-server.
			db2 := mustOpen(t, v.cfg)
			c2 := db2.Conn()
			for _, cmd := range bitsWorkload() {
				r := c2.Exec(ctx, cmd...)
				require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", cmd, r.Str)
			}
			c2.Close()
			var buf bytes.Buffer
			require.NoError(t, db2.ExportRDB(ctx, &buf))
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "dump.rdb"), buf.Bytes(), 0o644))
			checkRDBFile(t, filepath.Join(dir, "dump.rdb"))
			s2 := redistest.StartIn(t, dir)
			rc2 := s2.Client(t)
			for i, p := range bitsProbe {
				assert.Equal(t, want[i], show(fromRedis(rc2.MustDo(t, p...))), "redis-server after loading kevy's dump: %q", p)
			}
			s2.Stop()
		})
	}
}
