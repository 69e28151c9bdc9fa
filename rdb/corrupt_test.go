package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallFiles are complete files of several versions and encodings.
func smallFiles(t *testing.T) map[string][]byte {
	v4, _ := legacyFile(4, false)
	v10, _ := legacyFile(10, false)
	return map[string][]byte{
		"writer": writeAll(t, writerSampleOpts, writerSample()),
		"v4":     v4,
		"v10":    v10,
	}
}

func TestTruncatedAtEveryOffset(t *testing.T) {
	for name, data := range smallFiles(t) {
		t.Run(name, func(t *testing.T) {
			for n := 0; n < len(data); n++ {
				_, _, err := readAll(data[:n])
				ce := isCorrupt(t, err)
				require.ErrorIs(t, err, io.ErrUnexpectedEOF, "prefix %d: %v", n, err)
				require.Equal(t, int64(n), ce.Offset, "prefix %d", n)
				require.Contains(t, err.Error(), "truncated")
			}
		})
	}
}

func TestFlippedByte(t *testing.T) {
	data := writeAll(t, writerSampleOpts, writerSample())
	checksums := 0
	for i := 0; i < len(data); i++ {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(data)
			bad[i] ^= bit
			_, _, err := readAll(bad)
			require.Error(t, err, "byte %d ^ %#x decoded", i, bit)
			if i < 9 || errors.Is(err, ErrUnsupported) {
				continue // bad magic or version; a type byte turned into a stream's
			}
			ce := isCorrupt(t, err)
			if errors.Is(err, ErrChecksum) {
				checksums++
				// At the trailer, or earlier when the flip made an EOF opcode.
				assert.LessOrEqual(t, ce.Offset, int64(len(data)-8))
				if ce.Offset != int64(len(data)-8) {
					assert.Equal(t, byte(opEOF), bad[ce.Offset-1])
				}
			} else {
				assert.LessOrEqual(t, ce.Offset, int64(len(data)))
			}
		}
	}
	assert.Greater(t, checksums, len(data), "most flips only show in the checksum")
}

func TestChecksumZeroMeansDisabled(t *testing.T) {
	data := writeAll(t, writerSampleOpts, writerSample())
	binary.LittleEndian.PutUint64(data[len(data)-8:], 0)
	assert.Equal(t, writerSample(), mustReadAll(t, data))
}

