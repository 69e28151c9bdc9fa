package script_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kevydb/kevy/internal/script"
	"github.com/kevydb/kevy/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// luaDump is a Lua helper for tests: a value as text with its types
// ("%.17g" numbers, "%q" strings) and sorted table keys, so that what
// cjson.decode and cmsgpack.unpack build can be compared exactly, whatever
// order tables iterate in.
const luaDump = `local function dump(v)
  local t = type(v)
  if t == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return type(a) .. tostring(a) < type(b) .. tostring(b) end)
    local out = {}
    for _, k in ipairs(keys) do out[#out + 1] = dump(k) .. '=' .. dump(v[k]) end
    return '{' .. table.concat(out, ',') .. '}'
  elseif t == 'number' then return 'n' .. string.format('%.17g', v)
  elseif t == 'string' then return string.format('%q', v)
  else return t .. ':' .. tostring(v) end
end
`

// decodeCase makes a case that decodes the JSON text json (a Lua string
// literal) and dumps the result, or fails with cjson's error.
func decodeCase(name, json string) evalCase {
	return evalCase{name: "decode " + name, body: luaDump + `return dump(cjson.decode(` + json + `))`}
}

func encodeCase(name, expr string) evalCase {
	return evalCase{name: "encode " + name, body: `return cjson.encode(` + expr + `)`}
}

func TestCJSONEncodeRedis(t *testing.T) {
	runCases(t, []evalCase{
		encodeCase("mixed", `{1, 2, 3, {a = 1}}`),
		encodeCase("string", `"hello"`),
		encodeCase("empty string", `""`),
		encodeCase("escapes", `"a/b \"q\" back\\slash"`),
		encodeCase("controls", `"\0\1\2\7\8\9\10\11\12\13\14\27\31\127 "`),
		encodeCase("utf8 and binary", `"héllo ☃ \240\159\152\128 \255\254"`),
		encodeCase("true", `true`),
		encodeCase("false", `false`),
		encodeCase("nil", `nil`),
		encodeCase("null", `cjson.null`),
		encodeCase("integer", `42`),
		encodeCase("negative", `-7`),
		encodeCase("zero", `0`),
		encodeCase("negative zero", `-0.0`),
		encodeCase("fraction", `0.1`),
		encodeCase("third", `1/3`),
		encodeCase("1e15", `1e15`),
		encodeCase("1e16", `1e16`),
		encodeCase("2^53", `2^53`),
		encodeCase("14 digits", `12345678901234`),
		encodeCase("15 digits", `123456789012345`),
		encodeCase("small", `1e-5`),
		encodeCase("tiny", `5e-324`),
		encodeCase("huge", `1.7976931348623157e308`),
		encodeCase("pi", `math.pi`),
		encodeCase("inf", `1/0`),
		encodeCase("minus inf", `-1/0`),
		encodeCase("nan", `0/0`),
		encodeCase("empty table", `{}`),
		encodeCase("nested empty", `{{}, {{}}}`),
		encodeCase("array", `{1, "two", true, cjson.null}`),
		encodeCase("array with holes", `{1, nil, 3}`),
		encodeCase("sparse ok", `{[1] = 1, [3] = 3}`),
		encodeCase("sparse safe", `{[10] = 1}`),
		encodeCase("too sparse", `{[11] = 1}`),
		encodeCase("too sparse 2", `{[1] = 1, [2] = 2, [20] = 3}`),
		encodeCase("dense enough", `{[1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [6] = 6, [12] = 12}`),
		encodeCase("array and hash", `{1, 2, x = 3}`),
		encodeCase("object", `{a = 1}`),
		encodeCase("object nested", `{a = {b = {c = {1, 2}}}}`),
		encodeCase("object string value", `{key = "va/lue"}`),
		encodeCase("zero key", `{[0] = 1}`),
		encodeCase("negative key", `{[-1] = 1}`),
		encodeCase("fraction key", `{[1.5] = 1}`),
		encodeCase("2^31 key", `{[2^31] = 1}`),
		encodeCase("2^31-1 key", `{[2^31 - 1] = 1}`),
		encodeCase("2^32+1 key", `{[2^32 + 1] = 1}`),
		encodeCase("1e20 key", `{[1e20] = 1}`),
		encodeCase("inf key", `{[1/0] = 1}`),
		encodeCase("string number key", `{["1"] = 1}`),
		encodeCase("boolean key", `{[true] = 1}`),
		encodeCase("table key", `{[{}] = 1}`),
		encodeCase("function", `function() end`),
		encodeCase("function in table", `{1, function() end}`),
		encodeCase("coroutine", `coroutine.create(function() end)`),
		encodeCase("nan in table", `{0/0}`),
		encodeCase("inf key as object", `{x = 1/0}`),
		encodeCase("big array", `(function() local t = {} for i = 1, 1000 do t[i] = i * 1.5 end return t end)()`),
		encodeCase("deep ok", `(function() local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end return t end)()`),
		encodeCase("too deep", `(function() local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return t end)()`),
		encodeCase("cycle", `(function() local t = {} t[1] = t return t end)()`),
		encodeCase("object cycle", `(function() local t = {} t.x = t return t end)()`),
		encodeCase("KEYS", `KEYS`),
		encodeCase("redis table", `redis`),
		encodeCase("no arguments", ``),
		encodeCase("two arguments", `1, 2`),
		{name: "encode from pcall", body: `return {pcall(cjson.encode, function() end)}`},
		{name: "encode error caught", body: `local ok, e = pcall(function() return cjson.encode({f = print}) end) return {tostring(ok), e}`},
		{name: "round trip", body: `return cjson.encode(cjson.decode('[1,"a",{"b":null},[],{},-0.5,1e300,"\\u00e9\\/"]'))`},
		{name: "type of null", body: `return {type(cjson.null), tostring(cjson.null), tostring(cjson.null == cjson.decode("null"))}`},
		{name: "null reply", body: `return cjson.null`},
		{name: "null in reply array", body: `return {1, cjson.null, 2}`},
	})
}

