// Package bitops holds the bit-level algorithms behind Redis's bitmap
// commands (Redis's bitops.c): population count, the first set or clear
// bit, and the signed and unsigned integers of 1 to 64 bits that BITFIELD
// reads and writes at any bit offset, with its three overflow policies.
//
// Bit numbering is Redis's: bit 0 is the most significant bit of the first
// byte, so a bitmap reads left to right, and a multi-bit integer is stored
// most significant bit first (big endian when it is byte aligned).
//
// The functions work on byte slices and never retain them. Readers accept
// any slice; writers need the slice long enough for every bit they touch.
package bitops

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Count returns the number of set bits in b (Redis's redisPopcount).
func Count(b []byte) int64 {
	var n int
	for len(b) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return int64(n)
}

// Pos returns the position of the first bit set to bit (0 or 1) in b,
// counting from the most significant bit of b[0], as Redis's redisBitpos:
// when looking for a clear bit and every bit is set, it returns len(b)*8
// (the string is taken as padded with zeros on the right); when looking
// for a set bit and there is none, it returns -1.
func Pos(b []byte, bit int) int64 {
	skip := byte(0)
	if bit == 0 {
		skip = 0xff
	}
	i := 0
	for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:]) == uint64(skip)*0x0101010101010101 {
		i += 8
	}
	for i < len(b) && b[i] == skip {
		i++
	}
	if i == len(b) {
		if bit == 1 {
			return -1
		}
		return int64(len(b)) * 8
	}
	c := b[i]
	if bit == 0 {
		c = ^c
	}
	return int64(i)*8 + int64(bits.LeadingZeros8(c))
}

// GetUnsigned reads the unsigned integer of width bits (1..64) at bit
// offset off of b. Every bit read must lie within b.
func GetUnsigned(b []byte, off uint64, width int) uint64 {
	var v uint64
	for j := 0; j < width; j++ {
		byteval := b[off>>3]
		bitval := (byteval >> (7 - off&7)) & 1
		v = v<<1 | uint64(bitval)
		off++
	}
	return v
}

// GetSigned reads the two's complement integer of width bits (1..64) at
// bit offset off of b, sign-extended.
func GetSigned(b []byte, off uint64, width int) int64 {
	v := GetUnsigned(b, off, width)
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= math.MaxUint64 << width
	}
	return int64(v)
}

// SetUnsigned writes the low width bits (1..64) of v at bit offset off of
// b. Every bit written must lie within b.
func SetUnsigned(b []byte, off uint64, width int, v uint64) {
	for j := 0; j < width; j++ {
		bitval := byte(v>>(width-1-j)) & 1
		shift := 7 - off&7
		b[off>>3] = b[off>>3]&^(1<<shift) | bitval<<shift
		off++
	}
}

// SetSigned writes v as a two's complement integer of width bits.
func SetSigned(b []byte, off uint64, width int, v int64) {
	SetUnsigned(b, off, width, uint64(v))
}

// GetPadded reads an integer of width bits at bit offset off of b as if b
// were followed by zero bytes (BITFIELD GET past the end of the string).
func GetPadded(b []byte, off uint64, width int, signed bool) int64 {
	var buf [9]byte
	start := off >> 3
	if start < uint64(len(b)) {
		copy(buf[:], b[start:])
	}
	rel := off - start*8
	if signed {
		return GetSigned(buf[:], rel, width)
	}
	return int64(GetUnsigned(buf[:], rel, width))
}

// Overflow is BITFIELD's overflow policy.
type Overflow uint8

// The overflow policies of BITFIELD ... OVERFLOW.
const (
	Wrap Overflow = iota // wrap around, modulo 2^bits
	Sat                  // saturate at the minimum or maximum value
	Fail                 // refuse the operation
)

// CheckUnsigned reports whether value+incr overflows (1) or underflows
// (-1) an unsigned integer of width bits (1..63), and the value the
// operation then results in under policy p (Wrap or Sat; unspecified for
// Fail), as Redis's checkUnsignedBitfieldOverflow. value may itself be out
// of range (a SET argument), which counts as an overflow.
func CheckUnsigned(value uint64, incr int64, width int, p Overflow) (int, uint64) {
	maxv := uint64(math.MaxUint64)
	if width < 64 {
		maxv = 1<<width - 1
	}
	maxincr := int64(maxv - value)
	minincr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) &^ (math.MaxUint64 << width) }
	switch {
	case value > maxv || (incr > 0 && incr > maxincr):
		if p == Wrap {
			return 1, wrap()
		}
		return 1, maxv
	case incr < 0 && incr < minincr:
		if p == Wrap {
			return 1, wrap() // Redis reports a wrapped underflow as 1 too
		}
		return -1, 0
	}
	return 0, 0
}

// CheckSigned is CheckUnsigned for a signed integer of width bits
// (1..64), as Redis's checkSignedBitfieldOverflow.
func CheckSigned(value, incr int64, width int, p Overflow) (int, int64) {
	maxv := int64(math.MaxInt64)
	if width < 64 {
		maxv = 1<<(width-1) - 1
	}
	minv := -maxv - 1
	maxincr := int64(uint64(maxv) - uint64(value)) // may wrap; used only when value is in range
	minincr := minv - value
	wrap := func() int64 {
		c := uint64(value) + uint64(incr)
		if width < 64 {
			mask := uint64(math.MaxUint64) << width
			if c&(1<<(width-1)) != 0 {
				c |= mask
			} else {
				c &^= mask
			}
		}
		return int64(c)
	}
	switch {
	case value > maxv || (width != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr):
		if p == Wrap {
			return 1, wrap()
		}
		return 1, maxv
	case value < minv || (width != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr):
		if p == Wrap {
			return 1, wrap()
		}
		return -1, minv
	}
	return 0, 0
}

// Op is a BITOP operation.
type Op uint8

// The BITOP operations.
const (
	And Op = iota
	Or
	Xor
	Not
)

// Apply computes BITOP op over srcs (a missing key is an empty source)
// into dst, which must be as long as the longest source; shorter sources
// read as zero bytes beyond their end. NOT takes one source.
func Apply(op Op, dst []byte, srcs [][]byte) {
	if op == Not {
		s := srcs[0]
		for i := range dst {
			var c byte
			if i < len(s) {
				c = s[i]
			}
			dst[i] = ^c
		}
		return
	}
	minLen := len(dst)
	for _, s := range srcs {
		minLen = min(minLen, len(s))
	}
	// Whole words where every source has data.
	i := 0
	for ; i+8 <= minLen; i += 8 {
		w := binary.LittleEndian.Uint64(srcs[0][i:])
		for _, s := range srcs[1:] {
			x := binary.LittleEndian.Uint64(s[i:])
			switch op {
			case And:
				w &= x
			case Or:
				w |= x
			case Xor:
				w ^= x
			}
		}
		binary.LittleEndian.PutUint64(dst[i:], w)
	}
	for ; i < len(dst); i++ {
		var w byte
		if i < len(srcs[0]) {
			w = srcs[0][i]
		}
		for _, s := range srcs[1:] {
			var x byte
			if i < len(s) {
				x = s[i]
			}
			switch op {
			case And:
				w &= x
			case Or:
				w |= x
			case Xor:
				w ^= x
			}
		}
		dst[i] = w
	}
}
