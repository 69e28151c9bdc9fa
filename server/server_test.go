package server_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start serves db with cfg on a loopback listener (wrapped by wrap, when
// set) and returns the server and its address.
func start(t *testing.T, cfg server.Config, wrap func(net.Listener) net.Listener) (*kevy.Store, *server.Server, string) {
	t.Helper()
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	srv := server.New(db, cfg)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	if wrap != nil {
		l = wrap(l)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.NoError(t, db.Close())
	})
	return db, srv, addr
}

type client struct {
	t  *testing.T
	nc net.Conn
	rd *resp.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = nc.Close() })
	return &client{t: t, nc: nc, rd: resp.NewReader(nc, resp.ReaderOptions{})}
}

func (c *client) do(args ...string) resp.Reply {
	c.t.Helper()
	_, err := c.nc.Write(resp.AppendCommand(nil, args...))
	require.NoError(c.t, err)
	require.NoError(c.t, c.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	r, err := c.rd.ReadReply()
	require.NoError(c.t, err)
	return r
}

// readToEOF returns what the server sends until it closes the connection.
func (c *client) readToEOF() string {
	c.t.Helper()
	require.NoError(c.t, c.nc.SetReadDeadline(time.Now().Add(10*time.Second)))
	b, err := io.ReadAll(c.nc)
	require.NoError(c.t, err)
	return string(b)
}

func TestDefaultsAreLoopback(t *testing.T) {
	db, err := kevy.Open(kevy.Config{})
	require.NoError(t, err)
	defer db.Close()
	srv := server.New(db, server.Config{})
	defer srv.Close()
	assert.Equal(t, "127.0.0.1:6379", srv.Addr())
	srv2 := server.New(db, server.Config{Port: 7000, Bind: "::1"})
	defer srv2.Close()
	assert.Equal(t, "[::1]:7000", srv2.Addr())
}

// remoteListener makes every accepted connection look as if it came from
// 10.1.2.3 (no traffic leaves the loopback interface).
type remoteListener struct{ net.Listener }

func (l remoteListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return remoteConn{c}, nil
}

type remoteConn struct{ net.Conn }

func (remoteConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 40000}
}

func TestProtectedModeRefusesRemoteClients(t *testing.T) {
	wrap := func(l net.Listener) net.Listener { return remoteListener{l} }
	_, _, addr := start(t, server.Config{}, wrap)
	c := dial(t, addr)
	out := c.readToEOF()
	assert.True(t, strings.HasPrefix(out, "-DENIED Redis is running in protected mode"), out)
	assert.True(t, strings.HasSuffix(out, "the server to start accepting connections from the outside.\r\n"))

	// With a password, remote clients are served (and must AUTH).
	_, _, addr = start(t, server.Config{RequirePass: "pw"}, wrap)
	c = dial(t, addr)
	assert.Equal(t, resp.Err("NOAUTH Authentication required."), c.do("PING"))
	assert.Equal(t, resp.OK, c.do("AUTH", "pw"))
	assert.Equal(t, resp.PongReply, c.do("PING"))
	info := c.do("CLIENT", "INFO")
	assert.Contains(t, info.Str, "addr=10.1.2.3:40000 ")

	// With protected mode off, too.
	_, _, addr = start(t, server.Config{ProtectedModeOff: true}, wrap)
	assert.Equal(t, resp.PongReply, dial(t, addr).do("PING"))
}

func TestMaxClients(t *testing.T) {
	_, srv, addr := start(t, server.Config{MaxClients: 2}, nil)
	a, b := dial(t, addr), dial(t, addr)
	assert.Equal(t, resp.PongReply, a.do("PING"))
	assert.Equal(t, resp.PongReply, b.do("PING"))
	c := dial(t, addr)
	assert.Equal(t, "-ERR max number of clients reached\r\n", c.readToEOF())
	assert.Equal(t, 2, srv.Clients())
	assert.Contains(t, a.do("CLIENT", "LIST").Str, "cmd=client|list")
}

func TestShutdownFinishesCommands(t *testing.T) {
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	defer db.Close()
	srv := server.New(db, server.Config{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	idle := dial(t, l.Addr().String())
	busy := dial(t, l.Addr().String())
	assert.Equal(t, resp.PongReply, idle.do("PING"))
	// A pipeline sent just before the shutdown is answered in full.
	var buf []byte
	for range 100 {
		buf = resp.AppendCommand(buf, "INCR", "n")
	}
	_, err = busy.nc.Write(buf)
	require.NoError(t, err)
	r, err := busy.rd.ReadReply() // the server has the pipeline
	require.NoError(t, err)
	assert.Equal(t, resp.IntReply(1), r)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	require.ErrorIs(t, <-done, server.ErrServerClosed)
	assert.Equal(t, "", idle.readToEOF())
	n := 1
	for {
		if _, err := busy.rd.ReadReply(); err != nil {
			assert.ErrorIs(t, err, io.EOF)
			break
		}
		n++
	}
	assert.Equal(t, 100, n)
	_, err = net.Dial("tcp", l.Addr().String())
	assert.Error(t, err) // no longer listening
	assert.Equal(t, "100", db.Exec(ctx, "GET", "n").Str)
}