func TestCJSONDecodeRedis(t *testing.T) {
	runCases(t, []evalCase{
		{name: "decode array reply", body: `return cjson.decode('[1,2,3,"x"]')`},
		{name: "decode fields", body: `local t = cjson.decode('{"a":1,"b":[true,false,null]}') return {t.a, type(t.b[1]), tostring(t.b[2]), tostring(t.b[3] == cjson.null)}`},
		decodeCase("object", `'{"a":1,"b":[true,false,null],"c":{"d":"e"}}'`),
		decodeCase("whitespace", `' \t\r\n[ 1 ,\n2 ] \n'`),
		decodeCase("duplicate keys", `'{"a":1,"a":2}'`),
		decodeCase("empty object", `'{}'`),
		decodeCase("empty array", `'[]'`),
		decodeCase("empty string value", `'""'`),
		decodeCase("string", `'"hello"'`),
		decodeCase("escapes", `'"\\"\\\\\\/\\b\\f\\n\\r\\t"'`),
		decodeCase("unicode", `'"\\u00e9\\u20AC\\u0041"'`),
		decodeCase("unicode nul", `'"a\\u0000b"'`),
		decodeCase("surrogate pair", `'"\\ud83d\\ude00"'`),
		decodeCase("lone high surrogate", `'"\\ud83d"'`),
		decodeCase("high then text", `'"\\ud83dxx"'`),
		decodeCase("high then bad low", `'"\\ud83d\\u0041"'`),
		decodeCase("lone low surrogate", `'"\\ude00"'`),
		decodeCase("bad hex", `'"\\u12G4"'`),
		decodeCase("short unicode", `'"\\u12"'`),
		decodeCase("unicode at end", `'"\\u'`),
		decodeCase("bad escape", `'"\\x"'`),
		decodeCase("raw control", `'"a\1b\127"'`),
		decodeCase("raw utf8", `'"héllo \255"'`),
		decodeCase("unterminated", `'"abc'`),
		decodeCase("backslash at end", `'"abc\\'`),
		decodeCase("integer", `'42'`),
		decodeCase("negative", `'-42'`),
		decodeCase("fraction", `'0.1'`),
		decodeCase("exponent", `'1E2'`),
		decodeCase("negative exponent", `'2.5e-3'`),
		decodeCase("big", `'123456789012345678901234567890'`),
		decodeCase("overflow", `'1e400'`),
		decodeCase("underflow", `'1e-400'`),
		decodeCase("denormal", `'4.9e-324'`),
		decodeCase("negative zero", `'-0'`),
		decodeCase("leading zero", `'01'`),
		decodeCase("plus", `'+5'`),
		decodeCase("hex", `'0x10'`),
		decodeCase("hex float", `'0x1.8p1'`),
		decodeCase("hex no digits", `'0x'`),
		decodeCase("minus hex", `'-0x1F'`),
		decodeCase("inf", `'inf'`),
		decodeCase("Infinity", `'Infinity'`),
		decodeCase("minus infinity", `'-Infinity'`),
		decodeCase("INF", `'INF'`),
		decodeCase("infinit", `'infinit'`),
		decodeCase("nan", `'nan'`),
		decodeCase("NaN", `'NaN'`),
		decodeCase("nan payload", `'nan(123)'`),
		decodeCase("minus", `'-'`),
		decodeCase("minus letters", `'-abc'`),
		decodeCase("dot", `'.5'`),
		decodeCase("trailing dot", `'1.'`),
		decodeCase("exponent without digits", `'1.5e'`),
		decodeCase("exponent sign only", `'1e+'`),
		decodeCase("true", `'true'`),
		decodeCase("false", `'false'`),
		decodeCase("null", `'null'`),
		decodeCase("tru", `'tru'`),
		decodeCase("nul", `'nul'`),
		decodeCase("True", `'True'`),
		decodeCase("empty", `''`),
		decodeCase("blank", `'   '`),
		decodeCase("trailing comma", `'[1,]'`),
		decodeCase("missing comma", `'[1 2]'`),
		decodeCase("missing colon", `'{"a" 1}'`),
		decodeCase("number key", `'{1:2}'`),
		decodeCase("object trailing comma", `'{"a":1,}'`),
		decodeCase("object missing comma", `'{"a":1 "b":2}'`),
		decodeCase("unclosed array", `'['`),
		decodeCase("unclosed object", `'{'`),
		decodeCase("lone quote", `'"'`),
		decodeCase("two values", `'1 2'`),
		decodeCase("garbage after", `'[1]x'`),
		decodeCase("letter", `'a'`),
		decodeCase("close bracket", `']'`),
		decodeCase("colon", `':'`),
		decodeCase("vertical tab", `'\v1'`),
		decodeCase("nul after value", `'1\0garbage'`),
		decodeCase("nul in string", `'"ab\0cd"'`),
		decodeCase("utf16", `'\0[\0]'`),
		decodeCase("utf16 le", `'[\0]\0'`),
		decodeCase("single nul", `'\0'`),
		decodeCase("number argument", `123`),
		decodeCase("deep ok", `string.rep('[', 1000) .. string.rep(']', 1000)`),
		decodeCase("too deep", `string.rep('[', 1001) .. string.rep(']', 1001)`),
		decodeCase("too deep objects", `string.rep('{"a":', 1001) .. '1' .. string.rep('}', 1001)`),
		{name: "decode nil", body: `return cjson.decode(nil)`},
		{name: "decode table", body: `return cjson.decode({})`},
		{name: "decode no arguments", body: `return cjson.decode()`},
		{name: "decode two arguments", body: `return cjson.decode("1", "2")`},
		{name: "decode from pcall", body: `return {pcall(cjson.decode, "[1,")}`},
		{name: "decode big array", body: `local t = cjson.decode("[" .. string.rep("1.5,", 999) .. "2]") return {#t, t[1000]}`},
	})
}

