package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// A vm is one Lua state set up with Redis's sandbox. A vm runs one script
// at a time; the Runtime keeps idle vms in a pool.
//
// Redis locks its globals and every table reachable from them with a
// read-only flag patched into its Lua. gopher-lua has no such flag, so the
// sandbox shows scripts read-only proxies instead: an empty table whose
// metatable reads through to the real table (__index) and refuses writes
// (__newindex), with rawset, setmetatable, next, rawget and the table
// library taught to see through or refuse them. Because nothing a script
// can reach is writable, nothing needs resetting between runs (as in Redis
// 7.0) except KEYS and ARGV.
type vm struct {
	L  *lua.LState
	rt *Runtime

	ro map[*lua.LTable]*lua.LTable // read-only proxy -> the table behind it

	evalEnv  *lua.LTable                    // _G of EVAL scripts (a proxy)
	evalBack *lua.LTable                    // behind evalEnv: KEYS, ARGV set per run
	fnEnv    *lua.LTable                    // _G of function libraries (a proxy)
	fnBack   *lua.LTable                    // behind fnEnv while functions run
	loadBack *lua.LTable                    // behind fnEnv while FUNCTION LOAD runs a library
	fnCur    *lua.LTable                    // fnBack or loadBack (see setFnCur)
	envIndex map[*lua.LTable]*lua.LFunction // what getmetatable shows as the globals proxies' __index

	concatFn *lua.LFunction
	errFn    *lua.LFunction
	null     *lua.LUserData // cjson.null, C's NULL light userdata

	gen     uint64                                 // cache generation the closures belong to
	scripts map[*Script]*lua.LFunction             // EVAL closures
	libs    map[*Library]map[string]*lua.LFunction // FCALL closures by library

	run  *runState  // the run under way, nil between runs
	load *loadState // the FUNCTION LOAD under way, nil otherwise
	bad  bool       // the state may be inconsistent: do not reuse it
}

func newVM(rt *Runtime) *vm {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:    true,
		CallStackSize:   callStackSize,
		RegistrySize:    1024,
		RegistryMaxSize: registryMaxSize,
	})
	v := &vm{
		L:       L,
		rt:      rt,
		ro:      map[*lua.LTable]*lua.LTable{},
		scripts: map[*Script]*lua.LFunction{},
		libs:    map[*Library]map[string]*lua.LFunction{},
	}
	v.concatFn = L.NewFunction(concat)
	v.errFn = L.NewFunction(v.errorHandler)
	v.null = L.NewUserData()
	v.null.Value = nullPointer
	v.setup()
	return v
}

// The limits of a Lua state: the call depth (Lua 5.1's LUAI_MAXCALLS is
// 20000; "stack overflow" past it) and the value stack.
const (
	callStackSize   = 20000
	registryMaxSize = 1 << 22
)

func (v *vm) close() { v.L.Close() }

