package script_test

import (
	"context"
	"testing"

	"github.com/kevydb/kevy/internal/script"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
)

type evalCase struct {
	name  string
	body  string
	keys  []string
	args  []string
	setup [][]string
	ro    bool
}

// runBoth runs c through redis-server's EVAL and through rt with calls
// forwarded to the same server, from the same data, and returns both
// replies' bytes in client protocol proto.
func (e *env) runBoth(t *testing.T, rt *script.Runtime, c evalCase, proto int) (want, got string) {
	t.Helper()
	cmd := "EVAL"
	if c.ro {
		cmd = "EVAL_RO"
	}
	cl := e.client[proto]
	reset := func() {
		cl.do("FLUSHALL")
		cl.do("SCRIPT", "FLUSH")
		for _, s := range c.setup {
			cl.do(s...)
		}
	}
	reset()
	w, _ := cl.rawDo(evalArgs(cmd, c.body, c.keys, c.args)...)
	reset()
	rt.Flush() // as SCRIPT FLUSH did there: it also resets the cjson settings
	var r resp.Reply
	s, errReply, ok := rt.Load(c.body)
	if !ok {
		r = errReply
	} else {
		r, _ = rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: e.fwd, Keys: c.keys, Args: c.args, ReadOnly: c.ro})
	}
	return string(w), string(resp.AppendReplyProto(nil, r, proto))
}

func runCases(t *testing.T, cases []evalCase) {
	e := newEnv(t)
	rt := script.New(script.Options{})
	for _, proto := range []int{2, 3} {
		for _, c := range cases {
			want, got := e.runBoth(t, rt, c, proto)
			assert.Equal(t, want, got, "RESP%d %s: %s", proto, c.name, c.body)
		}
	}
}