func TestCJSONConfigRedis(t *testing.T) {
	setThen := func(name, set, expr string) evalCase {
		return evalCase{name: name, body: luaDump + `local r = {pcall(function() return {` + set + `} end)} local e = {pcall(cjson.encode, ` + expr + `)} return dump({r, e})`}
	}
	runCases(t, []evalCase{
		{name: "defaults", body: luaDump + `return dump({{cjson.encode_sparse_array()}, cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), cjson.encode_keep_buffer(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers()})`},
		setThen("precision 3", `cjson.encode_number_precision(3)`, `{1/3, 2/3, 1234.5}`),
		setThen("precision 1", `cjson.encode_number_precision(1)`, `{0.05, 15, 0.15}`),
		setThen("precision string", `cjson.encode_number_precision("5")`, `1/3`),
		setThen("precision 0", `cjson.encode_number_precision(0)`, `1/3`),
		setThen("precision 15", `cjson.encode_number_precision(15)`, `1/3`),
		setThen("precision word", `cjson.encode_number_precision("x")`, `1/3`),
		setThen("precision table", `cjson.encode_number_precision({})`, `1/3`),
		setThen("precision two args", `cjson.encode_number_precision(3, 4)`, `1/3`),
		setThen("precision truncated", `cjson.encode_number_precision(2^32 + 5)`, `1/3`),
		setThen("invalid on", `cjson.encode_invalid_numbers("on")`, `{1/0, -1/0, 0/0}`),
		setThen("invalid true", `cjson.encode_invalid_numbers(true)`, `{1/0, -1/0, 0/0}`),
		setThen("invalid null", `cjson.encode_invalid_numbers("null")`, `{1/0, -1/0, 0/0}`),
		setThen("invalid off", `cjson.encode_invalid_numbers("off")`, `{1/0}`),
		setThen("invalid key on", `cjson.encode_invalid_numbers("on")`, `{[1/0] = 1}`),
		setThen("invalid key null", `cjson.encode_invalid_numbers("null")`, `{[1/0] = 1}`),
		setThen("invalid bad option", `cjson.encode_invalid_numbers("maybe")`, `1`),
		setThen("invalid number option", `cjson.encode_invalid_numbers(1)`, `1`),
		setThen("invalid table option", `cjson.encode_invalid_numbers({})`, `1`),
		setThen("max depth 2", `cjson.encode_max_depth(2)`, `{{1}}`),
		setThen("max depth 2 too deep", `cjson.encode_max_depth(2)`, `{{{1}}}`),
		setThen("max depth 0", `cjson.encode_max_depth(0)`, `1`),
		setThen("max depth big", `cjson.encode_max_depth(100000)`, `(function() local t = {} local c = t for i = 1, 8000 do c[1] = {} c = c[1] end return t end)()`),
		setThen("max depth big objects", `cjson.encode_max_depth(100000)`, `(function() local t = {} local c = t for i = 1, 5000 do c.x = {} c = c.x end return t end)()`),
		setThen("sparse convert", `cjson.encode_sparse_array(true)`, `{[1] = 1, [20] = 2}`),
		setThen("sparse ratio 0", `cjson.encode_sparse_array(false, 0)`, `{[1] = 1, [20] = 2}`),
		setThen("sparse ratio 1", `cjson.encode_sparse_array(false, 1, 0)`, `{[1] = 1, [3] = 2}`),
		setThen("sparse safe 100", `cjson.encode_sparse_array(nil, nil, 100)`, `{[50] = 1}`),
		setThen("sparse bad ratio", `cjson.encode_sparse_array(true, -1)`, `{[1] = 1, [20] = 2}`),
		setThen("sparse bad safe type", `cjson.encode_sparse_array(true, 3, "x")`, `{[1] = 1, [20] = 2}`),
		setThen("sparse four args", `cjson.encode_sparse_array(true, 1, 1, 1)`, `1`),
		setThen("sparse on string", `cjson.encode_sparse_array("on")`, `{[1] = 1, [20] = 2}`),
		setThen("keep buffer", `cjson.encode_keep_buffer(false), cjson.encode_keep_buffer(), cjson.encode_keep_buffer("on")`, `{1}`),
		{name: "decode max depth 2", body: `cjson.decode_max_depth(2) return {pcall(cjson.decode, "[[1]]")}`},
		{name: "decode max depth too deep", body: `cjson.decode_max_depth(2) return {pcall(cjson.decode, "[[[1]]]")}`},
		{name: "decode stack limit arrays", body: `cjson.decode_max_depth(100000) return {pcall(cjson.decode, string.rep("[", 8000) .. string.rep("]", 8000))}`},
		{name: "decode stack limit objects", body: `cjson.decode_max_depth(100000) return {pcall(cjson.decode, string.rep('{"a":', 4100) .. "1" .. string.rep("}", 4100))}`},
		{name: "decode invalid off", body: luaDump + `cjson.decode_invalid_numbers(false) local out = {} for _, s in ipairs({"inf", "-inf", "nan", "0x10", "01", "-01", "+1", "1", "-1.5e3", "-", "0"}) do out[#out + 1] = dump({pcall(cjson.decode, s)}) end return out`},
		{name: "decode invalid off return", body: `return {cjson.decode_invalid_numbers(false), cjson.decode_invalid_numbers()}`},
		{name: "new", body: luaDump + `local c = cjson.new() c.encode_max_depth(1) return dump({{pcall(c.encode, {{1}})}, cjson.encode({{1}}), c.encode_max_depth(), cjson.encode_max_depth(), c.null == cjson.null, type(c.new)})`},
		{name: "new is writable", body: `local c = cjson.new() c.x = 1 return c.x`},
	})
}

