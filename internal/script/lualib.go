package script

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

var posInf = math.Inf(1)

// maxStringLen bounds strings a script builds with string.rep (Redis's
// proto-max-bulk-len): a bigger one would only exhaust memory.
const maxStringLen = 512 << 20

func strRep(L *lua.LState) int {
	s := checkString(L, 1, "rep")
	n := toInt64(checkNumber(L, 2, "rep"))
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if n > maxStringLen/int64(len(s)) {
		L.RaiseError("resulting string too large")
	}
	L.Push(lua.LString(strings.Repeat(s, int(n))))
	return 1
}

// tableCompat holds the Lua 5.1 table functions gopher-lua lacks.
var tableCompat = map[string]lua.LGFunction{
	"getn": func(L *lua.LState) int {
		L.Push(lua.LNumber(L.CheckTable(1).Len()))
		return 1
	},
	"maxn": func(L *lua.LState) int {
		max := 0.0
		L.CheckTable(1).ForEach(func(k, _ lua.LValue) {
			if n, ok := k.(lua.LNumber); ok && float64(n) > max {
				max = float64(n)
			}
		})
		L.Push(lua.LNumber(max))
		return 1
	},
	"foreachi": func(L *lua.LState) int {
		t := L.CheckTable(1)
		f := L.CheckFunction(2)
		n := t.Len()
		for i := 1; i <= n; i++ {
			L.Push(f)
			L.Push(lua.LNumber(i))
			L.Push(t.RawGetInt(i))
			L.Call(2, 1)
			if r := L.Get(-1); r != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	},
	"foreach": func(L *lua.LState) int {
		t := L.CheckTable(1)
		f := L.CheckFunction(2)
		for k, val := t.Next(lua.LNil); k != lua.LNil; k, val = t.Next(k) {
			L.Push(f)
			L.Push(k)
			L.Push(val)
			L.Call(2, 1)
			if r := L.Get(-1); r != lua.LNil {
				return 1
			}
			L.Pop(1)
		}
		return 0
	},
}

// redisPcall is Redis's pcall: an error that is a table with a string err
// field (what redis.call raises) comes back as that string, as the error
// of Redis before 7.0 did.
func redisPcall(L *lua.LState) int {
	L.CheckAny(1)
	top := L.GetTop()
	err := L.PCall(top-1, lua.MultRet, nil)
	if err == nil {
		L.Insert(lua.LTrue, 1)
		return L.GetTop()
	}
	obj := lua.LValue(lua.LString(err.Error()))
	if ae, ok := err.(*lua.ApiError); ok {
		obj = ae.Object
	}
	if t, ok := obj.(*lua.LTable); ok {
		if e, ok := t.RawGetString("err").(lua.LString); ok {
			obj = e
		}
	}
	L.SetTop(0)
	L.Push(lua.LFalse)
	L.Push(obj)
	return 2
}

// loadstring and load compile through compile, so that loaded chunks get
// Lua 5.1's number formatting too, and run in the caller's environment.
func (v *vm) loadstring(L *lua.LState) int {
	src := checkString(L, 1, "loadstring")
	name := src
	if L.GetTop() >= 2 {
		name = checkString(L, 2, "loadstring")
	}
	return v.loadChunk(L, src, name)
}

func (v *vm) loadFn(L *lua.LState) int {
	f := L.CheckFunction(1)
	name := "=(load)"
	if L.GetTop() >= 2 {
		name = checkString(L, 2, "load")
	}
	var b strings.Builder
	for {
		L.Push(f)
		L.Call(0, 1)
		piece := L.Get(-1)
		L.Pop(1)
		if piece == lua.LNil {
			break
		}
		s, ok := piece.(lua.LString)
		if !ok {
			L.RaiseError("reader function must return a string")
		}
		if s == "" {
			break
		}
		b.WriteString(string(s))
		if b.Len() > maxStringLen {
			L.RaiseError("chunk too large")
		}
	}
	return v.loadChunk(L, b.String(), name)
}

func (v *vm) loadChunk(L *lua.LState, src, name string) int {
	proto, err := compile(src, chunkID(name))
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	env := v.evalEnv
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("f", dbg, lua.LNil); err == nil {
			if fn, ok := L.Get(-1).(*lua.LFunction); ok && fn.Env != nil {
				env = fn.Env
			}
			L.Pop(1)
		}
	}
	fn, lerr := v.instantiate(proto, env)
	if lerr != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(lerr.Error()))
		return 2
	}
	L.Push(fn)
	return 1
}

// chunkID is Lua 5.1's luaO_chunkid for a chunk name.
func chunkID(name string) string {
	switch {
	case strings.HasPrefix(name, "="):
		return name[1:]
	case strings.HasPrefix(name, "@"):
		return name[1:]
	}
	line, _, multi := strings.Cut(name, "\n")
	const max = 60 - len(`[string "..."]`)
	if multi || len(line) > max {
		if len(line) > max {
			line = line[:max]
		}
		return `[string "` + line + `..."]`
	}
	return `[string "` + line + `"]`
}

// instantiate runs a compiled wrapper chunk (see compile) with env as its
// environment and returns the script function it makes.
func (v *vm) instantiate(proto *lua.FunctionProto, env *lua.LTable) (*lua.LFunction, error) {
	L := v.L
	wrapper := L.NewFunctionFromProto(proto)
	wrapper.Env = env
	L.Push(wrapper)
	L.Push(v.concatFn)
	if err := L.PCall(1, 1, nil); err != nil {
		return nil, err
	}
	fn, _ := L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	return fn, nil
}
