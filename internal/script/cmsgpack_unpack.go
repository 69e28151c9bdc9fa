package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cmsgpack.unpack, unpack_one and unpack_limit (mp_unpack_full and
// mp_decode_to_lua_type of lua_cmsgpack.c).

// msgpackDecoder walks the input (mp_cur).
type msgpackDecoder struct {
	L    *lua.LState
	s    string
	p    int
	err  int // msgpackEOF or msgpackBadFormat once decoding failed
	work int
}

const (
	msgpackEOF = 1 + iota
	msgpackBadFormat
)

// msgpackUnpack is mp_unpack_full: up to limit values from offset (every
// value when both are 0), then for unpack_one/unpack_limit the offset to
// go on from (-1 at the end) before them. args is how many Lua stack slots
// the arguments hold (unpack_one and unpack_limit drop all but the first).
func msgpackUnpack(L *lua.LState, fn string, args int, limit, offset int64) int {
	s := libCheckString(L, 1, fn)
	all := limit == 0 && offset == 0
	switch {
	case offset < 0 || limit < 0:
		libError(L, "Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(len(s)))
	case offset > int64(len(s)):
		libError(L, "Start offset %d greater than input length %d.", int32(offset), int32(len(s)))
	}
	if all {
		limit = math.MaxInt32
	}
	d := &msgpackDecoder{L: L, s: s, p: int(offset)}
	used := args
	var vals []lua.LValue
	for n := int64(0); d.p < len(s) && n < limit; n++ {
		val := d.value(used)
		switch d.err {
		case msgpackEOF:
			libError(L, "Missing bytes in input.")
		case msgpackBadFormat:
			libError(L, "Bad data format in input.")
		}
		vals = append(vals, val)
		used++
	}
	if !all {
		libCheckStack(L, used, 1, "in function mp_unpack_full")
		next := lua.LNumber(d.p)
		if d.p == len(s) {
			next = -1
		}
		L.Push(next)
	}
	for _, val := range vals {
		L.Push(val)
	}
	if all {
		return len(vals)
	}
	return len(vals) + 1
}

// need is mp_cur_need: false (and the EOF error) when fewer than n bytes
// are left.
func (d *msgpackDecoder) need(n int) bool {
	if len(d.s)-d.p < n {
		d.err = msgpackEOF
		return false
	}
	return true
}

// be reads the n bytes i bytes past the cursor as a big-endian number.
func (d *msgpackDecoder) be(i, n int) uint64 {
	var x uint64
	for j := d.p + i; j < d.p+i+n; j++ {
		x = x<<8 | uint64(d.s[j])
	}
	return x
}

func (d *msgpackDecoder) u8(i int) uint64  { return d.be(i, 1) }
func (d *msgpackDecoder) u16(i int) uint64 { return d.be(i, 2) }
func (d *msgpackDecoder) u32(i int) uint64 { return d.be(i, 4) }
func (d *msgpackDecoder) u64(i int) uint64 { return d.be(i, 8) }

// fixed reads a value of n bytes after the type byte.
func (d *msgpackDecoder) fixed(n int, conv func() lua.LValue) lua.LValue {
	if !d.need(1 + n) {
		return lua.LNil
	}
	val := conv()
	d.p += 1 + n
	return val
}

// str reads a string of length n that starts hdr bytes on.
func (d *msgpackDecoder) str(hdr, n int) lua.LValue {
	if !d.need(hdr) {
		return lua.LNil
	}
	d.p += hdr
	if !d.need(n) {
		return lua.LNil
	}
	val := lua.LString(d.s[d.p : d.p+n])
	d.p += n
	return val
}

// value is mp_decode_to_lua_type; used counts the Lua stack slots the C
// decoder holds before pushing the value (its lua_checkstack bound, which
// also bounds the nesting).
func (d *msgpackDecoder) value(used int) lua.LValue {
	if !d.need(1) {
		return lua.LNil
	}
	libCheckStack(d.L, used, 1, "too many return values at once; use unpack_one or unpack_limit instead.")
	if d.work++; d.work%workCheckEvery == 0 {
		checkRunContext(d.L)
	}
	c := d.s[d.p]
	switch c {
	case 0xcc:
		return d.fixed(1, func() lua.LValue { return lua.LNumber(d.u8(1)) })
	case 0xd0:
		return d.fixed(1, func() lua.LValue { return lua.LNumber(int8(d.u8(1))) })
	case 0xcd:
		return d.fixed(2, func() lua.LValue { return lua.LNumber(d.u16(1)) })
	case 0xd1:
		return d.fixed(2, func() lua.LValue { return lua.LNumber(int16(d.u16(1))) })
	case 0xce:
		return d.fixed(4, func() lua.LValue { return lua.LNumber(d.u32(1)) })
	case 0xd2:
		return d.fixed(4, func() lua.LValue { return lua.LNumber(int32(d.u32(1))) })
	case 0xcf: // pushed as a signed lua_Integer: past 2^63 it turns negative
		return d.fixed(8, func() lua.LValue { return lua.LNumber(int64(d.u64(1))) })
	case 0xd3:
		return d.fixed(8, func() lua.LValue { return lua.LNumber(int64(d.u64(1))) })
	case 0xc0:
		d.p++
		return lua.LNil
	case 0xc3:
		d.p++
		return lua.LTrue
	case 0xc2:
		d.p++
		return lua.LFalse
	case 0xca:
		return d.fixed(4, func() lua.LValue { return lua.LNumber(math.Float32frombits(uint32(d.u32(1)))) })
	case 0xcb:
		return d.fixed(8, func() lua.LValue { return lua.LNumber(math.Float64frombits(d.u64(1))) })
	case 0xd9:
		if !d.need(2) {
			return lua.LNil
		}
		return d.str(2, int(d.u8(1)))
	case 0xda:
		if !d.need(3) {
			return lua.LNil
		}
		return d.str(3, int(d.u16(1)))
	case 0xdb:
		if !d.need(5) {
			return lua.LNil
		}
		return d.str(5, int(d.u32(1)))
	case 0xdc, 0xde:
		if !d.need(3) {
			return lua.LNil
		}
		n := int(d.u16(1))
		d.p += 3
		return d.table(c == 0xde, n, used)
	case 0xdd, 0xdf:
		if !d.need(5) {
			return lua.LNil
		}
		n := int(d.u32(1))
		d.p += 5
		return d.table(c == 0xdf, n, used)
	}
	switch {
	case c&0x80 == 0:
		d.p++
		return lua.LNumber(c)
	case c&0xe0 == 0xe0:
		d.p++
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0:
		return d.str(1, int(c&0x1f))
	case c&0xf0 == 0x90:
		d.p++
		return d.table(false, int(c&0xf), used)
	case c&0xf0 == 0x80:
		d.p++
		return d.table(true, int(c&0xf), used)
	}
	d.err = msgpackBadFormat
	return lua.LNil
}

// table is mp_decode_to_lua_array and mp_decode_to_lua_hash: n elements
// (or key-value pairs), each read before the next, so a count larger than
// the input ends in the EOF error without allocating for it.
func (d *msgpackDecoder) table(isMap bool, n, used int) lua.LValue {
	t := d.L.NewTable()
	if !isMap {
		libCheckStack(d.L, used+1, 1, "in function mp_decode_to_lua_array")
		for i := 1; i <= n; i++ {
			val := d.value(used + 2)
			if d.err != 0 {
				return lua.LNil
			}
			if val != lua.LNil {
				t.RawSetInt(i, val)
			}
		}
		return t
	}
	for i := 0; i < n; i++ {
		k := d.value(used + 1)
		if d.err != 0 {
			return lua.LNil
		}
		val := d.value(used + 2)
		if d.err != 0 {
			return lua.LNil
		}
		switch key := k.(type) {
		case *lua.LNilType:
			d.L.Error(lua.LString("table index is nil"), 0)
		case lua.LNumber:
			if math.IsNaN(float64(key)) {
				d.L.Error(lua.LString("table index is NaN"), 0)
			}
		}
		if val == lua.LNil && t.RawGet(k) == lua.LNil {
			continue // nothing to remove (and no array part to grow)
		}
		t.RawSet(k, val)
	}
	return t
}
