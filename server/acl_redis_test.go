package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/acl"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
)

// TestACLCommandMatchesRedis: every ACL subcommand's replies and errors.
func TestACLCommandMatchesRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	d := p.dial()
	for _, args := range [][]string{
		{"ACL", "WHOAMI"}, {"ACL", "USERS"}, {"ACL", "LIST"}, {"ACL", "GETUSER", "default"},
		{"ACL", "GETUSER", "nosuch"}, {"ACL", "CAT"}, {"ACL", "CAT", "nosuch"}, {"ACL", "CAT", "READ"},
		{"ACL", "CAT", "a", "b"}, {"ACL", "HELP"}, {"ACL", "HELP", "x"}, {"ACL", "NOSUCH"}, {"ACL"},
		{"ACL", "WHOAMI", "x"}, {"ACL", "USERS", "x"}, {"ACL", "LIST", "x"}, {"ACL", "GETUSER"},
		{"ACL", "GETUSER", "a", "b"}, {"ACL", "SETUSER"}, {"ACL", "DELUSER"}, {"ACL", "DRYRUN", "default"},
		{"ACL", "DRYRUN", "default", "get"}, {"ACL", "DRYRUN", "default", "get", "k"},
		{"ACL", "DRYRUN", "nosuch", "get", "k"}, {"ACL", "DRYRUN", "default", "nosuchcmd", "k"},
		{"ACL", "DRYRUN", "default", "get", "k", "x"}, {"ACL", "DRYRUN", "default", "config", "nosub"},
		{"ACL", "GENPASS"}, {"ACL", "GENPASS", "1"}, {"ACL", "GENPASS", "5"}, {"ACL", "GENPASS", "4096"},
		{"ACL", "GENPASS", "0"}, {"ACL", "GENPASS", "4097"}, {"ACL", "GENPASS", "-1"}, {"ACL", "GENPASS", "x"},
		{"ACL", "GENPASS", "1", "2"}, {"ACL", "LOG"}, {"ACL", "LOG", "x"}, {"ACL", "LOG", "-5"},
		{"ACL", "LOG", "RESET"}, {"ACL", "LOG", "1", "2"}, {"ACL", "LOAD"}, {"ACL", "SAVE"},
		{"ACL", "DELUSER", "default"}, {"ACL", "DELUSER", "nosuch", "default"}, {"ACL", "DELUSER", "nosuch"},
		{"ACL", "SETUSER", "a b"}, {"ACL", "SETUSER", "a\x00b"},
	} {
		d.do(args...)
	}
	for _, c := range acl.Categories {
		d.do("ACL", "CAT", c)
	}
	// Each rule's errors.
	for _, rule := range []string{"nosuchrule", "+nosuchcmd", "-nosuchcmd", "+@nosuchcat", "-@nosuchcat",
		"+", "-", "+@", "-@", "+get|", "+config|get|x", "+config|nosuch", "-select|0", "#abc", "!abc",
		"<nosuchpass", "!" + strings.Repeat("a", 64), "%", "%~x", "%RR~x", "%Rx~a", "~a b", "&a b", "(",
		"(~a", "a)", "(+nosuch)", "(nosuchrule)", "(~* ~a)", "on\r\nx"} {
		d.do("ACL", "SETUSER", "e", rule)
	}
	d.do("ACL", "SETUSER", "e", "~*", "~a")
	d.do("ACL", "SETUSER", "e", "&*", "&a")
	d.do("ACL", "SETUSER", "e", "allkeys", "%R~a")
	d.do("ACL", "LIST")
	// Rules and their descriptions.
	for i, rules := range [][]string{
		{"on", ">p1", ">p2", "~a*", "%R~b*", "%W~c*", "&ch*", "&x", "+@read", "-get", "+set", "+config|get",
			"+select|1", "+select|2", "(+get ~k*)", "(%R~z* &q resetchannels +@hash)"},
		{"+@all", "-@dangerous", "+keys", "-client|kill"},
		{"-@all", "+@read", "+@write", "-@string", "+incr"},
		{"+@all", "-@read", "+get"},
		{"reset", "on", "nopass", "allkeys", "allchannels", "allcommands"},
		{"#" + strings.Repeat("ab", 32), "!" + strings.Repeat("ab", 32), ">x", "<x", "nopass", "resetpass"},
		{"%RW~a", "%WR~a", "%R~a", "~a", "%w~b", "resetkeys", "%R~c"},
		{"skip-sanitize-payload", "sanitize-payload", "off", "on"},
		{"(", "+get", "~a)", "(+set ~b)", "clearselectors", "(&x)"},
		{"+select|0", "+select|0", "+SELECT|1", "-select", "+select|2", "+@all"},
		{"+@all", "-@all", "+config", "-config|set", "+client|list", "+acl"},
	} {
		name := "u" + string(rune('a'+i))
		d.do(append([]string{"ACL", "SETUSER", name}, rules...)...)
		d.do("ACL", "GETUSER", name)
	}
	d.do("ACL", "LIST")
	d.do("ACL", "USERS")
	d.do("ACL", "DELUSER", "ua", "ub", "nosuch")
	d.do("ACL", "USERS")
	d.do("ACL", "SETUSER", "ua", "reset")
	d.do("ACL", "LIST")
}

