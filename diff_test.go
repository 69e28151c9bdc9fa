package kevy_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
)

// Differential tests: the same command sequences on a real redis-server and
// on kevy, replies compared exactly (after normalize, for replies whose
// order Redis leaves unspecified).

// fromRedis converts a reply read from redis-server.
func fromRedis(v redistest.Value) kevy.Reply {
	switch v.Type {
	case '+':
		return resp.StatusReply(v.Str)
	case '-':
		return resp.Err(v.Str)
	case ':':
		return resp.IntReply(v.Int)
	case '$':
		if v.Null {
			return resp.NilReply
		}
		return resp.BulkReply(v.Str)
	case '*':
		if v.Null {
			return resp.NilArr
		}
		out := make([]kevy.Reply, len(v.Array))
		for i, e := range v.Array {
			out[i] = fromRedis(e)
		}
		return resp.ArrayReply(out)
	}
	panic(fmt.Sprintf("unknown reply type %q", v.Type))
}

// TestScriptsMatchRedis checks the expectations of the black-box scripts
// against redis-server itself, so that they are Redis's replies, not our
// belief about them.
func TestScriptsMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	groupNames := make([]string, 0, len(scriptGroups))
	for g := range scriptGroups {
		groupNames = append(groupNames, g)
	}
	sort.Strings(groupNames)
	for _, g := range groupNames {
		group := scriptGroups[g]
		names := make([]string, 0, len(group))
		for n := range group {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			t.Run(g+"/"+n, func(t *testing.T) {
				cl.MustDo(t, "FLUSHALL")
				cl.MustDo(t, "SELECT", "0")
				for _, s := range group[n] {
					args := fields(s.cmd)
					got := show(normalize(args, fromRedis(cl.MustDo(t, args...))))
					if got != s.want {
						t.Errorf("redis-server disagrees with the script\n%s\nredis: %s\n want: %s", s.cmd, got, s.want)
					}
				}
			})
		}
	}
}

// TestCommandInfoMatchesRedis checks kevy's command table against
// redis-server's COMMAND INFO: name, arity, flags, key positions, ACL
// categories, tips and key specs of every command kevy implements.
func TestCommandInfoMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	db := mustOpen(t, kevy.Config{Shards: 2})
	ctx := context.Background()
	all := db.Exec(ctx, "COMMAND")
	for _, info := range all.Elems {
		name := info.Elems[0].Str
		want := fromRedis(cl.MustDo(t, "COMMAND", "INFO", name))
		if len(want.Elems) != 1 || want.Elems[0].Kind != kevy.ReplyArray {
			t.Errorf("%s: redis-server does not know it", name)
			continue
		}
		w := want.Elems[0]
		for i := 0; i < 9; i++ {
			if show(info.Elems[i]) != show(w.Elems[i]) {
				t.Errorf("%s: COMMAND INFO field %d: kevy %s, redis %s", name, i, show(info.Elems[i]), show(w.Elems[i]))
			}
		}
		subs := map[string]kevy.Reply{}
		for _, s := range w.Elems[9].Elems {
			subs[s.Elems[0].Str] = s
		}
		for _, s := range info.Elems[9].Elems {
			ws, ok := subs[s.Elems[0].Str]
			if !ok {
				t.Errorf("%s: redis-server has no such subcommand", s.Elems[0].Str)
				continue
			}
			for i := 0; i < 9; i++ {
				if show(s.Elems[i]) != show(ws.Elems[i]) {
					t.Errorf("%s: COMMAND INFO field %d: kevy %s, redis %s", s.Elems[0].Str, i, show(s.Elems[i]), show(ws.Elems[i]))
				}
			}
		}
	}
}
