package kevy_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Differential scripts: command sequences run on a real redis-server and
// on kevy (every engine variant), every reply compared exactly, and the
// whole keyspace compared after each script: TYPE, OBJECT ENCODING, the
// value (GET, so raw string bytes such as an HLL's; ZRANGE WITHSCORES, so
// exact scores) and whether it has a TTL.

// diffCase is one script; it starts from an empty database 0.
type diffCase struct {
	name string
	cmds [][]string
}

// lines turns command lines (split as fields does) into a script.
func lines(ls ...string) [][]string {
	out := make([][]string, len(ls))
	for i, l := range ls {
		out[i] = fields(l)
	}
	return out
}

// doFunc runs one command on one side.
type doFunc func(args ...string) kevy.Reply

// keyspaceOf renders database 0 of one side.
func keyspaceOf(do doFunc) []string {
	keys := do("KEYS", "*")
	var names []string
	for _, k := range keys.Elems {
		names = append(names, k.Str)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		typ := do("TYPE", k).Str
		enc := show(do("OBJECT", "ENCODING", k))
		var val kevy.Reply
		switch typ {
		case "string":
			val = do("GET", k)
		case "zset":
			val = do("ZRANGE", k, "0", "-1", "WITHSCORES")
		case "list":
			val = do("LRANGE", k, "0", "-1")
		case "set":
			val = normalize([]string{"SMEMBERS"}, do("SMEMBERS", k))
		case "hash":
			val = sortPairs(do("HGETALL", k))
		}
		ttl := do("PTTL", k).Int >= 0
		out = append(out, fmt.Sprintf("%q %s %s %s ttl=%v", k, typ, enc, show(val), ttl))
	}
	return out
}

// runDiff runs the cases on redis-server, then on every variant, and
// compares.
func runDiff(t *testing.T, cases []diffCase) {
	t.Helper()
	srv := redistest.Start(t)
	cl := srv.Client(t)
	redisSide := func(args ...string) kevy.Reply { return fromRedis(cl.MustDo(t, args...)) }
	want := make([][]string, len(cases))
	wantKS := make([][]string, len(cases))
	for i, c := range cases {
		cl.MustDo(t, "FLUSHALL")
		for _, cmd := range c.cmds {
			want[i] = append(want[i], show(redisSide(cmd...)))
		}
		wantKS[i] = keyspaceOf(redisSide)
	}
	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			conn := db.Conn()
			defer conn.Close()
			kevySide := func(args ...string) kevy.Reply { return conn.Exec(ctx, args...) }
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					require.NoError(t, db.FlushAll(ctx))
					for j, cmd := range c.cmds {
						got := show(kevySide(cmd...))
						if got != want[i][j] {
							t.Errorf("%s\n redis: %s\n  kevy: %s", clip(cliLine(cmd)), clip(want[i][j]), clip(got))
						}
					}
					assert.Equal(t, wantKS[i], keyspaceOf(kevySide), "keyspace after the script")
				})
			}
		})
	}
}

// repeatArg returns a command with n generated arguments appended.
func repeatArg(prefix []string, n int, f func(i int) string) []string {
	out := append([]string(nil), prefix...)
	for i := range n {
		out = append(out, f(i))
	}
	return out
}

// join is strings.Join with a space, for building lines.
func join(parts ...string) string { return strings.Join(parts, " ") }
