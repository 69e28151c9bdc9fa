package shard

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy/rdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapKS is a one-shard keyspace that runs commands as an engine does.
type snapKS struct {
	t  testing.TB
	ks *Keyspace
	c  Ctx
}

func newSnapKS(t testing.TB, dbs int) *snapKS {
	return &snapKS{t: t, ks: New(Options{Databases: dbs, Log: true, Seed: 7})}
}

func (s *snapKS) do(db int, args ...string) {
	s.t.Helper()
	cmd, errRep := Resolve(args)
	require.NotNil(s.t, cmd, "%q: %s", args, errRep.Str)
	c := &s.c
	c.Bind(s.ks, 1)
	c.DB, c.Cmd, c.Args = db, cmd, args
	cmd.Run(c)
	c.Blocked()
	s.ks.ClearEffects()
}

// canonical renders a value and expiry so that equal keyspaces render
// equally whatever the order of elements.
func canonical(typ string, elems []string, sorted bool, expireAt int64) string {
	if sorted {
		elems = slices.Clone(elems)
		slices.Sort(elems)
	}
	return fmt.Sprintf("%s %q exp=%d", typ, elems, expireAt)
}

// state renders every key of the keyspace, expired ones included, as
// "db/key" → canonical value.
func (s *snapKS) state() map[string]string {
	out := map[string]string{}
	for d := range s.ks.dbs {
		s.ks.dbs[d].Range(func(e *Entry) bool {
			var v string
			switch e.Type {
			case TypeString:
				v = canonical("string", []string{e.StrValue()}, false, e.ExpireAt)
			case TypeHash:
				var kv []string
				e.Obj.(*Hash).Range(func(f, x string) bool { kv = append(kv, f+"="+x); return true })
				v = canonical("hash", kv, true, e.ExpireAt)
			case TypeSet:
				v = canonical("set", e.Obj.(*Set).members(), true, e.ExpireAt)
			case TypeList:
				var items []string
				e.Obj.(*List).Range(func(_ int, x string) bool { items = append(items, x); return true })
				v = canonical("list", items, false, e.ExpireAt)
			case TypeZSet:
				var ms []string
				e.Obj.(*ZSet).each(false, func(m string, sc float64) bool { ms = append(ms, fmt.Sprint(m, "=", sc)); return true })
				v = canonical("zset", ms, true, e.ExpireAt)
			default:
				v = "type " + e.Type.String()
			}
			out[fmt.Sprintf("%d/%s", d, e.Key)] = v
			return true
		})
	}
	return out
}

// decodeStream frames a snapshot stream (EOF opcode, zero checksum) and
// renders its keys as state does.
func decodeStream(t testing.TB, stream []byte) map[string]string {
	t.Helper()
	data := append(slices.Clone(stream), 0xff, 0, 0, 0, 0, 0, 0, 0, 0)
	r := rdb.NewReader(bytes.NewReader(data))
	out := map[string]string{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		var v string
		switch e.Type {
		case rdb.TypeString:
			v = canonical("string", []string{e.Str}, false, e.ExpireAt)
		case rdb.TypeHash:
			var kv []string
			for _, f := range e.Hash {
				kv = append(kv, f.Name+"="+f.Value)
			}
			v = canonical("hash", kv, true, e.ExpireAt)
		case rdb.TypeSet:
			v = canonical("set", e.Set, true, e.ExpireAt)
		case rdb.TypeList:
			v = canonical("list", e.List, false, e.ExpireAt)
		case rdb.TypeZSet:
			var ms []string
			for _, m := range e.ZSet {
				ms = append(ms, fmt.Sprint(m.Member, "=", m.Score))
			}
			v = canonical("zset", ms, true, e.ExpireAt)
		default:
			v = "type " + e.Type.String()
		}
		k := fmt.Sprintf("%d/%s", e.DB, e.Key)
		_, dup := out[k]
		require.False(t, dup, "key %s written twice", k)
		out[k] = v
	}
}

func TestSnapshotStatic(t *testing.T) {
	s := newSnapKS(t, 4)
	for i := range 300 {
		s.do(i%3, "SET", "k"+strconv.Itoa(i), "v"+strconv.Itoa(i))
	}
	s.do(0, "PEXPIREAT", "k0", "99999999999999")
	s.do(1, "HSET", "h", "a", "1", "b", "2")
	s.do(2, "SADD", "s", "1", "2", "x")
	s.do(2, "SADD", "ints", "5", "3", "-9")
	want := s.state()
	var buf bytes.Buffer
	snap, err := s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
	require.NoError(t, err)
	_, err = s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
	require.ErrorIs(t, err, ErrSnapshotInProgress)
	assert.Equal(t, int64(buf.Len()), snap.HeaderLen())
	steps := 0
	for {
		done, err := snap.Step(StepLimits{Keys: 10, Bytes: 1 << 20})
		require.NoError(t, err)
		steps++
		if done {
			break
		}
	}
	assert.Nil(t, s.ks.Snapshot())
	assert.Equal(t, want, decodeStream(t, buf.Bytes()))
	assert.Equal(t, int64(len(want)), snap.Keys())
}

