package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The bit library: LuaBitOp 1.0.2 as Redis bundles it. Numbers are taken
// modulo 2^32 the way LuaBitOp does (adding 2^52+2^51 and keeping the low
// word of the double), results are signed 32-bit.

func openBit(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	for name, f := range map[string]lua.LGFunction{
		"tobit":   func(L *lua.LState) int { return bret(L, barg(L, 1, "tobit")) },
		"bnot":    func(L *lua.LState) int { return bret(L, ^barg(L, 1, "bnot")) },
		"band":    bitOp("band", func(a, b uint32) uint32 { return a & b }),
		"bor":     bitOp("bor", func(a, b uint32) uint32 { return a | b }),
		"bxor":    bitOp("bxor", func(a, b uint32) uint32 { return a ^ b }),
		"lshift":  bitShift("lshift", func(b, n uint32) uint32 { return b << n }),
		"rshift":  bitShift("rshift", func(b, n uint32) uint32 { return b >> n }),
		"arshift": bitShift("arshift", func(b, n uint32) uint32 { return uint32(int32(b) >> n) }),
		"rol":     bitShift("rol", func(b, n uint32) uint32 { return b<<n | b>>((32-n)&31) }),
		"ror":     bitShift("ror", func(b, n uint32) uint32 { return b<<((32-n)&31) | b>>n }),
		"bswap": func(L *lua.LState) int {
			b := barg(L, 1, "bswap")
			return bret(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
		},
		"tohex": bitToHex,
	} {
		t.RawSetString(name, L.NewFunction(f))
	}
	return t
}

// barg is LuaBitOp's barg for Lua 5.1: lua_tonumber, and a type error
// only when that gave 0 for a non-number.
func barg(L *lua.LState, i int, fn string) uint32 {
	n := luaToNumber(L.Get(i))
	b := uint32(math.Float64bits(n + 6755399441055744.0))
	if b == 0 {
		if _, ok := str2numberValue(L.Get(i)); !ok {
			v := L.Get(i)
			if i > L.GetTop() {
				v = nil
			}
			argError(L, i, fn, "number expected, got "+luaTypeName(v))
		}
	}
	return b
}

// str2numberValue is lua_isnumber.
func str2numberValue(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return str2number(string(x))
	}
	return 0, false
}

func bret(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitOp(name string, op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := barg(L, 1, name)
		for i := L.GetTop(); i > 1; i-- {
			b = op(b, barg(L, i, name))
		}
		return bret(L, b)
	}
}

func bitShift(name string, op func(b, n uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := barg(L, 1, name)
		n := barg(L, 2, name) & 31
		return bret(L, op(b, n))
	}
}

func bitToHex(L *lua.LState) int {
	b := barg(L, 1, "tohex")
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(barg(L, 2, "tohex"))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n, digits = -n, "0123456789ABCDEF"
	}
	if n > 8 || n < 0 { // -MinInt32 stays negative, as in C
		n = 8
	}
	buf := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