func TestEvalConversionsRedis(t *testing.T) {
	runCases(t, []evalCase{
		{name: "string", body: `return "hello"`},
		{name: "integer", body: `return 42`},
		{name: "float truncates", body: `return 3.99`},
		{name: "negative float truncates", body: `return -3.99`},
		{name: "huge", body: `return math.huge`},
		{name: "nan", body: `return 0/0`},
		{name: "true", body: `return true`},
		{name: "false", body: `return false`},
		{name: "nil", body: `return nil`},
		{name: "nothing", body: `local x = 1`},
		{name: "array stops at nil", body: `return {1, 2, nil, 3}`},
		{name: "nested", body: `return {1, {2, {3, "x"}}, "y"}`},
		{name: "status", body: `return {ok = "FINE"}`},
		{name: "status newline", body: `return {ok = "a\r\nb"}`},
		{name: "error table", body: `return {err = "MYERR bad"}`},
		{name: "error_reply", body: `return redis.error_reply("FOO bar")`},
		{name: "error_reply no code", body: `return redis.error_reply("x")`},
		{name: "error_reply dash", body: `return redis.error_reply("-BAR baz")`},
		{name: "error_reply bad", body: `return redis.error_reply(1)`},
		{name: "status_reply", body: `return redis.status_reply("FINE")`},
		{name: "status_reply bad", body: `return redis.status_reply()`},
		{name: "double", body: `return {double = 3.5}`},
		{name: "double precise", body: `return {double = 0.1}`},
		{name: "double inf", body: `return {double = 1/0}`},
		{name: "big number", body: `return {big_number = "123456789012345678901234567890"}`},
		{name: "map", body: `return {map = {a = 1}}`},
		{name: "set", body: `return {set = {a = true}}`},
		{name: "verbatim", body: `return {verbatim_string = {format = "txt", string = "hi"}}`},
		{name: "resp3 true", body: `redis.setresp(3) return true`},
		{name: "resp3 false", body: `redis.setresp(3) return false`},
		{name: "resp3 map", body: `redis.setresp(3) return {map = {k = {1, 2}}}`},
		{name: "table with both", body: `return {1, 2, ok = "x"}`},
		{name: "keys and argv", body: `return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}`, keys: []string{"a", "b"}, args: []string{"c"}},
		{name: "call get", body: `return redis.call("GET", KEYS[1])`, keys: []string{"k"}, setup: [][]string{{"SET", "k", "v"}}},
		{name: "call get missing is false", body: `return {redis.call("GET", "nokey") == false, type(redis.call("GET", "nokey"))}`},
		{name: "resp3 missing is nil", body: `redis.setresp(3) return {type(redis.call("GET", "nokey"))}`},
		{name: "call status", body: `local r = redis.call("SET", "k", "v") return {type(r), r.ok}`},
		{name: "call status passthrough", body: `return redis.call("SET", "k", "v")`},
		{name: "call integer", body: `return redis.call("INCR", "n")`},
		{name: "call number arg", body: `redis.call("SET", "k", 3.5) redis.call("SET", "j", 1e20) return {redis.call("GET", "k"), redis.call("GET", "j")}`},
		{name: "call array", body: `redis.call("RPUSH", "l", "a", "b") return redis.call("LRANGE", "l", 0, -1)`},
		{name: "call mget nil", body: `return redis.call("MGET", "a", "nokey", "b")`, setup: [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}},
		{name: "resp3 mget nil", body: `redis.setresp(3) local r = redis.call("MGET", "a", "nokey", "b") return {r[1], r[2] == nil, r[3]}`, setup: [][]string{{"SET", "a", "1"}, {"SET", "b", "2"}}},
		{name: "resp3 hgetall", body: `redis.setresp(3) local r = redis.call("HGETALL", "h") return {r.map.f}`, setup: [][]string{{"HSET", "h", "f", "v"}}},
		{name: "resp3 hgetall passthrough", body: `redis.setresp(3) return redis.call("HGETALL", "h")`, setup: [][]string{{"HSET", "h", "f", "v"}}},
		{name: "resp3 smembers", body: `redis.setresp(3) return redis.call("SMEMBERS", "s")`, setup: [][]string{{"SADD", "s", "m"}}},
		{name: "resp3 zscore", body: `redis.setresp(3) local r = redis.call("ZSCORE", "z", "m") return {r.double * 2}`, setup: [][]string{{"ZADD", "z", "1.5", "m"}}},
		{name: "resp3 zscore passthrough", body: `redis.setresp(3) return redis.call("ZSCORE", "z", "m")`, setup: [][]string{{"ZADD", "z", "1.5", "m"}}},
		{name: "pcall error table", body: `local r = redis.pcall("INCR", "k") return {r.err}`, setup: [][]string{{"SET", "k", "x"}}},
		{name: "pcall error passthrough", body: `return redis.pcall("INCR", "k")`, setup: [][]string{{"SET", "k", "x"}}},
		{name: "pcall wrongtype", body: `return redis.pcall("LPUSH", "k", "x")`, setup: [][]string{{"SET", "k", "x"}}},
		{name: "lua pcall of call", body: `return {pcall(redis.call, "nosuch")}`},
		{name: "lua pcall error table", body: `return {pcall(function() error({err = "x"}) end)}`},
		{name: "lua pcall error string", body: `local ok, e = pcall(function() error("boom") end) return {tostring(ok), e}`},
	})
}

