package resp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads commands until an error and returns them with that error
// and the Reader's Offset at that point.
func readAll(rd *Reader) ([][]string, error, int64) {
	var cmds [][]string
	for {
		argv, err := rd.ReadCommand()
		if err != nil {
			return cmds, err, rd.Offset()
		}
		cmds = append(cmds, argv)
	}
}

func TestReaderCommands(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		strict bool
		want   [][]string
		err    string // "" io.EOF; "torn" io.ErrUnexpectedEOF; else the ProtocolError text
		offset int64  // Offset when the error is returned
	}{
		{name: "empty", in: "", offset: 0},
		{name: "one", in: "*1\r\n$4\r\nPING\r\n", want: [][]string{{"PING"}}, offset: 14},
		{name: "two", in: "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n",
			want: [][]string{{"GET", "k"}, {"PING"}}, offset: 34},
		{name: "binary", in: "*1\r\n$4\r\n\r\n\x00\xff\r\n", want: [][]string{{"\r\n\x00\xff"}}, offset: 14},
		{name: "empty bulk", in: "*2\r\n$0\r\n\r\n$0\r\n\r\n", want: [][]string{{"", ""}}, offset: 16},
		{name: "zero and negative counts skipped", in: "*0\r\n*-1\r\n*-5\r\n*1\r\n$1\r\na\r\n",
			want: [][]string{{"a"}}, offset: 25},
		{name: "inline", in: "SET a \"b c\"\r\nping\nGET 'x y'\r\n",
			want: [][]string{{"SET", "a", "b c"}, {"ping"}, {"GET", "x y"}}, offset: 29},
		{name: "blank inline lines skipped", in: "\r\n\n  \r\nPING\r\n", want: [][]string{{"PING"}}, offset: 13},
		{name: "mixed", in: "PING\r\n*1\r\n$4\r\nPING\r\nECHO x\n", want: [][]string{{"PING"}, {"PING"}, {"ECHO", "x"}}, offset: 27},
		{name: "redis skips bytes after bulk", in: "*1\r\n$3\r\nfooXY*1\r\n$1\r\na\r\n",
			want: [][]string{{"foo"}, {"a"}}, offset: 24},
		{name: "redis skips the byte after CR", in: "*1\rX$1\rYaZZ", want: [][]string{{"a"}}, offset: 11},

		{name: "torn count", in: "*1\r\n$4\r\nPING\r\n*2", want: [][]string{{"PING"}}, err: "torn", offset: 14},
		{name: "torn after CR", in: "*1\r", err: "torn", offset: 0},
		{name: "torn bulk", in: "*1\r\n$4\r\nPI", err: "torn", offset: 0},
		{name: "torn CRLF", in: "*1\r\n$4\r\nPING\r", err: "torn", offset: 0},
		{name: "torn inline", in: "PING\r\nSET a", want: [][]string{{"PING"}}, err: "torn", offset: 6},

		{name: "bad count", in: "*x\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "empty count", in: "*\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "count leading zero", in: "*01\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "count plus", in: "*+1\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "count too big", in: "*2147483648\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "count overflow", in: "*99999999999999999999\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "expected dollar", in: "*1\r\n:1\r\n", err: "Protocol error: expected '$', got ':'"},
		{name: "expected dollar CR", in: "*1\r\n\r\n", err: "Protocol error: expected '$', got ' '"},
		{name: "expected dollar NUL", in: "*1\r\n\x00\r\n", err: "Protocol error: expected '$', got '"},
		{name: "bad bulk len", in: "*1\r\n$x\r\n", err: "Protocol error: invalid bulk length"},
		{name: "negative bulk len", in: "*1\r\n$-1\r\n", err: "Protocol error: invalid bulk length"},
		{name: "bulk too big", in: "*1\r\n$536870913\r\n", err: "Protocol error: invalid bulk length"},
		{name: "second command bad", in: "*1\r\n$1\r\na\r\n*1\r\n$z\r\n", want: [][]string{{"a"}},
			err: "Protocol error: invalid bulk length", offset: 11},
		{name: "unbalanced", in: "SET \"a\r\n", err: "Protocol error: unbalanced quotes in request"},
		{name: "inline too big", in: strings.Repeat("a", 64*1024+1), err: "Protocol error: too big inline request"},
		{name: "count too long", in: "*" + strings.Repeat("1", 64*1024), err: "Protocol error: too big mbulk count string"},
		{name: "bulk count too long", in: "*1\r\n$" + strings.Repeat("1", 64*1024), err: "Protocol error: too big bulk count string"},

		{name: "strict ok", strict: true, in: "#TS:123\r\n*1\r\n$1\r\na\r\n#x\n*1\r\n$1\r\nb\r\n",
			want: [][]string{{"a"}, {"b"}}, offset: 34},
		{name: "strict inline", strict: true, in: "PING\r\n", err: "Protocol error: expected '*', got 'P'"},
		{name: "strict zero count", strict: true, in: "*0\r\n", err: "Protocol error: invalid multibulk length"},
		{name: "strict bad CRLF after count", strict: true, in: "*1\rX$1\r\na\r\n", err: "Protocol error: expected CRLF"},
		{name: "strict bad CRLF after len", strict: true, in: "*1\r\n$1\rXa\r\n", err: "Protocol error: expected CRLF"},
		{name: "strict bad CRLF after bulk", strict: true, in: "*1\r\n$1\r\nabc", err: "Protocol error: expected CRLF"},
		{name: "strict torn annotation", strict: true, in: "#TS:1", err: "torn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"whole", "bytewise"} {
				var src io.Reader = strings.NewReader(tt.in)
				if mode == "bytewise" {
					src = iotest.OneByteReader(src)
				}
				rd := NewReader(src, ReaderOptions{Strict: tt.strict})
				cmds, err, off := readAll(rd)
				assert.Equal(t, tt.want, cmds, mode)
				assert.Equal(t, tt.offset, off, mode)
				switch tt.err {
				case "":
					assert.ErrorIs(t, err, io.EOF, mode)
				case "torn":
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF, mode)
				default:
					var pe *ProtocolError
					require.ErrorAs(t, err, &pe, mode)
					assert.Equal(t, tt.err, pe.Error(), mode)
					assert.Equal(t, tt.offset, pe.Offset, mode)
					assert.ErrorIs(t, err, ErrProtocol)
					// The error is sticky.
					_, err2 := rd.ReadArgs()
					assert.Equal(t, err, err2)
				}
			}
		})
	}
}

