package script

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"log/slog"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The version the redis table reports.
const (
	RedisVersion    = "7.0.15"
	RedisVersionNum = 0x0007000f
)

// The redis.set_repl flags (Redis's PROPAGATE_*).
const (
	ReplNone    = 0
	ReplAOF     = 1
	ReplReplica = 2
	ReplAll     = ReplAOF | ReplReplica
)

// runState is the state of one run, reachable from the redis.* functions.
type runState struct {
	req      *Request
	name     string // the script's SHA or the function's name, for errors
	flags    Flags
	readOnly bool // no write commands (EVAL_RO & co., or no-writes)
	allowOOM bool
	proto    int // redis.setresp
	repl     int // redis.set_repl
}

// redisTable builds the redis table of EVAL scripts (eval set) or of
// functions.
func (v *vm) redisTable(eval bool) *lua.LTable {
	L := v.L
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":          func(L *lua.LState) int { return v.redisCall(L, true) },
		"pcall":         func(L *lua.LState) int { return v.redisCall(L, false) },
		"log":           v.redisLog,
		"setresp":       v.redisSetResp,
		"sha1hex":       redisSha1hex,
		"error_reply":   redisErrorReply,
		"status_reply":  redisStatusReply,
		"set_repl":      v.redisSetRepl,
		"acl_check_cmd": v.redisACLCheckCmd,
	}
	if eval {
		fns["breakpoint"] = func(L *lua.LState) int { L.Push(lua.LFalse); return 1 }
		fns["debug"] = func(L *lua.LState) int { return 0 }
		fns["replicate_commands"] = func(L *lua.LState) int { L.Push(lua.LTrue); return 1 }
	}
	for name, f := range fns {
		t.RawSetString(name, L.NewFunction(f))
	}
	setLogLevels(t)
	setVersion(t)
	for name, val := range map[string]int{"REPL_NONE": ReplNone, "REPL_AOF": ReplAOF,
		"REPL_SLAVE": ReplReplica, "REPL_REPLICA": ReplReplica, "REPL_ALL": ReplAll} {
		t.RawSetString(name, lua.LNumber(val))
	}
	return t
}

// libraryAPI is the redis table a library sees while FUNCTION LOAD runs
// it: register_function, log and the versions only.
func (v *vm) libraryAPI() *lua.LTable {
	L := v.L
	t := L.NewTable()
	t.RawSetString("register_function", L.NewFunction(v.registerFunction))
	t.RawSetString("log", L.NewFunction(v.redisLog))
	setLogLevels(t)
	setVersion(t)
	return t
}

// The redis.log levels (Redis's LL_*).
const (
	logDebug = iota
	logVerbose
	logNotice
	logWarning
)

func setLogLevels(t *lua.LTable) {
	t.RawSetString("LOG_DEBUG", lua.LNumber(logDebug))
	t.RawSetString("LOG_VERBOSE", lua.LNumber(logVerbose))
	t.RawSetString("LOG_NOTICE", lua.LNumber(logNotice))
	t.RawSetString("LOG_WARNING", lua.LNumber(logWarning))
}

func setVersion(t *lua.LTable) {
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(RedisVersionNum))
	t.RawSetString("REDIS_VERSION", lua.LString(RedisVersion))
}

// raise raises Redis's error table for msg (luaPushError + luaError).
func raise(L *lua.LState, msg string) {
	L.Error(errorTable(L, msg), 0)
}

// errorTable is luaPushErrorBuff: "-CODE msg" keeps its code, anything
// else gets "ERR"; a trailing CR/LF is trimmed.
func errorTable(L *lua.LState, s string) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("err", lua.LString(errorText(s)))
	return t
}

func errorText(s string) string {
	code, msg := "ERR", s
	if strings.HasPrefix(s, "-") {
		if c, m, ok := strings.Cut(s[1:], " "); ok {
			code, msg = c, m
		} else {
			msg = s[1:]
		}
	}
	return code + " " + strings.Trim(msg, "\r\n")
}

