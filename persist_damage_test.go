package kevy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Damaged records in a store's AOF (issue 13, items 3, 5 and 11): a
// record that is well formed but cannot be applied, a damaged length with
// valid records after it, a damaged RDB base. Every case is reported with
// the file, the offset and a copy of what was dropped, and either opens
// with every record before the damage or refuses — on both engines,
// with one shard and several.

// aofRecord is one command of an AOF file and where it starts.
type aofRecord struct {
	argv []string
	off  int64
}

// readRecords parses an AOF file into its records.
func readRecords(t testing.TB, path string) []aofRecord {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true})
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

// writeRecords writes records as an AOF file.
func writeRecords(t testing.TB, path string, recs []aofRecord) {
	t.Helper()
	var b []byte
	for _, r := range recs {
		b = resp.AppendCommand(b, r.argv...)
	}
	require.NoError(t, os.WriteFile(path, b, 0o644))
}

// eventLog collects the events of a store.
type eventLog struct {
	mu  sync.Mutex
	evs []kevy.Event
}

func (l *eventLog) add(ev kevy.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, ev)
}

func (l *eventLog) damaged() []kevy.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []kevy.Event
	for _, ev := range l.evs {
		if ev.Kind == kevy.EventAOFDamaged {
			out = append(out, ev)
		}
	}
	return out
}

// keyOfShard returns a key that shard i of n owns, with the given prefix
// and length.
func keyOfShard(t testing.TB, i, n int, prefix string) string {
	t.Helper()
	r := shard.NewRouter(n)
	for j := range 100000 {
		k := prefix + strconv.Itoa(j)
		if r.Shard(k) == i {
			return k
		}
	}
	t.Fatalf("no key for shard %d of %d", i, n)
	return ""
}

// invalidRecord is one way of making a record invalid.
type invalidRecord struct {
	name string
	// inMulti picks a command inside a transaction's MULTI block (the
	// second one), else a plain SET.
	inMulti bool
	damage  func(t testing.TB, argv []string, shards, owner int) []string
}

var invalidRecords = []invalidRecord{
	{"unknown command", false, func(_ testing.TB, argv []string, _, _ int) []string {
		return append([]string{"SEU"}, argv[1:]...)
	}},
	{"wrong arity", false, func(_ testing.TB, argv []string, _, _ int) []string { return argv[:2] }},
	{"bad option", false, func(_ testing.TB, argv []string, _, _ int) []string {
		return append(slices.Clone(argv[:3]), "PXAX", argv[4])
	}},
	{"key of another shard", false, func(t testing.TB, argv []string, shards, owner int) []string {
		other := keyOfShard(t, (owner+1)%shards, shards, argv[1][:2])
		return append([]string{argv[0], other}, argv[2:]...)
	}},
	{"bad option in MULTI", true, func(_ testing.TB, argv []string, _, _ int) []string {
		return append(slices.Clone(argv[:3]), "PXAX", argv[4])
	}},
	{"unknown command in MULTI", true, func(_ testing.TB, argv []string, _, _ int) []string {
		return append([]string{"SEU"}, argv[1:]...)
	}},
}