func TestCorruptAndUnsupported(t *testing.T) {
	hdr := func() *rawFile { return newRawFile(10).byte(opSelectDB, 0) }
	lp := buildListpack([]string{"a", "1", "b", "2"})
	badCount := bytes.Clone(lp)
	badCount[4] = 3
	badBacklen := bytes.Clone(lp)
	badBacklen[8] = 9 // backlen of "a"
	zl := buildZiplist([]string{"a", "b"})
	badPrev := bytes.Clone(zl)
	badPrev[13] = 7 // prevlen of "b"
	badTail := bytes.Clone(zl)
	badTail[4] = 11
	cases := []struct {
		name        string
		data        []byte
		want        string // substring of the error
		unsupported bool
	}{
		{"empty file", nil, "truncated at offset 0", false},
		{"bad magic", []byte("RADIS0010\xff"), "not an RDB file", false},
		{"bad version", []byte("REDIS00x0\xff"), "bad version", false},
		{"version 0", []byte("REDIS0000\xff"), "bad version", false},
		{"version 11", []byte("REDIS0011\xff"), "RDB version 11", true},
		{"length 0x82", hdr().byte(typeList).str("k").byte(0x82).end(10), "unknown length encoding 0x82", false},
		{"string encoding 4", hdr().byte(typeString).str("k").byte(0xC4).end(10), "unknown string encoding 4", false},
		{"type 8", hdr().byte(8).str("k").end(10), "unknown opcode or value type 8", false},
		{"type 200", hdr().byte(200).str("k").end(10), "unknown opcode or value type 200", false},
		{"type 24", hdr().byte(24).str("k").end(10), "hash with field expiries (type 24", true},
		{"stream", hdr().byte(typeStreamListpacks).str("events").end(10), `stream value (type 15) for key "events"`, true},
		{"stream 2", hdr().byte(typeStream2).str("s").end(10), "stream value (type 19)", true},
		{"module", hdr().byte(typeModule2).str("m").end(10), "module value (type 7)", true},
		{"set listpack", hdr().byte(typeSetListpack).str("s").end(10), "listpack set (type 20", true},
		{"module aux", hdr().byte(opModuleAux).end(10), "module aux data", true},
		{"function", newRawFile(10).byte(opFunction2).str("#!lua name=x").end(10), "function library (opcode 245)", true},
		{"NaN score", hdr().byte(typeZSet2).str("z").len(1).str("m").byte(0, 0, 0, 0, 0, 0, 0xf8, 0x7f).end(10), "NaN score", false},
		{"NaN text score", hdr().byte(typeZSet).str("z").len(1).str("m").byte(253).end(10), "NaN score", false},
		{"bad text score", hdr().byte(typeZSet).str("z").len(1).str("m").byte(2, 'x', 'y').end(10), `bad score "xy"`, false},
		{"dup set member", hdr().byte(typeSet).str("s").len(2).str("a").str("a").end(10), `duplicate set member "a"`, false},
		{"dup hash field", hdr().byte(typeHash).str("h").len(2).str("f").str("1").str("f").str("2").end(10), `duplicate hash field "f"`, false},
		{"dup zset member", hdr().byte(typeZSet2).str("z").len(2).str("m").byte(0, 0, 0, 0, 0, 0, 0, 0).str("m").byte(0, 0, 0, 0, 0, 0, 0, 0).end(10), "duplicate zset member", false},
		{"dup listpack field", hdr().byte(typeHashListpack).str("h").blob(buildListpack([]string{"f", "1", "f", "2"})).end(10), `duplicate hash field "f"`, false},
		{"odd listpack pairs", hdr().byte(typeHashListpack).str("h").blob(buildListpack([]string{"f", "1", "g"})).end(10), "odd number", false},
		{"listpack count", hdr().byte(typeHashListpack).str("h").blob(badCount).end(10), "header says 3 elements, found 4", false},
		{"listpack backlen", hdr().byte(typeHashListpack).str("h").blob(badBacklen).end(10), "bad back-length", false},
		{"listpack size", hdr().byte(typeHashListpack).str("h").blob(lp[:len(lp)-1]).end(10), "listpack header says", false},
		{"listpack encoding", hdr().byte(typeHashListpack).str("h").blob([]byte{8, 0, 0, 0, 1, 0, 0xF7, 0xFF}).end(10), "invalid encoding 0xf7", false},
		{"listpack overrun", hdr().byte(typeHashListpack).str("h").blob([]byte{9, 0, 0, 0, 1, 0, 0x85, 'a', 0xFF}).end(10), "runs past the end", false},
		{"ziplist prevlen", hdr().byte(typeListZiplist).str("l").blob(badPrev).end(10), "prevlen 7", false},
		{"ziplist tail", hdr().byte(typeListZiplist).str("l").blob(badTail).end(10), "tail offset 11", false},
		{"ziplist encoding", hdr().byte(typeListZiplist).str("l").blob([]byte{13, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0xC1, 0xFF}).end(10), "invalid encoding 0xc1", false},
		{"intset order", hdr().byte(typeSetIntset).str("s").blob(buildIntset([]int64{2, 1})).end(10), "not above", false},
		{"intset dup", hdr().byte(typeSetIntset).str("s").blob(buildIntset([]int64{2, 2})).end(10), "not above", false},
		{"intset empty", hdr().byte(typeSetIntset).str("s").blob(buildIntset(nil)).end(10), "empty intset", false},
		{"intset width", hdr().byte(typeSetIntset).str("s").blob([]byte{3, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3}).end(10), "invalid encoding 3", false},
		{"intset size", hdr().byte(typeSetIntset).str("s").blob(buildIntset([]int64{1, 2})[:11]).end(10), "cannot be 11 bytes", false},
		{"zipmap count", hdr().byte(typeHashZipmap).str("h").blob(append([]byte{3}, buildZipmap([]Field{{"a", "b"}}, 0)[1:]...)).end(10), "header says 3 entries", false},
		{"zipmap dup", hdr().byte(typeHashZipmap).str("h").blob(buildZipmap([]Field{{"a", "b"}, {"a", "c"}}, 0)).end(10), "duplicate hash field", false},
		{"zipmap free overrun", hdr().byte(typeHashZipmap).str("h").blob(buildZipmap([]Field{{"a", "b"}}, 0)[:5]).end(10), "lacks its terminator", false},
		{"quicklist container", hdr().byte(typeListQuicklist2).str("l").len(1).len(3).str("x").end(10), "unknown container 3", false},
		{"quicklist empty node", hdr().byte(typeListQuicklist2).str("l").len(1).len(containerPacked).str("").end(10), "node 0 is empty", false},
		{"quicklist bad listpack", hdr().byte(typeListQuicklist2).str("l").len(1).len(containerPacked).str("garbage").end(10), "quicklist node 0", false},
		{"lzf expansion", hdr().byte(typeString).str("k").byte(0xC3).len(2).len(1<<20).byte(0, 'a').end(10), "cannot expand", false},
		{"lzf data", hdr().byte(typeString).str("k").byte(0xC3).len(2).len(3).byte(0, 'a').end(10), "lzf:", false},
		{"huge db", newRawFile(10).byte(opSelectDB).len(1 << 40).end(10), "database number", false},
		{"idle as encoding", hdr().byte(opIdle, 0xC0, 1).end(10), "string encoding where a length", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := readAll(c.data)
			require.Error(t, err)
			assert.ErrorContains(t, err, c.want)
			if c.unsupported {
				var ue *UnsupportedError
				assert.ErrorAs(t, err, &ue)
				assert.ErrorIs(t, err, ErrUnsupported)
				assert.NotErrorIs(t, err, ErrCorrupt)
			} else {
				isCorrupt(t, err)
			}
		})
	}
}

