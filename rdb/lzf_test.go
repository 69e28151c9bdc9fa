package rdb

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lzfRoundTrip(t testing.TB, s string) []byte {
	t.Helper()
	var z lzfCompressor
	c, ok := z.compress(nil, s, len(s)*2+64)
	require.True(t, ok)
	out := make([]byte, len(s))
	require.NoError(t, lzfDecompress(c, out))
	require.Equal(t, s, string(out))
	return c
}

func TestLZFRoundTrip(t *testing.T) {
	cases := map[string]string{
		"empty":       "",
		"one":         "x",
		"two":         "xy",
		"run":         strings.Repeat("a", 10_000),
		"text":        strings.Repeat("hello world, hello lzf! ", 1000),
		"random":      randBytes(7, 50_000),
		"32 literals": randBytes(8, 32),
		"33 literals": randBytes(9, 33),
		"far repeat":  randBytes(10, 9000) + randBytes(10, 9000),
		"max ref":     strings.Repeat("ab", 300) + randBytes(11, 10) + strings.Repeat("ab", 300),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) { lzfRoundTrip(t, s) })
	}
	c := lzfRoundTrip(t, strings.Repeat("z", 100_000))
	assert.Less(t, len(c), 100_000/80, "long runs compress close to the format's limit")
}

func TestLZFCompressLimit(t *testing.T) {
	var z lzfCompressor
	s := randBytes(12, 1000)
	_, ok := z.compress(nil, s, len(s)-4)
	assert.False(t, ok, "random data does not fit in len-4")
	c, ok := z.compress(nil, strings.Repeat("q", 1000), 14)
	assert.True(t, ok)
	assert.Len(t, c, 14) // 'q' literal, then 4 references
	_, ok = z.compress(nil, strings.Repeat("q", 1000), 13)
	assert.False(t, ok)
	// Deterministic: the same input compresses the same after other inputs.
	a, _ := z.compress(nil, "abcabcabcabcabcabcabcabc-xyz", 100)
	_, _ = z.compress(nil, randBytes(13, 5000), 1<<20)
	b, _ := z.compress(nil, "abcabcabcabcabcabcabcabc-xyz", 100)
	assert.Equal(t, a, b)
}

// TestLZFDecompressRedisOutput decodes a blob liblzf (inside redis-server
// 7.0.15) produced for SET k <"abc"*40>, taken from a dump.rdb.
func TestLZFDecompressRedisOutput(t *testing.T) {
	blob := []byte("\x03abca\xe0\x69\x02\x01bc")
	out := make([]byte, 120)
	require.NoError(t, lzfDecompress(blob, out))
	assert.Equal(t, strings.Repeat("abc", 40), string(out))
}

func TestLZFDecompressRejects(t *testing.T) {
	cases := map[string]struct {
		src []byte
		n   int
	}{
		"literal past input":     {[]byte{5, 'a'}, 6},
		"literal past output":    {[]byte{2, 'a', 'b', 'c'}, 2},
		"ref before start":       {[]byte{0, 'a', 0x20, 5}, 4},
		"ref missing offset":     {[]byte{0, 'a', 0x20}, 4},
		"long ref missing len":   {[]byte{0, 'a', 0xE0}, 20},
		"ref past output":        {[]byte{0, 'a', 0x20, 0}, 2},
		"output shorter than n":  {[]byte{0, 'a'}, 2},
		"empty input, non-empty": {nil, 1},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, lzfDecompress(c.src, make([]byte, c.n)))
		})
	}
}

func FuzzLZF(f *testing.F) {
	f.Add([]byte("hello hello hello hello"), []byte{0, 'a', 0xE0, 3, 0})
	f.Add([]byte(strings.Repeat("ab", 100)), []byte{31})
	f.Fuzz(func(t *testing.T, plain, compressed []byte) {
		lzfRoundTrip(t, string(plain))
		// Decompressing arbitrary bytes must fail cleanly or fit exactly.
		for _, n := range []int{0, len(compressed), len(compressed) * 4} {
			_ = lzfDecompress(compressed, make([]byte, n))
		}
	})
}

func TestCRC64Jones(t *testing.T) {
	assert.Equal(t, uint64(0xe9c6d914c4b8d9ca), crcUpdate(0, []byte("123456789")))
	// Incremental updates equal one pass.
	s := []byte(randBytes(14, 1000))
	assert.Equal(t, crcUpdate(0, s), crcUpdate(crcUpdate(0, s[:333]), s[333:]))
	// The trailer of a dump.rdb written by redis-server 7.0.15 (SET foo bar,
	// SET n 12345, SAVE).
	dump := []byte("REDIS0010\xfa\x09redis-ver\x067.0.15\xfa\x0aredis-bits\xc0\x40" +
		"\xfa\x05ctime\xc2\xaa\xa0\x08\x6b\xfa\x08used-mem\xc2\x48\x55\x0e\x00" +
		"\xfa\x08aof-base\xc0\x00\xfe\x00\xfb\x02\x00\x00\x03foo\x03bar\x00\x01n\xc1\x39\x30\xff" +
		"\x72\xd9\x2f\x5f\x01\x16\xd2\x12")
	body := dump[:len(dump)-8]
	assert.Equal(t, binary.LittleEndian.Uint64(dump[len(dump)-8:]), crcUpdate(0, body))
	got := mustReadAll(t, dump)
	assert.Equal(t, []*Entry{
		{Key: "foo", Type: TypeString, Str: "bar"},
		{Key: "n", Type: TypeString, Str: "12345"},
	}, got)
}