func TestEvalErrorsRedis(t *testing.T) {
	runCases(t, []evalCase{
		{name: "create global", body: `x = 1`},
		{name: "read missing global", body: `return x`},
		{name: "missing global call", body: `return nosuchfunc()`},
		{name: "modify library", body: `string.foo = 1`},
		{name: "rawset globals", body: `rawset(_G, "x", 1)`},
		{name: "setmetatable globals", body: `setmetatable(_G, nil)`},
		{name: "table.insert on library", body: `table.insert(string, 1)`},
		{name: "string metatable", body: `getmetatable("").__index = {}`},
		{name: "unknown command", body: `redis.call("nosuch")`},
		{name: "wrong arity", body: `return redis.call("incr", "a", "b")`},
		{name: "no arguments", body: `return redis.call()`},
		{name: "table argument", body: `return redis.call("get", {})`},
		{name: "noscript", body: `return redis.call("blpop", "x", 0)`},
		{name: "pcall unknown", body: `return redis.pcall("nosuch")`},
		{name: "pcall wrong arity", body: `return redis.pcall("incr")`},
		{name: "command error raised", body: `return redis.call("INCR", "k")`, setup: [][]string{{"SET", "k", "x"}}},
		{name: "wrongtype raised", body: `redis.call("LPUSH", "k", "x")`, setup: [][]string{{"SET", "k", "x"}}},
		{name: "error string", body: `error("boom")`},
		{name: "error level 0", body: `error("x", 0)`},
		{name: "error table", body: `error({err = "MY x"})`},
		{name: "error number", body: `error(12.5)`},
		{name: "error nil", body: `error(nil)`},
		{name: "error on line 3", body: "local a = 1\nlocal b = 2\nerror('third')"},
		{name: "concat nil", body: `local a = nil .. "x"`},
		{name: "stack overflow", body: `local function f(n) return 1 + f(n + 1) end return f(1)`},
		{name: "deep recursion ok", body: `local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(15000)`},
		{name: "sha1hex no args", body: `return redis.sha1hex()`},
		{name: "log no args", body: `redis.log(1)`},
		{name: "log bad level type", body: `redis.log("x", "y")`},
		{name: "log bad level", body: `redis.log(9, "y")`},
		{name: "setresp 4", body: `redis.setresp(4)`},
		{name: "set_repl bad", body: `redis.set_repl(9)`},
		{name: "set_repl no args", body: `redis.set_repl()`},
		{name: "syntax error", body: `return +`},
		{name: "read-only write", body: `return redis.call("SET", "k", "v")`, ro: true},
		{name: "read-only read", body: `return redis.call("GET", "k")`, ro: true},
		{name: "shebang unknown flag", body: "#!lua flags=no-writes,bogus\nreturn 1"},
		{name: "shebang unknown engine", body: "#!python\nreturn 1"},
		{name: "shebang unknown option", body: "#!lua foo=bar\nreturn 1"},
		{name: "shebang no newline", body: "#!lua"},
		{name: "shebang no-writes write", body: "#!lua flags=no-writes\nreturn redis.call('SET', 'k', 'v')"},
		{name: "shebang no-writes read", body: "#!lua flags=no-writes\nreturn redis.call('GET', 'k')"},
		{name: "shebang ro with write flag", body: "#!lua\nreturn 1", ro: true},
		{name: "shebang ro with no-writes", body: "#!lua flags=no-writes\nreturn 1", ro: true},
		{name: "shebang empty flags", body: "#!lua flags=\nreturn 1"},
		{name: "shebang lines", body: "#!lua\nerror('line two')"},
	})
}

