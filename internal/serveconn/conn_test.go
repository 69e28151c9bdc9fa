package serveconn_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

func TestBasicCommands(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	assert.Equal(t, resp.PongReply, s.do("PING"))
	assert.Equal(t, resp.OK, s.do("SET", "k", "v"))
	assert.Equal(t, bulk("v"), s.do("GET", "k"))
	assert.Equal(t, resp.Err("ERR unknown command 'NOPE', with args beginning with: 'x' "), s.do("NOPE", "x"))
	// Inline commands, as typed at a terminal.
	s.sendRaw("GET k\r\n")
	assert.Equal(t, bulk("v"), s.read())
}

func TestPipelineKeepsOrder(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	var buf []byte
	const n = 3000 // more than MaxBatch, across shards
	for i := range n {
		k := "k" + strconv.Itoa(i/3%37)
		switch i % 3 {
		case 0:
			buf = resp.AppendCommand(buf, "SET", k, strconv.Itoa(i))
		case 1:
			buf = resp.AppendCommand(buf, "GET", k)
		default:
			buf = resp.AppendCommand(buf, "CLIENT", "GETNAME") // a connection command between segments
		}
	}
	_, err := s.nc.Write(buf)
	require.NoError(t, err)
	for i := range n {
		r := s.read()
		switch i % 3 {
		case 0:
			require.Equal(t, resp.OK, r, i)
		case 1:
			require.Equal(t, bulk(strconv.Itoa(i-1)), r, i)
		default:
			require.Equal(t, resp.NilReply, r, i)
		}
	}
}

func TestTransactionAndSelect(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	assert.Equal(t, resp.OK, s.do("SELECT", "3"))
	s.sendRaw("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\na\r\n*1\r\n$4\r\nEXEC\r\n")
	assert.Equal(t, resp.OK, s.read())
	assert.Equal(t, resp.Queued, s.read())
	assert.Equal(t, resp.Queued, s.read())
	assert.Equal(t, resp.ArrayReply([]resp.Reply{resp.OK, resp.IntReply(2)}), s.read())
	v, err := db.Conn().Exec(ctxT(t), "SELECT", "3"), error(nil)
	require.NoError(t, err)
	require.Equal(t, resp.OK, v)
	c := db.Conn()
	c.Exec(ctxT(t), "SELECT", "3")
	assert.Equal(t, bulk("2"), c.Exec(ctxT(t), "GET", "a"))
}

func TestHelloAndClientCommands(t *testing.T) {
	db := testStore(t)
	cfg := &serveconn.Config{Registry: serveconn.NewRegistry()}
	s := serve(t, db, cfg)
	id := s.do("CLIENT", "ID")
	require.Equal(t, resp.Int, id.Kind)
	h := s.do("HELLO", "3", "SETNAME", "me")
	require.Equal(t, resp.Array, h.Kind) // the reader folds the map
	assert.Equal(t, []resp.Reply{bulk("server"), bulk("redis"), bulk("version"), bulk("7.0.15"),
		bulk("proto"), resp.IntReply(3), bulk("id"), id, bulk("mode"), bulk("standalone"),
		bulk("role"), bulk("master"), bulk("modules"), resp.EmptyArr}, h.Elems)
	assert.Equal(t, bulk("me"), s.do("CLIENT", "GETNAME"))
	info := s.do("CLIENT", "INFO")
	assert.Contains(t, info.Str, "id="+strconv.FormatInt(id.Int, 10)+" ")
	assert.Contains(t, info.Str, " name=me ")
	assert.Contains(t, info.Str, " cmd=client|info ")
	assert.Contains(t, info.Str, " resp=3")
	assert.Equal(t, resp.Err("NOPROTO unsupported protocol version"), s.do("HELLO", "4"))
	assert.Equal(t, resp.Err("ERR Protocol version is not an integer or out of range"), s.do("HELLO", "x"))
	assert.Equal(t, resp.Err("ERR Syntax error in HELLO option 'foo'"), s.do("HELLO", "2", "foo"))

	other := serve(t, db, cfg)
	other.do("CLIENT", "SETNAME", "victim")
	list := s.do("CLIENT", "LIST")
	assert.Equal(t, 2, strings.Count(list.Str, "\n"))
	assert.Contains(t, list.Str, "name=victim")
	oid := other.do("CLIENT", "ID")
	assert.Equal(t, resp.IntReply(1), s.do("CLIENT", "KILL", "ID", strconv.FormatInt(oid.Int, 10)))
	other.waitClosed()
	assert.Equal(t, resp.PongReply, s.do("PING"))
	assert.Equal(t, resp.Err("ERR No such client"), s.do("CLIENT", "KILL", "1.2.3.4:5"))
	assert.Equal(t, resp.Err("ERR Unknown client type 'x'"), s.do("CLIENT", "LIST", "TYPE", "x"))

	assert.Equal(t, resp.StatusReply("RESET"), s.do("RESET"))
	assert.Equal(t, resp.NilReply, s.do("CLIENT", "GETNAME"))
	assert.Equal(t, resp.OK, s.do("QUIT"))
	s.waitClosed()
}

