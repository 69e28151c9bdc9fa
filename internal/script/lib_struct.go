package script

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The struct library (Roberto Ierusalimschy's lua_struct.c as Redis
// bundles it) with the type sizes of Redis's x86-64 build: short 2, int 4,
// long 8, size_t 8, float 4, double 8; native byte order little-endian;
// maximum alignment 8; integers up to 32 bytes.

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

type structHeader struct {
	little bool
	align  int
}

func openStruct(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

// structFmt walks a format string.
type structFmt struct {
	L  *lua.LState
	s  string
	i  int
	fn string
}

func (f *structFmt) more() bool { return f.i < len(f.s) }

func (f *structFmt) next() byte {
	c := f.s[f.i]
	f.i++
	return c
}

func (f *structFmt) getnum(def int) int {
	if !f.more() || !isDigit(f.s[f.i]) {
		return def
	}
	a := 0
	for f.more() && isDigit(f.s[f.i]) {
		d := int(f.s[f.i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			f.L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		f.i++
	}
	return a
}

func (f *structFmt) optsize(opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'x':
		return 1
	case 'c':
		return f.getnum(1)
	case 'i', 'I':
		sz := f.getnum(4)
		if sz > structMaxIntSize {
			f.L.RaiseError("integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

func gettoalign(n int, h *structHeader, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

func (f *structFmt) control(opt byte, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.little = false
	case '<':
		h.little = true
	case '!':
		a := f.getnum(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			f.L.RaiseError("alignment %d is not a power of 2", a)
		}
		h.align = a
	default:
		argError(f.L, 1, f.fn, "invalid format option '"+string([]byte{opt})+"'")
	}
}

func structPack(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1, "pack"), fn: "pack"}
	h := structHeader{little: true, align: 1}
	arg := 2
	var b []byte
	total := 0
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pad := gettoalign(total, &h, opt, size)
		total += pad
		for ; pad > 0; pad-- {
			b = append(b, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := checkNumber(L, arg, "pack")
			arg++
			var value uint64
			if n < 0 {
				value = uint64(toInt64(n))
			} else {
				value = uint64(n)
			}
			buf := make([]byte, size)
			if h.little {
				for i := 0; i < size; i++ {
					buf[i] = byte(value)
					value >>= 8
				}
			} else {
				for i := size - 1; i >= 0; i-- {
					buf[i] = byte(value)
					value >>= 8
				}
			}
			b = append(b, buf...)
		case 'x':
			b = append(b, 0)
		case 'f':
			bits := math.Float32bits(float32(checkNumber(L, arg, "pack")))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint32(b, bits)
			} else {
				b = binary.BigEndian.AppendUint32(b, bits)
			}
		case 'd':
			bits := math.Float64bits(checkNumber(L, arg, "pack"))
			arg++
			if h.little {
				b = binary.LittleEndian.AppendUint64(b, bits)
			} else {
				b = binary.BigEndian.AppendUint64(b, bits)
			}
		case 'c', 's':
			s := checkString(L, arg, "pack")
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, arg, "pack", "string too short")
			}
			b = append(b, s[:size]...)
			if opt == 's' {
				b = append(b, 0)
				size++
			}
		default:
			f.control(opt, &h)
		}
		total += size
		if len(b) > maxStringLen {
			L.RaiseError("resulting string too large")
		}
	}
	L.Push(lua.LString(b))
	return 1
}

func structGetInteger(buf string, little, signed bool, size int) float64 {
	var l uint64
	if !little {
		for i := 0; i < size; i++ {
			l = l<<8 | uint64(buf[i])
		}
	} else {
		for i := size - 1; i >= 0; i-- {
			l = l<<8 | uint64(buf[i])
		}
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << ((size*8 - 1) & 63) // x86 masks the shift count
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1, "unpack"), fn: "unpack"}
	data := checkString(L, 2, "unpack")
	pos := 1
	if L.Get(3) != lua.LNil {
		pos = int(toInt64(checkNumber(L, 3, "unpack")))
	}
	if pos <= 0 {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	pos--
	ld := len(data)
	h := structHeader{little: true, align: 1}
	var out []lua.LValue
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pos += gettoalign(pos, &h, opt, size)
		if !(size <= ld && pos <= ld-size) {
			argError(L, 2, "unpack", "data string too short")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := 'a' <= opt && opt <= 'z'
			out = append(out, lua.LNumber(structGetInteger(data[pos:], h.little, signed, size)))
		case 'x':
		case 'f':
			var bits uint32
			if h.little {
				bits = binary.LittleEndian.Uint32([]byte(data[pos : pos+4]))
			} else {
				bits = binary.BigEndian.Uint32([]byte(data[pos : pos+4]))
			}
			out = append(out, lua.LNumber(math.Float32frombits(bits)))
		case 'd':
			var bits uint64
			if h.little {
				bits = binary.LittleEndian.Uint64([]byte(data[pos : pos+8]))
			} else {
				bits = binary.BigEndian.Uint64([]byte(data[pos : pos+8]))
			}
			out = append(out, lua.LNumber(math.Float64frombits(bits)))
		case 'c':
			if size == 0 {
				var prev float64
				ok := false
				if len(out) > 0 {
					prev, ok = str2numberValue(out[len(out)-1])
				}
				if !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				size = int(toInt64(prev))
				out = out[:len(out)-1]
				if !(size <= ld && pos <= ld-size) || size < 0 {
					argError(L, 2, "unpack", "data string too short")
				}
			}
			out = append(out, lua.LString(data[pos:pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			size = e + 1
			out = append(out, lua.LString(data[pos:pos+e]))
		default:
			f.control(opt, &h)
		}
		pos += size
	}
	for _, v := range out {
		L.Push(v)
	}
	L.Push(lua.LNumber(pos + 1))
	return len(out) + 1
}

func structSize(L *lua.LState) int {
	f := &structFmt{L: L, s: checkString(L, 1, "size"), fn: "size"}
	h := structHeader{little: true, align: 1}
	pos := 0
	for f.more() {
		opt := f.next()
		size := f.optsize(opt)
		pos += gettoalign(pos, &h, opt, size)
		if opt == 's' {
			argError(L, 1, "size", "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "size", "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
