package rdb

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// normalize sorts the unordered collections of e (sets, hashes, sorted
// sets) so that entries from different writers compare equal.
func normalize(e *Entry) *Entry {
	c := *e
	c.Set = slices.Clone(e.Set)
	slices.Sort(c.Set)
	c.Hash = slices.Clone(e.Hash)
	slices.SortFunc(c.Hash, func(a, b Field) int { return cmp.Compare(a.Name, b.Name) })
	c.ZSet = slices.Clone(e.ZSet)
	slices.SortFunc(c.ZSet, func(a, b Member) int { return cmp.Compare(a.Member, b.Member) })
	return &c
}

// keyspace indexes entries by DB and key, normalized.
func keyspace(es []*Entry) map[int]map[string]*Entry {
	m := map[int]map[string]*Entry{}
	for _, e := range es {
		if m[e.DB] == nil {
			m[e.DB] = map[string]*Entry{}
		}
		m[e.DB][e.Key] = normalize(e)
	}
	return m
}

// writeAll encodes entries into a file image.
func writeAll(t testing.TB, opts WriterOptions, es []*Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	for _, e := range es {
		require.NoError(t, w.WriteEntry(e), "key %q", e.Key)
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// readAll decodes a whole file.
func readAll(data []byte) ([]*Entry, *Reader, error) {
	r := NewReader(bytes.NewReader(data))
	var out []*Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out, r, nil
		}
		if err != nil {
			return out, r, err
		}
		out = append(out, e)
	}
}

func mustReadAll(t testing.TB, data []byte) []*Entry {
	t.Helper()
	es, _, err := readAll(data)
	require.NoError(t, err)
	return es
}

// randBytes returns n pseudo-random bytes from a fixed seed.
func randBytes(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return string(b)
}

// sampleEntries covers every type with awkward contents: empty and binary
// strings, integers at each encoding boundary, compressible and
// incompressible big strings, ±Inf scores, large collections, several
// databases and expiries (all in the future, so that Redis keeps them).
func sampleEntries(bigN int) []*Entry {
	const future = 4102444800000 // 2100-01-01
	var es []*Entry
	str := func(db int, k, v string, exp int64) {
		es = append(es, &Entry{DB: db, Key: k, Type: TypeString, Str: v, ExpireAt: exp})
	}
	str(0, "empty", "", 0)
	str(0, "", "empty key", 0)
	str(0, "binary\x00\xff\r\n", "\x00\x01\x02\xfe\xff\r\n", 0)
	for i, v := range []int64{0, 1, -1, 127, 128, -128, -129, 32767, 32768, -32768, -32769,
		math.MaxInt32, math.MaxInt32 + 1, math.MinInt32, math.MinInt32 - 1, math.MaxInt64, math.MinInt64} {
		str(0, "int:"+strconv.Itoa(i), strconv.FormatInt(v, 10), 0)
	}
	for i, v := range []string{"-0", "007", "+1", " 1", "1 ", "1.5", "0x10", "99999999999", "-"} {
		str(0, "notint:"+strconv.Itoa(i), v, 0)
	}
	str(0, "lzf:20", strings.Repeat("a", 20), 0)
	str(0, "lzf:21", strings.Repeat("a", 21), 0)
	str(0, "lzf:text", strings.Repeat("the quick brown fox jumps over the lazy dog ", 300), future)
	str(0, "random:100k", randBytes(1, 100_000), 0)
	str(0, "random:25", randBytes(2, 25), 0)
	str(1, "big:repeat", strings.Repeat("xyz", 200_000), 0)
	str(1, "expiring", "v", future+12345)

	list := []string{"", "a", "1", "-7", "12345678901", randBytes(3, 40), strings.Repeat("b", 300)}
	es = append(es, &Entry{DB: 0, Key: "list:small", Type: TypeList, List: list, ExpireAt: future})
	big := make([]string, bigN)
	for i := range big {
		big[i] = "item-" + strconv.Itoa(i)
		if i%3 == 0 {
			big[i] = strconv.Itoa(i)
		}
	}
	es = append(es, &Entry{DB: 2, Key: "list:big", Type: TypeList, List: big})
	es = append(es, &Entry{DB: 0, Key: "list:dups", Type: TypeList, List: []string{"x", "x", "x"}})

	es = append(es, &Entry{DB: 0, Key: "set:ints", Type: TypeSet, Set: []string{"1", "2", "-3", "100000", "9223372036854775807"}})
	es = append(es, &Entry{DB: 0, Key: "set:mixed", Type: TypeSet, Set: []string{"a", "1", "", randBytes(4, 30)}})
	es = append(es, &Entry{DB: 2, Key: "set:big", Type: TypeSet, Set: slices.Clone(big)})

	es = append(es, &Entry{DB: 0, Key: "hash:small", Type: TypeHash, Hash: []Field{{"f", "v"}, {"", ""}, {"n", "42"}, {"big", strings.Repeat("q", 100)}}})
	hbig := make([]Field, bigN)
	for i := range hbig {
		hbig[i] = Field{"field:" + strconv.Itoa(i), strconv.Itoa(i * 7)}
	}
	es = append(es, &Entry{DB: 3, Key: "hash:big", Type: TypeHash, Hash: hbig, ExpireAt: future + 1})

	es = append(es, &Entry{DB: 0, Key: "zset:small", Type: TypeZSet, ZSet: []Member{
		{"a", 1}, {"b", -2.5}, {"inf", math.Inf(1)}, {"-inf", math.Inf(-1)}, {"zero", 0},
		{"tiny", 5e-324}, {"huge", math.MaxFloat64}, {"third", 1.0 / 3}, {"", 7},
	}})
	zbig := make([]Member, bigN)
	for i := range zbig {
		zbig[i] = Member{"m" + strconv.Itoa(i), float64(i) / 4}
	}
	es = append(es, &Entry{DB: 3, Key: "zset:big", Type: TypeZSet, ZSet: zbig})
	return es
}

