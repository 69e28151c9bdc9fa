package shard

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyOf returns a key that shard i of n owns.
func keyOf(t *testing.T, i, n int, prefix string) string {
	t.Helper()
	r := NewRouter(n)
	for j := range 10000 {
		k := prefix + string(rune('a'+j%26)) + string(rune('a'+j/26%26)) + string(rune('a'+j/676))
		if r.Shard(k) == i {
			return k
		}
	}
	t.Fatalf("no key for shard %d of %d", i, n)
	return ""
}

// TestReplayerChecksRecords: every record the replayer cannot apply is an
// error that says why, and leaves the keyspace as it was.
func TestReplayerChecksRecords(t *testing.T) {
	mine := keyOf(t, 1, 4, "k")
	other := keyOf(t, 2, 4, "k")
	cases := []struct {
		argv []string
		want string // "" = applies
	}{
		{[]string{"SET", mine, "v"}, ""},
		{[]string{"set", mine, "v", "PXAT", "4102444800000"}, ""},
		{[]string{"SELECT", "3"}, ""},
		{[]string{"SET", mine, "in 3"}, ""},
		{[]string{"SELECT", "0"}, ""},
		{[]string{"MULTI"}, ""},
		{[]string{"EXEC"}, ""},
		{[]string{"SEU", mine, "v"}, "unknown command 'SEU'"},
		{[]string{"SET", mine}, "wrong number of arguments for 'set' command"},
		{[]string{"SET", mine, "v", "PXAX", "4102444800000"}, `'set' replies "ERR syntax error"`},
		{[]string{"INCR", mine}, `'incr' replies "ERR value is not an integer or out of range"`},
		{[]string{"LPUSH", mine, "x"}, "WRONGTYPE"},
		{[]string{"SET", other, "v"}, "belongs to shard 2 of 4, not to shard 1"},
		{[]string{"MSET", mine, "1", other, "2"}, "belongs to shard 2 of 4"},
		{[]string{"GET", mine}, "'get' is not a write command"},
		{[]string{"PING"}, "'ping' is not a write command"},
		{[]string{"SELECT", "16"}, "no such database"},
		{[]string{"SELECT", "x"}, "no such database"},
		{[]string{"SELECT"}, "SELECT with 0 arguments"},
		{[]string{"MULTI", "x"}, "MULTI with arguments"},
	}
	ks := New(Options{ID: 1, Databases: 16})
	ks.SetLogging(false)
	r := NewReplayer(ks, 4)
	require.NoError(t, r.Apply([]string{"SET", mine, "text"}))
	for _, tc := range cases {
		err := r.Apply(tc.argv)
		if tc.want == "" {
			assert.NoError(t, err, "%q", tc.argv)
		} else {
			assert.ErrorContains(t, err, tc.want, "%q", tc.argv)
		}
	}
	// Only the valid writes landed, in the databases SELECT chose.
	assert.Equal(t, 1, ks.DB(0).Len())
	assert.Equal(t, 1, ks.DB(3).Len())
	assert.Equal(t, 2, ks.Keys())

	// One shard: every key is its own.
	ks1 := New(Options{Databases: 16})
	ks1.SetLogging(false)
	require.NoError(t, NewReplayer(ks1, 1).Apply([]string{"SET", other, "v"}))
}

// TestReplayerLoadBase: an RDB base entry that does not belong in the
// keyspace is a *rdb.CorruptError at its offset.
func TestReplayerLoadBase(t *testing.T) {
	mine := keyOf(t, 0, 2, "k")
	other := keyOf(t, 1, 2, "k")
	build := func(entries ...*rdb.Entry) []byte {
		var buf bytes.Buffer
		w := rdb.NewWriter(&buf, rdb.WriterOptions{})
		for _, e := range entries {
			require.NoError(t, w.WriteEntry(e))
		}
		require.NoError(t, w.Close())
		return buf.Bytes()
	}
	str := func(db int, k string) *rdb.Entry { return &rdb.Entry{DB: db, Key: k, Type: rdb.TypeString, Str: "v"} }
	good := build(str(0, mine), str(1, mine))
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"good", good, ""},
		{"key of another shard", build(str(0, mine), str(0, other)), "belongs to shard 1 of 2, not to shard 0"},
		{"database beyond", build(str(0, mine), str(5, mine)), "in database 5, beyond the 4 databases"},
		{"duplicate key", build(str(0, mine), str(0, mine)), "duplicate key"},
		{"damaged", append(good[:len(good)-3:len(good)-3], 0, 0, 0), "checksum mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ks := New(Options{ID: 0, Databases: 4})
			ks.SetLogging(false)
			err := NewReplayer(ks, 2).LoadBase(bytes.NewReader(tc.data))
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, 2, ks.Keys())
				return
			}
			var ce *rdb.CorruptError
			require.ErrorAs(t, err, &ce)
			assert.ErrorContains(t, err, tc.want)
			assert.Positive(t, ce.Offset)
			assert.Less(t, ce.Offset, int64(len(tc.data)))
			assert.False(t, errors.Is(err, io.EOF))
		})
	}
}

// FuzzReplayer replays arbitrary RESP commands into a keyspace (shard 0
// of 2): whatever the records, the replayer must not panic, and a record
// it refuses must leave the keyspace's key count as it was.
func FuzzReplayer(f *testing.F) {
	for _, seed := range [][]string{
		{"SET", "a", "1", "PXAT", "4102444800000"}, {"SET", "a", "1", "PXAX", "1"}, {"SEU", "a"},
		{"HSET", "h", "f", "v"}, {"RPUSH", "l", "x"}, {"SELECT", "3"}, {"MULTI"}, {"EXEC"},
		{"ZADD", "z", "1", "m"}, {"SADD", "s", "m"}, {"INCR", "n"}, {"LPOP", "l", "2"}, {"DEL", "a"},
	} {
		f.Add(resp.AppendCommand(nil, seed...))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ks := New(Options{ID: 0, Databases: 4})
		ks.SetLogging(false)
		r := NewReplayer(ks, 2)
		rd := resp.NewReader(bytes.NewReader(data), resp.ReaderOptions{Strict: true, MaxBulkLen: 1 << 20})
		for range 64 {
			argv, err := rd.ReadCommand()
			if err != nil {
				return
			}
			before := ks.Keys()
			if err := r.Apply(argv); err != nil && !EqualFold(argv[0], "select") {
				require.Equal(t, before, ks.Keys(), "refused %q", argv)
			}
		}
	})
}

// FuzzReplayerLoadBase loads arbitrary bytes as an RDB base: it must not
// panic, and every error is a *rdb.CorruptError or *rdb.UnsupportedError.
func FuzzReplayerLoadBase(f *testing.F) {
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.WriterOptions{})
	require.NoError(f, w.WriteEntry(&rdb.Entry{Key: "k", Type: rdb.TypeString, Str: "v"}))
	require.NoError(f, w.WriteEntry(&rdb.Entry{DB: 1, Key: "s", Type: rdb.TypeSet, Set: []string{"a", "b"}}))
	require.NoError(f, w.Close())
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		ks := New(Options{ID: 0, Databases: 4})
		ks.SetLogging(false)
		err := NewReplayer(ks, 2).LoadBase(bytes.NewReader(data))
		if err != nil {
			var ce *rdb.CorruptError
			var ue *rdb.UnsupportedError
			require.True(t, errors.As(err, &ce) || errors.As(err, &ue), "%T %v", err, err)
		}
	})
}