// TestACLAuthMatchesRedis: AUTH and HELLO AUTH as other users, WHOAMI,
// RESET, CLIENT LIST's user field, failed logins in ACL LOG.
func TestACLAuthMatchesRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	admin := p.dial()
	admin.do("ACL", "SETUSER", "alice", "on", ">pa", "~*", "+@all")
	admin.do("ACL", "SETUSER", "bob", "off", ">pb", "~*", "+@all")
	admin.do("ACL", "SETUSER", "nop", "on", "nopass", "+ping")
	d := p.dial()
	d.do("CLIENT", "SETNAME", "c1")
	d.do("AUTH", "alice", "wrong")
	d.do("AUTH", "bob", "pb")
	d.do("AUTH", "nosuch", "x")
	d.do("AUTH", "pa")
	d.do("AUTH", "a", "b", "c")
	d.do("ACL", "WHOAMI")
	d.do("AUTH", "alice", "pa")
	d.do("ACL", "WHOAMI")
	d.do("CLIENT", "INFO")
	d.do("AUTH", "nop", "anything")
	d.do("ACL", "WHOAMI")
	d.do("PING")
	d.do("HELLO", "2", "AUTH", "alice", "pa", "SETNAME", "c2")
	d.do("ACL", "WHOAMI")
	d.do("HELLO", "2", "AUTH", "alice", "nope")
	d.do("ACL", "WHOAMI")
	d.do("HELLO", "3", "AUTH", "bob", "pb")
	d.do("RESET")
	d.do("ACL", "WHOAMI")
	d.do("MULTI")
	d.do("AUTH", "alice", "pa")
	d.do("ACL", "WHOAMI")
	d.do("AUTH", "alice", "bad")
	d.do("EXEC")
	d.do("ACL", "WHOAMI")
	admin.do("ACL", "LOG")
	admin.do("ACL", "LOG", "2")

	// With a password on the default user.
	admin.do("CONFIG", "SET", "requirepass", "secret")
	admin.do("CONFIG", "GET", "requirepass")
	admin.do("ACL", "GETUSER", "default")
	n := p.dial()
	n.do("GET", "k")
	n.do("ACL", "WHOAMI")
	n.do("HELLO", "3")
	n.do("AUTH", "default", "nope")
	n.do("AUTH", "secret")
	n.do("ACL", "WHOAMI")
	n.do("RESET")
	n.do("GET", "k")
	n.do("HELLO", "2", "AUTH", "default", "secret")
	admin.do("ACL", "SETUSER", "default", ">second")
	admin.do("CONFIG", "GET", "requirepass")
	m := p.dial()
	m.do("AUTH", "second")
	m.do("ACL", "SETUSER", "default", "off")
	o := p.dial()
	o.do("AUTH", "secret")
	o.do("PING")
	m.do("ACL", "SETUSER", "default", "on", "nopass")
	o.do("PING")
	m.do("CONFIG", "SET", "requirepass", "")
	m.do("ACL", "GETUSER", "default")
	m.do("ACL", "LOG")
}

