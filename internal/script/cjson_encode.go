package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cjson.encode (json_encode and the json_append_* functions of
// lua_cjson.c).

// jsonEscapes is Lua CJSON's char2escape: control characters, '"', '\\',
// '/' and DEL are escaped, every other byte (UTF-8 or not) is copied.
var jsonEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for c := 0; c < 0x20; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'], t[0x7f] = `\"`, `\\`, `\/`, `\u007f`
	return t
}()

// workCheckEvery is how many values the encoders and decoders handle
// between checks of the run's context.
const workCheckEvery = 1 << 12

type jsonEncoder struct {
	v    *vm
	L    *lua.LState
	cfg  jsonSettings
	buf  []byte
	work int
}

func (v *vm) jsonEncode(L *lua.LState, cfg *jsonConfig) int {
	if L.GetTop() != 1 {
		libArgError(L, 1, "encode", "expected 1 argument")
	}
	e := &jsonEncoder{v: v, L: L, cfg: cfg.get()}
	e.value(L.Get(1), 0, 1)
	L.Push(lua.LString(e.buf))
	return 1
}

// fail raises json_encode_exception's "Cannot serialise <type>: <reason>".
func (e *jsonEncoder) fail(val lua.LValue, reason string) {
	libError(e.L, "Cannot serialise %s: %s", luaTypeName(val), reason)
}

// tick bounds the work: the output at maxStringLen, and the run's context
// checked now and then (a table that holds itself many times encodes to
// an exponential amount of JSON).
func (e *jsonEncoder) tick() {
	if len(e.buf) > maxStringLen {
		e.tooLarge()
	}
	if e.work++; e.work%workCheckEvery == 0 {
		checkRunContext(e.L)
	}
}

// tooLarge raises kevy's error for JSON longer than a script may build
// (Redis has no bound but memory).
func (e *jsonEncoder) tooLarge() {
	libError(e.L, "Cannot serialise, output exceeds %d bytes", maxStringLen)
}

// value appends val, nested depth tables deep; used is how many Lua stack
// slots the C encoder would hold (for its lua_checkstack limit).
func (e *jsonEncoder) value(val lua.LValue, depth, used int) {
	e.tick()
	switch x := val.(type) {
	case lua.LString:
		e.appendString(string(x))
	case lua.LNumber:
		e.appendNumber(x)
	case lua.LBool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
	case *lua.LUserData:
		if x != e.v.null {
			e.fail(val, "type not supported")
		}
		e.buf = append(e.buf, "null"...)
	case *lua.LTable:
		depth++
		if depth > int(e.cfg.encodeMaxDepth) || used+3 > luaMaxCStack {
			libError(e.L, "Cannot serialise, excessive nesting (%d)", depth)
		}
		t := e.v.seeThrough(x)
		if n := e.arrayLength(t); n > 0 {
			e.appendArray(t, n, depth, used)
		} else {
			e.appendObject(t, depth, used)
		}
	default:
		e.fail(val, "type not supported")
	}
}

// arrayLength is lua_array_length: the largest key when every key is a
// positive integer and the array is not excessively sparse, else -1 (an
// object) or the sparse-array error. The largest key is kept in a C int,
// so a key past its range leaves it negative and the table is an object.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int32 {
	var max, items int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n == 0 {
			return -1
		}
		f := float64(n)
		if math.Floor(f) != f || f < 1 {
			return -1
		}
		if f > float64(max) {
			max = cInt(f)
		}
		items++
	}
	ratio := e.cfg.sparseRatio
	if ratio > 0 && max > items*ratio && max > e.cfg.sparseSafe {
		if e.cfg.sparseConvert == 0 {
			e.fail(t, "excessively sparse array")
		}
		return -1
	}
	return max
}

// cInt converts as C's (int) cast of a double does on x86-64: truncation,
// and INT_MIN for NaN and values out of range.
func cInt(f float64) int32 {
	if math.IsNaN(f) || f >= 2147483648.0 || f <= -2147483649.0 {
		return math.MinInt32
	}
	return int32(f)
}

func (e *jsonEncoder) appendArray(t *lua.LTable, n int32, depth, used int) {
	e.buf = append(e.buf, '[')
	for i := int32(1); i <= n; i++ {
		if i > 1 {
			e.buf = append(e.buf, ',')
		}
		e.value(t.RawGet(lua.LNumber(i)), depth, used+1)
	}
	e.buf = append(e.buf, ']')
}

func (e *jsonEncoder) appendObject(t *lua.LTable, depth, used int) {
	e.buf = append(e.buf, '{')
	first := true
	for k, val := t.Next(lua.LNil); k != lua.LNil; k, val = t.Next(k) {
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		switch key := k.(type) {
		case lua.LNumber:
			e.buf = append(e.buf, '"')
			e.appendNumber(key)
			e.buf = append(e.buf, '"', ':')
		case lua.LString:
			e.appendString(string(key))
			e.buf = append(e.buf, ':')
		default:
			e.fail(k, "table key must be a number or string")
		}
		e.value(val, depth, used+2)
	}
	e.buf = append(e.buf, '}')
}

// appendNumber is json_append_number: "%.<precision>g", with NaN and Inf
// refused, written as "nan"/"inf", or written as null, by
// encode_invalid_numbers.
func (e *jsonEncoder) appendNumber(n lua.LNumber) {
	f := float64(n)
	bad := math.IsInf(f, 0) || math.IsNaN(f)
	switch e.cfg.encodeInvalid {
	case 0:
		if bad {
			e.fail(n, "must not be NaN or Inf")
		}
	case 1:
		if math.IsNaN(f) {
			e.buf = append(e.buf, "nan"...)
			return
		}
	default:
		if bad {
			e.buf = append(e.buf, "null"...)
			return
		}
	}
	e.buf = append(e.buf, fmtG(f, int(e.cfg.encodePrecision))...)
}

func (e *jsonEncoder) appendString(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, esc...)
			start = i + 1
			if len(e.buf) > maxStringLen {
				e.tooLarge()
			}
		}
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}
