package shard

import (
	"strconv"
	"testing"
)

// The cost of Ctx.Run's bookkeeping on one shard, without any engine:
// a command run directly (cmd.Run) against Ctx.Run with command timing on
// and off, and with a memory limit set (never reached) or not.

func benchKeyspace(b *testing.B, rt *Runtime) (*Keyspace, []string) {
	b.Helper()
	ks := New(Options{ID: 0, Runtime: rt, Databases: benchDBs})
	keys := make([]string, 1<<14)
	var c Ctx
	c.Bind(ks, 1)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
		c.SetString(keys[i], "value-"+strconv.Itoa(i), false)
	}
	ks.SettleMemory()
	return ks, keys
}

func BenchmarkCtxRun(b *testing.B) {
	get, set := Lookup("get"), Lookup("set")
	for _, v := range []struct {
		name   string
		direct bool
		timing bool
		limit  int64
	}{
		{"mode=direct", true, false, 0},
		{"mode=run/timing=off/limit=off", false, false, 0},
		{"mode=run/timing=on/limit=off", false, true, 0},
		{"mode=run/timing=off/limit=on", false, false, 1 << 40},
		{"mode=run/timing=on/limit=on", false, true, 1 << 40},
	} {
		for _, cmd := range []*Command{get, set} {
			b.Run(v.name+"/op="+cmd.Name, func(b *testing.B) {
				rt := NewRuntime(1)
				rt.SetMaxMemory(v.limit)
				rt.SetPolicy(AllKeysLRU)
				if !v.timing {
					rt.Slowlog.SetThreshold(-1)
				}
				ks, keys := benchKeyspace(b, rt)
				var c Ctx
				args := []string{cmd.Name, "", "v"}[:cmd.Arity*sign(cmd.Arity)]
				if cmd == set {
					args = []string{"set", "", "value"}
				}
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					c.Bind(ks, 1)
					args[1] = keys[i&(len(keys)-1)]
					c.DB, c.Cmd, c.Args = 0, cmd, args
					if v.direct {
						cmd.Run(&c)
					} else {
						c.Run()
					}
				}
			})
		}
	}
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

var benchDBs = 16

// BenchmarkEvictingSet is SET of new keys on a full keyspace: every SET
// evicts one key (allkeys-lru).
func BenchmarkEvictingSet(b *testing.B) {
	rt := NewRuntime(1)
	rt.SetPolicy(AllKeysLRU)
	rt.Slowlog.SetThreshold(-1)
	ks, _ := benchKeyspace(b, rt)
	rt.SetMaxMemory(rt.Used())
	set := Lookup("set")
	var c Ctx
	args := []string{"set", "", "value-12345"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.Bind(ks, 1)
		args[1] = "new:" + strconv.Itoa(i)
		c.DB, c.Cmd, c.Args = 0, set, args
		c.Run()
	}
}