// TestACLPermissionsMatchRedis: NOPERM for commands, subcommands, first
// arguments, keys (read and write patterns), channels; in MULTI, and at
// EXEC after the rules changed; SORT's BY and GET; the ACL LOG entries.
func TestACLPermissionsMatchRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	admin := p.dial()
	admin.do("MSET", "app:1", "a", "app:2", "b", "other", "c", "w:1", "5")
	admin.do("RPUSH", "app:list", "2", "1")
	admin.do("ACL", "SETUSER", "u", "on", "nopass", "~app:*", "%R~r:*", "%W~w:*", "&news.*", "&lit",
		"+@read", "+@write", "-flushall", "+select|0", "+config|get", "+multi", "+exec", "+discard",
		"+subscribe", "+psubscribe", "+publish", "+acl|whoami", "-sort_ro", "+client|id")
	d := p.dial()
	d.do("AUTH", "u", "x")
	for _, args := range [][]string{
		{"GET", "app:1"}, {"GET", "other"}, {"SET", "app:3", "x"}, {"SET", "other", "x"},
		{"MGET", "app:1", "other", "app:2"}, {"MSET", "app:1", "x", "nope", "y"},
		{"GET", "r:1"}, {"SET", "r:1", "x"}, {"GET", "w:1"}, {"SET", "w:1", "7"}, {"INCR", "w:1"},
		{"SET", "w:2", "x", "GET"}, {"COPY", "r:1", "w:3"}, {"COPY", "w:1", "r:3"}, {"EXISTS", "r:1", "w:1"},
		{"DEL", "r:1"}, {"DEL", "w:9"}, {"LMOVE", "app:list", "w:l", "LEFT", "RIGHT"},
		{"RENAME", "app:1", "w:x"}, {"FLUSHALL"}, {"SELECT", "0"}, {"SELECT", "1"},
		{"CONFIG", "GET", "maxmemory"}, {"CONFIG", "SET", "maxmemory", "0"}, {"CLIENT", "ID"},
		{"CLIENT", "LIST"}, {"PUBLISH", "news.a", "m"}, {"PUBLISH", "sports", "m"},
		{"PUBLISH", "lit", "m"}, {"KEYS", "nosuch*"}, {"DBSIZE"}, {"TYPE", "other"},
		{"ZUNIONSTORE", "app:z", "2", "app:a", "other"}, {"ZUNIONSTORE", "app:z", "2x", "app:a", "other"},
		{"LMPOP", "2", "app:list", "nope", "LEFT"}, {"SINTERCARD", "1", "other"},
		{"SORT", "app:list"}, {"SORT", "app:list", "BY", "nosort"}, {"SORT", "app:list", "BY", "w_*"},
		{"SORT", "app:list", "GET", "#"}, {"SORT", "app:list", "LIMIT", "x", "1", "GET", "#"},
		{"SORT", "app:list", "STORE", "other"}, {"SORT", "app:list", "STORE", "app:s"}, {"SORT_RO", "app:list"},
		{"OBJECT", "ENCODING", "other"}, {"ACL", "WHOAMI"}, {"ACL", "LIST"}, {"INFO"},
	} {
		d.do(args...)
	}
	// MULTI: a denied command is refused when queued and aborts EXEC.
	d.do("MULTI")
	d.do("GET", "app:1")
	d.do("GET", "other")
	d.do("FLUSHALL")
	d.do("EXEC")
	// Rules changed between queueing and EXEC.
	d.do("MULTI")
	d.do("GET", "app:1")
	d.do("SET", "app:2", "z")
	d.do("SORT", "app:list", "GET", "#")
	admin.do("ACL", "SETUSER", "u", "-set")
	d.do("EXEC")
	// EXEC itself denied.
	admin.do("ACL", "SETUSER", "u", "-exec")
	d.do("MULTI")
	d.do("GET", "app:1")
	d.do("EXEC")
	d.do("EXEC")
	// Subscriptions: channels are matched by the patterns, a PSUBSCRIBE
	// pattern must equal one.
	s := p.dial()
	s.do("AUTH", "u", "x")
	s.do("SUBSCRIBE", "sports")
	s.do("PSUBSCRIBE", "news.*")
	s.do("PSUBSCRIBE", "news.a")
	s.do("PSUBSCRIBE", "lit")
	// Full key access lifts SORT's restriction.
	admin.do("ACL", "SETUSER", "u", "%R~*")
	d.do("SORT", "app:list", "BY", "w_*", "GET", "#")
	admin.do("ACL", "SETUSER", "u", "resetkeys", "~app:*", "(~* +sort)")
	d.do("SORT", "app:list", "BY", "w_*", "GET", "#")
	d.do("GET", "other")
	d.do("ACL", "DRYRUN", "u", "GET", "other")
	admin.do("ACL", "DRYRUN", "u", "GET", "other")
	admin.do("ACL", "DRYRUN", "u", "SET", "other", "x")
	admin.do("ACL", "DRYRUN", "u", "PUBLISH", "sports", "x")
	admin.do("ACL", "DRYRUN", "u", "PUBLISH", "news.x", "x")
	admin.do("ACL", "DRYRUN", "u", "SUBSCRIBE", "lit", "news.a", "x")
	admin.do("ACL", "LOG")
	admin.do("ACL", "LOG", "RESET")
	admin.do("ACL", "LOG")
}

