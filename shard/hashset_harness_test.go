package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/require"
)

// A test harness for the hash and set commands at the shard level: a group
// of keyspaces (one per shard) that log effects and record keyspace
// events, commands run through a Ctx as the engines run them, and a replay
// of the logged effects into fresh keyspaces to check that the effects
// rebuild exactly the same data.

type hsStore struct {
	t      testing.TB
	router Router
	shards []*Keyspace
	events []string // "event key" for every keyevent notification
}

func newHSStore(t testing.TB, nshards int) *hsStore {
	s := &hsStore{t: t, router: NewRouter(nshards)}
	ev := &Events{Publish: func(channel, msg string) {
		if ev, ok := strings.CutPrefix(channel, "__keyevent@0__:"); ok {
			s.events = append(s.events, ev+" "+msg)
		}
	}}
	ev.SetClasses(NotifyKeyevent | NotifyAll)
	for i := range nshards {
		s.shards = append(s.shards, New(Options{ID: i, Log: true, Events: ev, Seed: uint64(i + 1)}))
	}
	return s
}

// do runs one command (words separated by spaces) and returns its reply in
// a compact form.
func (s *hsStore) do(line string) string {
	return hsShow(s.run(strings.Fields(line)...))
}

// run runs one command given as its words.
func (s *hsStore) run(args ...string) resp.Reply {
	cmd, errRep := Resolve(args)
	if cmd == nil {
		return errRep
	}
	c := &Ctx{}
	if len(s.shards) == 1 {
		c.Bind(s.shards[0], 1)
	} else {
		c.BindGroup(s.router, s.shards)
	}
	c.Cmd = cmd
	c.SetArgs(args)
	return cmd.Run(c)
}

// takeEvents returns the events recorded since the last call.
func (s *hsStore) takeEvents() []string {
	ev := s.events
	s.events = nil
	return ev
}

// replay applies the effects every shard logged to a fresh store of the
// same shape (each shard's log to its own keyspace alone, as AOF loading
// does) and returns it.
func (s *hsStore) replay() *hsStore {
	fresh := newHSStore(s.t, len(s.shards))
	for i, ks := range s.shards {
		rd := resp.NewReader(bytes.NewReader(ks.Effects()), resp.ReaderOptions{})
		db := 0
		for {
			argv, err := rd.ReadCommand()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(s.t, err)
			if EqualFold(argv[0], "select") {
				n, ok := ParseInt(argv[1])
				require.True(s.t, ok)
				db = int(n)
				continue
			}
			cmd, errRep := Resolve(argv)
			require.NotNil(s.t, cmd, "effect %q: %s", argv, errRep.Str)
			c := &Ctx{}
			c.Bind(fresh.shards[i], len(s.shards))
			c.DB, c.Cmd, c.Loading, c.NoBlock = db, cmd, true, true
			c.SetArgs(argv)
			rep := cmd.Run(c)
			require.NotEqual(s.t, resp.Error, rep.Kind, "effect %q failed: %s", argv, rep.Str)
		}
	}
	return fresh
}

// dump describes every key of database 0 of every shard, sorted: type,
// expiry and contents (members and pairs sorted).
func (s *hsStore) dump() []string {
	var out []string
	for i, ks := range s.shards {
		ks.DB(0).Range(func(e *Entry) bool {
			var items []string
			switch e.Type {
			case TypeString:
				items = []string{e.StrValue()}
			case TypeHash:
				e.Obj.(*Hash).Range(func(f, v string) bool {
					items = append(items, f+"="+v)
					return true
				})
			case TypeSet:
				items = e.Obj.(*Set).members()
			}
			sort.Strings(items)
			out = append(out, fmt.Sprintf("shard%d %s %s exp=%d %q", i, e.Key, e.Type, e.ExpireAt, items))
			return true
		})
	}
	sort.Strings(out)
	return out
}

// checkReplay asserts that replaying the effects rebuilds the same data.
func (s *hsStore) checkReplay() {
	s.t.Helper()
	require.Equal(s.t, s.dump(), s.replay().dump())
}

// hsShow renders a reply compactly: +status, -error, :int, "bulk", (nil),
// [a b c].
func hsShow(r resp.Reply) string {
	switch r.Kind {
	case resp.Status:
		return "+" + r.Str
	case resp.Error:
		return "-" + r.Str
	case resp.Int:
		return fmt.Sprintf(":%d", r.Int)
	case resp.Bulk:
		return fmt.Sprintf("%q", r.Str)
	case resp.Nil:
		return "(nil)"
	case resp.Array:
		parts := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			parts[i] = hsShow(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("?%v", r)
}
