package kevy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The AOF damage matrix (issue 13, "Tests and evidence"): every byte of
// the last 4 KB of a shard's last AOF file is changed (its lowest bit
// flipped) and, separately, the file is cut there; every record in those
// 4 KB is made invalid in four ways (unknown command, wrong arity, bad
// option, key of another shard). Each case is opened with the default
// policy, and checked against a reference that reads the damaged file on
// its own — its commands run one by one on an in-memory store through
// the ordinary command path, each checked for an error reply and for keys
// of another shard:
//
//   - if Open reports nothing, the reference must find every record of
//     the file valid and the store must hold exactly what it computes
//     (damage that still parses, such as a changed digit in a value,
//     cannot be detected without checksums — but then nothing is lost:
//     the store holds what the file says);
//   - if Open reports damage (an ERROR and an EventAOFDamaged) or a torn
//     tail (a warning), the log must have been cut no earlier than the
//     unit (command or MULTI block) holding the damage, the store must
//     hold exactly what the reference computes from the records before
//     the cut (and every key of the other shard), and a copy of the cut
//     bytes must exist.
//
// Sampled cases also open with StrictAOF, which must refuse every case
// the default reported, and check that writes after a recovery survive a
// reopen. By default a sample runs (every 127th byte, every 8th unit);
// KEVY_DAMAGE_FULL=1
// runs every byte. docs/formats.md reports the counts.

const damageWindow = 4096

// matrixStore builds the store the matrix damages: two shards, a mix of
// types, transactions (wrapped in MULTI/EXEC on shard 0), SELECTs and
// expiries. It returns the directory, shard 0's last incr file (relative)
// and the keys of shard 1.
func matrixStore(t testing.TB) (string, string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 2})
	require.NoError(t, err)
	tag := "{" + keyOfShard(t, 0, 2, "tag") + "}"
	far := strconv.FormatInt(time.Now().Add(240*time.Hour).UnixMilli(), 10)
	c := db.Conn()
	do := func(args ...string) {
		r := c.Exec(ctx, args...)
		require.NotEqual(t, kevy.ReplyError, r.Kind, "%q: %s", args, r.Str)
	}
	for i := range 400 {
		n := strconv.Itoa(i)
		switch i % 10 {
		case 0:
			do("MULTI")
			do("SET", tag+"a"+n, "v"+n)
			do("INCR", tag+"n")
			do("HSET", tag+"h", "f"+n, n)
			do("EXEC")
		case 1:
			do("SET", "k"+n, "v"+n, "PXAT", far)
		case 2:
			do("INCR", "n"+strconv.Itoa(i%5))
		case 3:
			do("HSET", "h"+strconv.Itoa(i%7), "f"+n, "v"+n)
		case 4:
			do("RPUSH", "l"+strconv.Itoa(i%3), "x"+n)
		case 5:
			do("SADD", "s"+strconv.Itoa(i%4), "m"+n)
		case 6:
			do("DEL", "k"+strconv.Itoa(i-5))
		case 7:
			do("SELECT", "1")
			do("SET", "d1k"+n, "v"+n)
			do("SELECT", "0")
		case 8:
			do("EXPIRE", "k"+strconv.Itoa(i-7), "100000")
		case 9:
			do("SET", "k"+n, strings.Repeat("w", i%23))
		}
	}
	all := liveKeyspace(t, db)
	require.NoError(t, db.Close())
	rel := lastIncrFileOf(t, dir, 0)
	fi, err := os.Stat(filepath.Join(dir, rel))
	require.NoError(t, err)
	require.Greater(t, fi.Size(), int64(2*damageWindow))
	r := shard.NewRouter(2)
	other := map[string]string{}
	for k, v := range all {
		if r.Shard(k[strings.IndexByte(k, '/')+1:]) == 1 {
			other[k] = v
		}
	}
	return dir, rel, other
}

// liveKeyspace exports db, leaving out keys whose expiry has passed.
func liveKeyspace(t testing.TB, db *kevy.Store) map[string]string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.ExportRDB(context.Background(), &buf))
	r := rdb.NewReader(&buf)
	now := time.Now().UnixMilli()
	out := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		if e.ExpireAt != 0 && e.ExpireAt <= now {
			continue
		}
		out[fmt.Sprintf("%d/%s", e.DB, e.Key)] = canonicalEntry(e)
	}
}

