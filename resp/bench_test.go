package resp

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"
)

func benchStream(n int, args ...string) []byte {
	var b []byte
	for range n {
		b = AppendCommand(b, args...)
	}
	return b
}

// benchRead parses a pipeline of 1000 commands per iteration with read.
func benchRead(b *testing.B, stream []byte, read func(*Reader) error) {
	br := bytes.NewReader(stream)
	rd := NewReader(br, ReaderOptions{})
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(stream)
		rd.Reset(br)
		for read(rd) == nil {
		}
	}
}

// readShared is the alternative to ReadCommand measured here: one string
// holds the whole command and the arguments are substrings of it. It
// allocates less, but any argument kept (a key in the keyspace) pins the
// whole command's memory, so ReadCommand copies each argument instead.
func readShared(rd *Reader) ([]string, error) {
	args, err := rd.ReadArgs()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, a := range args {
		n += len(a)
	}
	all := make([]byte, 0, n)
	for _, a := range args {
		all = append(all, a...)
	}
	s := unsafe.String(unsafe.SliceData(all), len(all))
	argv := make([]string, len(args))
	off := 0
	for i, a := range args {
		argv[i] = s[off : off+len(a)]
		off += len(a)
	}
	return argv, nil
}

func BenchmarkReader(b *testing.B) {
	streams := []struct {
		name   string
		stream []byte
	}{
		{"set-small", benchStream(1000, "SET", "key:000123", "value-0123456789")},
		{"mset-20", benchStream(1000, append([]string{"MSET"}, strings.Fields(strings.Repeat("k v ", 20))...)...)},
		{"set-16KB", benchStream(100, "SET", "key", strings.Repeat("v", 16<<10))},
		{"inline", bytes.Repeat([]byte("SET key:000123 \"value 0123456789\"\r\n"), 1000)},
	}
	for _, s := range streams {
		b.Run(s.name+"/ReadArgs", func(b *testing.B) {
			benchRead(b, s.stream, func(rd *Reader) error { _, err := rd.ReadArgs(); return err })
		})
		b.Run(s.name+"/ReadCommand", func(b *testing.B) {
			benchRead(b, s.stream, func(rd *Reader) error { _, err := rd.ReadCommand(); return err })
		})
		b.Run(s.name+"/shared-string", func(b *testing.B) {
			benchRead(b, s.stream, func(rd *Reader) error { _, err := readShared(rd); return err })
		})
	}
}

func BenchmarkReadReply(b *testing.B) {
	elems := make([]Reply, 10)
	for i := range elems {
		elems[i] = BulkReply("value-0123456789")
	}
	stream := bytes.Repeat(AppendReply(nil, ArrayReply(elems)), 100)
	benchRead(b, stream, func(rd *Reader) error { _, err := rd.ReadReply(); return err })
}

func BenchmarkAppendCommand(b *testing.B) {
	args := []string{"SET", "key:000123", "value-0123456789"}
	buf := make([]byte, 0, 256)
	b.SetBytes(int64(CommandSize(args...)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendCommand(buf[:0], args...)
	}
}

func BenchmarkAppendReply(b *testing.B) {
	elems := make([]Reply, 10)
	for i := range elems {
		elems[i] = BulkReply("value-0123456789")
	}
	r := ArrayReply(elems)
	buf := make([]byte, 0, 1024)
	b.SetBytes(int64(len(AppendReply(nil, r))))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendReply(buf[:0], r)
	}
}
