package serveconn_test

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

func TestProtocolErrorsCloseTheConnection(t *testing.T) {
	cases := []struct {
		name, input, want string
		cfg               serveconn.Config
	}{
		{"oversized bulk", "*2\r\n$3\r\nGET\r\n$1001\r\n", "-ERR Protocol error: invalid bulk length\r\n",
			serveconn.Config{MaxBulkLen: 1000}},
		{"too many arguments", "*11\r\n", "-ERR Protocol error: invalid multibulk length\r\n",
			serveconn.Config{MaxMultibulkLen: 10}},
		{"bad multibulk", "PING\r\n*x\r\n", "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n",
			serveconn.Config{}},
		{"expected dollar", "*1\r\nPING\r\n", "-ERR Protocol error: expected '$', got 'P'\r\n", serveconn.Config{}},
		{"unbalanced quotes", "SET \"a b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n",
			serveconn.Config{}},
		{"huge inline", strings.Repeat("x", 70<<10), "-ERR Protocol error: too big inline request\r\n",
			serveconn.Config{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := testStore(t)
			cfg := tc.cfg
			s := serve(t, db, &cfg)
			s.sendRaw(tc.input)
			assert.Equal(t, tc.want, s.waitClosed())
			// The store serves the next connection.
			assert.Equal(t, resp.PongReply, serve(t, db, &cfg).do("PING"))
		})
	}
}

func TestQueryBufferLimit(t *testing.T) {
	db := testStore(t)
	cfg := withLimits(func(l *serveconn.Limits) { l.QueryBuffer = 64 << 10 })
	s := serve(t, db, cfg)
	// A 1 MB argument is allowed by proto-max-bulk-len but not by the
	// query buffer: the connection is closed without a reply, as Redis does.
	s.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048576\r\n" + strings.Repeat("v", 1<<20) + "\r\n")
	assert.Equal(t, "", s.waitClosed())
	assert.ErrorContains(t, s.err, "query buffer")
	// Pipelines whose commands are small pass, however long.
	big := serve(t, db, cfg)
	var buf []byte
	for range 5000 {
		buf = resp.AppendCommand(buf, "SET", "k", strings.Repeat("v", 100))
	}
	big.sendRaw(string(buf))
	for range 5000 {
		require.Equal(t, resp.OK, big.read())
	}
}

func TestNormalOutputLimit(t *testing.T) {
	db := testStore(t)
	cfg := withLimits(func(l *serveconn.Limits) { l.Normal = serveconn.OutputLimit{Hard: 1000} })
	s := serve(t, db, cfg)
	assert.Equal(t, resp.OK, s.do("SET", "big", strings.Repeat("x", 2000)))
	assert.Equal(t, resp.OK, s.do("SET", "small", "x"))
	assert.Equal(t, bulk("x"), s.do("GET", "small"))
	s.send("GET", "big")
	assert.Equal(t, "", s.waitClosed())
	assert.ErrorContains(t, s.err, "output buffer")
	assert.Equal(t, resp.PongReply, serve(t, db, cfg).do("PING"))
}

func TestSlowSubscriberIsCut(t *testing.T) {
	db := testStore(t)
	cfg := withLimits(func(l *serveconn.Limits) { l.PubSub = serveconn.OutputLimit{Hard: 64 << 10} })
	sub := serve(t, db, cfg)
	sub.send("SUBSCRIBE", "news")
	require.Equal(t, resp.Array, sub.read().Kind)
	pub := serve(t, db, cfg)
	payload := strings.Repeat("p", 1024)
	// The subscriber reads nothing: its output queue passes 64 KB and the
	// connection is cut; publishing never blocks.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := pub.do("PUBLISH", "news", payload)
		require.Equal(t, resp.Int, r.Kind)
		if r.Int == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "subscriber never cut off")
	}
	out := sub.waitClosed()
	assert.Less(t, len(out), 1<<20)
	assert.ErrorContains(t, sub.err, "output buffer")
	assert.Equal(t, resp.PongReply, pub.do("PING"))
	assert.Equal(t, resp.PongReply, serve(t, db, cfg).do("PING"))
}

func TestIdleTimeout(t *testing.T) {
	db := testStore(t)
	cfg := &serveconn.Config{IdleTimeout: 50 * time.Millisecond}
	s := serve(t, db, cfg)
	assert.Equal(t, resp.PongReply, s.do("PING"))
	assert.Equal(t, "", s.waitClosed()) // closed once idle
	// A subscriber is exempt.
	sub := serve(t, db, cfg)
	sub.send("SUBSCRIBE", "c")
	sub.read()
	time.Sleep(150 * time.Millisecond) // longer than the idle timeout: nothing to coordinate with
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("pong"), bulk("")}), sub.do("PING"))
}

func TestKillAndShutdown(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	assert.Equal(t, resp.PongReply, s.do("PING"))
	s.conn.Shutdown()
	assert.Equal(t, "", s.waitClosed())

	// A blocked command is abandoned by Kill.
	b := serve(t, db, nil)
	b.send("BLPOP", "nolist", "0")
	b.conn.Kill()
	b.waitClosed()
}