// rawFile builds RDB images by hand, for encodings the Writer never
// produces (ziplists, zipmaps, intsets, quicklists, text scores) and for
// corrupt input.
type rawFile struct{ b []byte }

func newRawFile(version int) *rawFile {
	return &rawFile{b: []byte("REDIS" + strings.Repeat("0", 4-len(strconv.Itoa(version))) + strconv.Itoa(version))}
}

func (f *rawFile) byte(c ...byte) *rawFile { f.b = append(f.b, c...); return f }
func (f *rawFile) len(n uint64) *rawFile   { f.b = appendLen(f.b, n); return f }
func (f *rawFile) str(s string) *rawFile {
	f.b = append(appendLen(f.b, uint64(len(s))), s...)
	return f
}
func (f *rawFile) blob(b []byte) *rawFile        { return f.str(string(b)) }
func (f *rawFile) key(t byte, k string) *rawFile { return f.byte(t).str(k) }

// end appends EOF and, for version >= 5, the checksum.
func (f *rawFile) end(version int) []byte {
	f.b = append(f.b, opEOF)
	if version >= 5 {
		f.b = binary.LittleEndian.AppendUint64(f.b, crcUpdate(0, f.b))
	}
	return f.b
}

// lpEncodeInt reports whether Redis stores s as an integer in a listpack
// or ziplist (canonical decimal int64).
func compactInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(v, 10) != s {
		return 0, false
	}
	return v, true
}

