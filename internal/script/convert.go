package script

import (
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
	lua "github.com/yuin/gopher-lua"
)

// Conversions between replies and Lua values, as Redis 7.0's script_lua.c
// (redisProtocolToLuaType and luaReplyToRedisReply).

// replyToLua converts the reply of redis.call for a script speaking proto.
func (v *vm) replyToLua(r resp.Reply, proto int) lua.LValue {
	L := v.L
	switch r.Kind {
	case resp.Int:
		return lua.LNumber(r.Int)
	case resp.Bulk:
		return lua.LString(r.Str)
	case resp.Nil, resp.NilArray:
		if proto == 3 {
			return lua.LNil
		}
		return lua.LFalse
	case resp.Status:
		t := L.NewTable()
		t.RawSetString("ok", lua.LString(r.Str))
		return t
	case resp.Error:
		t := errorTable(L, "-"+r.Str)
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
		return t
	case resp.Array:
		t := L.CreateTable(len(r.Elems), 0)
		for i := range r.Elems {
			t.RawSetInt(i+1, v.replyToLua(r.Elems[i], proto))
		}
		return t
	case resp.Map:
		m := L.CreateTable(0, len(r.Elems)/2)
		for i := 0; i+1 < len(r.Elems); i += 2 {
			k := v.replyToLua(r.Elems[i], proto)
			if k == lua.LNil {
				continue
			}
			m.RawSet(k, v.replyToLua(r.Elems[i+1], proto))
		}
		return wrap(L, "map", m)
	case resp.Set:
		s := L.CreateTable(0, len(r.Elems))
		for i := range r.Elems {
			if k := v.replyToLua(r.Elems[i], proto); k != lua.LNil {
				s.RawSet(k, lua.LTrue)
			}
		}
		return wrap(L, "set", s)
	case resp.Bool:
		return lua.LBool(r.Int != 0)
	case resp.Double:
		return wrap(L, "double", lua.LNumber(parseDouble(r.Str)))
	case resp.BigNumber:
		return wrap(L, "big_number", lua.LString(r.Str))
	case resp.Verbatim:
		vt := L.NewTable()
		format, text := r.Str, ""
		if len(r.Str) >= 4 {
			format, text = r.Str[:3], r.Str[4:]
		}
		vt.RawSetString("string", lua.LString(text))
		vt.RawSetString("format", lua.LString(format))
		return wrap(L, "verbatim_string", vt)
	}
	return lua.LNil
}

func wrap(L *lua.LState, field string, val lua.LValue) *lua.LTable {
	t := L.NewTable()
	t.RawSetString(field, val)
	return t
}

// parseDouble reads a RESP3 double as strtod does ("inf", "-nan"...).
func parseDouble(s string) float64 {
	switch strings.ToLower(s) {
	case "inf", "+inf":
		return posInf
	case "-inf":
		return -posInf
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// maxReplyDepth is how deeply a script's return value may nest before the
// conversion gives up with Redis's "reached lua stack limit" error, as
// Redis does when its Lua stack runs out.
const maxReplyDepth = 3998

const msgStackLimit = "ERR reached lua stack limit"

// The bounds of a script's return value besides its depth. Redis has none,
// but a table can hold another table many times: with t[1] and t[2] both
// holding t, a return value of a few bytes of Lua expands into 2^3998
// replies, and one holding a 100 MB string twenty times into 2 GB that the
// engine would have to write. A reply may have maxReplyFreeElems
// elements, or more while it has at most replyExpansion times as many as
// the values reachable from the Lua value (so a large table converts, as
// in Redis, while a table repeated over and over does not), and at most
// maxReplyBytes of strings. Past that the script's reply is
// msgReplyTooLarge.
const (
	maxReplyFreeElems = 1 << 20
	replyExpansion    = 4
	maxReplyBytes     = 1 << 30
)

const msgReplyTooLarge = "ERR script reply too large (it repeats its tables beyond 4 times its size, or holds more than 1 GB of strings)"

// replyConverter converts a script's return value (luaReplyToRedisReply)
// and counts what it made.
type replyConverter struct {
	root     lua.LValue
	proto    int // the script's redis.setresp
	maxElems int // maxReplyFreeElems, then the bound measured from root
	measured bool
	elems    int
	bytes    int
	over     bool // a bound was passed: the result is thrown away
}

// luaToReply converts a script's return value; proto is the script's
// redis.setresp.
func (v *vm) luaToReply(val lua.LValue, proto int) resp.Reply {
	c := replyConverter{root: val, proto: proto, maxElems: v.rt.maxReplyFreeElems}
	r := c.convert(val, 0)
	if c.over {
		return resp.Err(msgReplyTooLarge)
	}
	return r
}

// count adds one reply, and reports whether the conversion may go on.
func (c *replyConverter) count() bool {
	if c.elems++; c.elems > c.maxElems {
		if !c.measured {
			c.measured = true
			c.maxElems = max(c.maxElems, replyExpansion*reachable(c.root))
		}
		c.over = c.elems > c.maxElems
	}
	return !c.over
}

// reachable counts the values reachable from val through table keys and
// values, each table once: the size of the Lua value, however often it
// repeats its parts.
func reachable(val lua.LValue) int {
	t, ok := val.(*lua.LTable)
	if !ok {
		return 1
	}
	seen := map[*lua.LTable]bool{t: true}
	stack := []*lua.LTable{t}
	n := 1
	visit := func(v lua.LValue) {
		n++
		if t, ok := v.(*lua.LTable); ok && !seen[t] {
			seen[t] = true
			stack = append(stack, t)
		}
	}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
			visit(k)
			visit(v)
		}
	}
	return n
}

