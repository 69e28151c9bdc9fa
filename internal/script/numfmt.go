package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Number formatting as Redis's Lua 5.1 does it. gopher-lua prints numbers
// with Go's shortest representation (1e15 as "1000000000000000", 1/3 as
// "0.3333333333333333"); Lua 5.1 uses C's "%.14g" ("1e+15",
// "0.33333333333333"). The sandbox replaces tostring, the concatenation
// operator (see compile.go), string.format and table.concat so that scripts
// see Lua 5.1's text.

// fmtNum formats n as Lua 5.1's lua_Number2str ("%.14g").
func fmtNum(n float64) string { return fmtG(n, 14) }

// fmtG is C's "%.<prec>g" for finite and non-finite values (glibc spells
// them inf, -inf, nan and -nan).
func fmtG(n float64, prec int) string {
	if s, ok := nonFinite(n); ok {
		return s
	}
	return strconv.FormatFloat(n, 'g', prec, 64)
}

func nonFinite(n float64) (string, bool) {
	switch {
	case math.IsInf(n, 1):
		return "inf", true
	case math.IsInf(n, -1):
		return "-inf", true
	case math.IsNaN(n):
		if math.Signbit(n) {
			return "-nan", true
		}
		return "nan", true
	}
	return "", false
}

// toInt64 converts a Lua number to an integer the way C's (long long) cast
// does on x86-64: truncation toward zero, and the "integer indefinite"
// value math.MinInt64 for NaN and anything out of range.
func toInt64(n float64) int64 {
	if math.IsNaN(n) || n >= 9223372036854775808.0 || n < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(n)
}

// nullPointer marks a userdata that stands for C's NULL light userdata
// (cjson.null): tostring prints it as "userdata: (nil)".
type nullMarker struct{}

var nullPointer any = nullMarker{}

// luaToString is Lua 5.1's tostring for values without __tostring.
func luaToString(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LNumber:
		return fmtNum(float64(v))
	case lua.LString:
		return string(v)
	case *lua.LUserData:
		if v.Value == nullPointer {
			return "userdata: (nil)"
		}
	}
	return v.String()
}

// asString is Lua 5.1's lua_tolstring: strings as they are, numbers in
// "%.14g", anything else not convertible.
func asString(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return fmtNum(float64(v)), true
	}
	return "", false
}

// luaTypeName is the type name Lua 5.1 uses in messages.
func luaTypeName(v lua.LValue) string {
	if v == nil {
		return "no value"
	}
	return v.Type().String()
}

// baseToString replaces tostring.
func baseToString(L *lua.LState) int {
	v := L.CheckAny(1)
	if mt, ok := L.GetMetaField(v, "__tostring").(*lua.LFunction); ok {
		L.Push(mt)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(luaToString(v)))
	return 1
}

// concat is the concatenation operator (the compiler turns a .. b into a
// call of it), Lua 5.1's luaV_concat for two operands.
func concat(L *lua.LState) int {
	a, b := L.Get(1), L.Get(2)
	as, aok := asString(a)
	bs, bok := asString(b)
	if aok && bok {
		L.Push(lua.LString(as + bs))
		return 1
	}
	h := L.GetMetaField(a, "__concat")
	if h == lua.LNil {
		h = L.GetMetaField(b, "__concat")
	}
	if h == lua.LNil {
		bad := a
		if aok {
			bad = b
		}
		L.RaiseError("attempt to concatenate a %s value", luaTypeName(bad))
	}
	L.Push(h)
	L.Push(a)
	L.Push(b)
	L.Call(2, 1)
	return 1
}

// tableConcat replaces table.concat (Lua 5.1's tconcat).
func tableConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := ""
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		s, ok := asString(L.Get(2))
		if !ok {
			argError(L, 2, "concat", "string expected, got "+luaTypeName(L.Get(2)))
		}
		sep = s
	}
	i := optInt(L, 3, "concat", 1)
	j := optInt(L, 4, "concat", t.Len())
	var b strings.Builder
	for k := i; k <= j; k++ {
		s, ok := asString(t.RawGetInt(k))
		if !ok {
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		b.WriteString(s)
		if k != j {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// argError raises Lua 5.1's luaL_argerror text.
func argError(L *lua.LState, n int, fn, msg string) { libArgError(L, n, fn, msg) }

// checkNumber is luaL_checknumber: numbers and numeric strings.
func checkNumber(L *lua.LState, n int, fn string) float64 {
	v := L.Get(n)
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x)
	case lua.LString:
		if f, ok := str2number(string(x)); ok {
			return f
		}
	}
	if n > L.GetTop() {
		v = nil
	}
	argError(L, n, fn, "number expected, got "+luaTypeName(v))
	return 0
}

func optInt(L *lua.LState, n int, fn string, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return int(toInt64(checkNumber(L, n, fn)))
}

// checkString is luaL_checklstring: strings and numbers.
func checkString(L *lua.LState, n int, fn string) string {
	v := L.Get(n)
	if s, ok := asString(v); ok {
		return s
	}
	if n > L.GetTop() {
		v = nil
	}
	argError(L, n, fn, "string expected, got "+luaTypeName(v))
	return ""
}

// str2number is Lua 5.1's luaO_str2d: strtod, or a hexadecimal integer,
// with surrounding blanks allowed.
func str2number(s string) (float64, bool) {
	t := strings.TrimRight(strings.TrimLeft(s, " \t\n\v\f\r"), " \t\n\v\f\r")
	if t == "" {
		return 0, false
	}
	if h, ok := strings.CutPrefix(strings.ToLower(t), "0x"); ok && h != "" {
		u, err := strconv.ParseUint(h, 16, 64)
		if err != nil {
			return 0, false
		}
		return float64(u), true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	if strings.ContainsAny(t, "_xXpP") { // Go syntax strtod does not take
		return 0, false
	}
	return f, true
}
