package resp

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stutterReader returns its input a few bytes at a time, with a timeout
// error (os.ErrDeadlineExceeded) before every chunk, as a socket read with
// a deadline does when the data is late.
type stutterReader struct {
	data  []byte
	chunk int
	late  bool
}

func (s *stutterReader) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	if s.late = !s.late; s.late {
		return 0, os.ErrDeadlineExceeded
	}
	n := copy(p[:min(len(p), s.chunk)], s.data)
	s.data = s.data[n:]
	return n, nil
}

// readResuming reads commands as readAll does, retrying after each
// temporary error, and counts the retries.
func readResuming(rd *Reader) (cmds [][]string, err error, off int64, retries int) {
	for {
		argv, err := rd.ReadCommand()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			retries++
			continue
		}
		if err != nil {
			return cmds, err, rd.Offset(), retries
		}
		cmds = append(cmds, argv)
	}
}

// TestReaderResumesAfterTimeout: a timeout at any point of a command is
// returned, not kept, and the command resumes where it stopped; the result
// and the offsets are those of an uninterrupted read, with or without
// BigArg allocations.
func TestReaderResumesAfterTimeout(t *testing.T) {
	cmds := [][]string{{"SET", "key", "value"}, {"PING"}, {"SET", strings.Repeat("k", 40), strings.Repeat("v", 300)},
		{"MSET", "a", strings.Repeat("1", 64), "b", strings.Repeat("2", 65), "c", ""}, {"GET", "x\r\ny"}}
	var stream []byte
	for _, c := range cmds {
		stream = AppendCommand(stream, c...)
	}
	stream = append(stream, "PING\r\n"...)
	want := append(cmds, []string{"PING"})
	for _, opts := range []ReaderOptions{{}, {Strict: false, BigArg: 64}, {BigArg: 1}} {
		for _, chunk := range []int{1, 2, 7, 64, 1 << 20} {
			rd := NewReader(&stutterReader{data: stream, chunk: chunk}, opts)
			got, err, off, retries := readResuming(rd)
			require.ErrorIs(t, err, io.EOF, "opts %+v chunk %d", opts, chunk)
			assert.Equal(t, want, got, "opts %+v chunk %d", opts, chunk)
			assert.Equal(t, int64(len(stream)), off)
			assert.Equal(t, int64(len(stream)), rd.InputOffset())
			assert.Positive(t, retries)
		}
	}
	// Strict (AOF) reading resumes too.
	rd := NewReader(&stutterReader{data: AppendCommand(nil, "SET", "k", strings.Repeat("v", 100)), chunk: 3},
		ReaderOptions{Strict: true, BigArg: 10})
	got, err, _, _ := readResuming(rd)
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, [][]string{{"SET", "k", strings.Repeat("v", 100)}}, got)
}

// A reply cannot resume: a timeout in its middle stays the Reader's error.
func TestReadReplyTimeoutIsKept(t *testing.T) {
	rd := NewReader(&stutterReader{data: []byte("*2\r\n$1\r\na\r\n$1\r\nb\r\n"), chunk: 5}, ReaderOptions{})
	var err error
	for range 10 {
		if _, err = rd.ReadReply(); !errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
	}
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded) // the first fill is clean, the next ones keep it
}

func TestReaderUnauthenticatedLimits(t *testing.T) {
	tests := []struct{ in, err string }{
		{"*10\r\n", ""},
		{"*11\r\n", "Protocol error: unauthenticated multibulk length"},
		{"*2147483648\r\n", "Protocol error: invalid multibulk length"}, // the general check comes first
		{"*1\r\n$16384\r\n", ""},
		{"*1\r\n$16385\r\n", "Protocol error: unauthenticated bulk length"},
		{"*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"},
		{"GET " + strings.Repeat("x", 20000) + "\r\n", ""}, // Redis has no such limit for inline commands
	}
	for _, tt := range tests {
		t.Run(tt.in[:min(len(tt.in), 20)], func(t *testing.T) {
			rd := NewReader(strings.NewReader(tt.in), ReaderOptions{})
			rd.SetUnauthenticated(true)
			_, err := rd.ReadArgs()
			if tt.err == "" {
				if err != nil {
					assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				}
				return
			}
			assert.EqualError(t, err, tt.err)
		})
	}
	// Turned off, the limits go.
	rd := NewReader(strings.NewReader("*11\r\n"+strings.Repeat("$1\r\na\r\n", 11)), ReaderOptions{})
	rd.SetUnauthenticated(true)
	rd.SetUnauthenticated(false)
	args, err := rd.ReadArgs()
	require.NoError(t, err)
	assert.Len(t, args, 11)
}

