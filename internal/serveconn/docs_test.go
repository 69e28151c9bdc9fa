package serveconn_test

import (
	"bufio"
	"flag"
	"net"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

var update = flag.Bool("update", false, "regenerate commanddocs.resp from redis-server")

// TestCommandDocsFile checks the embedded COMMAND DOCS reply covers kevy's
// commands; with -update it first fetches it again from redis-server.
func TestCommandDocsFile(t *testing.T) {
	if *update {
		srv := redistest.Start(t)
		nc, err := net.Dial("tcp", srv.Addr)
		require.NoError(t, err)
		defer nc.Close()
		br := bufio.NewReader(nc)
		_, err = nc.Write([]byte("HELLO 3\r\n"))
		require.NoError(t, err)
		_, err = readRaw3(br)
		require.NoError(t, err)
		_, err = nc.Write([]byte("COMMAND DOCS\r\n"))
		require.NoError(t, err)
		raw, err := readRaw3(br)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile("commanddocs.resp", raw, 0o644))
	}
	all := serveconn.CommandDocs(nil)
	require.Equal(t, resp.Array, all.Kind)
	names := map[string]bool{}
	for i := 0; i+1 < len(all.Elems); i += 2 {
		names[all.Elems[i].Str] = true
	}
	for _, c := range shard.Commands() {
		assert.True(t, names[c.Name], "no docs for %s", c.Name)
	}
	// RESP3 keeps the maps and sets; RESP2 flattens them.
	b3 := serveconn.AppendCommandDocs(nil, []string{"set"}, 3)
	b2 := serveconn.AppendCommandDocs(nil, []string{"set"}, 2)
	assert.Equal(t, byte('%'), b3[0])
	assert.Equal(t, byte('*'), b2[0])
	rd := resp.NewReader(bytesReader(b3), resp.ReaderOptions{})
	r3, err := rd.ReadReply()
	require.NoError(t, err)
	rd = resp.NewReader(bytesReader(b2), resp.ReaderOptions{})
	r2, err := rd.ReadReply()
	require.NoError(t, err)
	assert.Equal(t, r2, r3) // the same content once folded
}