// TestACLClosesConnectionsLikeRedis: deleting a user closes its
// connections (the one deleting itself after the reply); narrowing a
// user's channels closes its subscribers that lost one and keeps the
// others.
func TestACLClosesConnectionsLikeRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	admin := p.dial()
	admin.do("ACL", "SETUSER", "gone", "on", "nopass", "+@all", "~*", "&*")
	a, b := p.dial(), p.dial()
	a.do("AUTH", "gone", "x")
	b.do("AUTH", "gone", "x")
	b.do("CLIENT", "SETNAME", "victim")
	admin.do("ACL", "DELUSER", "gone")
	b.closed()
	admin.do("CLIENT", "LIST", "TYPE", "pubsub")
	a.closed()

	// CLIENT KILL USER.
	admin.do("ACL", "SETUSER", "victim", "on", "nopass", "+@all", "~*")
	v1, v2 := p.dial(), p.dial()
	v1.do("AUTH", "victim", "x")
	v2.do("AUTH", "victim", "x")
	admin.do("CLIENT", "KILL", "USER", "nosuch")
	admin.do("CLIENT", "KILL", "USER", "victim")
	v1.closed()
	v2.closed()
	admin.do("CLIENT", "KILL", "USER", "victim")

	admin.do("ACL", "SETUSER", "self", "on", "nopass", "+@all", "~*")
	c := p.dial()
	c.do("AUTH", "self", "x")
	c.do("ACL", "DELUSER", "self")
	c.closed()

	admin.do("ACL", "SETUSER", "ps", "on", "nopass", "+@all", "~*", "resetchannels", "&foo:1", "&bar:*", "&orders")
	s1, s2, s3 := p.dial(), p.dial(), p.dial()
	for i, s := range []*dual{s1, s2, s3} {
		s.do("AUTH", "ps", "x")
		s.do("CLIENT", "SETNAME", "sub"+string(rune('1'+i)))
	}
	s1.do("SUBSCRIBE", "foo:1")
	s2.do("PSUBSCRIBE", "bar:*")
	s3.do("SUBSCRIBE", "orders")
	// Keeping the literal patterns keeps everyone.
	admin.do("ACL", "SETUSER", "ps", "resetchannels", "&foo:1", "&bar:*", "&orders", "&new")
	admin.do("CLIENT", "LIST", "TYPE", "pubsub")
	// Losing bar:* closes the pattern subscriber only.
	admin.do("ACL", "SETUSER", "ps", "resetchannels", "&foo:*", "&orders")
	s2.closed()
	admin.do("CLIENT", "LIST", "TYPE", "pubsub")
	admin.do("PUBLISH", "orders", "o")
	s3.readBoth([]string{"message"})
	admin.do("ACL", "SETUSER", "ps", "allchannels")
	admin.do("ACL", "SETUSER", "ps", "resetchannels")
	s1.closed()
	s3.closed()
	admin.do("CLIENT", "LIST")
}