// setup opens the libraries Redis bundles, removes what Redis removes, and
// builds the read-only views.
func (v *vm) setup() {
	L := v.L
	for _, open := range []lua.LGFunction{lua.OpenBase, lua.OpenTable, lua.OpenString, lua.OpenMath, lua.OpenCoroutine} {
		L.Push(L.NewFunction(open))
		L.Call(0, 0)
	}
	G := L.G.Global
	libs := map[string]*lua.LTable{
		"bit":    openBit(L),
		"struct": openStruct(L),
	}
	for _, name := range []string{"string", "math", "table", "coroutine"} {
		libs[name] = G.RawGetString(name).(*lua.LTable)
	}
	v.patchLibs(libs)

	base := L.NewTable() // the globals every script sees, before KEYS/ARGV
	for _, name := range baseGlobals {
		if f, ok := baseOverrides[name]; ok {
			base.RawSetString(name, L.NewFunction(f(v)))
			continue
		}
		val := G.RawGetString(name)
		if val == lua.LNil {
			panic("script: gopher-lua lacks global " + name)
		}
		base.RawSetString(name, val)
	}
	base.RawSetString("_VERSION", lua.LString("Lua 5.1"))
	for name, t := range libs {
		base.RawSetString(name, v.readOnly(t, nil))
	}

	// The string metatable reads through the read-only string library.
	smt := L.NewTable()
	smt.RawSetString("__index", base.RawGetString("string"))
	L.SetMetatable(lua.LString(""), smt)

	// cjson keeps a configuration: EVAL scripts share one, functions
	// another (see cjson.go). cmsgpack has none.
	cmsgpack := v.readOnly(v.openCMsgpack(), nil)
	v.evalBack = copyTable(L, base)
	v.evalBack.RawSetString("redis", v.readOnly(v.redisTable(true), nil))
	v.evalBack.RawSetString("cjson", v.readOnly(v.openCJSON(v.rt.evalJSON), nil))
	v.evalBack.RawSetString("cmsgpack", cmsgpack)
	v.evalBack.RawSetString("__redis__err__handler", v.errFn)
	// A global is read through the proxy's __index, the table behind it,
	// whose own __index raises the missing-global error: a hit costs a
	// table lookup, not a Go call. getmetatable(_G) shows a function as
	// Redis does (envIndex).
	missing := L.NewTable()
	missing.RawSetString("__index", L.NewFunction(missingGlobal))
	v.envIndex = map[*lua.LTable]*lua.LFunction{}
	v.evalEnv = v.readOnly(v.evalBack, nil)
	L.SetMetatable(v.evalBack, missing)
	v.envIndex[v.evalEnv] = missing.RawGetString("__index").(*lua.LFunction)
	v.evalBack.RawSetString("_G", v.evalEnv)

	v.fnBack = copyTable(L, base)
	v.fnBack.RawSetString("redis", v.readOnly(v.redisTable(false), nil))
	v.fnBack.RawSetString("cjson", v.readOnly(v.openCJSON(v.rt.fnJSON), nil))
	v.fnBack.RawSetString("cmsgpack", cmsgpack)
	v.loadBack = L.NewTable()
	loadRedis := v.libraryAPI()
	v.loadBack.RawSetString("redis", v.readOnly(loadRedis, v.globalIndex(func() *lua.LTable { return loadRedis })))
	L.SetMetatable(v.fnBack, missing)
	L.SetMetatable(v.loadBack, missing)
	v.fnEnv = v.readOnly(nil, v.fnBack)
	v.envIndex[v.fnEnv] = v.envIndex[v.evalEnv]
	v.setFnCur(v.fnBack)
	v.fnBack.RawSetString("_G", v.fnEnv)
}

// setFnCur puts t (fnBack or loadBack) behind the globals of functions.
func (v *vm) setFnCur(t *lua.LTable) {
	v.fnCur = t
	v.L.GetMetatable(v.fnEnv).(*lua.LTable).RawSetString("__index", t)
}

// missingGlobal is Redis's luaProtectedTableError, the __index of the
// tables behind the globals proxies (and what getmetatable(_G) shows):
// reading a name they lack is the "nonexistent global variable" error.
func missingGlobal(L *lua.LState) int {
	name, ok := asString(L.Get(2))
	if !ok {
		libError(L, "Second argument to luaProtectedTableError must be a string or number")
	}
	libError(L, "Script attempted to access nonexistent global variable '%s'", name)
	return 0
}

