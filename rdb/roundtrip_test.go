package rdb

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTripEveryType(t *testing.T) {
	for _, opts := range []WriterOptions{{}, {NoCompression: true}, {NoChecksum: true}, {BufferSize: 7}} {
		es := sampleEntries(5000)
		data := writeAll(t, opts, es)
		got, r, err := readAll(data)
		require.NoError(t, err)
		require.Equal(t, len(es), len(got))
		for i := range es {
			assert.Equal(t, es[i], got[i], "entry %d %q", i, es[i].Key)
		}
		h, err := r.Header()
		require.NoError(t, err)
		assert.Equal(t, Version, h.Version)
	}
}

func TestWriterHeaderLikeRedis(t *testing.T) {
	data := writeAll(t, WriterOptions{CTime: 1700000000, UsedMem: 939336, AOFBase: true,
		Aux: []Aux{{"kevy-shard", "3"}, {"note", "hi"}}}, nil)
	r := NewReader(bytes.NewReader(data))
	h, err := r.Header()
	require.NoError(t, err)
	assert.Equal(t, Header{Version: 10, Aux: []Aux{
		{"redis-ver", "7.0.15"}, {"redis-bits", "64"}, {"ctime", "1700000000"},
		{"used-mem", "939336"}, {"aof-base", "1"}, {"kevy-shard", "3"}, {"note", "hi"},
	}}, h)
	_, err = r.Next()
	assert.Equal(t, io.EOF, err)
	_, err = r.Next()
	assert.Equal(t, io.EOF, err, "EOF is sticky")
	// The exact bytes redis-server 7.0.15 writes for its header, with our
	// values: integer-encoded numbers, raw version string.
	want := "REDIS0010" +
		"\xfa\x09redis-ver\x067.0.15" +
		"\xfa\x0aredis-bits\xc0\x40" +
		"\xfa\x05ctime\xc2\x00\xf1\x53\x65" +
		"\xfa\x08used-mem\xc2\x48\x55\x0e\x00" +
		"\xfa\x08aof-base\xc0\x01"
	assert.Equal(t, want, string(data[:len(want)]))
}

func TestStringEncodings(t *testing.T) {
	cases := []struct {
		in   string
		want string // encoded bytes
	}{
		{"0", "\xc0\x00"},
		{"-1", "\xc0\xff"},
		{"127", "\xc0\x7f"},
		{"128", "\xc1\x80\x00"},
		{"-32768", "\xc1\x00\x80"},
		{"32768", "\xc2\x00\x80\x00\x00"},
		{"2147483647", "\xc2\xff\xff\xff\x7f"},
		{"-2147483648", "\xc2\x00\x00\x00\x80"},
		{"2147483648", "\x0a2147483648"},
		{"-0", "\x02-0"},
		{"01", "\x0201"},
		{"", "\x00"},
		{strings.Repeat("a", 20), "\x14" + strings.Repeat("a", 20)},
		{strings.Repeat("a", 21), "\xc3\x05\x15\x00a\xe0\x0b\x00"},
	}
	for _, c := range cases {
		w := &Writer{bufSize: 1 << 10, compress: true}
		w.putString(c.in)
		assert.Equal(t, c.want, string(w.buf), "%q", c.in)
	}
	// Length encodings at their boundaries.
	for _, n := range []uint64{0, 63, 64, 16383, 16384, math.MaxUint32, math.MaxUint32 + 1} {
		b := appendLen(nil, n)
		r := NewReader(bytes.NewReader(b))
		got, enc, err := r.readLen()
		require.NoError(t, err)
		assert.False(t, enc)
		assert.Equal(t, n, got)
		assert.Equal(t, map[bool]int{true: 1}[n < 64]+map[bool]int{true: 2}[n >= 64 && n < 16384]+
			map[bool]int{true: 5}[n >= 16384 && n <= math.MaxUint32]+map[bool]int{true: 9}[n > math.MaxUint32], len(b))
	}
}

func TestStreamingWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	require.NoError(t, w.SelectDB(4))
	require.NoError(t, w.ResizeDB(3, 1))
	require.NoError(t, w.SetIdle(77))
	require.NoError(t, w.SetFreq(9))
	require.NoError(t, w.BeginList("l", 3, 123456))
	for _, s := range []string{"a", "b", "c"} {
		require.NoError(t, w.WriteItem(s))
	}
	require.NoError(t, w.BeginHash("h", 1, 0))
	require.NoError(t, w.WriteField("f", "v"))
	require.NoError(t, w.BeginZSet("z", 2, 0))
	require.NoError(t, w.WriteMember("x", math.Inf(-1)))
	require.NoError(t, w.WriteMember("y", 2))
	require.NoError(t, w.BeginSet("s", 1, 0))
	require.NoError(t, w.WriteItem("m"))
	require.NoError(t, w.WriteAux("late", "aux"))
	require.NoError(t, w.WriteStringKey("k", "v", 0))
	require.NoError(t, w.Flush())
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "Close is idempotent")
	assert.Equal(t, int64(buf.Len()), w.Written())
	assert.ErrorIs(t, w.WriteStringKey("k", "v", 0), ErrWriterClosed)

	got, r, err := readAll(buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, []*Entry{
		{DB: 4, Key: "l", Type: TypeList, List: []string{"a", "b", "c"}, ExpireAt: 123456, Idle: 77, HasIdle: true, Freq: 9, HasFreq: true},
		{DB: 4, Key: "h", Type: TypeHash, Hash: []Field{{"f", "v"}}},
		{DB: 4, Key: "z", Type: TypeZSet, ZSet: []Member{{"x", math.Inf(-1)}, {"y", 2}}},
		{DB: 4, Key: "s", Type: TypeSet, Set: []string{"m"}},
		{DB: 4, Key: "k", Type: TypeString, Str: "v"},
	}, got)
	keys, exp := r.ResizeHint()
	assert.Equal(t, [2]uint64{3, 1}, [2]uint64{keys, exp})
	h, _ := r.Header()
	assert.Equal(t, Aux{"late", "aux"}, h.Aux[len(h.Aux)-1])
}