// reference reads an AOF of shard 0 of 2 on its own: it runs the commands
// on a fresh in-memory store and returns the store's keyspace and the
// offset of the first record that is not valid (malformed, torn, an
// unbalanced MULTI/EXEC, not a write command, a key of shard 1, an error
// reply), or -1.
func reference(t testing.TB, data []byte) (map[string]string, int64) {
	t.Helper()
	db, err := kevy.Open(kevy.Config{Shards: 1})
	require.NoError(t, err)
	defer db.Close()
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	router := shard.NewRouter(2)
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
	bad := int64(-1)
	inMulti, multiAt := false, int64(0)
	var kbuf []int
	for bad < 0 {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			if inMulti {
				bad = multiAt
			}
			break
		}
		at := rd.Offset()
		if err != nil {
			bad = at
			break
		}
		switch strings.ToUpper(argv[0]) {
		case "MULTI":
			if inMulti || len(argv) != 1 {
				bad = at
			}
			inMulti, multiAt = true, at
			continue
		case "EXEC":
			if !inMulti || len(argv) != 1 {
				bad = at
			}
			inMulti = false
			continue
		case "SELECT":
			n, err := strconv.Atoi(argv[1])
			if len(argv) != 2 || err != nil || c.Select(ctx, n) != nil {
				bad = at
			}
			continue
		}
		cmd, _ := shard.Resolve(argv)
		if cmd == nil || !cmd.Is(shard.FlagWrite) {
			bad = at
			continue
		}
		for _, k := range cmd.Keys(argv, kbuf[:0]) {
			if router.Shard(argv[k]) != 0 {
				bad = at
			}
		}
		if bad < 0 && c.Exec(ctx, argv...).Kind == kevy.ReplyError {
			bad = at
		}
	}
	return liveKeyspace(t, db), bad
}

// unitStarts returns the start of every unit (a command, or a MULTI
// block) of a well-formed AOF, and the file length last.
func unitStarts(t testing.TB, data []byte) []int64 {
	t.Helper()
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
	var starts []int64
	inMulti := false
	for {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			return append(starts, int64(len(data)))
		}
		require.NoError(t, err)
		if !inMulti {
			starts = append(starts, rd.Offset())
		}
		switch strings.ToUpper(argv[0]) {
		case "MULTI":
			inMulti = true
		case "EXEC":
			inMulti = false
		}
	}
}

// unitOf returns the start of the unit holding byte p.
func unitOf(starts []int64, p int64) int64 {
	u := starts[0]
	for _, s := range starts {
		if s > p {
			break
		}
		u = s
	}
	return u
}

// capture is a slog handler that keeps the records.
type capture struct {
	mu   *sync.Mutex
	recs *[]slog.Record
}

func newCapture() capture { return capture{mu: &sync.Mutex{}, recs: new([]slog.Record)} }

func (c capture) Enabled(context.Context, slog.Level) bool { return true }
func (c capture) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	*c.recs = append(*c.recs, r.Clone())
	return nil
}
func (c capture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c capture) WithGroup(string) slog.Handler      { return c }

// tornAt returns the offset of the torn-tail warning, or -1.
func (c capture) tornAt() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range *c.recs {
		if strings.Contains(r.Message, "truncated a torn AOF tail") {
			off := int64(-1)
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == "offset" {
					off = a.Value.Int64()
				}
				return true
			})
			return off
		}
	}
	return -1
}

// matrixCounts tallies the outcomes.
type matrixCounts struct {
	cases, recovered, torn, clean, unchanged, changed, strict int
}

// checkDamaged opens dir, whose shard 0 last incr file (rel) now holds
// data, and checks the outcome against the reference. orig is the
// undamaged file, p the damaged byte (for a cut, the cut position).
func checkDamaged(t *testing.T, e kevy.Engine, dir, rel string, data, orig []byte, p int64, other map[string]string,
	starts []int64, origState map[string]string, deep bool, n *matrixCounts) {
	t.Helper()
	n.cases++
	path := filepath.Join(dir, rel)
	var strictErr error
	if deep {
		sd := t.TempDir()
		copyTree(t, dir, sd)
		var sdb *kevy.Store
		sdb, strictErr = kevy.Open(kevy.Config{Dir: sd, Engine: e, Shards: 2, StrictAOF: true})
		if strictErr == nil {
			require.NoError(t, sdb.Close())
		}
		n.strict++
	}
	logs := newCapture()
	var events eventLog
	cfg := kevy.Config{Dir: dir, Engine: e, Shards: 2, Logger: slog.New(logs), OnEvent: events.add}
	db, err := kevy.Open(cfg)
	require.NoError(t, err, "byte %d: the default policy always opens", p)
	got := liveKeyspace(t, db)
	if deep {
		require.NoError(t, db.Set(context.Background(), "after", "x", 0))
	}
	require.NoError(t, db.Close())
	evs := events.damaged()
	cut := int64(len(data))
	switch {
	case len(evs) > 0:
		require.Len(t, evs, 1)
		assert.Equal(t, path, evs[0].Path)
		cut -= evs[0].Bytes
		var ce *aof.CorruptError
		require.ErrorAs(t, evs[0].Err, &ce)
		q, err := os.ReadFile(ce.Quarantine)
		require.NoError(t, err)
		assert.Equal(t, data[cut:], q, "byte %d: the cut bytes are kept", p)
		n.recovered++
	case logs.tornAt() >= 0:
		cut = logs.tornAt()
		copies, _ := filepath.Glob(path + ".torn-*")
		assert.NotEmpty(t, copies, "byte %d: a copy of the torn tail", p)
		n.torn++
	}
	if deep && cut < int64(len(data)) {
		assert.Error(t, strictErr, "byte %d: StrictAOF refuses what the default repaired", p)
	} else if deep {
		assert.NoError(t, strictErr, "byte %d", p)
	}
	require.GreaterOrEqual(t, cut, unitOf(starts, p), "byte %d: nothing before the damage is dropped", p)
	ref, bad := reference(t, data[:cut])
	require.Equal(t, int64(-1), bad, "byte %d: the store applied a record the reference refuses, at %d (cut %d)", p, bad, cut)
	if cut == int64(len(data)) {
		if _, bad := reference(t, data); bad >= 0 {
			t.Fatalf("byte %d: damage at %d opened without a report", p, bad)
		}
	}
	want := maps.Clone(other)
	maps.Copy(want, ref)
	if deep {
		delete(got, "0/after")
	}
	require.Equal(t, want, got, "byte %d (cut at %d)", p, cut)
	if cut == int64(len(data)) {
		if maps.Equal(got, origState) {
			n.unchanged++
		} else {
			n.changed++
		}
		if bytes.HasPrefix(orig, data) {
			n.clean++ // a cut on a unit boundary
		}
	}
	if deep {
		db, err := kevy.Open(kevy.Config{Dir: dir, Engine: e, Shards: 2, StrictAOF: true})
		require.NoError(t, err, "byte %d: the repaired log opens strictly", p)
		again := liveKeyspace(t, db)
		require.NoError(t, db.Close())
		assert.Equal(t, `string ["x"] exp=0`, again["0/after"], "byte %d: a write after the repair survives", p)
		delete(again, "0/after")
		assert.Equal(t, got, again)
	}
}

