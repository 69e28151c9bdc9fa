package script_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/internal/script"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/require"
)

// conn is a raw RESP connection to redis-server that keeps the bytes of
// each reply, so replies can be compared byte for byte.
type conn struct {
	t   testing.TB
	c   net.Conn
	raw bytes.Buffer
	rd  *resp.Reader
}

type teeReader struct {
	r   io.Reader
	buf *bytes.Buffer
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf.Write(p[:n])
	return n, err
}

func dial(t testing.TB, addr string, proto int) *conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	cn := &conn{t: t, c: c}
	cn.rd = resp.NewReader(teeReader{bufio.NewReader(c), &cn.raw}, resp.ReaderOptions{KeepRESP3: true})
	if proto == 3 {
		cn.do("HELLO", "3")
	}
	return cn
}

// rawDo sends args and returns the reply's bytes and value.
func (cn *conn) rawDo(args ...string) ([]byte, resp.Reply) {
	cn.t.Helper()
	_ = cn.c.SetDeadline(time.Now().Add(30 * time.Second))
	_, err := cn.c.Write(resp.AppendCommand(nil, args...))
	require.NoError(cn.t, err)
	cn.raw.Reset()
	r, err := cn.rd.ReadReply()
	require.NoError(cn.t, err)
	return bytes.Clone(cn.raw.Bytes()), r
}

func (cn *conn) do(args ...string) resp.Reply {
	cn.t.Helper()
	_, r := cn.rawDo(args...)
	return r
}

// fwdCaller forwards redis.call to redis-server, as a kevy engine would run
// the command on its keyspace: metadata from kevy's command table, replies
// from the real server in the script's protocol.
type fwdCaller struct {
	c2, c3 *conn
}

func (f *fwdCaller) Lookup(args []string) script.CommandInfo {
	c := shard.Lookup(args[0])
	if c == nil {
		return script.CommandInfo{}
	}
	rc, _ := shard.Resolve(args)
	info := script.CommandInfo{Known: true, ArityOK: rc != nil}
	if rc == nil {
		rc = c
	}
	for sf, cf := range map[shard.Flags]script.CmdFlags{
		shard.FlagWrite: script.CmdWrite, shard.FlagDenyOOM: script.CmdDenyOOM,
		shard.FlagNoScript: script.CmdNoScript, shard.FlagMayReplicate: script.CmdMayReplicate,
		shard.FlagStale: script.CmdStale,
	} {
		if rc.Is(sf) {
			info.Flags |= cf
		}
	}
	return info
}

func (f *fwdCaller) Call(args []string, proto int) resp.Reply {
	if proto == 3 {
		return f.c3.do(args...)
	}
	return f.c2.do(args...)
}

// env is a redis-server with connections for both protocols.
type env struct {
	srv    *redistest.Server
	client [4]*conn // by protocol: EVAL is sent on these
	fwd    *fwdCaller
}

func newEnv(t *testing.T) *env {
	srv := redistest.Start(t)
	e := &env{srv: srv}
	e.client[2] = dial(t, srv.Addr, 2)
	e.client[3] = dial(t, srv.Addr, 3)
	e.fwd = &fwdCaller{c2: dial(t, srv.Addr, 2), c3: dial(t, srv.Addr, 3)}
	return e
}

// evalArgs builds EVAL's arguments.
func evalArgs(cmd, body string, keys, args []string) []string {
	out := []string{cmd, body, strconv.Itoa(len(keys))}
	out = append(out, keys...)
	return append(out, args...)
}
