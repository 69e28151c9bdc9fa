package script_test

import (
	"testing"
)

// luaHex is a Lua helper for tests: a string's bytes in hex.
const luaHex = `local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
`

func packCase(name, args string) evalCase {
	return evalCase{name: "pack " + name, body: luaHex + `return hex(cmsgpack.pack(` + args + `))`}
}

// unpackCase unpacks payload (a Lua expression) with call and dumps every
// value it returns, or fails with cmsgpack's error.
func unpackCase(name, call, payload string) evalCase {
	return evalCase{name: call + " " + name, body: luaDump + `return dump({cmsgpack.` + call + `(` + payload + `)})`}
}

// unpackShapeCase is unpackCase for large results: how many values, and
// how deep the last one nests through t[1].
func unpackShapeCase(name, call, payload string) evalCase {
	return evalCase{name: call + " " + name, body: `local t = {cmsgpack.` + call + `(` + payload + `)} ` +
		`local d, v = 0, t[#t] while type(v) == 'table' do d = d + 1 v = v[1] end return {#t, d, type(t[1]), type(t[#t])}`}
}

func TestCMsgpackPackRedis(t *testing.T) {
	runCases(t, []evalCase{
		packCase("zero", `0`),
		packCase("fixnum", `1, 127`),
		packCase("uint8", `128, 255`),
		packCase("uint16", `256, 65535`),
		packCase("uint32", `65536, 2^32 - 1`),
		packCase("uint64", `2^32, 2^53, 2^62`),
		packCase("2^63", `2^63`),
		packCase("2^64", `2^64`),
		packCase("negative fixnum", `-1, -32`),
		packCase("int8", `-33, -128`),
		packCase("int16", `-129, -32768`),
		packCase("int32", `-32769, -2^31`),
		packCase("int64", `-2^31 - 1, -2^53, -2^63`),
		packCase("below int64", `-2^64`),
		packCase("float", `0.5, -1.25, 3.4028234663852886e38, 2^-149`),
		packCase("double", `0.1, 1/3, 1e300, 5e-324, 2^53 + 0.5`),
		packCase("negative zero", `-0.0`),
		packCase("inf", `1/0, -1/0`),
		packCase("nan", `0/0`),
		packCase("strings", `"", "a", string.rep("x", 31), string.rep("y", 32)`),
		packCase("str8 edge", `string.rep("z", 255)`),
		packCase("str16", `string.rep("z", 256)`),
		packCase("str16 edge", `#cmsgpack.pack(string.rep("z", 65535))`),
		packCase("str32", `#cmsgpack.pack(string.rep("z", 65536))`),
		packCase("binary", `"\0\1\255"`),
		packCase("booleans", `true, false`),
		packCase("nil", `nil`),
		packCase("nil between", `1, nil, 2`),
		packCase("cjson null", `cjson.null`),
		packCase("function", `function() end`),
		packCase("coroutine", `coroutine.create(function() end)`),
		packCase("empty table", `{}`),
		packCase("array", `{1, 2, 3}`),
		packCase("array of 15", `{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}`),
		packCase("array of 16", `{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}`),
		packCase("array 16 bit", `(function() local t = {} for i = 1, 300 do t[i] = i end return t end)()`),
		packCase("array 32 bit", `#cmsgpack.pack((function() local t = {} for i = 1, 70000 do t[i] = 0 end return t end)())`),
		packCase("map", `{a = 1}`),
		packCase("map nested", `{a = {b = {1, "x"}}}`),
		packCase("map 16 bit", `#cmsgpack.pack((function() local t = {} for i = 1, 20 do t["k" .. i] = i end return t end)())`),
		packCase("map 32 bit", `#cmsgpack.pack((function() local t = {} for i = 1, 70000 do t["k" .. i] = 0 end return t end)())`),
		packCase("holes", `{1, 2, nil, 4}`),
		packCase("sparse", `{[1] = 1, [3] = 3}`),
		packCase("zero key", `{[0] = 1}`),
		packCase("negative key", `{[-1] = 1}`),
		packCase("fraction key", `{[1.5] = 1}`),
		packCase("2^31 key", `{[2^31] = 1}`),
		packCase("2^31-1 key", `{[2^31 - 1] = 1}`),
		packCase("array and hash", `{1, 2, x = 3}`),
		packCase("boolean key", `{[true] = 1}`),
		packCase("table key", `{[{1}] = 2}`),
		packCase("nested 15", `(function() local t = {} local c = t for i = 1, 15 do c[1] = {} c = c[1] end return t end)()`),
		packCase("nested 16", `(function() local t = {} local c = t for i = 1, 16 do c[1] = {} c = c[1] end return t end)()`),
		packCase("cycle", `(function() local t = {} t[1] = t return t end)()`),
		packCase("map cycle", `(function() local t = {} t.x = t return t end)()`),
		packCase("several", `1, "a", {2}, true`),
		packCase("KEYS", `KEYS`),
		packCase("4000 arguments", `#cmsgpack.pack(unpack((function() local t = {} for i = 1, 4000 do t[i] = i end return t end)()))`),
		packCase("4001 arguments", `#cmsgpack.pack(unpack((function() local t = {} for i = 1, 4001 do t[i] = i end return t end)()))`),
		packCase("4000 tables", `#cmsgpack.pack(unpack((function() local t = {} for i = 1, 4000 do t[i] = {} end return t end)()))`),
		{name: "pack no arguments", body: `return cmsgpack.pack()`},
		{name: "pack from pcall", body: `return {pcall(cmsgpack.pack)}`},
	})
}