// TestReaderBigArg: a large bulk arriving in pieces is read into one
// allocation of its exact size, the buffer stays small, and ReadStrings
// hands the allocation over without a copy.
func TestReaderBigArg(t *testing.T) {
	const size = 8 << 20
	val := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	stream := AppendCommandBytes(nil, []byte("SET"), []byte("k"), val)
	stream = AppendCommand(stream, "GET", "k")
	rd := NewReader(&stutterReader{data: stream, chunk: 64 << 10}, ReaderOptions{BigArg: 32 << 10})

	var reserved []int
	rd.opt.Reserve = func(n int) error { reserved = append(reserved, n); return nil }
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var argv []string
	var err error
	for {
		argv, err = rd.ReadStrings(argv[:0])
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		assert.LessOrEqual(t, rd.Held(), int64(size+64<<10))
	}
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Len(t, argv, 3)
	assert.Equal(t, string(val), argv[2])
	assert.Equal(t, []int{size}, reserved)
	assert.LessOrEqual(t, cap(rd.buf), 64<<10, "the buffer does not grow for a big argument")
	// One allocation of the value's size, plus small change: no doubling,
	// no copy into a string.
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(size+size/4))
	assert.Equal(t, unsafe.Pointer(unsafe.StringData(argv[2])), unsafe.Pointer(unsafe.SliceData(rd.bigs[0])))

	argv, err = rd.ReadStrings(argv[:0])
	for errors.Is(err, os.ErrDeadlineExceeded) {
		argv, err = rd.ReadStrings(argv[:0])
	}
	require.NoError(t, err)
	assert.Equal(t, []string{"GET", "k"}, argv)
	assert.Empty(t, rd.bigs, "the Reader forgets a handed-over argument")
	assert.Equal(t, int64(len(stream)), rd.InputOffset())

	// A bulk already buffered whole is not moved.
	rd = NewReader(bytes.NewReader(AppendCommand(nil, "SET", "k", strings.Repeat("x", 100))), ReaderOptions{BigArg: 10})
	_, err = rd.ReadArgs()
	require.NoError(t, err)
	assert.Empty(t, rd.bigs)
}

func TestReaderReserveRefuses(t *testing.T) {
	boom := errors.New("too much")
	in := "*2\r\n$3\r\nGET\r\n$100\r\n" + strings.Repeat("x", 10)
	rd := NewReader(strings.NewReader(in), ReaderOptions{BigArg: 50, Reserve: func(n int) error {
		assert.Equal(t, 100, n)
		return boom
	}})
	_, err := rd.ReadArgs()
	assert.ErrorIs(t, err, boom)
	_, err = rd.ReadArgs()
	assert.ErrorIs(t, err, boom, "the Reader stops there")
	assert.Zero(t, rd.Held()-int64(rd.Buffered()))
}

// A BigArg bulk torn by the end of input is reported as torn, with the
// command's offset.
func TestReaderBigArgTorn(t *testing.T) {
	in := "PING\r\n*2\r\n$3\r\nGET\r\n$100\r\n" + strings.Repeat("x", 60)
	for _, strict := range []bool{false, true} {
		if strict {
			in = "*1\r\n$4\r\nPING\r\n" + in[6:]
		}
		rd := NewReader(strings.NewReader(in), ReaderOptions{BigArg: 50, Strict: strict})
		_, err := rd.ReadArgs()
		require.NoError(t, err)
		_, err = rd.ReadArgs()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, int64(len(in)-len(in[strings.Index(in, "*2"):])), rd.Offset())
	}
}