// buildListpack encodes elements as Redis's lpAppend would.
func buildListpack(elems []string) []byte {
	b := []byte{0, 0, 0, 0, 0, 0}
	for _, s := range elems {
		start := len(b)
		if v, ok := compactInt(s); ok {
			switch {
			case v >= 0 && v <= 127:
				b = append(b, byte(v))
			case v >= -4096 && v <= 4095:
				u := uint64(v) & 0x1fff
				b = append(b, 0xC0|byte(u>>8), byte(u))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = append(b, 0xF1, byte(v), byte(v>>8))
			case v >= -1<<23 && v < 1<<23:
				b = append(b, 0xF2, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = binary.LittleEndian.AppendUint32(append(b, 0xF3), uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(append(b, 0xF4), uint64(v))
			}
		} else {
			switch n := len(s); {
			case n < 64:
				b = append(b, 0x80|byte(n))
			case n < 4096:
				b = append(b, 0xE0|byte(n>>8), byte(n))
			default:
				b = binary.LittleEndian.AppendUint32(append(b, 0xF0), uint32(n))
			}
			b = append(b, s...)
		}
		l := len(b) - start
		bl := make([]byte, backlenSize(l))
		for i := len(bl) - 1; i >= 0; i-- {
			bl[i] = byte(l & 127)
			if i != 0 {
				bl[i] |= 128
			}
			l >>= 7
		}
		b = append(b, bl...)
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(min(len(elems), 0xFFFF)))
	return b
}

// buildZiplist encodes elements as Redis's ziplistPush would.
func buildZiplist(elems []string) []byte {
	b := make([]byte, 10)
	prev, tail := 0, 10
	for _, s := range elems {
		tail = len(b)
		start := len(b)
		if prev < 254 {
			b = append(b, byte(prev))
		} else {
			b = binary.LittleEndian.AppendUint32(append(b, 254), uint32(prev))
		}
		if v, ok := compactInt(s); ok && len(s) <= 32 {
			switch {
			case v >= 0 && v <= 12:
				b = append(b, 0xF1+byte(v))
			case v >= math.MinInt8 && v <= math.MaxInt8:
				b = append(b, 0xFE, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = append(b, 0xC0, byte(v), byte(v>>8))
			case v >= -1<<23 && v < 1<<23:
				b = append(b, 0xF0, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = binary.LittleEndian.AppendUint32(append(b, 0xD0), uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(append(b, 0xE0), uint64(v))
			}
		} else {
			switch n := len(s); {
			case n < 64:
				b = append(b, byte(n))
			case n < 16384:
				b = append(b, 0x40|byte(n>>8), byte(n))
			default:
				b = binary.BigEndian.AppendUint32(append(b, 0x80), uint32(n))
			}
			b = append(b, s...)
		}
		prev = len(b) - start
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(tail))
	binary.LittleEndian.PutUint16(b[8:], uint16(min(len(elems), 0xFFFF)))
	return b
}

// buildIntset encodes sorted distinct values with the narrowest width.
func buildIntset(vals []int64) []byte {
	w := 2
	for _, v := range vals {
		if v < math.MinInt32 || v > math.MaxInt32 {
			w = 8
		} else if (v < math.MinInt16 || v > math.MaxInt16) && w < 4 {
			w = 4
		}
	}
	b := binary.LittleEndian.AppendUint32(nil, uint32(w))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vals)))
	for _, v := range vals {
		switch w {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

// buildZipmap encodes field/value pairs, with free bytes after values.
func buildZipmap(pairs []Field, free int) []byte {
	b := []byte{byte(min(len(pairs), 254))}
	zlen := func(n int) {
		if n < 254 {
			b = append(b, byte(n))
		} else {
			b = binary.LittleEndian.AppendUint32(append(b, 254), uint32(n))
		}
	}
	for _, p := range pairs {
		zlen(len(p.Name))
		b = append(b, p.Name...)
		zlen(len(p.Value))
		b = append(b, byte(free))
		b = append(b, p.Value...)
		b = append(b, make([]byte, free)...)
	}
	return append(b, 0xFF)
}

// isCorrupt asserts err is a *CorruptError unwrapping to ErrCorrupt.
func isCorrupt(t testing.TB, err error) *CorruptError {
	t.Helper()
	var ce *CorruptError
	require.Error(t, err)
	require.True(t, errors.As(err, &ce), "want *CorruptError, got %T: %v", err, err)
	require.ErrorIs(t, err, ErrCorrupt)
	return ce
}
