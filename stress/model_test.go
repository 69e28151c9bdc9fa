package stress

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/require"
)

// TestModelMatchesRedis checks the checker: random sequences of the
// commands the workload issues (every family's generator, the generic key
// commands, and other families' commands on each key for WRONGTYPE), run
// by one client against redis-server 7.0, must get replies the model
// allows, from the states the model computes. A harness whose model were
// wrong would report kevy's correct answers as failures, or worse, accept
// wrong ones.
func TestModelMatchesRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("stress tests skip under -short")
	}
	srv := redistest.Start(t)
	c := srv.Client(t)
	fams, _ := activeFamilies()
	g := newGen(uint64(time.Now().UnixNano()), 1)
	var keys []lkey
	for _, f := range fams {
		for i := 0; i < 2; i++ {
			name := f.prefix + ":m" + strconv.Itoa(i)
			keys = append(keys, lkey{name: name, fam: f})
		}
	}
	states := map[string]kstate{}
	const ops = 6000
	for i := 0; i < ops; i++ {
		k := keys[g.r.IntN(len(keys))]
		var args []string
		switch x := g.r.IntN(100); {
		case x < 12:
			args = genericCmd(g, k.name)
		case x < 18:
			args = fams[g.r.IntN(len(fams))].gen(g, k.name)
		case x < 24:
			args = k.fam.write(g, k.name)
		default:
			args = k.fam.gen(g, k.name)
		}
		lo := time.Now().UnixMilli()
		v, err := c.Do(args...)
		hi := time.Now().UnixMilli()
		require.NoError(t, err, "%q", args)
		reply := canon(normalize(args[0], fromValue(v)))
		st := states[k.name]
		outs := accepted(apply(st, args, lo, hi), reply)
		require.NotEmpty(t, outs, "op %d: %q from %s: redis answered %s, which the model does not allow", i, args, st, reply)
		states[k.name] = outs[0].next
		if len(outs) > 1 {
			// Nondeterminism the reply does not settle (expiry at the
			// edge of the call): read the key back to learn the state.
			states[k.name] = redisState(t, c, k.name)
		}
	}
}

// fromValue converts a redistest reply.
func fromValue(v redistest.Value) resp.Reply {
	switch v.Type {
	case '+':
		return resp.Reply{Kind: resp.Status, Str: v.Str}
	case '-':
		return resp.Reply{Kind: resp.Error, Str: v.Str}
	case ':':
		return resp.Reply{Kind: resp.Int, Int: v.Int}
	case '$':
		if v.Null {
			return resp.Reply{Kind: resp.Nil}
		}
		return resp.Reply{Kind: resp.Bulk, Str: v.Str}
	}
	if v.Null {
		return resp.Reply{Kind: resp.NilArray}
	}
	elems := make([]resp.Reply, len(v.Array))
	for i, e := range v.Array {
		elems[i] = fromValue(e)
	}
	return resp.Reply{Kind: resp.Array, Elems: elems}
}

// redisState reads a key's state from redis-server.
func redisState(t *testing.T, c *redistest.Client, key string) kstate {
	typ := c.MustDo(t, "TYPE", key).Str
	var st kstate
	switch typ {
	case "none":
		return none
	case "string":
		st = kstate{T: tString, V: c.MustDo(t, "GET", key).Str}
	case "list":
		st = kstate{T: tList, V: encList(strs(c.MustDo(t, "LRANGE", key, "0", "-1")))}
	case "hash":
		h := map[string]string{}
		a := strs(c.MustDo(t, "HGETALL", key))
		for i := 0; i+1 < len(a); i += 2 {
			h[a[i]] = a[i+1]
		}
		st = kstate{T: tHash, V: encHash(h)}
	case "set":
		s := map[string]bool{}
		for _, m := range strs(c.MustDo(t, "SMEMBERS", key)) {
			s[m] = true
		}
		st = kstate{T: tSet, V: encSet(s)}
	case "zset":
		z := map[string]float64{}
		a := strs(c.MustDo(t, "ZRANGE", key, "0", "-1", "WITHSCORES"))
		for i := 0; i+1 < len(a); i += 2 {
			f, err := strconv.ParseFloat(a[i+1], 64)
			require.NoError(t, err)
			z[a[i]] = f
		}
		st = kstate{T: tZSet, V: encZSet(z)}
	}
	if e := c.MustDo(t, "PEXPIRETIME", key).Int; e > 0 {
		st.Exp = e
	}
	return st
}

func strs(v redistest.Value) []string {
	out := make([]string, len(v.Array))
	for i, e := range v.Array {
		out[i] = e.Str
	}
	return out
}

// FuzzParseHistory: a history file, however damaged, is either refused or
// checked without a panic.
func FuzzParseHistory(f *testing.F) {
	h := History{Test: "seed", Engine: "actor", Shards: 2, Init: map[string]kstate{"a/0/acct0": encBalances([]int64{100, 100})},
		Ops: []Op{
			{Client: 0, Obj: "k/0/s:1", Args: []string{"SET", "s:1", "v"}, Call: 1, Return: 5, Reply: "+OK"},
			{Client: 1, Obj: "k/0/s:1", Args: []string{"GET", "s:1"}, Call: 2, Return: 6, Reply: "$v"},
			{Client: 1, Obj: "k/0/l:1", Args: []string{"LPOP", "l:1", "2"}, Call: 7, Return: -1, Unknown: true},
			{Client: 0, Obj: "g/0/mset0", Args: []string{"MGET", "3"}, Call: 3, Return: 4, Reply: "*[___]"},
			{Client: 2, Obj: "a/0/acct0", Args: []string{"XFER", "0", "1", "5"}, Call: 3, Return: 9, Reply: "*[:95\x1d:105]"},
			{Client: 2, Obj: "a/0/acct0", Args: []string{"MGET", "0", "1"}, Call: 10, Return: 11, Reply: "*[$95\x1d$105]"},
		}}
	b, err := json.Marshal(h)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"shards":1,"ops":[{"obj":"k/0/x","args":["SET","x","1","PXAT"],"call":1,"ret":2}]}`))
	f.Add([]byte(`{"shards":1,"ops":[{"obj":"a/0/a","args":["XFER","0","9","1"],"call":1,"ret":2}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseHistory(data)
		if err != nil {
			return
		}
		if len(h.Ops) > 200 {
			return // keep each input's check short
		}
		checkHistory(h, time.Second, false)
	})
}
