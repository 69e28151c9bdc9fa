package kevy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
)

// Access control on the embedded API: a Conn runs as the default user
// unless it authenticates, and then reaches no key its user may not, by
// any route; the Store's own methods are the program's.

func TestConnACL(t *testing.T) {
	forEach(t, func(t *testing.T, db *kevy.Store) {
		ctx := context.Background()
		require.NoError(t, db.Set(ctx, "app:1", "a", 0))
		require.NoError(t, db.Set(ctx, "secret", "s", 0))
		require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@all", "-flushall").Str)

		c := db.Conn()
		defer c.Close()
		assert.Equal(t, "default", c.User())
		assert.Equal(t, "s", c.Exec(ctx, "GET", "secret").Str) // the default user: everything
		assert.Equal(t, "WRONGPASS invalid username-password pair or user is disabled.", c.Exec(ctx, "AUTH", "app", "x").Str)
		require.Equal(t, "OK", c.Exec(ctx, "AUTH", "app", "pw").Str)
		assert.Equal(t, "app", c.User())
		assert.Equal(t, "app", c.Exec(ctx, "ACL", "WHOAMI").Str)

		const noKey = "NOPERM this user has no permissions to access one of the keys used as arguments"
		// Every route to the forbidden key is refused.
		assert.Equal(t, noKey, c.Exec(ctx, "GET", "secret").Str)
		_, err := c.Get(ctx, "secret")
		assert.EqualError(t, err, noKey)
		_, err = c.Do(ctx, "GET", "secret")
		assert.EqualError(t, err, noKey)
		reps := c.ExecPipeline(ctx, []string{"GET", "app:1"}, []string{"GET", "secret"}, []string{"MGET", "app:1", "secret"})
		assert.Equal(t, "a", reps[0].Str)
		assert.Equal(t, noKey, reps[1].Str)
		assert.Equal(t, noKey, reps[2].Str)
		cmds, err := c.Pipelined(ctx, func(p kevy.Pipeliner) error {
			p.Get(ctx, "app:1")
			p.Get(ctx, "secret")
			return nil
		})
		assert.EqualError(t, err, noKey)
		require.Len(t, cmds, 2)
		assert.NoError(t, cmds[0].Err())
		_, err = c.TxPipelined(ctx, func(p kevy.Pipeliner) error {
			p.Get(ctx, "app:1")
			p.Get(ctx, "secret")
			return nil
		})
		assert.ErrorContains(t, err, "EXECABORT")
		assert.Equal(t, "ERR BY option of SORT denied due to insufficient ACL permissions.",
			c.Exec(ctx, "SORT", "app:1", "BY", "x_*").Str)
		assert.Equal(t, "NOPERM this user has no permissions to run the 'flushall' command", c.Exec(ctx, "FLUSHALL").Str)
		// What a script's redis.call of the user meets.
		text, ok := c.ScriptACL(true, "GET", "secret")
		assert.False(t, ok)
		assert.Equal(t, "The user executing the script can't access at least one of the keys mentioned in the command arguments", text)
		_, ok = c.ScriptACL(true, "GET", "app:1")
		assert.True(t, ok)
		text, ok = c.ScriptACL(false, "FLUSHALL", "x", "y") // redis.acl_check_cmd: no arity, no log
		assert.False(t, ok)
		assert.Equal(t, "The user executing the script can't run this command or subcommand", text)
		r, ok := c.ScriptSort("SORT", "app:1", "GET", "#")
		assert.False(t, ok)
		assert.Equal(t, "ERR GET option of SORT denied due to insufficient ACL permissions.", r.Str)
		log := db.Exec(ctx, "ACL", "LOG")
		require.NotEmpty(t, log.Elems)
		assert.Equal(t, "lua", log.Elems[0].Elems[5].Str)
		assert.Equal(t, "secret", log.Elems[0].Elems[7].Str)

		// The Store's methods are not checked.
		v, err := db.Get(ctx, "secret")
		require.NoError(t, err)
		assert.Equal(t, "s", v)

		// RESET logs an embedded Conn back in as the default user.
		assert.Equal(t, "RESET", c.Exec(ctx, "RESET").Str)
		assert.Equal(t, "default", c.User())
		assert.Equal(t, "s", c.Exec(ctx, "GET", "secret").Str)

		// Deleting its user closes a Conn.
		require.Equal(t, "OK", c.Exec(ctx, "AUTH", "app", "pw").Str)
		assert.Equal(t, int64(1), db.Exec(ctx, "ACL", "DELUSER", "app").Int)
		assert.Equal(t, "ERR kevy: connection closed", c.Exec(ctx, "GET", "app:1").Str)
	})
}