// text adds a reply's n bytes of text.
func (c *replyConverter) text(n int) {
	if c.bytes += n; c.bytes > maxReplyBytes {
		c.over = true
	}
}

func (c *replyConverter) convert(val lua.LValue, depth int) resp.Reply {
	if !c.count() {
		return resp.Reply{}
	}
	if depth > maxReplyDepth {
		return resp.Err(msgStackLimit)
	}
	switch x := val.(type) {
	case lua.LString:
		c.text(len(x))
		return resp.BulkReply(string(x))
	case lua.LBool:
		if c.proto == 2 {
			if x {
				return resp.One
			}
			return resp.NilReply
		}
		if x {
			return resp.Reply{Kind: resp.Bool, Int: 1}
		}
		return resp.Reply{Kind: resp.Bool}
	case lua.LNumber:
		return resp.IntReply(toInt64(float64(x)))
	case *lua.LTable:
		return c.table(x, depth)
	}
	return resp.NilReply
}

func (c *replyConverter) table(t *lua.LTable, depth int) resp.Reply {
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		c.text(len(e))
		return resp.Err(errorReplyText(string(e)))
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		c.text(len(s))
		return resp.StatusReply(noCRLF(string(s)))
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		return resp.Reply{Kind: resp.Double, Str: fmtDouble(float64(d))}
	}
	if b, ok := t.RawGetString("big_number").(lua.LString); ok {
		c.text(len(b))
		return resp.Reply{Kind: resp.BigNumber, Str: noCRLF(string(b))}
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		if f, ok := vt.RawGetString("format").(lua.LString); ok {
			if s, ok := vt.RawGetString("string").(lua.LString); ok {
				c.text(len(s))
				format := string(f) + "\x00\x00\x00"
				return resp.Reply{Kind: resp.Verbatim, Str: format[:3] + ":" + string(s)}
			}
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		elems := []resp.Reply{}
		for k, val := m.Next(lua.LNil); k != lua.LNil && !c.over; k, val = m.Next(k) {
			elems = append(elems, c.convert(k, depth+1), c.convert(val, depth+1))
		}
		return resp.Reply{Kind: resp.Map, Elems: elems}
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		elems := []resp.Reply{}
		for k, _ := s.Next(lua.LNil); k != lua.LNil && !c.over; k, _ = s.Next(k) {
			elems = append(elems, c.convert(k, depth+1))
		}
		return resp.Reply{Kind: resp.Set, Elems: elems}
	}
	elems := []resp.Reply{}
	for j := 1; !c.over; j++ {
		e := t.RawGetInt(j)
		if e == lua.LNil {
			break
		}
		elems = append(elems, c.convert(e, depth+1))
	}
	return resp.ArrayReply(elems)
}

// errorReplyText is the text addReplyErrorFormat("-%s", msg) sends.
func errorReplyText(msg string) string {
	return noCRLF(msg)
}

func noCRLF(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return s
}

// fmtDouble is addReplyDouble's text: "%.17g", with inf and -inf.
func fmtDouble(d float64) string { return fmtG(d, 17) }
