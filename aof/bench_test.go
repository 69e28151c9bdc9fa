package aof

import (
	"strings"
	"testing"

	"github.com/kevydb/kevy/resp"
)

// BenchmarkCommit measures Commit on real files: records of a 16-byte key
// and a 100-byte value, 1 or 64 per Commit, under each fsync policy. Under
// everysec a concurrent syncer is not running: the number is the shard's
// cost alone.
func BenchmarkCommit(b *testing.B) {
	value := strings.Repeat("v", 100)
	for _, policy := range []FsyncPolicy{FsyncNo, FsyncEverySec, FsyncAlways} {
		for _, batch := range []int{1, 64} {
			b.Run(policy.String()+"/batch="+itoaBench(batch), func(b *testing.B) {
				l, err := Open(b.TempDir(), Options{Fsync: policy, Logger: quiet})
				if err != nil {
					b.Fatal(err)
				}
				defer l.Close()
				if _, err := l.Replay(func([]string) error { return nil }); err != nil {
					b.Fatal(err)
				}
				rec := resp.AppendCommand(nil, "SET", "key:0000000000001", value)
				b.SetBytes(int64(len(rec) * batch))
				b.ReportAllocs()
				for b.Loop() {
					buf := l.Buffer()
					for range batch {
						*buf = resp.AppendCommand(*buf, "SET", "key:0000000000001", value)
					}
					if err := l.Commit(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func itoaBench(n int) string {
	if n == 1 {
		return "1"
	}
	return "64"
}

// BenchmarkReplay measures Replay of an incr file of 10,000 records.
func BenchmarkReplay(b *testing.B) {
	dir := b.TempDir()
	l, err := Open(dir, Options{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Replay(func([]string) error { return nil }); err != nil {
		b.Fatal(err)
	}
	value := strings.Repeat("v", 100)
	for range 10_000 {
		l.AppendCommand("SET", "key:0000000000001", value)
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(l.Size())
	b.ReportAllocs()
	for b.Loop() {
		l, err := Open(dir, Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.Replay(func([]string) error { return nil }); err != nil {
			b.Fatal(err)
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