func TestAuth(t *testing.T) {
	db := testStorePass(t, "secret")
	s := serve(t, db, nil)
	assert.Equal(t, resp.Err("NOAUTH Authentication required."), s.do("GET", "k"))
	assert.Equal(t, resp.Err("ERR unknown command 'NOPE', with args beginning with: "), s.do("NOPE"))
	assert.Equal(t, resp.Err("WRONGPASS invalid username-password pair or user is disabled."), s.do("AUTH", "bad"))
	assert.Equal(t, resp.Err("WRONGPASS invalid username-password pair or user is disabled."), s.do("AUTH", "bob", "secret"))
	assert.True(t, strings.HasPrefix(s.do("HELLO", "3").Str, "NOAUTH HELLO must be called"))
	assert.Equal(t, resp.OK, s.do("AUTH", "secret"))
	assert.Equal(t, resp.NilReply, s.do("GET", "k"))
	assert.Equal(t, resp.StatusReply("RESET"), s.do("RESET"))
	assert.Equal(t, resp.Err("NOAUTH Authentication required."), s.do("GET", "k"))
	h := s.do("HELLO", "2", "AUTH", "default", "secret")
	assert.Equal(t, resp.Array, h.Kind)
	assert.Equal(t, resp.NilReply, s.do("GET", "k"))

	// Without a password, AUTH with one argument is an error; the default
	// user takes any password.
	open := serve(t, testStore(t), nil)
	assert.Equal(t, resp.Err("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"),
		open.do("AUTH", "x"))
	assert.Equal(t, resp.OK, open.do("AUTH", "default", "x"))
}

func TestPubSub(t *testing.T) {
	db := testStore(t)
	sub := serve(t, db, nil)
	sub.send("SUBSCRIBE", "a", "b")
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("subscribe"), bulk("a"), resp.IntReply(1)}), sub.read())
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("subscribe"), bulk("b"), resp.IntReply(2)}), sub.read())
	sub.send("PSUBSCRIBE", "p*")
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("psubscribe"), bulk("p*"), resp.IntReply(3)}), sub.read())

	pub := serve(t, db, nil)
	assert.Equal(t, resp.IntReply(1), pub.do("PUBLISH", "a", "hello"))
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("message"), bulk("a"), bulk("hello")}), sub.read())
	assert.Equal(t, resp.IntReply(1), pub.do("PUBLISH", "px", "pat"))
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("pmessage"), bulk("p*"), bulk("px"), bulk("pat")}), sub.read())

	// Commands keep working in subscriber mode, in order with messages.
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("pong"), bulk("")}), sub.do("PING"))
	assert.Equal(t, "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
		sub.do("GET", "x").Str)
	sub.send("UNSUBSCRIBE")
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("unsubscribe"), bulk("a"), resp.IntReply(2)}), sub.read())
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("unsubscribe"), bulk("b"), resp.IntReply(1)}), sub.read())
	sub.send("PUNSUBSCRIBE")
	assert.Equal(t, resp.ArrayReply([]resp.Reply{bulk("punsubscribe"), bulk("p*"), resp.IntReply(0)}), sub.read())
	assert.Equal(t, resp.OK, sub.do("SET", "x", "1"))
	sub.send("SUBSCRIBE", "c")
	sub.read()
	assert.Equal(t, resp.StatusReply("RESET"), sub.do("RESET"))
	assert.Equal(t, bulk("1"), sub.do("GET", "x"))
}

func TestResp3PushAndShapes(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	s.do("HELLO", "3")
	s.do("HSET", "h", "f", "v")
	s.send("HGETALL", "h")
	assert.Equal(t, "%1\r\n$1\r\nf\r\n$1\r\nv\r\n", s.readRaw(len("%1\r\n$1\r\nf\r\n$1\r\nv\r\n")))
	s.send("GET", "missing")
	assert.Equal(t, "_\r\n", s.readRaw(3))
	s.send("SUBSCRIBE", "ch")
	want := ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"
	assert.Equal(t, want, s.readRaw(len(want)))
	pub := serve(t, db, nil)
	pub.do("PUBLISH", "ch", "m")
	want = ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n"
	assert.Equal(t, want, s.readRaw(len(want)))
}

func TestCommandDocs(t *testing.T) {
	db := testStore(t)
	s := serve(t, db, nil)
	r := s.do("COMMAND", "DOCS", "get", "nosuch")
	require.Equal(t, resp.Array, r.Kind)
	require.Len(t, r.Elems, 2)
	assert.Equal(t, bulk("get"), r.Elems[0])
	assert.Contains(t, fmt.Sprint(r.Elems[1]), "Get the value of a key")
	all := s.do("COMMAND", "DOCS")
	assert.Greater(t, len(all.Elems), 100)
	// Only live subcommands are listed.
	cl := s.do("COMMAND", "DOCS", "client")
	assert.NotContains(t, fmt.Sprint(cl), "client|pause")
	assert.Contains(t, fmt.Sprint(cl), "client|setname")
	// An embedded connection answers it too.
	assert.Equal(t, r, db.Conn().Exec(ctxT(t), "COMMAND", "DOCS", "get", "nosuch"))
}
