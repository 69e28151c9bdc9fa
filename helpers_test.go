package kevy_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/require"
)

// variants are the store configurations every black-box test runs on: both
// engines, one shard and several.
var variants = []struct {
	name string
	cfg  kevy.Config
}{
	{"engine=actor/shards=1", kevy.Config{Engine: kevy.EngineActor, Shards: 1}},
	{"engine=actor/shards=4", kevy.Config{Engine: kevy.EngineActor, Shards: 4}},
	{"engine=locked/shards=1", kevy.Config{Engine: kevy.EngineLocked, Shards: 1}},
	{"engine=locked/shards=4", kevy.Config{Engine: kevy.EngineLocked, Shards: 4}},
}

// forEach runs fn as a subtest on a fresh store of every variant.
func forEach(t *testing.T, fn func(t *testing.T, db *kevy.Store)) {
	t.Helper()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			fn(t, mustOpen(t, v.cfg))
		})
	}
}

// mustOpen opens a store that is closed when the test ends.
func mustOpen(t testing.TB, cfg kevy.Config) *kevy.Store {
	t.Helper()
	db, err := kevy.Open(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// fields splits a command line on spaces; the word <empty> stands for an
// empty argument.
func fields(line string) []string {
	f := strings.Fields(line)
	for i, w := range f {
		if w == "<empty>" {
			f[i] = ""
		}
	}
	return f
}

// show renders a reply compactly, for table-driven expectations:
// +status, -error, :int, "bulk", (nil), (nilarray), [a b c].
func show(r kevy.Reply) string {
	switch r.Kind {
	case kevy.ReplyStatus:
		return "+" + r.Str
	case kevy.ReplyError:
		return "-" + r.Str
	case kevy.ReplyInt:
		return fmt.Sprintf(":%d", r.Int)
	case kevy.ReplyBulk:
		return fmt.Sprintf("%q", r.Str)
	case kevy.ReplyNil:
		return "(nil)"
	case kevy.ReplyNilArray:
		return "(nilarray)"
	case kevy.ReplyArray:
		parts := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("?%v", r)
}

// step is one command and the reply it must get, in show's notation.
type step struct {
	cmd  string
	want string
}

// runSteps runs a script on a Conn and checks every reply.
func runSteps(t *testing.T, db *kevy.Store, steps []step) {
	t.Helper()
	c := db.Conn()
	defer c.Close()
	for _, s := range steps {
		args := fields(s.cmd)
		got := show(normalize(args, c.Exec(context.Background(), args...)))
		if got != s.want {
			t.Errorf("%s\n got: %s\nwant: %s", s.cmd, got, s.want)
		}
	}
}

// normalize sorts the replies whose order Redis leaves unspecified.
func normalize(args []string, r kevy.Reply) kevy.Reply {
	unordered := []string{"KEYS", "SMEMBERS", "SINTER", "SUNION", "SDIFF"}
	if len(args) > 0 && slices.ContainsFunc(unordered, func(n string) bool { return strings.EqualFold(args[0], n) }) && r.Kind == kevy.ReplyArray {
		r.Elems = slices.Clone(r.Elems)
		slices.SortFunc(r.Elems, func(a, b kevy.Reply) int { return strings.Compare(a.Str, b.Str) })
	}
	return r
}

// keysOnDistinctShards returns n keys with the given prefix that route to n
// different shards of a 4-shard store.
func keysOnDistinctShards(t *testing.T, prefix string, n int) []string {
	t.Helper()
	r := shard.NewRouter(4)
	used := map[int]bool{}
	var keys []string
	for i := 0; len(keys) < n; i++ {
		require.Less(t, i, 10000)
		k := prefix + strconv.Itoa(i)
		if s := r.Shard(k); !used[s] {
			used[s] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// distinct returns the set of ss.
func distinct(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// scanAll runs a whole HSCAN/SSCAN iteration and returns what it saw (with
// repeats) and the number of calls.
func scanAll(t *testing.T, scan func(cursor uint64) ([]string, uint64, error)) ([]string, int) {
	t.Helper()
	var out []string
	var cursor uint64
	for calls := 1; ; calls++ {
		got, next, err := scan(cursor)
		require.NoError(t, err)
		out = append(out, got...)
		if next == 0 {
			return out, calls
		}
		require.Less(t, calls, 100000)
		cursor = next
	}
}