// TestConnACLDefaultUser: the default user's rules apply to embedded
// Conns, whatever its password; the Store itself is not checked.
func TestConnACLDefaultUser(t *testing.T) {
	db := mustOpen(t, kevy.Config{})
	ctx := context.Background()
	require.Equal(t, "OK", db.Exec(ctx, "CONFIG", "SET", "requirepass", "pw").Str)
	require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "default", "resetkeys", "~public:*").Str)
	c := db.Conn()
	defer c.Close()
	assert.False(t, c.AuthRequired())
	assert.Equal(t, "NOPERM this user has no permissions to access one of the keys used as arguments",
		c.Exec(ctx, "SET", "private", "x").Str)
	assert.Equal(t, "OK", c.Exec(ctx, "SET", "public:1", "x").Str)
	assert.NoError(t, db.Set(ctx, "private", "x", 0))
}

// TestConnACLSubscriber: an embedded subscriber whose user loses the
// channel it listens to is closed when it next receives, as ACL SETUSER
// closes a network one.
func TestConnACLSubscriber(t *testing.T) {
	db := mustOpen(t, kevy.Config{})
	ctx := context.Background()
	require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "s", "on", "nopass", "+@all", "resetchannels", "&news.*").Str)
	c := db.Conn()
	defer c.Close()
	require.Equal(t, "OK", c.Exec(ctx, "AUTH", "s", "x").Str)
	assert.Equal(t, "NOPERM this user has no permissions to access one of the channels used as arguments",
		c.Exec(ctx, "SUBSCRIBE", "sports").Str)
	assert.Equal(t, "NOPERM this user has no permissions to access one of the channels used as arguments",
		c.Exec(ctx, "PSUBSCRIBE", "news.a*").Str)
	require.Equal(t, "subscribe", c.Exec(ctx, "SUBSCRIBE", "news.a").Elems[0].Str)
	db.Exec(ctx, "PUBLISH", "news.a", "m1")
	m, err := c.Receive(ctx)
	require.NoError(t, err)
	assert.Equal(t, "m1", m.Elems[2].Str)
	require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "s", "resetchannels", "&news.*", "&more").Str)
	db.Exec(ctx, "PUBLISH", "news.a", "m2")
	m, err = c.Receive(ctx) // still allowed
	require.NoError(t, err)
	assert.Equal(t, "m2", m.Elems[2].Str)
	require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "s", "resetchannels", "&sports").Str)
	db.Exec(ctx, "PUBLISH", "news.a", "m3")
	_, err = c.Receive(ctx)
	assert.EqualError(t, err, "kevy: connection closed")
}

// TestACLFileConfig: Config.ACLFile is loaded by Open; a bad file stops
// Open with Redis's description of every problem.
func TestACLFileConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "users.acl")
	require.NoError(t, os.WriteFile(file, []byte("user default on nopass ~* &* +@all\nuser ro on >pw ~* -@all +@read\n"), 0o600))
	db := mustOpen(t, kevy.Config{ACLFile: file})
	ctx := context.Background()
	assert.Equal(t, []string{"default", "ro"}, strs(db.Exec(ctx, "ACL", "USERS")))
	c := db.Conn()
	defer c.Close()
	require.Equal(t, "OK", c.Exec(ctx, "AUTH", "ro", "pw").Str)
	assert.Equal(t, "NOPERM this user has no permissions to run the 'set' command", c.Exec(ctx, "SET", "k", "v").Str)

	require.NoError(t, os.WriteFile(file, []byte("user a on nosuch +nosuchcmd\n"), 0o600))
	_, err := kevy.Open(kevy.Config{ACLFile: file})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "kevy: aclfile "+file+": "+file+":1: Syntax error. "), err)
	assert.Contains(t, err.Error(), "Error in applying operation '+nosuchcmd': Unknown command or category name in ACL.")
	_, err = kevy.Open(kevy.Config{ACLFile: filepath.Join(dir, "missing")})
	assert.ErrorContains(t, err, "Error loading ACLs, opening file '"+filepath.Join(dir, "missing")+"': No such file or directory")
}

func strs(r kevy.Reply) []string {
	var out []string
	for _, e := range r.Elems {
		out = append(out, e.Str)
	}
	return out
}