func TestWriterMisuseIsSticky(t *testing.T) {
	cases := []struct {
		name string
		do   func(w *Writer) error
	}{
		{"too few items then new key", func(w *Writer) error {
			_ = w.BeginList("l", 2, 0)
			_ = w.WriteItem("a")
			return w.WriteStringKey("k", "v", 0)
		}},
		{"too few items then close", func(w *Writer) error {
			_ = w.BeginSet("s", 2, 0)
			_ = w.WriteItem("a")
			return w.Close()
		}},
		{"too many items", func(w *Writer) error {
			_ = w.BeginList("l", 1, 0)
			_ = w.WriteItem("a")
			return w.WriteItem("b")
		}},
		{"wrong element kind", func(w *Writer) error {
			_ = w.BeginHash("h", 1, 0)
			return w.WriteItem("a")
		}},
		{"empty collection", func(w *Writer) error { return w.BeginZSet("z", 0, 0) }},
		{"NaN score", func(w *Writer) error {
			_ = w.BeginZSet("z", 1, 0)
			return w.WriteMember("m", math.NaN())
		}},
		{"empty entry", func(w *Writer) error { return w.WriteEntry(&Entry{Key: "s", Type: TypeSet}) }},
		{"unknown type", func(w *Writer) error { return w.WriteEntry(&Entry{Key: "x", Type: 9}) }},
		{"negative db", func(w *Writer) error { return w.SelectDB(-1) }},
		{"negative idle", func(w *Writer) error { return w.SetIdle(-1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := NewWriter(io.Discard, WriterOptions{})
			err := c.do(w)
			require.Error(t, err)
			assert.Equal(t, err, w.WriteStringKey("later", "v", 0), "sticky")
			assert.Equal(t, err, w.Flush())
			assert.Equal(t, err, w.Close())
		})
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriterIOErrorIsSticky(t *testing.T) {
	w := NewWriter(&failWriter{after: 1}, WriterOptions{BufferSize: 64})
	var err error
	for i := 0; err == nil && i < 100; i++ {
		err = w.WriteStringKey("key", strings.Repeat("v", 50), 0)
	}
	require.ErrorContains(t, err, "disk full")
	assert.Equal(t, err, w.WriteStringKey("k", "v", 0))
	assert.Equal(t, err, w.Close())
}

func TestExpireZeroIsNotLost(t *testing.T) {
	data := newRawFile(10).byte(opSelectDB, 0, opExpireMs, 0, 0, 0, 0, 0, 0, 0, 0).key(typeString, "k").str("v").end(10)
	got := mustReadAll(t, data)
	require.Len(t, got, 1)
	assert.Equal(t, int64(-1), got[0].ExpireAt, "a stored expiry of 0 is in the past, not 'none'")
}

func TestEmptyCollectionsAreSkipped(t *testing.T) {
	data := newRawFile(10).byte(opSelectDB, 0).
		key(typeList, "empty-list").len(0).
		key(typeSet, "empty-set").len(0).
		key(typeHashListpack, "empty-lp").blob(buildListpack(nil)).
		key(typeListQuicklist2, "empty-ql").len(1).len(containerPacked).blob(buildListpack(nil)).
		key(typeString, "k").str("v").end(10)
	got, r, err := readAll(data)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "k", got[0].Key)
	assert.Equal(t, 4, r.EmptySkipped())
}

func TestRest(t *testing.T) {
	data := writeAll(t, WriterOptions{}, []*Entry{{Key: "k", Type: TypeString, Str: "v"}})
	tail := "*1\r\n$4\r\nPING\r\n"
	r := NewReader(io.MultiReader(bytes.NewReader(data), strings.NewReader(tail)))
	_, err := r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	require.Equal(t, io.EOF, err)
	rest, err := io.ReadAll(r.Rest())
	require.NoError(t, err)
	assert.Equal(t, tail, string(rest))
}

func TestWriterDoesNotAllocatePerKey(t *testing.T) {
	w := NewWriter(io.Discard, WriterOptions{})
	random := randBytes(20, 200)
	text := strings.Repeat("compressible ", 20)
	allocs := testing.AllocsPerRun(100, func() {
		_ = w.WriteStringKey("key:12345", "12345", 0)
		_ = w.WriteStringKey("random", random, 0)
		_ = w.WriteStringKey("text", text, 0)
		_ = w.BeginZSet("z", 1, 1)
		_ = w.WriteMember("m", 1.5)
	})
	assert.Zero(t, allocs)
	require.NoError(t, w.Close())
}
