package kevy_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
)

// TestConnCommandsInMulti: on an embedded Conn (RESP2, no password), the
// connection commands queued in MULTI answer as redis-server without a
// password does (server/redis_test.go covers the served connection, with
// one).
func TestConnCommandsInMulti(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		id := c.Exec(ctx, "CLIENT", "ID")
		require.Equal(t, kevy.ReplyInt, id.Kind)
		self := strconv.FormatInt(id.Int, 10)
		for _, line := range [][]string{
			{"MULTI"}, {"SET", "a", "1"}, {"CLIENT", "KILL", "ID", self}, {"CLIENT", "KILL", "ID", self, "SKIPME", "yes"},
			{"AUTH", "x"}, {"AUTH", "default", "x"}, {"CLIENT", "SETNAME", "n1"}, {"HELLO", "2"},
		} {
			r := c.Exec(ctx, line...)
			require.False(t, r.IsError(), "%v: %v", line, r)
		}
		r := c.Exec(ctx, "EXEC")
		require.Len(t, r.Elems, 7)
		assert.Equal(t, []string{"+OK", ":0", ":0",
			"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
			"+OK", "+OK"}, []string{show(r.Elems[0]), show(r.Elems[1]), show(r.Elems[2]), show(r.Elems[3]),
			show(r.Elems[4]), show(r.Elems[5])})
		assert.Equal(t, `"n1"`, show(c.Exec(ctx, "CLIENT", "GETNAME")))
		assert.Equal(t, `"1"`, show(c.Exec(ctx, "GET", "a")))
	})
}