// FuzzServer feeds random bytes to a served connection: the server must
// neither panic nor hang, and keeps serving other connections.
func FuzzServer(f *testing.F) {
	for _, seed := range []string{
		"PING\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
		"*1\r\n$5\r\nMULTI\r\nSET a 1\r\nINCR a\r\nEXEC\r\n",
		"HELLO 3\r\nHGETALL h\r\nSMEMBERS s\r\nZRANGE z 0 -1 WITHSCORES\r\n",
		"SUBSCRIBE a b\r\nPING\r\nUNSUBSCRIBE\r\nPSUBSCRIBE *\r\nRESET\r\n",
		"CLIENT LIST\r\nCLIENT KILL ID 1\r\nCLIENT SETNAME x\r\nCOMMAND DOCS get\r\n",
		"AUTH x\r\nHELLO 2 AUTH default x SETNAME y\r\nQUIT\r\nPING\r\n",
		"*-1\r\n*0\r\n$3\r\n*2\r\n$-1\r\n",
		"*2\r\n$3\r\nGET\r\n$99999999999\r\n",
		"BLPOP q 1\r\nPING\r\nBZPOPMIN z 1\r\nBLMPOP 1 1 q LEFT\r\n",
		"MULTI\r\nHELLO 3\r\nAUTH x\r\nCLIENT SETNAME n\r\nCLIENT KILL ID 1 SKIPME no\r\nEXEC\r\nPING\r\n",
		"SUBSCRIBE a\r\nUNSUBSCRIBE a\r\nGET k\r\nSUBSCRIBE b\r\nRESET\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40000\r\n" + strings.Repeat("v", 100),
		"\x01AUTH pw\r\n*11\r\n",
		"\"unbalanced\r\n",
		"*1\r\n$4\r\nPIN",
	} {
		f.Add([]byte(seed))
	}
	db := testStore(f)
	cfg := withLimits(func(l *serveconn.Limits) { l.QueryBuffer = 4 << 20 })
	cfg.MaxBulkLen = 1 << 20
	dbAuth := testStorePass(f, "pw")
	f.Fuzz(func(t *testing.T, data []byte) {
		db := db
		if len(data) > 0 && data[0] == 1 { // a leading \x01 sets a password
			db, data = dbAuth, data[1:]
		}
		nc := &fakeConn{in: bytes.NewReader(data)}
		c := serveconn.New(nc, db.Conn(), cfg)
		done := make(chan struct{})
		go func() {
			_ = c.Serve()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second): // a blocking command waits for ever
			c.Kill()
			<-done
		}
		// Whatever came back parses as replies.
		out := nc.output()
		rd := resp.NewReader(bytes.NewReader(out), resp.ReaderOptions{})
		for {
			if _, err := rd.ReadReply(); err != nil {
				if err != io.EOF {
					t.Fatalf("server wrote malformed replies: %v\n%q", err, out)
				}
				break
			}
		}
		if r := db.Exec(ctxT(t), "PING"); r.Kind != resp.Status || r.Str != "PONG" {
			t.Fatalf("store unhealthy: %v", r)
		}
	})
}

// fakeConn is a net.Conn that reads its input and then the end of input,
// and keeps what is written to it.
type fakeConn struct {
	in  *bytes.Reader
	mu  sync.Mutex
	out bytes.Buffer
}

func (c *fakeConn) Read(p []byte) (int, error) { return c.in.Read(p) }
func (c *fakeConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}
func (c *fakeConn) output() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.out.Bytes())
}
func (c *fakeConn) Close() error                     { return nil }
func (c *fakeConn) LocalAddr() net.Addr              { return fakeAddr{} }
func (c *fakeConn) RemoteAddr() net.Addr             { return fakeAddr{} }
func (c *fakeConn) SetDeadline(time.Time) error      { return nil }
func (c *fakeConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fakeConn) SetWriteDeadline(time.Time) error { return nil }

type fakeAddr struct{}

func (fakeAddr) Network() string { return "fake" }
func (fakeAddr) String() string  { return "fake:0" }

// TestUnauthenticatedLimits: with a password set, a client that has not
// authenticated may send at most 10 arguments and 16 KB bulks, as in
// Redis 7.0 (server/redis_test.go checks the bytes against redis-server);
// AUTH lifts the limits for what follows, even in the same pipeline.
func TestUnauthenticatedLimits(t *testing.T) {
	db := testStorePass(t, "pw")
	var cfg *serveconn.Config
	for _, tc := range []struct{ in, want string }{
		{"*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n"},
		{"*2\r\n$4\r\nECHO\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n"},
		{"*2\r\n$3\r\nSET\r\n$300000000\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n"},
		{"AUTH x\r\n*11\r\n", "-WRONGPASS invalid username-password pair or user is disabled.\r\n" +
			"-ERR Protocol error: unauthenticated multibulk length\r\n"},
	} {
		s := serve(t, db, cfg)
		s.sendRaw(tc.in)
		assert.Equal(t, tc.want, s.waitClosed(), "%q", tc.in)
	}
	s := serve(t, db, cfg)
	big := strings.Repeat("b", 100<<10)
	s.sendRaw("AUTH pw\r\n" + string(resp.AppendCommand(nil, "ECHO", big)))
	assert.Equal(t, resp.OK, s.read())
	assert.Equal(t, bulk(big), s.read())
	s.sendRaw("RESET\r\n*11\r\n")
	assert.Equal(t, resp.StatusReply("RESET"), s.read())
	assert.Equal(t, "-ERR Protocol error: unauthenticated multibulk length\r\n", s.waitClosed())
}