// TestAOFInvalidRecords (item 3): a record whose command cannot be applied
// is never skipped. By default the shard's log is cut before it (a copy
// of everything dropped kept aside), the store opens with every record
// before it, and the damage is reported with file and offset in the log
// and as an EventAOFDamaged; with StrictAOF, Open refuses with a
// *aof.CorruptError and changes nothing.
func TestAOFInvalidRecords(t *testing.T) {
	const keys = 40
	ctx := context.Background()
	exp := strconv.FormatInt(4102444800000, 10)
	for _, e := range engines {
		for _, shards := range []int{1, 4} {
			for _, ir := range invalidRecords {
				if ir.name == "key of another shard" && shards == 1 {
					continue
				}
				t.Run(fmt.Sprintf("engine=%s/shards=%d/%s", e.name, shards, ir.name), func(t *testing.T) {
					src := t.TempDir()
					cfg := kevy.Config{Dir: src, Engine: e.e, Shards: shards}
					db, err := kevy.Open(cfg)
					require.NoError(t, err)
					c := db.Conn()
					for i := range keys {
						k := "k" + strconv.Itoa(i)
						if i == keys/2 {
							// A transaction on one shard: {t} tags keep it there.
							require.Equal(t, "OK", c.Exec(ctx, "MULTI").Str)
							c.Exec(ctx, "SET", "{t}a", "1", "PXAT", exp)
							c.Exec(ctx, "SET", "{t}b", "2", "PXAT", exp)
							c.Exec(ctx, "SET", "{t}c", "3", "PXAT", exp)
							r := c.Exec(ctx, "EXEC")
							require.Equal(t, kevy.ReplyArray, r.Kind, r.Str)
						}
						r := c.Exec(ctx, "SET", k, "v"+strconv.Itoa(i), "PXAT", exp)
						require.Equal(t, "OK", r.Str)
					}
					all := exportKeyspace(t, db)
					require.NoError(t, db.Close())

					// The shard and record to damage.
					owner := shard.NewRouter(shards).Shard("k30")
					if ir.inMulti {
						owner = shard.NewRouter(shards).Shard("{t}")
					}
					incr := filepath.Join(src, lastIncrFileOf(t, src, owner))
					recs := readRecords(t, incr)
					target, unit := -1, -1
					for i, r := range recs {
						if ir.inMulti && r.argv[0] == "MULTI" {
							unit, target = i, i+2 // the second command of the block
							break
						}
						if !ir.inMulti && len(r.argv) > 1 && r.argv[1] == "k30" {
							unit, target = i, i
							break
						}
					}
					require.GreaterOrEqual(t, target, 0)
					// What survives: every key but those the damaged shard
					// logged from the damaged unit on.
					want := maps.Clone(all)
					for _, r := range recs[unit:] {
						if len(r.argv) > 1 {
							delete(want, "0/"+r.argv[1])
						}
					}
					recs[target].argv = ir.damage(t, recs[target].argv, shards, owner)
					writeRecords(t, incr, recs)
					damaged, err := os.ReadFile(incr)
					require.NoError(t, err)
					off := recs[target].off
					cut := recs[unit].off

					// StrictAOF refuses, naming file and offset, and changes nothing.
					strict := t.TempDir()
					copyTree(t, src, strict)
					_, err = kevy.Open(kevy.Config{Dir: strict, Engine: e.e, Shards: shards, StrictAOF: true})
					var ce *aof.CorruptError
					require.ErrorAs(t, err, &ce, "%v", err)
					assert.ErrorIs(t, err, aof.ErrInvalidRecord)
					assert.Equal(t, filepath.Join(strict, lastIncrFileOf(t, strict, owner)), ce.Path)
					assert.Equal(t, off, ce.Offset)
					assert.FileExists(t, ce.Quarantine)
					after, err := os.ReadFile(ce.Path)
					require.NoError(t, err)
					assert.Equal(t, damaged, after, "a refusal changes nothing")

					// The default opens with every record before the damage.
					var logBuf bytes.Buffer
					var events eventLog
					cfg = kevy.Config{Dir: src, Engine: e.e, Shards: shards, Logger: newTestLogger(&logBuf), OnEvent: events.add}
					db, err = kevy.Open(cfg)
					require.NoError(t, err)
					assert.Equal(t, want, exportKeyspace(t, db), "every record before the damaged one, nothing after it")
					n, err := db.DBSize(ctx)
					require.NoError(t, err)
					assert.Equal(t, int64(len(want)), n)
					require.NoError(t, db.Set(ctx, "after", "recovery", 0))
					require.NoError(t, db.Close())
					evs := events.damaged()
					require.Len(t, evs, 1)
					assert.Equal(t, "aof-damaged", evs[0].Kind.String())
					assert.Equal(t, owner, evs[0].Shard)
					assert.Equal(t, incr, evs[0].Path)
					require.ErrorAs(t, evs[0].Err, &ce)
					assert.Equal(t, incr, ce.Path)
					assert.Equal(t, off, ce.Offset)
					assert.Equal(t, int64(len(damaged))-cut, evs[0].Bytes)
					q, err := os.ReadFile(ce.Quarantine)
					require.NoError(t, err)
					assert.Equal(t, damaged[cut:], q, "the dropped records are kept aside")
					assert.Contains(t, logBuf.String(), "level=ERROR")
					assert.Contains(t, logBuf.String(), incr)
					assert.Contains(t, logBuf.String(), "offset="+strconv.FormatInt(off, 10))

					// The log goes on from the cut: the next open reports nothing.
					var events2 eventLog
					cfg.OnEvent = events2.add
					db, err = kevy.Open(cfg)
					require.NoError(t, err)
					got := exportKeyspace(t, db)
					assert.Equal(t, `string ["recovery"] exp=0`, got["0/after"])
					delete(got, "0/after")
					assert.Equal(t, want, got)
					require.NoError(t, db.Close())
					assert.Empty(t, events2.damaged())
				})
			}
		}
	}
}