func TestHugeLengthsDoNotAllocate(t *testing.T) {
	cases := map[string][]byte{
		"string": newRawFile(10).byte(opSelectDB, 0, typeString).str("k").len(1 << 40).byte('x').b,
		"list":   newRawFile(10).byte(opSelectDB, 0, typeList).str("k").len(1 << 60).str("x").b,
		"lzf":    newRawFile(10).byte(opSelectDB, 0, typeString).str("k").byte(0xC3).len(1 << 40).len(1 << 41).b,
		"blob":   newRawFile(10).byte(opSelectDB, 0, typeHashListpack).str("k").len(1<<33).byte(1, 2, 3).b,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(5, func() {
				_, _, err := readAll(data)
				require.ErrorIs(t, err, ErrCorrupt)
			})
			assert.Less(t, allocs, 40.0)
		})
	}
}

type errAfter struct {
	r   io.Reader
	n   int
	err error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, e.err
	}
	p = p[:min(len(p), e.n)]
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

func TestReadErrorIsNotCorruption(t *testing.T) {
	data := writeAll(t, writerSampleOpts, writerSample())
	r := NewReader(&errAfter{r: bytes.NewReader(data), n: 40, err: errors.New("disk on fire")})
	var err error
	for err == nil {
		_, err = r.Next()
	}
	assert.ErrorContains(t, err, "disk on fire")
	assert.NotErrorIs(t, err, ErrCorrupt)
	_, err2 := r.Next()
	assert.Equal(t, err, err2, "sticky")
}

func TestOneByteReads(t *testing.T) {
	for name, data := range smallFiles(t) {
		got := mustReadAll(t, data)
		var slow []*Entry
		r := NewReader(&oneByte{data})
		for {
			e, err := r.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, name)
			slow = append(slow, e)
		}
		assert.Equal(t, got, slow, name)
	}
}

type oneByte struct{ b []byte }

func (o *oneByte) Read(p []byte) (int, error) {
	if len(o.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = o.b[0]
	o.b = o.b[1:]
	return 1, nil
}

func TestErrorMessages(t *testing.T) {
	ce := &CorruptError{Offset: 42, Err: errors.New("boom")}
	assert.Equal(t, "rdb: corrupt file at offset 42: boom", ce.Error())
	assert.Equal(t, "rdb: file truncated at offset 7", (&CorruptError{Offset: 7, Err: io.ErrUnexpectedEOF}).Error())
	ue := &UnsupportedError{Offset: 3, What: "stream value (type 15)"}
	assert.Equal(t, "rdb: unsupported stream value (type 15) at offset 3", ue.Error())
	assert.True(t, strings.HasPrefix(ErrChecksum.Error(), "rdb: "))
}

func TestWithPath(t *testing.T) {
	ce := &CorruptError{Offset: 42, Err: errors.New("boom")}
	err := WithPath(ce, "/d/base.rdb")
	assert.Equal(t, "/d/base.rdb", ce.Path)
	assert.Equal(t, "rdb: corrupt /d/base.rdb at offset 42: boom", err.Error())
	wrapped := &CorruptError{Offset: 1, Err: errors.New("x")}
	WithPath(fmt.Errorf("load: %w", wrapped), "/d/f")
	assert.Equal(t, "/d/f", wrapped.Path, "found in the chain")
	assert.Equal(t, "rdb: /d/base.rdb truncated at offset 7", (&CorruptError{Path: "/d/base.rdb", Offset: 7, Err: io.ErrUnexpectedEOF}).Error())
	WithPath(ce, "/other")
	assert.Equal(t, "/d/base.rdb", ce.Path, "a path already set stays")
	ue := &UnsupportedError{Offset: 9, What: "stream value (type 15)"}
	WithPath(ue, "/d/dump.rdb")
	assert.Equal(t, "rdb: /d/dump.rdb: unsupported stream value (type 15) at offset 9", ue.Error())
	plain := errors.New("plain")
	assert.Equal(t, plain, WithPath(plain, "/x"))
}
