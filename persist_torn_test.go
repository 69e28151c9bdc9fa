package kevy_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTornTailEveryOffset cuts the last record of a store's AOF at every
// byte offset, as a crash in the middle of a write(2) would: Open must
// truncate the torn record with a warning, load every earlier write, and
// writes made after the repair must survive the next restart. With
// StrictAOF, Open refuses instead, naming the file and offset.
func TestTornTailEveryOffset(t *testing.T) {
	const ops = 40
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			ctx := context.Background()
			src := t.TempDir()
			cfg := kevy.Config{Dir: src, Engine: e.e, Shards: 1, Fsync: kevy.FsyncAlways}
			db, err := kevy.Open(cfg)
			require.NoError(t, err)
			for i := range ops {
				r := db.Exec(ctx, crashOp(0, i)...)
				require.NotEqual(t, kevy.ReplyError, r.Kind, r.Str)
			}
			require.NoError(t, db.Close())

			incr := lastIncrFile(t, src)
			data, err := os.ReadFile(filepath.Join(src, incr))
			require.NoError(t, err)
			starts := recordStarts(t, data)
			last := starts[len(starts)-1]
			require.Less(t, last, len(data))
			// The state without the last record: a file cut at the record
			// boundary is clean, and holds the effects of a prefix of the
			// operations.
			clean := t.TempDir()
			copyTree(t, src, clean)
			require.NoError(t, os.Truncate(filepath.Join(clean, incr), int64(last)))
			db, err = kevy.Open(kevy.Config{Dir: clean, Engine: e.e, Shards: 1, StrictAOF: true})
			require.NoError(t, err)
			want := exportKeyspace(t, db)
			require.NoError(t, db.Close())
			prefix := false
			for n := ops - 5; n < ops; n++ {
				prefix = prefix || equalMaps(want, crashModel(0, n))
			}
			require.True(t, prefix, "the state without the last record is the model's after a prefix of the operations")
			for cut := last + 1; cut < len(data); cut++ {
				dir := t.TempDir()
				copyTree(t, src, dir)
				p := filepath.Join(dir, incr)
				require.NoError(t, os.Truncate(p, int64(cut)))

				_, err := kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 1, StrictAOF: true})
				var ce *aof.CorruptError
				require.True(t, errors.As(err, &ce), "cut at %d: StrictAOF refuses, got %v", cut, err)
				assert.Equal(t, int64(last), ce.Offset)
				assert.True(t, strings.HasSuffix(ce.Path, incr), ce.Path)

				var logBuf bytes.Buffer
				c := kevy.Config{Dir: dir, Engine: e.e, Shards: 1, Fsync: kevy.FsyncAlways, Logger: newTestLogger(&logBuf)}
				db, err := kevy.Open(c)
				require.NoError(t, err, "cut at %d", cut)
				assert.Equal(t, want, exportKeyspace(t, db), "cut at %d: every complete record loads", cut)
				assert.Contains(t, logBuf.String(), "torn", "cut at %d: a warning", cut)
				require.NoError(t, db.Set(ctx, "after", "repair", 0))
				require.NoError(t, db.Close())

				db, err = kevy.Open(c)
				require.NoError(t, err)
				got := exportKeyspace(t, db)
				assert.Equal(t, `string ["repair"] exp=0`, got["0/after"], "cut at %d: a write after the repair survives", cut)
				delete(got, "0/after")
				assert.Equal(t, want, got)
				require.NoError(t, db.Close())
			}
		})
	}
}

// lastIncrFile returns the path, relative to dir, of shard 0's last incr
// file, from its manifest.
func lastIncrFile(t testing.TB, dir string) string {
	t.Helper()
	man, err := os.ReadFile(filepath.Join(dir, "shard-000", "appendonlydir", "appendonly.aof.manifest"))
	require.NoError(t, err)
	var name string
	sc := bufio.NewScanner(bytes.NewReader(man))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 6 && f[5] == "i" {
			name = f[1]
		}
	}
	require.NotEmpty(t, name)
	return filepath.Join("shard-000", "appendonlydir", name)
}

// recordStarts returns the offset of each RESP command in data.
func recordStarts(t testing.TB, data []byte) []int {
	t.Helper()
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
	var starts []int
	for {
		_, err := rd.ReadCommand()
		if err == io.EOF {
			return starts
		}
		require.NoError(t, err, "at %d", rd.Offset())
		starts = append(starts, int(rd.Offset()))
	}
}

// newTestLogger returns a text logger writing into buf.
func newTestLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}