// lastIncrFileOf returns the path, relative to dir, of shard i's last
// incr file.
func lastIncrFileOf(t testing.TB, dir string, i int) string {
	t.Helper()
	sd := fmt.Sprintf("shard-%03d", i)
	paths, _, err := aof.Files(filepath.Join(dir, sd))
	require.NoError(t, err)
	rel, err := filepath.Rel(dir, paths[len(paths)-1])
	require.NoError(t, err)
	return rel
}

// TestAOFStrayKeyNotLoaded (item 3): a key damaged into another shard's
// is not loaded where GET and DEL cannot reach it (KEYS listed it twice
// after a SET).
func TestAOFStrayKeyNotLoaded(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 4})
			require.NoError(t, err)
			k0 := keyOfShard(t, 0, 4, "key")
			k1 := keyOfShard(t, 1, 4, "key")
			require.NoError(t, db.Set(ctx, k0, "a", 0))
			require.NoError(t, db.Close())
			incr := filepath.Join(dir, lastIncrFileOf(t, dir, 0))
			recs := readRecords(t, incr)
			for i := range recs {
				if len(recs[i].argv) > 1 && recs[i].argv[1] == k0 {
					recs[i].argv[1] = k1
				}
			}
			writeRecords(t, incr, recs)
			db, err = kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 4})
			require.NoError(t, err)
			defer db.Close()
			require.NoError(t, db.Set(ctx, k1, "b", 0))
			keys, err := db.Keys(ctx, "*")
			require.NoError(t, err)
			assert.Equal(t, []string{k1}, keys, "the stray key is not loaded")
		})
	}
}

// TestAOFDamagedLengthIsNotATornTail (item 5): a damaged length near the
// end of the last file, with valid records after it, is damage — reported
// at ERROR with an event and a copy of the records after it — not a torn
// tail dropped with a warning; StrictAOF refuses. A record really torn at
// the end is still truncated with a warning (and a copy).
func TestAOFDamagedLengthIsNotATornTail(t *testing.T) {
	ctx := context.Background()
	val := strings.Repeat("v", 1000)
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			src := t.TempDir()
			db, err := kevy.Open(kevy.Config{Dir: src, Engine: e.e, Shards: 1})
			require.NoError(t, err)
			for i := range 50 {
				require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), val, 0))
			}
			want := exportKeyspace(t, db)
			require.NoError(t, db.Close())
			rel := lastIncrFileOf(t, src, 0)
			clean, err := os.ReadFile(filepath.Join(src, rel))
			require.NoError(t, err)
			for i := 46; i < 50; i++ {
				delete(want, "0/k"+strconv.Itoa(i))
			}

			// A damaged length, 3 KB before the end.
			dir := t.TempDir()
			copyTree(t, src, dir)
			incr := filepath.Join(dir, rel)
			data := bytes.Clone(clean)
			at := bytes.Index(data, []byte("$3\r\nk46\r\n$1000\r\n"))
			require.Positive(t, at)
			data[at+10] = '9' // $1000 -> $9000: past the end of the file
			require.NoError(t, os.WriteFile(incr, data, 0o644))
			off := int64(at - len("*3\r\n$3\r\nSET\r\n"))

			strict := t.TempDir()
			copyTree(t, dir, strict)
			_, err = kevy.Open(kevy.Config{Dir: strict, Engine: e.e, Shards: 1, StrictAOF: true})
			var ce *aof.CorruptError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, off, ce.Offset)
			assert.ErrorContains(t, err, "a valid record follows")

			var logBuf bytes.Buffer
			var events eventLog
			db, err = kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 1, Logger: newTestLogger(&logBuf), OnEvent: events.add})
			require.NoError(t, err)
			assert.Equal(t, want, exportKeyspace(t, db))
			require.NoError(t, db.Close())
			evs := events.damaged()
			require.Len(t, evs, 1, "damage, not a torn tail")
			require.ErrorAs(t, evs[0].Err, &ce)
			assert.Equal(t, incr, ce.Path)
			assert.Equal(t, off, ce.Offset)
			q, err := os.ReadFile(ce.Quarantine)
			require.NoError(t, err)
			assert.Equal(t, data[off:], q, "the valid records after the damage are kept aside")
			assert.Contains(t, logBuf.String(), "level=ERROR")

			// A record torn at the end: a warning, a copy, no damage event.
			dir = t.TempDir()
			copyTree(t, src, dir)
			incr = filepath.Join(dir, rel)
			require.NoError(t, os.WriteFile(incr, clean[:len(clean)-500], 0o644))
			logBuf.Reset()
			var events2 eventLog
			db, err = kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 1, Logger: newTestLogger(&logBuf), OnEvent: events2.add})
			require.NoError(t, err)
			n, err := db.DBSize(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(49), n)
			require.NoError(t, db.Close())
			assert.Empty(t, events2.damaged())
			assert.Contains(t, logBuf.String(), "level=WARN")
			assert.NotContains(t, logBuf.String(), "level=ERROR")
			copies, _ := filepath.Glob(incr + ".torn-*")
			assert.Len(t, copies, 1)
		})
	}
}