// TestACLFileMatchesRedis: users loaded from an ACL file at start, ACL
// SAVE's file, ACL LOAD's errors (every problem of the file, nothing
// applied) and its success (the users of before are gone, and so are
// their connections).
func TestACLFileMatchesRedis(t *testing.T) {
	dir := t.TempDir()
	kfile, rfile := filepath.Join(dir, "kevy.acl"), filepath.Join(dir, "redis.acl")
	initial := "user default on nopass ~* &* +@all\n" +
		"user alice on #" + strings.Repeat("ab", 32) + " ~app:* resetchannels &news.* -@all +@read +select|0 (~tmp:* +set)\n" +
		"\n" +
		"user bob off nopass %R~r:* %W~w:* +@all -@dangerous\n"
	for _, f := range []string{kfile, rfile} {
		require.NoError(t, os.WriteFile(f, []byte(initial), 0o600))
	}
	p := newACLPair(t, kevy.Config{ACLFile: kfile}, "--aclfile", rfile)
	d := p.dial()
	d.do("ACL", "LIST")
	d.do("ACL", "SETUSER", "carol", "on", ">pw", "+get", "~c:*")
	d.do("ACL", "DELUSER", "bob")
	d.do("ACL", "SAVE")
	assert.Equal(t, fileLines(t, rfile), fileLines(t, kfile))
	d.readBothNorm([]string{"CONFIG", "GET", "aclfile"}, kfile, rfile)

	c := p.dial()
	c.do("AUTH", "carol", "pw")
	c.do("CLIENT", "SETNAME", "carol-conn")
	bad := "user alice on ~a nosuchrule +nosuchcmd -nosuch2 >pw %x~y\n" +
		"user  spaced on\n" +
		"user alice off\n" +
		"nouser x\n" +
		"user\n" +
		"user dave on \"quoted\"\n" +
		"user erin on (~x +get) ~* ~b\n"
	for _, f := range []string{kfile, rfile} {
		require.NoError(t, os.WriteFile(f, []byte(bad), 0o600))
	}
	d.readBothNorm([]string{"ACL", "LOAD"}, kfile, rfile)
	d.do("ACL", "LIST") // unchanged
	c.do("ACL", "WHOAMI")

	good := "user alice on nopass ~* +@all\nuser carol on >pw2 +ping\n"
	for _, f := range []string{kfile, rfile} {
		require.NoError(t, os.WriteFile(f, []byte(good), 0o600))
	}
	d.do("ACL", "LOAD")
	d.do("ACL", "LIST") // the default user reset to its defaults: the file has none
	c.closed()          // carol's connection belonged to the carol of before
	e := p.dial()
	e.do("AUTH", "carol", "pw")
	e.do("AUTH", "carol", "pw2")
	e.do("GET", "k")

	for _, f := range []string{kfile, rfile} {
		require.NoError(t, os.Remove(f))
	}
	d.readBothNorm([]string{"ACL", "LOAD"}, kfile, rfile)
}