func TestAOFDamageMatrix(t *testing.T) {
	full := os.Getenv("KEVY_DAMAGE_FULL") != ""
	step := int64(127)
	if full {
		step = 1
	}
	src, rel, other := matrixStore(t)
	orig, err := os.ReadFile(filepath.Join(src, rel))
	require.NoError(t, err)
	starts := unitStarts(t, orig)
	origState, bad := reference(t, orig)
	require.Equal(t, int64(-1), bad)
	from := int64(len(orig)) - damageWindow
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			var flips, cuts, records matrixCounts
			run := func(n *matrixCounts, data []byte, p int64, deep bool) {
				dir := t.TempDir()
				copyTree(t, src, dir)
				require.NoError(t, os.WriteFile(filepath.Join(dir, rel), data, 0o644))
				checkDamaged(t, e.e, dir, rel, data, orig, p, other, starts, origState, deep, n)
			}
			for i, p := 0, from; p < int64(len(orig)); i, p = i+1, p+step {
				data := bytes.Clone(orig)
				data[p] ^= 1
				run(&flips, data, p, i%5 == 0)
				run(&cuts, bytes.Clone(orig[:p]), p, i%5 == 1)
			}
			// Records made invalid, in every unit of the window.
			for i, u := range starts {
				if u < from || i == len(starts)-1 || (!full && i%8 != 0) {
					continue
				}
				recs := readRecordsFrom(t, orig, u, starts[i+1])
				j := 0 // the record to damage: a plain command, or the second of a block
				if strings.EqualFold(recs[0].argv[0], "MULTI") {
					j = 2
				}
				target := recs[j]
				if strings.EqualFold(target.argv[0], "SELECT") {
					continue
				}
				for _, damage := range invalidRecords {
					if damage.inMulti {
						continue
					}
					argv := target.argv
					if damage.name == "bad option" && (len(argv) != 5 || !strings.EqualFold(argv[3], "PXAT")) {
						continue
					}
					if len(argv) < 3 && damage.name == "wrong arity" {
						continue
					}
					recs := readRecordsFrom(t, orig, u, starts[i+1])
					recs[j].argv = damage.damage(t, argv, 2, 0)
					var b []byte
					for _, r := range recs {
						b = resp.AppendCommand(b, r.argv...)
					}
					data := append(append(bytes.Clone(orig[:u]), b...), orig[starts[i+1]:]...)
					before := records.recovered
					run(&records, data, u+target.off-recs[0].off, i%16 == 0)
					assert.Equal(t, before+1, records.recovered, "unit at %d, %s: reported as damage", u, damage.name)
				}
			}
			t.Logf("window %d bytes of %d; byte flips: %+v", damageWindow, len(orig), flips)
			t.Logf("cuts: %+v", cuts)
			t.Logf("invalid records: %+v", records)
			assert.Zero(t, flips.changed+flips.unchanged+flips.recovered+flips.torn-flips.cases, "every flip is classified")
		})
	}
}

// readRecordsFrom parses the records of data[from:to].
func readRecordsFrom(t testing.TB, data []byte, from, to int64) []aofRecord {
	t.Helper()
	rd := resp.NewReader(bytes.NewReader(data[from:to]), resp.ReaderOptions{Strict: true})
	var recs []aofRecord
	for {
		argv, err := rd.ReadCommand()
		if err == io.EOF {
			return recs
		}
		require.NoError(t, err)
		recs = append(recs, aofRecord{argv, rd.Offset()})
	}
}