func TestReaderLimits(t *testing.T) {
	opts := ReaderOptions{MaxBulkLen: 3, MaxMultibulkLen: 2, MaxInlineLen: 8}
	tests := []struct {
		in, err string
	}{
		{"*1\r\n$3\r\nabc\r\n", ""},
		{"*1\r\n$4\r\nabcd\r\n", "Protocol error: invalid bulk length"},
		{"*2\r\n$1\r\na\r\n$1\r\nb\r\n", ""},
		{"*3\r\n", "Protocol error: invalid multibulk length"},
		{"12345678\n", ""},
		{"123456789\n", "Protocol error: too big inline request"},
		{"*1\r\n$00000001", "Protocol error: too big bulk count string"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), opts).ReadArgs()
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.err)
			}
		})
	}
}

// TestReaderTornEverywhere cuts a stream at every byte: the commands wholly
// before the cut come back, then io.EOF exactly at a boundary and
// io.ErrUnexpectedEOF with the torn command's offset elsewhere.
func TestReaderTornEverywhere(t *testing.T) {
	cmds := [][]string{{"SET", "key", "value"}, {"DEL", "a", "b", "c"}, {"PING"}, {"SET", "", "x\r\ny"}}
	var stream []byte
	var starts []int
	for _, c := range cmds {
		starts = append(starts, len(stream))
		stream = AppendCommand(stream, c...)
	}
	starts = append(starts, len(stream))
	for _, strict := range []bool{false, true} {
		for cut := 0; cut <= len(stream); cut++ {
			rd := NewReader(iotest.HalfReader(bytes.NewReader(stream[:cut])), ReaderOptions{Strict: strict})
			got, err, off := readAll(rd)
			whole := 0
			for whole < len(cmds) && starts[whole+1] <= cut {
				whole++
			}
			assert.Equal(t, cmds[:whole], nilIfEmpty(got), "cut %d", cut)
			if starts[whole] == cut {
				assert.ErrorIs(t, err, io.EOF, "cut %d", cut)
			} else {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut %d", cut)
			}
			assert.Equal(t, int64(starts[whole]), off, "cut %d", cut)
			assert.Equal(t, int64(starts[whole]), rd.InputOffset(), "cut %d", cut)
		}
	}
}

