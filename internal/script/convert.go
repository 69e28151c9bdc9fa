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

// luaToReply converts a script's return value; proto is the script's
// redis.setresp.
func (v *vm) luaToReply(val lua.LValue, proto, depth int) resp.Reply {
	if depth > maxReplyDepth {
		return resp.Err(msgStackLimit)
	}
	switch x := val.(type) {
	case lua.LString:
		return resp.BulkReply(string(x))
	case lua.LBool:
		if proto == 2 {
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
		return v.tableToReply(x, proto, depth)
	}
	return resp.NilReply
}

func (v *vm) tableToReply(t *lua.LTable, proto, depth int) resp.Reply {
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		return resp.Err(errorReplyText(string(e)))
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		return resp.StatusReply(noCRLF(string(s)))
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		return resp.Reply{Kind: resp.Double, Str: fmtDouble(float64(d))}
	}
	if b, ok := t.RawGetString("big_number").(lua.LString); ok {
		return resp.Reply{Kind: resp.BigNumber, Str: noCRLF(string(b))}
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		if f, ok := vt.RawGetString("format").(lua.LString); ok {
			if s, ok := vt.RawGetString("string").(lua.LString); ok {
				format := string(f) + "\x00\x00\x00"
				return resp.Reply{Kind: resp.Verbatim, Str: format[:3] + ":" + string(s)}
			}
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		elems := []resp.Reply{}
		for k, val := m.Next(lua.LNil); k != lua.LNil; k, val = m.Next(k) {
			elems = append(elems, v.luaToReply(k, proto, depth+1), v.luaToReply(val, proto, depth+1))
		}
		return resp.Reply{Kind: resp.Map, Elems: elems}
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		elems := []resp.Reply{}
		for k, _ := s.Next(lua.LNil); k != lua.LNil; k, _ = s.Next(k) {
			elems = append(elems, v.luaToReply(k, proto, depth+1))
		}
		return resp.Reply{Kind: resp.Set, Elems: elems}
	}
	elems := []resp.Reply{}
	for j := 1; ; j++ {
		e := t.RawGetInt(j)
		if e == lua.LNil {
			break
		}
		elems = append(elems, v.luaToReply(e, proto, depth+1))
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
