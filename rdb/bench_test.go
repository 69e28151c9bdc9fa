package rdb

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// smallStrings returns n keys "key:<i>" holding short values, a third of
// them integers (as a cache or counter workload would).
func smallStrings(n int) []*Entry {
	es := make([]*Entry, n)
	for i := range es {
		v := "value-" + strconv.Itoa(i*31)
		if i%3 == 0 {
			v = strconv.Itoa(i)
		}
		es[i] = &Entry{Key: "key:" + strconv.Itoa(i), Type: TypeString, Str: v}
	}
	return es
}

func BenchmarkEncode100kStrings(b *testing.B) {
	es := smallStrings(100_000)
	size := len(writeAll(b, WriterOptions{}, es))
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard, WriterOptions{})
		for _, e := range es {
			if err := w.WriteStringKey(e.Key, e.Str, 0); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode100kStrings(b *testing.B) {
	data := writeAll(b, WriterOptions{}, smallStrings(100_000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data))
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal(n)
		}
	}
}

func BenchmarkDecodeCollections(b *testing.B) {
	data := writeAll(b, WriterOptions{}, sampleEntries(10_000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := readAll(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadMillionKeys measures decoding 1M keys from a file (set
// KEVY_RDB_1M=1; it is skipped otherwise and under -short).
func TestLoadMillionKeys(t *testing.T) {
	if os.Getenv("KEVY_RDB_1M") != "1" || testing.Short() {
		t.Skip("set KEVY_RDB_1M=1 to measure loading 1M keys")
	}
	path := t.TempDir() + "/1m.rdb"
	f, err := os.Create(path)
	require.NoError(t, err)
	start := time.Now()
	w := NewWriter(f, WriterOptions{})
	for i := 0; i < 1_000_000; i++ {
		require.NoError(t, w.WriteStringKey("key:"+strconv.Itoa(i), "value-"+strconv.Itoa(i), 0))
	}
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	t.Logf("wrote %d bytes in %v", w.Written(), time.Since(start))

	f, err = os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	start = time.Now()
	r := NewReader(f)
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 1_000_000, n)
	t.Logf("decoded %d keys in %v", n, time.Since(start))
}
