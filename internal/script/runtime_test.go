package script_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/script"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memCaller serves GET, SET and INCR from a map: enough for the runtime's
// own tests and benchmarks, without a server.
type memCaller struct{ m map[string]string }

func (c *memCaller) Lookup(args []string) script.CommandInfo {
	switch args[0] {
	case "GET":
		return script.CommandInfo{Known: true, ArityOK: len(args) == 2}
	case "SET", "INCR":
		return script.CommandInfo{Known: true, ArityOK: true, Flags: script.CmdWrite | script.CmdDenyOOM}
	}
	return script.CommandInfo{}
}

func (c *memCaller) Call(args []string, _ int) resp.Reply {
	switch args[0] {
	case "GET":
		v, ok := c.m[args[1]]
		if !ok {
			return resp.NilReply
		}
		return resp.BulkReply(v)
	case "SET":
		c.m[args[1]] = args[2]
		return resp.OK
	}
	n, _ := strconv.ParseInt(c.m[args[1]], 10, 64)
	n++
	c.m[args[1]] = strconv.FormatInt(n, 10)
	return resp.IntReply(n)
}

func TestKill(t *testing.T) {
	rt := script.New(script.Options{})
	for _, body := range []string{
		`while true do end`,
		`while true do pcall(function() while true do end end) end`,
	} {
		s, _, ok := rt.Load(body)
		require.True(t, ok)
		ctx, cancel := context.WithCancelCause(context.Background())
		req := &script.Request{Ctx: ctx, Caller: &memCaller{m: map[string]string{}}}
		cancel(script.ErrKilled)
		r, err := rt.Eval(s, req)
		require.NoError(t, err)
		assert.Equal(t, "ERR Script killed by user with SCRIPT KILL... script: "+s.SHA+", on @user_script:1.", r.Str, body)
		assert.False(t, req.Written())
	}
	// The caller's own cancellation is an error too.
	s, _, _ := rt.Load(`redis.call("SET", "k", "v") while true do end`)
	ctx, cancel := context.WithCancel(context.Background())
	caller := &memCaller{m: map[string]string{}}
	req := &script.Request{Ctx: ctx, Caller: caller}
	go func() {
		for {
			if req.Written() {
				cancel()
				return
			}
		}
	}()
	r, err := rt.Eval(s, req)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, r.IsError())
	assert.True(t, req.Written(), "the run wrote before it was stopped")
	assert.Equal(t, "v", caller.m["k"])
}

func TestReplyDepthBounded(t *testing.T) {
	rt := script.New(script.Options{})
	s, _, _ := rt.Load(`local t = {} t[1] = t return t`)
	r, err := rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: &memCaller{}})
	require.NoError(t, err)
	depth := 0
	for r.Kind == resp.Array {
		r = r.Elems[0]
		depth++
	}
	assert.Equal(t, resp.Err("ERR reached lua stack limit"), r)
	assert.Equal(t, 3999, depth)
}

// TestReplySharedTablesBounded returns values that expand far beyond
// their size in Lua: a table holding itself twice (2^3998 replies once
// expanded) and a 64 MB string held 17 times. Both must end in an error
// reply, quickly, instead of wedging the caller.
func TestReplySharedTablesBounded(t *testing.T) {
	const msgTooLarge = "ERR script reply too large (it repeats its tables beyond 4 times its size, or holds more than 1 GB of strings)"
	rt := script.New(script.Options{})
	for _, body := range []string{
		`local t = {} t[1] = t t[2] = t return t`,
		`local t = {} t.map = {[1] = t, [2] = t} return t`,
		`local s = string.rep("x", 2^26) local t = {} for i = 1, 17 do t[i] = s end return t`,
	} {
		s, _, ok := rt.Load(body)
		require.True(t, ok)
		done := make(chan resp.Reply, 1)
		go func() {
			r, _ := rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: &memCaller{}})
			done <- r
		}()
		select {
		case r := <-done:
			assert.Equal(t, resp.Err(msgTooLarge), r, body)
		case <-time.After(2 * time.Minute):
			t.Fatalf("no reply after 2 minutes: %s", body)
		}
	}
	// Big but legitimate replies still convert (see also
	// TestReplyExpansionAllowed, past the free allowance).
	s, _, _ := rt.Load(`local s = string.rep("x", 2^26) local t = {} for i = 1, 15 do t[i] = s end return t`)
	r, err := rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: &memCaller{}})
	require.NoError(t, err)
	assert.Len(t, r.Elems, 15)
}

func TestCacheBounded(t *testing.T) {
	rt := script.New(script.Options{MaxScripts: 3})
	var shas []string
	for i := 0; i < 5; i++ {
		s, _, ok := rt.Load("return " + strconv.Itoa(i))
		require.True(t, ok)
		shas = append(shas, s.SHA)
	}
	n, _ := rt.CacheStats()
	assert.Equal(t, 3, n)
	assert.False(t, rt.Exists(shas[0]), "least recently used evicted")
	assert.True(t, rt.Exists(shas[4]))
	rt.Flush()
	assert.False(t, rt.Exists(shas[4]))
}

// BenchmarkEvalTwoCalls runs a cached script doing GET then INCR on one
// key, the shape the engine integration will be compared with: under a
// context that cannot end (context.Background, as an embedded caller may
// pass) and under a cancellable one (what the engine gives every run, for
// SCRIPT KILL and BUSY).
func BenchmarkEvalTwoCalls(b *testing.B) {
	cancellable, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"ctx=background", context.Background()}, {"ctx=cancellable", cancellable}} {
		b.Run(bc.name, func(b *testing.B) {
			rt := script.New(script.Options{})
			s, _, _ := rt.Load(`redis.call("GET", KEYS[1]) return redis.call("INCR", KEYS[1])`)
			caller := &memCaller{m: map[string]string{}}
			keys := []string{"k"}
			b.ReportAllocs()
			for b.Loop() {
				r, _ := rt.Eval(s, &script.Request{Ctx: bc.ctx, Caller: caller, Keys: keys})
				if r.Kind != resp.Int {
					b.Fatal(r)
				}
			}
		})
	}
}

// BenchmarkEvalLoop runs a script that spends its time in Lua
// instructions, where the per-instruction cost of checking the context
// shows.
func BenchmarkEvalLoop(b *testing.B) {
	cancellable, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"ctx=background", context.Background()}, {"ctx=cancellable", cancellable}} {
		b.Run(bc.name, func(b *testing.B) {
			rt := script.New(script.Options{})
			s, _, _ := rt.Load(`local n = 0 for i = 1, 1000 do n = n + i % 7 end return n`)
			b.ReportAllocs()
			for b.Loop() {
				r, _ := rt.Eval(s, &script.Request{Ctx: bc.ctx, Caller: &memCaller{}})
				if r.Kind != resp.Int {
					b.Fatal(r)
				}
			}
		})
	}
}