// TestCJSONConfigPersistsRedis checks that the global cjson settings outlive
// the script that set them, as in Redis's one Lua state, until SCRIPT FLUSH;
// and that functions have their own.
func TestCJSONConfigPersistsRedis(t *testing.T) {
	e := newEnv(t)
	rt := script.New(script.Options{})
	cl := e.client[2]
	cl.do("SCRIPT", "FLUSH")
	cl.do("FUNCTION", "FLUSH")
	eval := func(body string) {
		t.Helper()
		w, _ := cl.rawDo(evalArgs("EVAL", body, nil, nil)...)
		s, errReply, ok := rt.Load(body)
		r := errReply
		if ok {
			var err error
			r, err = rt.Eval(s, &script.Request{Ctx: context.Background(), Caller: e.fwd})
			require.NoError(t, err)
		}
		assert.Equal(t, string(w), string(resp.AppendReply(nil, r)), body)
	}
	const lib = "#!lua name=cfg\nredis.register_function('depth', function() return cjson.encode_max_depth() end)"
	cl.do("FUNCTION", "LOAD", lib)
	_, _, ok := rt.Functions().Load(lib, false)
	require.True(t, ok)
	fcall := func() {
		t.Helper()
		w, _ := cl.rawDo("FCALL", "depth", "0")
		r, err := rt.FCall(rt.Functions().Function("depth"), &script.Request{Ctx: context.Background(), Caller: e.fwd})
		require.NoError(t, err)
		assert.Equal(t, string(w), string(resp.AppendReply(nil, r)))
	}
	eval(`return cjson.encode_max_depth(2)`)
	eval(`return cjson.encode({{{1}}})`)
	eval(`return cjson.encode_number_precision(3)`)
	eval(`return cjson.encode(1/3)`)
	fcall()
	cl.do("SCRIPT", "FLUSH")
	rt.Flush()
	eval(`return cjson.encode({{{1}}})`)
	eval(`return cjson.encode(1/3)`)
}

// TestCJSONEncodeStringsRedis encodes every byte value, alone and in
// runs, to pin the escape table.
func TestCJSONEncodeStringsRedis(t *testing.T) {
	var cases []evalCase
	for lo := 0; lo < 256; lo += 32 {
		var b strings.Builder
		for c := lo; c < lo+32; c++ {
			fmt.Fprintf(&b, "\\%d", c)
		}
		cases = append(cases, encodeCase(fmt.Sprintf("bytes %d-%d", lo, lo+31), `"`+b.String()+`"`))
	}
	runCases(t, cases)
}