// readBothNorm sends args to both and compares the replies with the ACL
// files' paths replaced.
func (d *dual) readBothNorm(args []string, kfile, rfile string) {
	d.t.Helper()
	d.k.send(args...)
	d.r.send(args...)
	kr, _ := d.k.read()
	rr, _ := d.r.read()
	norm := func(r *resp.Reply, file string) {
		r.Str = strings.ReplaceAll(r.Str, file, "FILE")
		for i := range r.Elems {
			r.Elems[i].Str = strings.ReplaceAll(r.Elems[i].Str, file, "FILE")
		}
	}
	norm(&kr, kfile)
	norm(&rr, rfile)
	assert.Equal(d.t, showRules(rr), showRules(kr), "%q", args)
}

func fileLines(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		out = append(out, redistest.NormACLRules(l))
	}
	return out
}

// TestACLConfigMatchesRedis: acl-pubsub-default decides the channels of
// new users and selectors, acllog-max-len bounds the ACL log, aclfile and
// requirepass show in CONFIG GET.
func TestACLConfigMatchesRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	d := p.dial()
	for _, args := range [][]string{
		{"CONFIG", "GET", "acl*"}, {"CONFIG", "GET", "requirepass"},
		{"CONFIG", "SET", "acl-pubsub-default", "maybe"}, {"CONFIG", "SET", "acllog-max-len", "-1"},
		{"CONFIG", "SET", "acllog-max-len", "x"}, {"CONFIG", "SET", "aclfile", "x"},
		{"CONFIG", "SET", "acl-pubsub-default", "ALLCHANNELS"}, {"CONFIG", "GET", "acl-pubsub-default"},
		{"ACL", "SETUSER", "a", "(+get)"}, {"ACL", "SETUSER", "a", "reset"}, {"ACL", "GETUSER", "a"},
		{"CONFIG", "SET", "acl-pubsub-default", "resetchannels"}, {"ACL", "SETUSER", "b", "(+get)"},
		{"ACL", "LIST"}, {"CONFIG", "SET", "acllog-max-len", "2"},
	} {
		d.do(args...)
	}
	u := p.dial()
	u.do("AUTH", "b", "x")
	d.do("ACL", "SETUSER", "b", "on", "nopass", "+get")
	u.do("AUTH", "b", "x")
	for _, k := range []string{"x", "y", "z", "w"} {
		u.do("SET", k, "1")
		u.do("GET", k)
	}
	d.do("ACL", "LOG")
	d.do("CONFIG", "SET", "acllog-max-len", "1")
	d.do("ACL", "LOG")
	d.do("CONFIG", "GET", "acllog-max-len")
}

// TestACLSlowlogRedactsLikeRedis: passwords and rules never reach SLOWLOG
// GET: AUTH's arguments, HELLO's AUTH pair, ACL SETUSER's arguments and
// CONFIG SET requirepass's value show as "(redacted)", as in Redis.
func TestACLSlowlogRedactsLikeRedis(t *testing.T) {
	p := newACLPair(t, kevy.Config{})
	d := p.dial()
	d.do("CONFIG", "SET", "slowlog-log-slower-than", "0")
	d.do("SLOWLOG", "RESET")
	d.do("ACL", "SETUSER", "rr", "on", ">secretpw", "+@all", "~*")
	d.do("AUTH", "rr", "secretpw")
	d.do("AUTH", "rr", "wrong")
	d.do("HELLO", "2", "AUTH", "rr", "secretpw", "SETNAME", "n")
	d.do("CONFIG", "SET", "requirepass", "topsecret", "maxmemory", "0")
	d.do("AUTH", "topsecret")
	d.k.send("SLOWLOG", "GET", "20")
	d.r.send("SLOWLOG", "GET", "20")
	kr, _ := d.k.read()
	rr, _ := d.r.read()
	args := func(r resp.Reply) []string {
		var out []string
		for _, e := range r.Elems {
			var a []string
			for _, x := range e.Elems[3].Elems {
				a = append(a, x.Str)
			}
			out = append(out, strings.Join(a, " "))
		}
		return out
	}
	assert.Equal(t, args(rr), args(kr))
	assert.NotContains(t, strings.Join(args(kr), " "), "secret")
}
