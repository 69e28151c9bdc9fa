package server_test

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/acl"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// TestACLFuzzMatchesRedis compares kevy's access decisions with
// redis-server's: random users (random rules over categories, commands,
// subcommands, first arguments, key patterns with read and write
// permissions, channel patterns, selectors) and random commands of every
// kind kevy implements, with random keys, channels, counts and keywords.
// For each command, ACL DRYRUN must answer the same on both, and running
// it as the user must be refused (NOPERM, or SORT's refusal of BY and GET)
// on both or on neither, with the same text; each round's ACL LOG must
// agree. KEVY_ACL_FUZZ_ROUNDS (default 200, about a second) and
// KEVY_ACL_FUZZ_SEED set the size and the seed.
func TestACLFuzzMatchesRedis(t *testing.T) {
	rounds := 200
	if s := os.Getenv("KEVY_ACL_FUZZ_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err == nil {
			rounds = n
		}
	}
	seed := uint64(1)
	if s := os.Getenv("KEVY_ACL_FUZZ_SEED"); s != "" {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			seed = n
		}
	}
	t.Logf("seed %d, %d rounds (KEVY_ACL_FUZZ_SEED, KEVY_ACL_FUZZ_ROUNDS)", seed, rounds)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := newACLPair(t, kevy.Config{})
	admin := p.dial()
	admin.do("MSET", "app:1", "1", "k1", "2", "w:1", "3", "r:1", "4")
	admin.do("RPUSH", "app:l", "3", "1", "2")
	g := newACLGen(rng)
	user := p.dial()
	outcomes := map[string]int{}
	defer func() { t.Logf("outcomes: %v", outcomes) }()
	admin.do("ACL", "SETUSER", "fz", "on", "nopass")
	user.do("AUTH", "fz", "x")
	for round := 0; round < rounds && !t.Failed(); round++ {
		admin.do("ACL", "SETUSER", "fz", "reset", "on", "nopass")
		rules := g.rules()
		admin.do(append([]string{"ACL", "SETUSER", "fz"}, rules...)...)
		admin.do("ACL", "GETUSER", "fz")
		for i := 0; i < 40 && !t.Failed(); i++ {
			args, safe := g.command()
			dry := admin.do(append([]string{"ACL", "DRYRUN", "fz"}, args...)...)
			if dry.Kind == resp.Bulk {
				o := dry.Str
				if i := strings.Index(o, " the '"); i > 0 {
					o = o[:i]
				}
				outcomes["dryrun: "+o]++
			} else {
				outcomes["dryrun: "+dry.Str]++
			}
			if safe {
				user.k.send(args...)
				user.r.send(args...)
				kr, kok := user.k.read()
				rr, rok := user.r.read()
				if !assert.True(t, kok && rok, "%q closed the connection (rules %q)", args, rules) {
					return
				}
				assert.Equal(t, aclOutcome(rr), aclOutcome(kr), "%q, rules %q", args, rules)
				o := aclOutcome(rr)
				if i := strings.Index(o, " the '"); i > 0 {
					o = o[:i] // one count for all commands
				}
				outcomes[o]++
			}
		}
		admin.do("ACL", "LOG")
		admin.do("ACL", "LOG", "RESET")
	}
}

// aclOutcome classifies a reply: the text of an access refusal, or "ran".
func aclOutcome(r resp.Reply) string {
	if r.Kind == resp.Error && (strings.HasPrefix(r.Str, "NOPERM") || strings.Contains(r.Str, "insufficient ACL")) {
		return r.Str
	}
	return "ran"
}

type aclGen struct {
	rng   *rand.Rand
	cmds  []*shard.Command // live commands, subcommands instead of containers
	focus []*shard.Command
}

// fzFocus are commands drawn more often: their keys have varied flags,
// are found by key finders, or are channels.
var fzFocus = []string{"publish", "subscribe", "psubscribe", "sort", "sort_ro", "set", "copy", "lmove",
	"zunionstore", "zinter", "lmpop", "sintercard", "get", "mset", "mget", "rename", "del", "exists",
	"getex", "getdel", "smove", "zrangestore", "object|encoding", "memory|usage", "incr", "append",
	"rpoplpush", "lpush", "zmpop", "zdiffstore", "hset", "touch", "unlink", "type"}

func newACLGen(rng *rand.Rand) *aclGen {
	g := &aclGen{rng: rng}
	for _, name := range fzFocus {
		c, _ := shard.Resolve(strings.Split(strings.Replace(name, "|", " ", 1)+" x x x x x x", " "))
		if c == nil {
			c = shard.Lookup(name)
		}
		if c != nil && c.Subs == nil {
			g.focus = append(g.focus, c)
		}
	}
	for _, c := range shard.Commands() {
		if c.Subs != nil {
			g.cmds = append(g.cmds, c.SubCommands()...)
			continue
		}
		g.cmds = append(g.cmds, c)
	}
	return g
}