func TestEvalLibrariesRedis(t *testing.T) {
	runCases(t, []evalCase{
		{name: "tostring numbers", body: `return tostring(1e15) .. " " .. tostring(0.1) .. " " .. 1/3 .. " " .. 2^53 .. " " .. -0.0`},
		{name: "tostring inf", body: `return {tostring(1/0), tostring(-1/0), tostring(0/0)}`},
		{name: "concat numbers", body: `return 1e100 .. "|" .. 123456789012 .. "|" .. 0.1 + 0.2`},
		{name: "string.format", body: `return string.format("%d %5.2f %x %g %s %q", 3.7, 1.005, -1, 1e20, 1/3, "a\nb\0")`},
		{name: "string.format widths", body: `return string.format("[%5s][%-5s][%.2s][%5.1s][%05d][%+d][% d][%#x][%o][%X][%e][%E][%G][%c]", "ab", "ab", "abc", "abc", 42, 5, 5, 255, 8, 255, 12345.678, 0.00012, 1e-10, 65)`},
		{name: "string.format inf", body: `return string.format("%f %g %e %5.1f", 1/0, -1/0, 1/0, 1/0)`},
		{name: "string.format bad", body: `return string.format("%y", 1)`},
		{name: "string.format missing", body: `return string.format("%d")`},
		{name: "table.concat", body: `return table.concat({1, 2.5, "x", 1e15}, ",")`},
		{name: "string.rep", body: `return string.rep("ab", 3)`},
		{name: "string methods", body: `return ("hello"):upper() .. ("x"):rep(2) .. #("abc")`},
		{name: "globals", body: `local t = {} for k in pairs(_G) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "redis table", body: `local t = {} for k in pairs(redis) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "string lib", body: `local t = {} for k in pairs(string) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "math lib", body: `local t = {} for k, v in pairs(math) do t[#t + 1] = k .. "=" .. type(v) end table.sort(t) return t`},
		{name: "table lib", body: `local t = {} for k in pairs(table) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "coroutine lib", body: `local t = {} for k in pairs(coroutine) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "bit lib", body: `local t = {} for k in pairs(bit) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "struct lib", body: `local t = {} for k in pairs(struct) do t[#t + 1] = k end table.sort(t) return t`},
		{name: "cjson lib", body: `local t = {} for k, v in pairs(cjson) do t[#t + 1] = k .. "=" .. type(v) end table.sort(t) return t`},
		{name: "cmsgpack lib", body: `local t = {} for k, v in pairs(cmsgpack) do t[#t + 1] = k .. "=" .. type(v) end table.sort(t) return t`},
		{name: "library versions", body: `return {cjson._NAME, cjson._VERSION, cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION}`},
		{name: "modify cjson", body: `cjson.encode = nil`},
		{name: "modify cmsgpack", body: `cmsgpack.x = 1`},
		{name: "pcall library error", body: `return {pcall(bit.band, {})}`},
		{name: "rawget globals", body: `return rawget(_G, "string") == string`},
		{name: "string metatable index", body: `return getmetatable("").__index == string`},
		{name: "getmetatable library", body: `return getmetatable(string) == nil`},
		{name: "getmetatable globals", body: `local mt = getmetatable(_G) local t = {} for k, v in pairs(mt) do t[#t + 1] = k .. "=" .. type(v) end return t`},
		{name: "getmetatable globals index", body: `return {pcall(getmetatable(_G).__index, _G, "nosuch")}`},
		{name: "getmetatable globals index hit", body: `return getmetatable(_G).__index(_G, "KEYS") == KEYS`},
		{name: "modify globals metatable", body: `getmetatable(_G).__index = 1`},
		{name: "vararg main chunk", body: `local a, b = ... return {select("#", ...), a == nil, b == nil}`},
		{name: "version", body: `return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM, _VERSION}`},
		{name: "constants", body: `return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL, redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}`},
		{name: "breakpoint", body: `return {redis.breakpoint(), redis.replicate_commands()}`},
		{name: "debug", body: `return redis.debug("x")`},
		{name: "sha1hex", body: `return {redis.sha1hex(""), redis.sha1hex("abc"), redis.sha1hex(12)}`},
		{name: "set_repl ok", body: `redis.set_repl(redis.REPL_ALL) return 1`},
		{name: "log ok", body: `redis.log(redis.LOG_WARNING, "from", "script", 1) return 1`},
		{name: "math.random", body: `return {math.random(100), math.random(5, 10), math.random(1000)}`},
		{name: "math.randomseed", body: `math.randomseed(42) return {math.random(1000000), math.random(1000000)}`},
		{name: "loadstring", body: `return loadstring("return 1 .. 2")()`},
		{name: "loadstring error", body: `local f, e = loadstring("x=") return type(f)`},
		{name: "tonumber", body: `return {tonumber("10"), tonumber("0x10"), tonumber(" 5 "), tonumber("z") == nil}`},
		{name: "unpack select", body: `return {select("#", unpack({1, 2, 3})), select(2, "a", "b")}`},
		{name: "coroutine", body: `local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y}`},
		{name: "bit ops", body: `return {bit.tobit(0xffffffff), bit.bnot(0), bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(0xff, 0x0f), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678), bit.lshift(1, 33)}`},
		{name: "bit tohex", body: `return {bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(1, 0), bit.tohex(2^40 + 3)}`},
		{name: "bit fractions", body: `return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit("12"), bit.tobit(2^32 + 7)}`},
		{name: "bit bad arg", body: `return bit.band({})`},
		{name: "struct pack", body: `return {struct.pack(">I2", 258), struct.pack("<i4", -2), struct.pack("b", -1), struct.pack("s", "ab"), struct.pack("c3", "abcdef"), struct.pack("!4 b i4", 1, 2), struct.pack(">d", 1.5), struct.pack("<f", 0.25)}`},
		{name: "struct unpack", body: `return {struct.unpack(">I2", "\1\2"), struct.unpack("<i4", struct.pack("<i4", -5)), struct.unpack("s", "ab\0cd"), struct.unpack("b c0", "\3abc"), struct.unpack(">d", struct.pack(">d", 2.25)), struct.unpack("B", "xyz", 2)}`},
		{name: "struct size", body: `return {struct.size("i4"), struct.size("!8 b d"), struct.size("c10 h"), struct.size(">I16")}`},
		{name: "struct errors", body: `return struct.unpack("i4", "ab")`},
		{name: "struct size s", body: `return struct.size("s")`},
		{name: "struct bad option", body: `return struct.pack("y", 1)`},
		{name: "struct big int", body: `return struct.size("i33")`},
		{name: "struct unfinished", body: `return struct.unpack("s", "abc")`},
		{name: "struct wide ints", body: `return {struct.pack("<i10", -1), struct.unpack("<i9", string.rep("\255", 9))}`},
	})
}
