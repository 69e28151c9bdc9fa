package script

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The cmsgpack library: lua-cmsgpack 0.4.0 as Redis 7.0 bundles it
// (deps/lua/src/lua_cmsgpack.c), written again in Go from its behaviour:
// pack, unpack, unpack_one and unpack_limit give Redis's bytes, values and
// errors. Its quirks are kept: tables nested 16 deep pack as nil, a
// uint64 past 2^63 unpacks negative, unpack_limit(s, 0, 0) unpacks
// everything, and the offset error prints the input length as the limit.

// cmsgpackMaxNesting is LUACMSGPACK_MAX_NESTING: deeper tables pack as nil
// (which also stops a table that holds itself).
const cmsgpackMaxNesting = 16

func (v *vm) openCMsgpack() *lua.LTable {
	L := v.L
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(v.msgpackPack))
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int {
		return msgpackUnpack(L, "unpack", L.GetTop(), 0, 0)
	}))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		offset := libOptInteger(L, 2, "unpack_one", 0)
		return msgpackUnpack(L, "unpack_one", 1, 1, offset)
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		limit := libCheckInteger(L, 2, "unpack_limit")
		offset := libOptInteger(L, 3, "unpack_limit", 0)
		return msgpackUnpack(L, "unpack_limit", 1, limit, offset)
	}))
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return t
}

type msgpackEncoder struct {
	v    *vm
	L    *lua.LState
	buf  []byte
	work int
}

// msgpackPack is cmsgpack.pack(...): each argument packed, concatenated.
func (v *vm) msgpackPack(L *lua.LState) int {
	nargs := L.GetTop()
	if nargs == 0 {
		libArgError(L, 0, "pack", "MessagePack pack needs input.")
	}
	if nargs > luaMaxCStack || 2*nargs > luaMaxCStack {
		libArgError(L, 0, "pack", "Too many arguments for MessagePack pack.")
	}
	e := &msgpackEncoder{v: v, L: L}
	for i := 1; i <= nargs; i++ {
		used := nargs + i - 1 // the arguments, and the packed strings so far
		libCheckStack(L, used, 1, "in function mp_check")
		e.value(L.Get(i), 0, used+1)
	}
	L.Push(lua.LString(e.buf))
	return 1
}

// value is mp_encode_lua_type; used counts the Lua stack slots the C
// encoder holds, the value included.
func (e *msgpackEncoder) value(val lua.LValue, level, used int) {
	if len(e.buf) > maxStringLen {
		libError(e.L, "MessagePack pack output exceeds %d bytes", maxStringLen)
	}
	if e.work++; e.work%workCheckEvery == 0 {
		checkRunContext(e.L)
	}
	switch x := val.(type) {
	case lua.LString:
		e.bytes(string(x))
	case lua.LBool:
		if x {
			e.buf = append(e.buf, 0xc3)
		} else {
			e.buf = append(e.buf, 0xc2)
		}
	case lua.LNumber:
		e.number(float64(x))
	case *lua.LTable:
		if level == cmsgpackMaxNesting {
			e.buf = append(e.buf, 0xc0)
			return
		}
		t := e.v.seeThrough(x)
		if n, ok := e.isArray(t, used); ok {
			libCheckStack(e.L, used, 1, "in function mp_encode_lua_table_as_array")
			e.header(n, 0x90, 0xdc, 0xdd)
			for i := 1; i <= n; i++ {
				e.value(t.RawGet(lua.LNumber(i)), level+1, used+1)
			}
		} else {
			libCheckStack(e.L, used, 3, "in function mp_encode_lua_table_as_map")
			n := 0
			for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
				n++
			}
			e.header(n, 0x80, 0xde, 0xdf)
			for k, val := t.Next(lua.LNil); k != lua.LNil; k, val = t.Next(k) {
				e.value(k, level+1, used+3)
				e.value(val, level+1, used+2)
			}
		}
	default: // nil, cjson.null, functions...
		e.buf = append(e.buf, 0xc0)
	}
}

// isArray is table_is_an_array: every key a positive integer that fits a
// C int, and as many keys as the largest; n is then the length.
func (e *msgpackEncoder) isArray(t *lua.LTable, used int) (n int, ok bool) {
	libCheckStack(e.L, used, 2, "in function table_is_an_array")
	var max, count int
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		num, isNum := k.(lua.LNumber)
		f := float64(num)
		if !isNum || f <= 0 || math.IsInf(f, 0) || float64(cInt(f)) != f {
			return 0, false
		}
		if int(f) > max {
			max = int(f)
		}
		count++
	}
	return count, max == count
}

// header appends a fix/16/32 array or map header for n elements.
func (e *msgpackEncoder) header(n int, fix, b16, b32 byte) {
	switch {
	case n <= 15:
		e.buf = append(e.buf, fix|byte(n))
	case n <= 0xffff:
		e.buf = append(e.buf, b16, byte(n>>8), byte(n))
	default:
		e.buf = binary.BigEndian.AppendUint32(append(e.buf, b32), uint32(n))
	}
}

// bytes is mp_encode_bytes: fix raw, str 8, raw 16 or raw 32.
func (e *msgpackEncoder) bytes(s string) {
	n := len(s)
	switch {
	case n < 32:
		e.buf = append(e.buf, 0xa0|byte(n))
	case n <= 0xff:
		e.buf = append(e.buf, 0xd9, byte(n))
	case n <= 0xffff:
		e.buf = append(e.buf, 0xda, byte(n>>8), byte(n))
	default:
		e.buf = binary.BigEndian.AppendUint32(append(e.buf, 0xdb), uint32(n))
	}
	e.buf = append(e.buf, s...)
}

// number is mp_encode_lua_number: an integer when the double is one
// (that an int64 holds), else a float when a float holds it exactly, else
// a double.
func (e *msgpackEncoder) number(f float64) {
	if i := toInt64(f); !math.IsInf(f, 0) && float64(i) == f {
		e.integer(i)
		return
	}
	if float64(float32(f)) == f {
		e.buf = binary.BigEndian.AppendUint32(append(e.buf, 0xca), math.Float32bits(float32(f)))
		return
	}
	e.buf = binary.BigEndian.AppendUint64(append(e.buf, 0xcb), math.Float64bits(f))
}

// integer is mp_encode_int: the shortest of fixnum, (u)int 8/16/32/64.
func (e *msgpackEncoder) integer(n int64) {
	b := e.buf
	switch {
	case n >= 0 && n <= 127:
		b = append(b, byte(n))
	case n >= 0 && n <= 0xff:
		b = append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		b = append(b, 0xcd, byte(n>>8), byte(n))
	case n >= 0 && n <= 0xffffffff:
		b = binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		b = binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -32:
		b = append(b, byte(n))
	case n >= -128:
		b = append(b, 0xd0, byte(n))
	case n >= -32768:
		b = append(b, 0xd1, byte(n>>8), byte(n))
	case n >= -2147483648:
		b = binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
	}
	e.buf = b
}