func TestCMsgpackUnpackRedis(t *testing.T) {
	runCases(t, []evalCase{
		unpackCase("round trip", "unpack", `cmsgpack.pack(1, -1, 300, -300, 70000, -70000, 2^40, -2^40, 0.5, 0.1, "s", true, false, {1, {2}}, {a = {b = "c"}})`),
		unpackCase("nil", "unpack", `cmsgpack.pack(nil)`),
		unpackCase("uint8", "unpack", `"\204\255"`),
		unpackCase("int8", "unpack", `"\208\128"`),
		unpackCase("uint16", "unpack", `"\205\255\254"`),
		unpackCase("int16", "unpack", `"\209\255\254\209\0\128\209\128\0"`),
		unpackCase("uint32", "unpack", `"\206\255\255\255\255"`),
		unpackCase("int32", "unpack", `"\210\128\0\0\0\210\255\255\255\254"`),
		unpackCase("uint64", "unpack", `"\207\0\0\0\1\0\0\0\0\207\255\255\255\255\255\255\255\255\207\128\0\0\0\0\0\0\0"`),
		unpackCase("int64", "unpack", `"\211\128\0\0\0\0\0\0\0\211\255\255\255\255\255\255\255\255"`),
		unpackCase("float", "unpack", `"\202\63\192\0\0\202\127\128\0\0\202\127\192\0\1"`),
		unpackCase("double", "unpack", `"\203\63\185\153\153\153\153\153\154"`),
		unpackCase("fixnums", "unpack", `"\0\127\224\255"`),
		unpackCase("booleans", "unpack", `"\195\194"`),
		unpackCase("fixstr", "unpack", `"\163abc\160"`),
		unpackCase("str8", "unpack", `"\217\3abc"`),
		unpackCase("str16", "unpack", `"\218\0\3abc"`),
		unpackCase("str32", "unpack", `"\219\0\0\0\3abc"`),
		unpackCase("fixarray", "unpack", `"\147\1\2\3"`),
		unpackCase("array with nil", "unpack", `"\147\1\192\3"`),
		unpackCase("array16", "unpack", `"\220\0\2\1\2"`),
		unpackCase("array32", "unpack", `"\221\0\0\0\2\1\2"`),
		unpackCase("fixmap", "unpack", `"\130\161a\1\161b\2"`),
		unpackCase("map16", "unpack", `"\222\0\1\161a\1"`),
		unpackCase("map32", "unpack", `"\223\0\0\0\1\161a\1"`),
		unpackCase("map duplicate", "unpack", `"\130\161a\1\161a\2"`),
		unpackCase("map nil value", "unpack", `"\129\161a\192"`),
		unpackCase("map duplicate then nil", "unpack", `"\130\161a\1\161a\192"`),
		unpackCase("map number keys", "unpack", `"\130\1\161a\203\63\240\0\0\0\0\0\0\161b"`),
		unpackCase("map table key", "unpack", `"\129\145\1\2"`),
		unpackCase("map nil key", "unpack", `"\129\192\1"`),
		unpackCase("map nan key", "unpack", `"\129\203\127\248\0\0\0\0\0\0\1"`),
		unpackCase("empty", "unpack", `""`),
		unpackCase("number argument", "unpack", `5`),
		unpackCase("extra argument", "unpack", `"\1", "x"`),
		unpackCase("never used c1", "unpack", `"\193"`),
		unpackCase("bin8", "unpack", `"\196\1a"`),
		unpackCase("ext", "unpack", `"\212\1\1"`),
		unpackCase("fixext", "unpack", `"\216\1"`),
		unpackCase("truncated uint16", "unpack", `"\205\1"`),
		unpackCase("truncated str", "unpack", `"\165ab"`),
		unpackCase("truncated str32 length", "unpack", `"\219\0\0"`),
		unpackCase("truncated array", "unpack", `"\146\1"`),
		unpackCase("huge array count", "unpack", `"\221\255\255\255\255\1"`),
		unpackCase("huge map count", "unpack", `"\223\255\255\255\255\1\2"`),
		unpackCase("bad inside array", "unpack", `"\145\193"`),
		unpackCase("value after bad", "unpack", `"\1\193\2"`),
		unpackCase("no argument", "unpack", ``),
		unpackCase("table argument", "unpack", `{}`),
		unpackShapeCase("7999 values", "unpack", `string.rep("\1", 7999)`),
		unpackShapeCase("8000 values", "unpack", `string.rep("\1", 8000)`),
		unpackShapeCase("nested 3990", "unpack", `string.rep("\145", 3990) .. "\1"`),
		unpackShapeCase("nested 4000", "unpack", `string.rep("\145", 4000) .. "\1"`),
		unpackShapeCase("nested maps", "unpack", `string.rep("\129\1", 3000) .. "\1"`),
		unpackShapeCase("nested map keys", "unpack", `string.rep("\129", 5000) .. "\1"`),
		unpackCase("first", "unpack_one", `cmsgpack.pack(1, 2, 3)`),
		unpackCase("offset", "unpack_one", `cmsgpack.pack(1, 2, 3), 1`),
		unpackCase("last", "unpack_one", `cmsgpack.pack(1, 2, 3), 2`),
		unpackCase("at end", "unpack_one", `cmsgpack.pack(1, 2, 3), 3`),
		unpackCase("past end", "unpack_one", `cmsgpack.pack(1, 2, 3), 4`),
		unpackCase("negative offset", "unpack_one", `cmsgpack.pack(1, 2, 3), -1`),
		unpackCase("fraction offset", "unpack_one", `cmsgpack.pack(1, 2, 3), 1.9`),
		unpackCase("string offset", "unpack_one", `cmsgpack.pack(1, 2, 3), "1"`),
		unpackCase("bad offset", "unpack_one", `cmsgpack.pack(1, 2, 3), {}`),
		unpackCase("empty", "unpack_one", `""`),
		unpackCase("no argument", "unpack_one", ``),
		unpackCase("nil and offset", "unpack_one", `nil, "x"`),
		unpackCase("truncated", "unpack_one", `"\1\205"`),
		unpackCase("truncated at offset", "unpack_one", `"\1\205", 1`),
		unpackCase("two", "unpack_limit", `cmsgpack.pack(1, 2, 3), 2`),
		unpackCase("two from 1", "unpack_limit", `cmsgpack.pack(1, 2, 3), 2, 1`),
		unpackCase("all", "unpack_limit", `cmsgpack.pack(1, 2, 3), 5`),
		unpackCase("zero zero", "unpack_limit", `cmsgpack.pack(1, 2, 3), 0, 0`),
		unpackCase("zero from 1", "unpack_limit", `cmsgpack.pack(1, 2, 3), 0, 1`),
		unpackCase("negative limit", "unpack_limit", `cmsgpack.pack(1, 2, 3), -1`),
		unpackCase("no limit", "unpack_limit", `cmsgpack.pack(1, 2, 3)`),
		unpackShapeCase("7998", "unpack_limit", `string.rep("\1", 8000), 7998`),
		unpackShapeCase("7999", "unpack_limit", `string.rep("\1", 8000), 7999`),
		{name: "unpack from pcall", body: `return {pcall(cmsgpack.unpack, "\193")}`},
		{name: "unpack_one from pcall", body: `return {pcall(cmsgpack.unpack_one, {})}`},
		{name: "iterate", body: `local s, out, off = cmsgpack.pack("a", {1}, 3), {}, 0 while off ~= -1 do local v off, v = cmsgpack.unpack_one(s, off) out[#out + 1] = off end return out`},
		{name: "cjson to msgpack", body: luaHex + `return hex(cmsgpack.pack(cjson.decode('[1,2.5,"x",null,{"k":[true]}]')))`},
	})
}