func nilIfEmpty(c [][]string) [][]string {
	if len(c) == 0 {
		return [][]string{}
	}
	return c
}

func TestReaderOffsets(t *testing.T) {
	in := "*1\r\n$1\r\na\r\nPING\r\n*0\r\n*1\r\n$2\r\nbb\r\n"
	rd := NewReader(strings.NewReader(in), ReaderOptions{})
	for _, want := range []struct{ start, end int64 }{{0, 11}, {11, 17}, {21, 33}} {
		_, err := rd.ReadArgs()
		require.NoError(t, err)
		assert.Equal(t, want.start, rd.Offset())
		assert.Equal(t, want.end, rd.InputOffset())
	}
	_, err := rd.ReadArgs()
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, int64(len(in)), rd.Offset())
}

// hugeDeclared streams a header that declares a huge bulk and then a few
// bytes, to check the buffer grows with the data and not the declaration.
func TestReaderNoUpfrontAllocation(t *testing.T) {
	in := "*1\r\n$536870000\r\n" + strings.Repeat("x", 100)
	rd := NewReader(strings.NewReader(in), ReaderOptions{})
	_, err := rd.ReadArgs()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.LessOrEqual(t, cap(rd.buf), 64<<10)

	in = "*2147483647\r\n$1\r\na\r\n"
	rd = NewReader(strings.NewReader(in), ReaderOptions{})
	_, err = rd.ReadArgs()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.LessOrEqual(t, cap(rd.spans), 16)
}

func TestReaderLargeBulk(t *testing.T) {
	big := strings.Repeat("0123456789", 300_000)
	var stream []byte
	stream = AppendCommand(stream, "SET", "k", big)
	stream = AppendCommand(stream, "GET", "k")
	rd := NewReader(iotest.HalfReader(bytes.NewReader(stream)), ReaderOptions{})
	got, err, _ := readAll(rd)
	assert.ErrorIs(t, err, io.EOF)
	require.Len(t, got, 2)
	assert.Equal(t, big, got[0][2])
	assert.Equal(t, []string{"GET", "k"}, got[1])
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	rd := NewReader(io.MultiReader(strings.NewReader("*1\r\n$1\r\na\r\n*1\r\n"), iotest.ErrReader(boom)), ReaderOptions{})
	argv, err := rd.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, argv)
	_, err = rd.ReadCommand()
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, int64(11), rd.Offset())
}

func TestReaderReset(t *testing.T) {
	rd := NewReader(strings.NewReader("*1\r\n$1\r\na\r\n"), ReaderOptions{})
	_, err := rd.ReadArgs()
	require.NoError(t, err)
	rd.Reset(strings.NewReader("PING\r\n"))
	argv, err := rd.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"PING"}, argv)
	assert.Equal(t, int64(0), rd.Offset())
	assert.Equal(t, int64(6), rd.InputOffset())
}

func TestReadArgsAllocs(t *testing.T) {
	var stream []byte
	for range 1000 {
		stream = AppendCommand(stream, "SET", "key", "value")
	}
	br := bytes.NewReader(stream)
	rd := NewReader(br, ReaderOptions{})
	allocs := testing.AllocsPerRun(10, func() {
		br.Reset(stream)
		rd.Reset(br)
		for {
			if _, err := rd.ReadArgs(); err != nil {
				break
			}
		}
	})
	assert.Zero(t, allocs)
}
