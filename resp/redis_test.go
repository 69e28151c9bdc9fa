package resp

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawExchange sends in to a fresh connection and returns everything the
// server writes back until it closes the connection or goes quiet.
func rawExchange(t *testing.T, addr string, in []byte, quiet time.Duration) []byte {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer c.Close()
	go func() {
		// The server may close before reading everything; that is the point.
		_, _ = c.Write(in)
	}()
	var out bytes.Buffer
	buf := make([]byte, 64<<10)
	for {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(quiet)))
		n, err := c.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return out.Bytes()
		}
	}
}

// TestProtocolErrorsMatchRedis sends malformed requests to redis-server and
// checks that the Reader reports the very same error text.
func TestProtocolErrorsMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	inputs := []string{
		"*x\r\n",
		"*\r\n",
		"*01\r\n",
		"*2147483648\r\n",
		"*1\r\n:1\r\n",
		"*1\r\n\r\n",
		"*1\r\n$x\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$536870913\r\n",
		"SET \"a\r\n",
		"SET 'a'b\r\n",
		"*" + strings.Repeat("1", 70*1024),
		"*1\r\n$" + strings.Repeat("1", 70*1024),
		strings.Repeat("a", 70*1024),
	}
	for _, in := range inputs {
		name := in
		if len(name) > 20 {
			name = name[:20]
		}
		t.Run(name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(in), ReaderOptions{}).ReadArgs()
			var pe *ProtocolError
			require.ErrorAs(t, err, &pe)
			got := rawExchange(t, srv.Addr, []byte(in), 2*time.Second)
			assert.Equal(t, "-ERR "+pe.Msg+"\r\n", string(got))
		})
	}
}

// TestRepliesMatchRedis reads redis-server's replies with ReadReply and
// checks that AppendReply writes them back byte for byte.
func TestRepliesMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	cmds := [][]string{
		{"SET", "k", "v"},
		{"GET", "k"},
		{"GET", "missing"},
		{"SET", "bin", "a\r\nb\x00"},
		{"GET", "bin"},
		{"INCR", "n"},
		{"DECRBY", "n", "100"},
		{"RPUSH", "l", "a", "", "c"},
		{"LRANGE", "l", "0", "-1"},
		{"LRANGE", "nolist", "0", "-1"},
		{"BLPOP", "nolist", "0.01"},
		{"HSET", "h", "f", "v"},
		{"HGETALL", "h"},
		{"ZADD", "z", "1.5", "m"},
		{"ZRANGE", "z", "0", "-1", "WITHSCORES"},
		{"GET", "l"},
		{"NOSUCHCOMMAND"},
		{"GET"},
		{"MGET", "k", "missing", "l"},
		{"EXEC"},
		{"MULTI"},
		{"EXEC"},
		{"OBJECT", "ENCODING", "l"},
		{"PING"},
	}
	var in []byte
	for _, c := range cmds {
		in = AppendCommand(in, c...)
	}
	in = AppendCommand(in, "QUIT")
	raw := rawExchange(t, srv.Addr, in, 5*time.Second)

	rd := NewReader(bytes.NewReader(raw), ReaderOptions{})
	var again []byte
	for range len(cmds) + 1 {
		r, err := rd.ReadReply()
		require.NoError(t, err)
		again = AppendReply(again, r)
	}
	_, err := rd.ReadReply()
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, string(raw), string(again))

	// RESP3: everything parses, nulls come back as Nil.
	in = AppendCommand(nil, "HELLO", "3")
	in = AppendCommand(in, "GET", "missing")
	in = AppendCommand(in, "HGETALL", "h")
	in = AppendCommand(in, "ZSCORE", "z", "m")
	in = AppendCommand(in, "SMEMBERS", "nosuchset")
	in = AppendCommand(in, "QUIT")
	raw = rawExchange(t, srv.Addr, in, 5*time.Second)
	rd = NewReader(bytes.NewReader(raw), ReaderOptions{})
	hello, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, Array, hello.Kind) // a map, flattened
	r, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, NilReply, r)
	assert.Equal(t, "_\r\n", string(AppendReplyProto(nil, r, 3)))
	r, err = rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, BulkArray([]string{"f", "v"}), r)
	r, err = rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, BulkReply("1.5"), r)
	r, err = rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, Reply{Kind: Array, Elems: []Reply{}}, r)
}