func (v *vm) redisCall(L *lua.LState, raiseErr bool) int {
	run := v.run
	if run == nil {
		raise(L, "redis.call/pcall can only be called inside a script invocation")
	}
	fail := func(msg string) int {
		t := errorTable(L, msg)
		if raiseErr {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	argc := L.GetTop()
	if argc == 0 {
		return fail("Please specify at least one argument for this redis lib call")
	}
	args := make([]string, argc)
	for i := range args {
		switch a := L.Get(i + 1).(type) {
		case lua.LString:
			args[i] = string(a)
		case lua.LNumber:
			args[i] = fmtG(float64(a), 17)
		default:
			L.SetTop(0)
			return fail("Lua redis lib command arguments must be strings or integers")
		}
	}
	L.SetTop(0)
	caller := run.req.Caller
	info := caller.Lookup(args)
	switch {
	case !info.Known:
		return fail("Unknown Redis command called from script")
	case !info.ArityOK:
		return fail("Wrong number of args calling Redis command from script")
	case info.Flags&CmdNoScript != 0:
		return fail("This Redis command is not allowed from script")
	}
	if ac, ok := caller.(ACLChecker); ok {
		if text, ok := ac.CheckACL(args, true); !ok {
			return fail(text)
		}
	}
	switch {
	case run.readOnly && info.Flags&(CmdWrite|CmdMayReplicate) != 0:
		return fail("Write commands are not allowed from read-only scripts.")
	case !run.allowOOM && run.req.OOM && !run.req.Written() && info.Flags&CmdDenyOOM != 0:
		return fail("-OOM command not allowed when used memory > 'maxmemory'.")
	}
	if info.Flags&CmdWrite != 0 {
		run.req.written.Store(true)
	}
	reply := caller.Call(args, run.proto)
	lv := v.replyToLua(reply, run.proto)
	if raiseErr {
		if t, ok := lv.(*lua.LTable); ok && reply.IsError() {
			L.Error(t, 0)
		}
	}
	L.Push(lv)
	return 1
}

func (v *vm) redisLog(L *lua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		raise(L, "redis.log() requires two arguments or more.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok {
		if s, isStr := L.Get(1).(lua.LString); isStr {
			f, numeric := str2number(string(s))
			ok, n = numeric, lua.LNumber(f)
		}
	}
	if !ok {
		raise(L, "First argument must be a number (log level).")
	}
	level := toInt64(float64(n))
	if level < logDebug || level > logWarning {
		raise(L, "Invalid debug level.")
	}
	var b strings.Builder
	for i := 2; i <= argc; i++ {
		if s, ok := asString(L.Get(i)); ok {
			if i != 2 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	lvl := [...]slog.Level{slog.LevelDebug, slog.LevelDebug + 2, slog.LevelInfo, slog.LevelWarn}[level]
	v.rt.log.Log(context.Background(), lvl, b.String(), "source", "script")
	return 0
}

func (v *vm) redisSetResp(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		raise(L, "redis.setresp() requires one argument.")
	}
	p := toInt64(luaToNumber(L.Get(1)))
	if p != 2 && p != 3 {
		raise(L, "RESP version must be 2 or 3.")
	}
	v.run.proto = int(p)
	return 0
}

func (v *vm) redisSetRepl(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.set_repl can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		raise(L, "redis.set_repl() requires two arguments.")
	}
	f := toInt64(luaToNumber(L.Get(1)))
	if f&^ReplAll != 0 {
		raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	v.run.repl = int(f)
	return 0
}

// redisACLCheckCmd is redis.acl_check_cmd: whether the script's user may
// run the command (the Caller's ACLChecker; every known command without
// one), without running it or logging a denial.
func (v *vm) redisACLCheckCmd(L *lua.LState) int {
	if v.run == nil {
		raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	argc := L.GetTop()
	if argc == 0 {
		raise(L, "Please specify at least one argument for this redis lib call")
	}
	args := make([]string, argc)
	for i := range args {
		s, ok := asString(L.Get(i + 1))
		if !ok {
			raise(L, "Lua redis lib command arguments must be strings or integers")
		}
		args[i] = s
	}
	caller := v.run.req.Caller
	if !caller.Lookup(args).Known {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	allowed := true
	if ac, ok := caller.(ACLChecker); ok {
		_, allowed = ac.CheckACL(args, false)
	}
	L.SetTop(0)
	L.Push(lua.LBool(allowed))
	return 1
}

// luaToNumber is lua_tonumber: numbers, numeric strings, else 0.
func luaToNumber(v lua.LValue) float64 {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x)
	case lua.LString:
		if f, ok := str2number(string(x)); ok {
			return f
		}
	}
	return 0
}

func redisSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		raise(L, "wrong number of arguments")
	}
	s, _ := asString(L.Get(1))
	L.Push(lua.LString(SHA1(s)))
	return 1
}

// SHA1 returns the lower-case hex SHA1 of s (a script's name).
func SHA1(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func redisErrorReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

func redisStatusReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, "wrong number or type of arguments"))
		return 1
	}
	t := L.NewTable()
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// errorHandler is Redis's __redis__err__handler: it turns any error into
// a table with err, and records where it was raised (the innermost Lua
// function) as source and line.
func (v *vm) errorHandler(L *lua.LState) int {
	e := L.Get(1)
	t, ok := e.(*lua.LTable)
	if !ok {
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+luaToString(e)))
	}
	level := 1
	if dbg, ok := L.GetStack(level); ok {
		if _, err := L.GetInfo("S", dbg, lua.LNil); err == nil && dbg.What == "G" {
			level++
		}
	}
	if dbg, ok := L.GetStack(level); ok {
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.What != "G" {
			t.RawSetString("source", lua.LString("@"+dbg.Source))
			t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
		}
	}
	L.Push(t)
	return 1
}
