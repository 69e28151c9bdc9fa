package serveconn_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// testStore opens an in-memory store closed at the end of the test.
func testStore(t testing.TB) *kevy.Store {
	t.Helper()
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// testStorePass opens an in-memory store whose default user has the
// password pass (requirepass).
func testStorePass(t testing.TB, pass string) *kevy.Store {
	t.Helper()
	db := testStore(t)
	require.Equal(t, resp.OK, db.Exec(context.Background(), "CONFIG", "SET", "requirepass", pass))
	return db
}

// served is one served in-process connection.
type served struct {
	t    testing.TB
	nc   net.Conn
	rd   *resp.Reader
	conn *serveconn.Conn
	done chan struct{} // closed when Serve returned
	err  error         // what Serve returned
}

// serve serves a fresh connection of db with cfg and returns the client
// end; the test waits for the serving goroutine to end.
func serve(t testing.TB, db *kevy.Store, cfg *serveconn.Config) *served {
	t.Helper()
	client, server := serveconn.Pipe()
	c := serveconn.New(server, db.Conn(), cfg)
	s := &served{t: t, nc: client, rd: resp.NewReader(client, resp.ReaderOptions{}), conn: c, done: make(chan struct{})}
	go func() {
		s.err = c.Serve()
		close(s.done)
	}()
	t.Cleanup(func() {
		_ = client.Close()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Errorf("connection not served to its end")
		}
	})
	return s
}

func (s *served) send(args ...string) {
	s.t.Helper()
	_, err := s.nc.Write(resp.AppendCommand(nil, args...))
	require.NoError(s.t, err)
}

func (s *served) sendRaw(b string) {
	s.t.Helper()
	_, err := s.nc.Write([]byte(b))
	require.NoError(s.t, err)
}

func (s *served) read() resp.Reply {
	s.t.Helper()
	require.NoError(s.t, s.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	r, err := s.rd.ReadReply()
	require.NoError(s.t, err)
	return r
}

func (s *served) do(args ...string) resp.Reply {
	s.t.Helper()
	s.send(args...)
	return s.read()
}

// readRaw reads exactly n bytes.
func (s *served) readRaw(n int) string {
	s.t.Helper()
	require.NoError(s.t, s.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, n)
	_, err := io.ReadFull(s.nc, buf)
	require.NoError(s.t, err)
	return string(buf)
}

// waitClosed waits for the server to close the connection, draining what
// it still sends, and returns that.
func (s *served) waitClosed() string {
	s.t.Helper()
	_ = s.nc.SetReadDeadline(time.Now().Add(10 * time.Second)) // fails once the server end closed
	b, err := io.ReadAll(s.nc)
	if err != nil {
		require.ErrorIs(s.t, err, io.ErrClosedPipe)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.t.Fatal("serving goroutine did not end")
	}
	return string(b)
}

func bulk(s string) resp.Reply { return resp.BulkReply(s) }

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// withLimits returns a Config with a registry of its own whose limits are
// the defaults changed by set.
func withLimits(set func(*serveconn.Limits)) *serveconn.Config {
	reg := serveconn.NewRegistry()
	l := reg.Limits()
	set(&l)
	reg.SetLimits(l)
	return &serveconn.Config{Registry: reg}
}