// TestSnapshotPointInTime interleaves random writes of every kind with
// snapshot steps of one key: the stream must hold exactly the keyspace of
// the instant the snapshot began.
func TestSnapshotPointInTime(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			s := newSnapKS(t, 3)
			key := func() string { return "k" + strconv.Itoa(rng.IntN(25)) }
			db := func() int { return rng.IntN(3) }
			op := func() {
				k := key()
				d := db()
				n := strconv.Itoa(rng.IntN(9))
				switch rng.IntN(24) {
				case 0, 1:
					s.do(d, "SET", k, "v"+strconv.Itoa(rng.IntN(1000)))
				case 2:
					s.do(d, "DEL", k)
				case 3:
					s.do(d, "APPEND", k, "+")
				case 4:
					s.do(d, "PEXPIRE", k, strconv.Itoa(1+rng.IntN(3))) // expires soon: lazy/active expiry
				case 5:
					s.do(d, "HSET", "h"+k, "f"+strconv.Itoa(rng.IntN(5)), "x")
				case 6:
					s.do(d, "SADD", "s"+k, n, "m"+strconv.Itoa(rng.IntN(3)))
				case 7:
					s.do(d, "RENAME", k, key())
				case 8:
					s.do(d, "MOVE", k, strconv.Itoa(db()))
				case 9:
					if rng.IntN(8) == 0 {
						s.do(d, "FLUSHDB")
					} else {
						s.do(d, "SREM", "s"+k, n)
					}
				case 10:
					if rng.IntN(4) == 0 {
						s.do(0, "SWAPDB", strconv.Itoa(db()), strconv.Itoa(db()))
					} else {
						s.do(d, "PERSIST", k)
					}
				case 11:
					if rng.IntN(20) == 0 {
						s.do(0, "FLUSHALL")
					} else {
						s.do(d, "INCR", "n"+k)
					}
				case 12:
					s.ks.ActiveExpire(Now()+5, 0)
				case 13:
					s.do(d, "RPUSH", "l"+k, n, "x")
				case 14:
					s.do(d, "LPOP", "l"+k)
				case 15:
					s.do(d, "LMOVE", "l"+k, "l"+key(), "LEFT", "RIGHT")
				case 16:
					s.do(d, "ZADD", "z"+k, n, "m"+n)
				case 17:
					s.do(d, "ZINCRBY", "z"+k, "1.5", "m"+n)
				case 18:
					s.do(d, "ZPOPMIN", "z"+k)
				case 19:
					s.do(d, "GETDEL", k)
				case 20:
					s.do(d, "GETEX", k, "PX", "100000")
				case 21:
					s.do(d, "SMOVE", "s"+k, "s"+key(), n)
				case 22:
					s.do(d, "COPY", k, key(), "DB", strconv.Itoa(db()), "REPLACE")
				case 23:
					s.do(d, "HINCRBY", "h"+k, "f"+strconv.Itoa(rng.IntN(5)), "2")
				}
			}
			for range 300 {
				op()
			}
			want := s.state()
			var buf bytes.Buffer
			snap, err := s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
			require.NoError(t, err)
			for {
				for range rng.IntN(6) {
					op()
				}
				done, err := snap.Step(StepLimits{Keys: 1, Bytes: 1 << 20})
				require.NoError(t, err)
				if done {
					break
				}
			}
			assert.Equal(t, want, decodeStream(t, buf.Bytes()))
			// A second snapshot sees the changes.
			want = s.state()
			buf.Reset()
			snap, err = s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
			require.NoError(t, err)
			for done := false; !done; {
				done, err = snap.Step(StepLimits{Keys: 1000, Bytes: 1 << 20})
				require.NoError(t, err)
			}
			assert.Equal(t, want, decodeStream(t, buf.Bytes()))
		})
	}
}

func TestSnapshotAbort(t *testing.T) {
	s := newSnapKS(t, 1)
	s.do(0, "SET", "a", "1")
	var buf bytes.Buffer
	snap, err := s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
	require.NoError(t, err)
	snap.Abort()
	assert.Nil(t, s.ks.Snapshot())
	_, err = snap.Step(StepLimits{Keys: 1, Bytes: 1})
	assert.Error(t, err)
	s.do(0, "SET", "a", "2") // no hook runs
	snap, err = s.ks.BeginSnapshot(&buf, rdb.WriterOptions{})
	require.NoError(t, err)
	done, err := snap.Step(StepLimits{Keys: 10, Bytes: 1 << 20})
	require.NoError(t, err)
	assert.True(t, done)
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestSnapshotOutputError(t *testing.T) {
	s := newSnapKS(t, 1)
	s.do(0, "SET", "a", strings.Repeat("x", 100))
	_, err := s.ks.BeginSnapshot(failWriter{}, rdb.WriterOptions{})
	require.Error(t, err)
	assert.Nil(t, s.ks.Snapshot())
}

func TestSnapshotLargeCollectionStreams(t *testing.T) {
	s := newSnapKS(t, 1)
	args := []string{"HSET", "big"}
	for i := range 5000 {
		args = append(args, "field"+strconv.Itoa(i), fmt.Sprintf("%050x", rand.Uint64()))
	}
	s.do(0, args...)
	want := s.state()
	var w countingWriter
	snap, err := s.ks.BeginSnapshot(&w, rdb.WriterOptions{})
	require.NoError(t, err)
	for done := false; !done; {
		done, err = snap.Step(StepLimits{Keys: 1, Bytes: 1})
		require.NoError(t, err)
	}
	assert.Greater(t, w.calls, 3, "a big value is flushed in several writes")
	assert.LessOrEqual(t, w.max, 70<<10, "no write is bigger than the writer's buffer")
	assert.Equal(t, want, decodeStream(t, w.buf.Bytes()))
}

type countingWriter struct {
	buf   bytes.Buffer
	calls int
	max   int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.calls++
	w.max = max(w.max, len(p))
	return w.buf.Write(p)
}
