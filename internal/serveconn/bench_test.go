package serveconn_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// BenchmarkServePipeline measures a client pipelining SET and GET over
// loopback TCP to a served connection, 1 and 16 commands per round trip.
func BenchmarkServePipeline(b *testing.B) {
	for _, depth := range []int{1, 16} {
		b.Run("P"+strconv.Itoa(depth), func(b *testing.B) {
			db := testStore(b)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			go func() {
				for {
					nc, err := l.Accept()
					if err != nil {
						return
					}
					go serveconn.New(nc, db.Conn(), nil).Serve()
				}
			}()
			nc, err := net.Dial("tcp", l.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer nc.Close()
			var req []byte
			for i := range depth {
				if i%2 == 0 {
					req = resp.AppendCommand(req, "SET", "key:"+strconv.Itoa(i), "xxx")
				} else {
					req = resp.AppendCommand(req, "GET", "key:"+strconv.Itoa(i-1))
				}
			}
			rd := resp.NewReader(nc, resp.ReaderOptions{})
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n += depth {
				if _, err := nc.Write(req); err != nil {
					b.Fatal(err)
				}
				for range depth {
					if _, err := rd.ReadReply(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
