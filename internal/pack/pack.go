// Package pack lays out sequences of byte strings and numbers end to end in
// one byte slice: the compact encoding kevy gives small hashes, sets, sorted
// sets and list chunks, in the spirit of Redis's listpack.
//
// # Layout
//
// An entry is its length as a uvarint followed by its bytes:
//
//	+-----------------+-------------------+
//	| len (uvarint)   | len bytes         |
//	+-----------------+-------------------+
//
// so a string of up to 127 bytes costs one byte besides its own. Entries
// follow each other with nothing in between and nothing at the ends: the
// caller keeps the count. A list chunk also needs to walk backwards, so
// its entries ([AppendBi]) end with their length once more, as a reversed
// uvarint (a listpack's backlen).
//
// A score (a float64 of a sorted set) is stored as an entry too: an
// integral score of magnitude below 2^55 as its two's complement
// little-endian bytes with the sign-extension bytes dropped (0 takes no
// bytes, -1 to 127 one byte), any other as the 8 bytes of its IEEE 754
// bits, little-endian. The length tells the two apart.
//
// Nothing here validates: the buffers are built by this package's
// functions only, never read from outside, so a malformed buffer is a bug
// and indexing panics.
package pack

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// UvarintLen returns the bytes of n as a uvarint.
func UvarintLen(n int) int { return (bits.Len64(uint64(n)|1) + 6) / 7 }

// Size returns the bytes of an entry of n bytes.
func Size(n int) int { return UvarintLen(n) + n }

// Append appends s as an entry.
func Append(b []byte, s string) []byte {
	if len(s) < 0x80 {
		b = append(b, byte(len(s)))
	} else {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	return append(b, s...)
}

// Put writes s as an entry at b[i:], which must have room (Size(len(s))),
// and returns the offset after it.
func Put(b []byte, i int, s string) int {
	if len(s) < 0x80 {
		b[i] = byte(len(s))
		i++
	} else {
		i += binary.PutUvarint(b[i:], uint64(len(s)))
	}
	return i + copy(b[i:], s)
}

// At returns the bounds of the entry at b[i:]: its bytes are b[start:end],
// and the next entry starts at end.
func At(b []byte, i int) (start, end int) {
	if c := b[i]; c < 0x80 {
		return i + 1, i + 1 + int(c)
	}
	n, k := binary.Uvarint(b[i:])
	return i + k, i + k + int(n)
}

// Skip returns the offset of the entry after the one at b[i:].
func Skip(b []byte, i int) int {
	_, end := At(b, i)
	return end
}

// Find returns the offset of the first entry at or after b[i:] whose bytes
// are s, looking at every step-th entry (step 2 searches the keys of
// key-value pairs), or -1.
func Find(b []byte, i int, s string, step int) int {
	for i < len(b) {
		start, end := At(b, i)
		if end-start == len(s) && string(b[start:end]) == s {
			return i
		}
		i = end
		for k := 1; k < step; k++ {
			i = Skip(b, i)
		}
	}
	return -1
}

// Scores.

// maxIntScore bounds the integral scores stored as integers.
const maxIntScore = 1 << 55

// scoreBytes returns the integer form of f and its length in bytes, or -1
// when f is stored as its IEEE bits.
func scoreBytes(f float64) (int64, int) {
	if !(f > -maxIntScore && f < maxIntScore) {
		return 0, -1
	}
	v := int64(f)
	if float64(v) != f || v == 0 && math.Signbit(f) {
		return 0, -1
	}
	n := 0
	for x := v; x != 0 && x != -1; x >>= 8 {
		n++
	}
	if n > 0 && (v>>(8*n-1)&1 == 1) != (v < 0) {
		n++ // the top byte's high bit must be the sign
	}
	if v == -1 {
		n = 1
	}
	return v, n
}

// ScoreSize returns the bytes the entry of score f takes.
func ScoreSize(f float64) int {
	if _, n := scoreBytes(f); n >= 0 {
		return 1 + n
	}
	return 9
}

// AppendScore appends f as an entry.
func AppendScore(b []byte, f float64) []byte {
	v, n := scoreBytes(f)
	if n < 0 {
		b = append(b, 8)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	b = append(b, byte(n))
	for ; n > 0; n-- {
		b = append(b, byte(v))
		v >>= 8
	}
	return b
}

// PutScore writes f as an entry at b[i:], which must have room, and
// returns the offset after it.
func PutScore(b []byte, i int, f float64) int {
	v, n := scoreBytes(f)
	if n < 0 {
		b[i] = 8
		binary.LittleEndian.PutUint64(b[i+1:], math.Float64bits(f))
		return i + 9
	}
	b[i] = byte(n)
	i++
	for ; n > 0; n-- {
		b[i] = byte(v)
		v >>= 8
		i++
	}
	return i
}

// Score decodes the score entry at b[i:] and returns it and the offset
// after it.
func Score(b []byte, i int) (float64, int) {
	n := int(b[i])
	i++
	if n == 8 {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[i:])), i + 8
	}
	var v int64
	for k := n - 1; k >= 0; k-- {
		v = v<<8 | int64(b[i+k])
	}
	if n > 0 && n < 8 {
		v = v << (64 - 8*n) >> (64 - 8*n) // sign-extend
	}
	return float64(v), i + n
}

// Bidirectional entries (list chunks).

// BiSize returns the bytes of a bidirectional entry of n bytes.
func BiSize(n int) int { return 2*UvarintLen(n) + n }

// AppendBi appends s as a bidirectional entry: uvarint length, bytes, and
// the length again as a reversed uvarint.
func AppendBi(b []byte, s string) []byte {
	b = Append(b, s)
	return appendBackLen(b, len(s))
}

// PutBi writes s as a bidirectional entry at b[i:], which must have room,
// and returns the offset after it.
func PutBi(b []byte, i int, s string) int {
	i = Put(b, i, s)
	return putBackLen(b, i, len(s))
}

func appendBackLen(b []byte, n int) []byte {
	k := UvarintLen(n)
	for j := k - 1; j >= 0; j-- {
		b = append(b, backLenByte(n, j, k))
	}
	return b
}

// putBackLen writes the reversed uvarint of n at b[i:] and returns the
// offset after it: its groups of 7 bits from the most significant to the
// least, every byte but the first with its high bit set, so that reading
// backwards from the end finds the low bits first and stops at a byte
// without the high bit.
func putBackLen(b []byte, i, n int) int {
	k := UvarintLen(n)
	for j := k - 1; j >= 0; j-- {
		b[i] = backLenByte(n, j, k)
		i++
	}
	return i
}

// backLenByte is group j (0 = the low 7 bits) of the k groups of n's
// reversed uvarint.
func backLenByte(n, j, k int) byte {
	c := byte(n>>(7*j)) & 0x7f
	if j < k-1 {
		c |= 0x80
	}
	return c
}

// BiAt returns the bounds of the bidirectional entry at b[i:]: its bytes
// are b[start:end] and the next entry starts at next.
func BiAt(b []byte, i int) (start, end, next int) {
	start, end = At(b, i)
	return start, end, end + UvarintLen(end-start)
}

// BiBefore returns the bounds of the bidirectional entry that ends at
// b[:j]: it starts at b[i:] and its bytes are b[start:end].
func BiBefore(b []byte, j int) (i, start, end int) {
	n, k := 0, 0
	for {
		c := b[j-1-k]
		n |= int(c&0x7f) << (7 * k)
		k++
		if c&0x80 == 0 {
			break
		}
	}
	end = j - k
	start = end - n
	return start - UvarintLen(n), start, end
}
