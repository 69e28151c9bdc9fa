package resp

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addSeeds adds every file under testdata/dir to the corpus.
func addSeeds(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(b)
	}
}

type parsed struct {
	cmds [][]string
	err  string
	off  int64
}

func parseAll(src io.Reader, opts ReaderOptions) parsed {
	cmds, err, off := readAll(NewReader(src, opts))
	return parsed{cmds, err.Error(), off}
}

// FuzzReader feeds arbitrary requests to the Reader: it must not panic,
// must give the same result however the input is chunked, interrupted by
// timeouts or not, with or without BigArg allocations, and every command
// it returns must survive AppendCommand and a second parse.
func FuzzReader(f *testing.F) {
	addSeeds(f, "requests")
	f.Add([]byte("*2\r\n$1\r\na\r\n$1\r\nb\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []ReaderOptions{
			{},
			{Strict: true},
			{MaxBulkLen: 4, MaxMultibulkLen: 3, MaxInlineLen: 8},
		} {
			whole := parseAll(bytes.NewReader(data), opts)
			bytewise := parseAll(iotest.OneByteReader(bytes.NewReader(data)), opts)
			require.Equal(t, whole, bytewise)
			big := opts
			big.BigArg = 2
			cmds, err, off, _ := readResuming(NewReader(&stutterReader{data: data, chunk: 3}, big))
			require.Equal(t, whole, parsed{cmds, err.Error(), off})
			require.LessOrEqual(t, whole.off, int64(len(data)))

			var again []byte
			for _, c := range whole.cmds {
				require.NotEmpty(t, c)
				again = AppendCommand(again, c...)
			}
			for _, strict := range []bool{false, true} {
				re := parseAll(bytes.NewReader(again), ReaderOptions{Strict: strict})
				require.Equal(t, io.EOF.Error(), re.err)
				require.Equal(t, whole.cmds, re.cmds)
			}
		}
	})
}

// buildReply decodes a Reply tree from fuzz bytes.
func buildReply(b []byte, depth int) (Reply, []byte) {
	if len(b) == 0 {
		return BulkReply(""), b
	}
	k, b := b[0], b[1:]
	take := func(max int) string {
		n := 0
		if len(b) > 0 {
			n, b = int(b[0])%max, b[1:]
		}
		n = min(n, len(b))
		s := string(b[:n])
		b = b[n:]
		return s
	}
	switch k % 7 {
	case 0:
		return StatusReply(take(16)), b
	case 1:
		return Err(take(16)), b
	case 2:
		var v [8]byte
		n := copy(v[:], b)
		b = b[n:]
		return IntReply(int64(binary.LittleEndian.Uint64(v[:]))), b
	case 3:
		return BulkReply(take(256)), b
	case 4:
		return NilReply, b
	case 5:
		n := 0
		if len(b) > 0 {
			n, b = int(b[0])%5, b[1:]
		}
		if depth > 10 {
			n = 0
		}
		elems := make([]Reply, 0, n)
		for range n {
			var e Reply
			e, b = buildReply(b, depth+1)
			elems = append(elems, e)
		}
		return ArrayReply(elems), b
	}
	return NilArr, b
}

// normalize returns what r reads back as after encoding: CR and LF in
// status and error text become spaces, an array's elements are never nil,
// and in RESP3 both nulls are Nil.
func normalize(r Reply, resp3 bool) Reply {
	switch r.Kind {
	case Status, Error:
		b := []byte(r.Str)
		for i, c := range b {
			if c == '\r' || c == '\n' {
				b[i] = ' '
			}
		}
		r.Str = string(b)
	case Array:
		elems := make([]Reply, len(r.Elems))
		for i, e := range r.Elems {
			elems[i] = normalize(e, resp3)
		}
		r.Elems = elems
	case NilArray:
		if resp3 {
			return NilReply
		}
	}
	return r
}

func roundTrip(t *testing.T, r Reply, proto int) Reply {
	enc := AppendReplyProto(nil, r, proto)
	rd := NewReader(bytes.NewReader(enc), ReaderOptions{})
	got, err := rd.ReadReply()
	require.NoError(t, err, "%q", enc)
	_, err = rd.ReadReply()
	require.ErrorIs(t, err, io.EOF)
	return got
}

// FuzzReply encodes Reply trees built from fuzz bytes and reads them back,
// in RESP2 and RESP3; it also reads the raw bytes as replies, which must not
// panic and must re-encode to themselves once normalized.
func FuzzReply(f *testing.F) {
	addSeeds(f, "replies")
	f.Add([]byte{5, 3, 0, 2, 'h', 'i', 3, 3, 'a', 'b', 'c', 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, _ := buildReply(data, 0)
		assert.Equal(t, normalize(r, false), roundTrip(t, r, 2))
		assert.Equal(t, normalize(r, true), roundTrip(t, r, 3))

		rd := NewReader(bytes.NewReader(data), ReaderOptions{})
		for {
			got, err := rd.ReadReply()
			if err != nil {
				break
			}
			n := normalize(got, false)
			assert.Equal(t, n, roundTrip(t, got, 2))
		}
	})
}