// baseGlobals are the globals of Redis 7.0's Lua besides the libraries,
// redis, KEYS, ARGV and __redis__err__handler (checked against
// redis-server by the tests).
var baseGlobals = []string{"assert", "collectgarbage", "error", "gcinfo", "getmetatable",
	"ipairs", "load", "loadstring", "next", "pairs", "pcall", "rawequal", "rawget",
	"rawset", "select", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall"}

func copyTable(L *lua.LState, t *lua.LTable) *lua.LTable {
	c := L.NewTable()
	t.ForEach(func(k, val lua.LValue) { c.RawSet(k, val) })
	return c
}

// readOnly returns a read-only proxy of back. index, when set, replaces the
// plain read-through (for globals, which raise on a missing name).
func (v *vm) readOnly(back *lua.LTable, index lua.LValue) *lua.LTable {
	L := v.L
	p := L.NewTable()
	mt := L.NewTable()
	if index != nil {
		mt.RawSetString("__index", index)
	} else {
		mt.RawSetString("__index", back)
	}
	mt.RawSetString("__newindex", L.NewFunction(readOnlyError))
	L.SetMetatable(p, mt)
	v.ro[p] = back
	return p
}

// seeThrough returns the table behind a read-only proxy, t itself for any
// other table: what Redis's libraries see when they walk a table (Redis's
// read-only tables are plain tables with a flag).
func (v *vm) seeThrough(t *lua.LTable) *lua.LTable {
	if b, ok := v.backing(t); ok && b != nil {
		return b
	}
	return t
}

// backing returns the table a proxy stands for (nil for none).
func (v *vm) backing(t *lua.LTable) (*lua.LTable, bool) {
	b, ok := v.ro[t]
	if ok && b == nil && t == v.fnEnv {
		b = v.fnCur
	}
	return b, ok
}

const msgReadOnly = "Attempt to modify a readonly table"

func readOnlyError(L *lua.LState) int {
	L.RaiseError(msgReadOnly)
	return 0
}

// globalIndex returns an __index function that reads back(), a missing
// name being Redis's "nonexistent global variable" error.
func (v *vm) globalIndex(back func() *lua.LTable) *lua.LFunction {
	return v.L.NewFunction(func(L *lua.LState) int {
		val := back().RawGet(L.Get(2))
		if val == lua.LNil {
			return missingGlobal(L)
		}
		L.Push(val)
		return 1
	})
}

// baseOverrides replace base functions whose gopher-lua versions differ
// from Lua 5.1 in ways scripts see, or would get around the read-only
// proxies.
var baseOverrides = map[string]func(v *vm) lua.LGFunction{
	"tostring":     func(*vm) lua.LGFunction { return baseToString },
	"pcall":        func(*vm) lua.LGFunction { return redisPcall },
	"rawget":       func(v *vm) lua.LGFunction { return v.rawget },
	"rawset":       func(v *vm) lua.LGFunction { return v.rawset },
	"next":         func(v *vm) lua.LGFunction { return v.next },
	"pairs":        func(v *vm) lua.LGFunction { return v.pairs },
	"setmetatable": func(v *vm) lua.LGFunction { return v.setmetatable },
	"getmetatable": func(v *vm) lua.LGFunction { return v.getmetatable },
	"loadstring":   func(v *vm) lua.LGFunction { return v.loadstring },
	"load":         func(v *vm) lua.LGFunction { return v.loadFn },
	"gcinfo":       func(*vm) lua.LGFunction { return gcinfo },
	"error":        func(*vm) lua.LGFunction { return baseError },
}

// baseError is Lua 5.1's error: a number message gets the position
// prefix too (gopher-lua adds it to strings only).
func baseError(L *lua.LState) int {
	obj := L.CheckAny(1)
	level := L.OptInt(2, 1)
	if n, ok := obj.(lua.LNumber); ok {
		obj = lua.LString(fmtNum(float64(n)))
	}
	L.Error(obj, level)
	return 0
}

// gcinfo is Lua 5.1's gcinfo: collectgarbage("count") in whole kilobytes.
func gcinfo(L *lua.LState) int {
	L.Push(L.GetGlobal("collectgarbage"))
	L.Push(lua.LString("count"))
	L.Call(1, 1)
	n, _ := L.Get(-1).(lua.LNumber)
	L.Pop(1)
	L.Push(lua.LNumber(math.Floor(float64(n))))
	return 1
}

func (v *vm) rawget(L *lua.LState) int {
	t := L.CheckTable(1)
	if b, ok := v.backing(t); ok && b != nil {
		t = b
	}
	L.Push(t.RawGet(L.CheckAny(2)))
	return 1
}

func (v *vm) rawset(L *lua.LState) int {
	t := L.CheckTable(1)
	if _, ok := v.ro[t]; ok {
		L.Error(lua.LString(msgReadOnly), 0)
	}
	t.RawSet(L.CheckAny(2), L.CheckAny(3))
	L.SetTop(1)
	return 1
}

func (v *vm) next(L *lua.LState) int {
	t := L.CheckTable(1)
	if b, ok := v.backing(t); ok && b != nil {
		t = b
	}
	k, val := t.Next(L.Get(2))
	if k == lua.LNil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(k)
	L.Push(val)
	return 2
}

func (v *vm) pairs(L *lua.LState) int {
	t := L.CheckTable(1)
	L.Push(L.NewFunction(v.next))
	L.Push(t)
	L.Push(lua.LNil)
	return 3
}

func (v *vm) setmetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	mt := L.Get(2)
	if _, ok := v.ro[t]; ok {
		L.Error(lua.LString(msgReadOnly), 0)
	}
	if mt != lua.LNil {
		if _, ok := mt.(*lua.LTable); !ok {
			argError(L, 2, "setmetatable", "nil or table expected")
		}
	}
	if old, ok := L.GetMetatable(t).(*lua.LTable); ok && old.RawGetString("__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

func (v *vm) getmetatable(L *lua.LState) int {
	val := L.CheckAny(1)
	if t, ok := val.(*lua.LTable); ok {
		if _, isRO := v.ro[t]; isRO {
			if index := v.envIndex[t]; index != nil {
				mt := L.NewTable()
				mt.RawSetString("__index", index)
				L.Push(v.readOnly(mt, nil))
				return 1
			}
			L.Push(lua.LNil)
			return 1
		}
	}
	mt := L.GetMetatable(val)
	if t, ok := mt.(*lua.LTable); ok {
		if p := t.RawGetString("__metatable"); p != lua.LNil {
			L.Push(p)
			return 1
		}
		if _, isStr := val.(lua.LString); isStr {
			L.Push(v.readOnly(t, nil))
			return 1
		}
	}
	L.Push(mt)
	return 1
}

// patchLibs fixes library functions whose gopher-lua versions differ from
// Lua 5.1 and makes the table library refuse the read-only proxies.
func (v *vm) patchLibs(libs map[string]*lua.LTable) {
	L := v.L
	s := libs["string"]
	s.RawSetString("format", L.NewFunction(strFormat))
	s.RawSetString("rep", L.NewFunction(strRep))
	s.RawSetString("gfind", s.RawGetString("gmatch"))
	m := libs["math"]
	m.RawSetString("huge", lua.LNumber(posInf))
	m.RawSetString("random", L.NewFunction(v.rt.mathRandom))
	m.RawSetString("randomseed", L.NewFunction(v.rt.mathRandomSeed))
	if m.RawGetString("mod") == lua.LNil {
		m.RawSetString("mod", m.RawGetString("fmod"))
	}
	t := libs["table"]
	t.RawSetString("concat", L.NewFunction(tableConcat))
	for _, name := range []string{"insert", "remove", "sort", "setn"} {
		orig, _ := t.RawGetString(name).(*lua.LFunction)
		t.RawSetString(name, L.NewFunction(v.refuseReadOnly(name, orig)))
	}
	for _, name := range []string{"foreach", "foreachi", "getn", "maxn"} {
		if t.RawGetString(name) == lua.LNil {
			t.RawSetString(name, L.NewFunction(tableCompat[name]))
		}
	}
	// Keep exactly Redis's names in each library.
	for name, lib := range libs {
		want := libNames[name]
		if want == nil {
			continue
		}
		var drop []lua.LValue
		lib.ForEach(func(k, _ lua.LValue) {
			if ks, ok := k.(lua.LString); !ok || !want[string(ks)] {
				drop = append(drop, k)
			}
		})
		for _, k := range drop {
			lib.RawSet(k, lua.LNil)
		}
	}
}

// refuseReadOnly wraps a table-library function so that it refuses a
// read-only proxy as its first argument.
func (v *vm) refuseReadOnly(name string, orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok {
			if _, isRO := v.ro[t]; isRO {
				L.Error(lua.LString(msgReadOnly), 0)
			}
		}
		if orig == nil {
			if name == "setn" {
				L.RaiseError("'setn' is obsolete")
			}
			return 0
		}
		top := L.GetTop()
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		return L.GetTop() - top
	}
}

// libNames are the fields of each library in Redis 7.0 (checked against
// redis-server by the tests).
var libNames = map[string]map[string]bool{
	"string": set("byte", "char", "dump", "find", "format", "gfind", "gmatch", "gsub",
		"len", "lower", "match", "rep", "reverse", "sub", "upper"),
	"math": set("abs", "acos", "asin", "atan2", "atan", "ceil", "cos", "cosh", "deg", "exp",
		"floor", "fmod", "frexp", "huge", "ldexp", "log10", "log", "max", "min", "mod", "modf",
		"pi", "pow", "rad", "random", "randomseed", "sin", "sinh", "sqrt", "tan", "tanh"),
	"table":     set("concat", "foreach", "foreachi", "getn", "insert", "maxn", "remove", "setn", "sort"),
	"coroutine": set("create", "resume", "running", "status", "wrap", "yield"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