var (
	fzKeyPatterns  = []string{"app:*", "app:?", "k*", "*", "a[pq]p:*", "x", "w:*", "r:*", "k1", "other"}
	fzChanPatterns = []string{"news.*", "news.a", "*", "ch?", "lit", "n[eo]ws.*"}
	fzKeys         = []string{"app:1", "app:x", "app:l", "k1", "kk", "x", "w:1", "r:1", "other", "ab"}
	fzChannels     = []string{"news.a", "news.*", "ch1", "lit", "sports", "*"}
	fzWords        = []string{"0", "1", "2", "3", "-1", "2abc", "x", "STORE", "BY", "GET", "LIMIT", "#", "w_*",
		"nosort", "WITHSCORES", "COUNT", "LEFT", "RIGHT", "MIN", "MAX", "KEYS", "NX", "EX", "10", "*",
		"ALPHA", "DESC", "MATCH", "TYPE", "ENCODING"}
)

func (g *aclGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// rule returns one random rule; inSelector leaves out those a selector
// cannot take.
func (g *aclGen) rule(inSelector bool) string {
	r := g.rng.IntN(100)
	switch {
	case r < 18:
		sign := "+"
		if g.rng.IntN(3) == 0 {
			sign = "-"
		}
		return sign + "@" + g.pick(acl.Categories)
	case r < 36:
		c := g.cmds[g.rng.IntN(len(g.cmds))]
		sign := "+"
		if g.rng.IntN(3) == 0 {
			sign = "-"
		}
		if c.Parent != nil && g.rng.IntN(3) == 0 {
			return sign + c.Parent.Name // the container: every subcommand
		}
		return sign + c.FullName
	case r < 40:
		c := g.cmds[g.rng.IntN(len(g.cmds))]
		if c.Parent == nil {
			return "+" + c.FullName + "|" + g.pick(fzWords) // a first argument
		}
		return "+" + c.FullName
	case r < 60:
		prefix := []string{"~", "%R~", "%W~", "%RW~"}[g.rng.IntN(4)]
		return prefix + g.pick(fzKeyPatterns)
	case r < 72:
		return "&" + g.pick(fzChanPatterns)
	case r < 76:
		return g.pick([]string{"allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands", "nocommands"})
	case r < 85 && !inSelector:
		var parts []string
		if g.rng.IntN(2) == 0 {
			parts = append(parts, "+@all") // keys decide more often
		}
		for n := 1 + g.rng.IntN(4); n > 0; n-- {
			parts = append(parts, g.rule(true))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case r < 87 && !inSelector:
		return "clearselectors"
	}
	return "+@read"
}

// rules returns a random rule set; half start from every command, so that
// keys and channels decide more often than the commands.
func (g *aclGen) rules() []string {
	var out []string
	if g.rng.IntN(2) == 0 {
		out = append(out, g.pick([]string{"+@all", "allcommands", "+@read", "+@write"}))
	}
	for n := 1 + g.rng.IntN(7); n > 0; n-- {
		out = append(out, g.rule(false))
	}
	return out
}

// fzUnsafe are the commands never run as the fuzzed user: they change the
// connection, the users or the servers, or block (DRYRUN still tries
// them).
var fzUnsafe = map[string]bool{
	"auth": true, "hello": true, "reset": true, "quit": true, "multi": true, "exec": true, "discard": true,
	"watch": true, "subscribe": true, "psubscribe": true, "unsubscribe": true, "punsubscribe": true,
	"config|set": true, "config|rewrite": true, "config|resetstat": true, "client|kill": true,
	"client|setname": true, "save": true, "bgsave": true, "bgrewriteaof": true, "select": true,
	"acl|setuser": true, "acl|deluser": true, "acl|load": true, "acl|save": true, "acl|log": true,
	"swapdb": true, "flushall": true, "flushdb": true, "shutdown": true, "pfselftest": true, "pfdebug": true,
}

// command returns a random command and whether the user may run it.
func (g *aclGen) command() ([]string, bool) {
	c := g.cmds[g.rng.IntN(len(g.cmds))]
	if g.rng.IntN(2) == 0 {
		c = g.focus[g.rng.IntN(len(g.focus))]
	}
	var args []string
	if c.Parent != nil {
		args = append(args, strings.ToUpper(c.Parent.Name), c.Name)
	} else {
		args = append(args, strings.ToUpper(c.Name))
	}
	n := c.Arity - len(args)
	if c.Arity < 0 {
		n = -c.Arity - len(args) + g.rng.IntN(4)
	}
	channels := strings.Contains(c.FullName, "subscribe") || c.FullName == "publish"
	for i := 0; i < n; i++ {
		switch r := g.rng.IntN(10); {
		case channels && r < 7:
			args = append(args, g.pick(fzChannels))
		case r < 6:
			args = append(args, g.pick(fzKeys))
		default:
			args = append(args, g.pick(fzWords))
		}
	}
	safe := !fzUnsafe[c.FullName] && c.Flags&shard.FlagBlocking == 0
	return args, safe
}
