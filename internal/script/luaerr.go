package script

import (
	"fmt"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// Errors raised by library functions, with Lua 5.1's texts.
//
// gopher-lua's RaiseError prefixes a message with the position of the
// nearest Lua function on the stack. Lua 5.1's luaL_error looks only at the
// function that called the library function: a Lua function gives
// "user_script:1: ", a C function (pcall(cjson.decode, s)) gives nothing.
// Redis's scripts see the difference, so the libraries raise through
// libError.

// luaMaxCStack is Lua 5.1's LUAI_MAXCSTACK: how many stack slots a C
// function may use. The bundled libraries check it (lua_checkstack) as
// they nest and return values, and their errors past it are part of
// Redis's behaviour; the Go versions count the slots the C code would use.
const luaMaxCStack = 8000

// libError raises fmt.Sprintf(format, args...) as luaL_error does.
func libError(L *lua.LState, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	L.Error(lua.LString(callerWhere(L)+msg), 0)
}

// callerWhere is luaL_where(L, 1): "source:line: " when a Lua function
// called the running Go function, "" otherwise.
func callerWhere(L *lua.LState) string {
	dbg, ok := L.GetStack(1)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// calledFromLua reports whether a Lua function called the running Go
// function (Lua 5.1 then knows the name it was called by).
func calledFromLua(L *lua.LState) bool {
	dbg, ok := L.GetStack(1)
	if !ok {
		return false
	}
	f, err := L.GetInfo("f", dbg, lua.LNil)
	if err != nil {
		return false
	}
	fn, isFn := f.(*lua.LFunction)
	return isFn && !fn.IsG
}

// libArgError raises luaL_argerror's "bad argument #n to 'fn' (msg)"; the
// name is "?" when a Go function (pcall) made the call, as in Lua 5.1.
func libArgError(L *lua.LState, n int, fn, msg string) {
	if !calledFromLua(L) {
		fn = "?"
	}
	libError(L, "bad argument #%d to '%s' (%s)", n, fn, msg)
}

// libCheckStack is luaL_checkstack for a function whose C version holds
// used slots: "stack overflow (msg)" past luaMaxCStack.
func libCheckStack(L *lua.LState, used, need int, msg string) {
	if used+need > luaMaxCStack {
		libError(L, "stack overflow (%s)", msg)
	}
}

// argValue is the n-th argument, nil (Lua's "no value") past the last.
func argValue(L *lua.LState, n int) lua.LValue {
	if n > L.GetTop() {
		return nil
	}
	return L.Get(n)
}

// libCheckString is luaL_checklstring with libArgError.
func libCheckString(L *lua.LState, n int, fn string) string {
	if s, ok := asString(L.Get(n)); ok {
		return s
	}
	libArgError(L, n, fn, "string expected, got "+luaTypeName(argValue(L, n)))
	return ""
}

// libCheckInteger is luaL_checkinteger (lua_Integer is 64 bits in Redis's
// build; the conversion truncates as a C cast does).
func libCheckInteger(L *lua.LState, n int, fn string) int64 {
	f, ok := str2numberValue(L.Get(n))
	if !ok {
		libArgError(L, n, fn, "number expected, got "+luaTypeName(argValue(L, n)))
	}
	return toInt64(f)
}

// libOptInteger is luaL_optinteger.
func libOptInteger(L *lua.LState, n int, fn string, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return libCheckInteger(L, n, fn)
}

// checkRunContext raises an error when the run's context has ended, so
// that long loops inside library functions stop as the VM's own loop does.
func checkRunContext(L *lua.LState) {
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		L.RaiseError("%s", ctx.Err().Error())
	}
}