// TestDamagedRDBBase (item 11): a damaged RDB base is refused, by default
// as with StrictAOF (no prefix of an RDB file can be trusted), with a
// *aof.CorruptError and a *rdb.CorruptError that both name the file and
// the offset, and a copy of the damaged part.
func TestDamagedRDBBase(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			src := t.TempDir()
			db, err := kevy.Open(kevy.Config{Dir: src, Engine: e.e, Shards: 1})
			require.NoError(t, err)
			for i := range 100 {
				require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), "v", 0))
			}
			require.NoError(t, db.RewriteAOF(ctx))
			require.NoError(t, db.Close())
			paths, base, err := aof.Files(filepath.Join(src, "shard-000"))
			require.NoError(t, err)
			require.True(t, base)
			data, err := os.ReadFile(paths[0])
			require.NoError(t, err)
			data[200] ^= 0x55
			require.NoError(t, os.WriteFile(paths[0], data, 0o644))
			for _, strict := range []bool{false, true} {
				_, err := kevy.Open(kevy.Config{Dir: src, Engine: e.e, Shards: 1, StrictAOF: strict})
				var ce *aof.CorruptError
				require.ErrorAs(t, err, &ce, "%v", err)
				var rce *rdb.CorruptError
				require.ErrorAs(t, err, &rce)
				assert.Equal(t, paths[0], ce.Path)
				assert.Equal(t, paths[0], rce.Path)
				assert.Equal(t, rce.Offset, ce.Offset)
				assert.ErrorIs(t, err, rdb.ErrCorrupt)
				q, err := os.ReadFile(ce.Quarantine)
				require.NoError(t, err)
				assert.Equal(t, data[ce.Offset:], q)
				after, err := os.ReadFile(paths[0])
				require.NoError(t, err)
				assert.Equal(t, data, after)
			}
		})
	}
}

// TestAOFUnknownCommandIsTyped (item 11): an unknown command in the AOF is
// a *aof.CorruptError with file and offset (it was "replay shard 0:
// command in AOF: ERR unknown command").
func TestAOFUnknownCommandIsTyped(t *testing.T) {
	dir := t.TempDir()
	db, err := kevy.Open(kevy.Config{Dir: dir, Shards: 1})
	require.NoError(t, err)
	require.NoError(t, db.Set(context.Background(), "a", "1", 0))
	require.NoError(t, db.Close())
	incr := filepath.Join(dir, lastIncrFileOf(t, dir, 0))
	recs := readRecords(t, incr)
	recs[len(recs)-1].argv[0] = "SEU"
	writeRecords(t, incr, recs)
	_, err = kevy.Open(kevy.Config{Dir: dir, Shards: 1, StrictAOF: true})
	var ce *aof.CorruptError
	require.ErrorAs(t, err, &ce)
	assert.True(t, errors.Is(err, aof.ErrCorrupt))
	assert.Equal(t, incr, ce.Path)
	assert.Equal(t, recs[len(recs)-1].off, ce.Offset)
	assert.ErrorContains(t, err, "unknown command 'SEU'")
	assert.FileExists(t, ce.Quarantine)
}
