// Package pack lays out byte strings and numbers end to end in one byte
// slice: the compact encodings kevy gives small hashes, sorted sets and list
// nodes, in the spirit of Redis's listpack.
//
// # Pairs
//
// A hash's field and value, or a sorted set's member and score, are a pair:
// both lengths first, then both strings.
//
//	+---------+---------+-------------+---------------+
//	| klen    | vlen    | klen bytes  | vlen bytes    |
//	+---------+---------+-------------+---------------+
//
// Each length takes one byte when both are under 128, and is a uvarint
// otherwise, so a pair of short strings costs two bytes besides their own.
// With both lengths up front, walking the pairs reads one header per pair:
// a linear search waits on one dependent load per pair instead of two.
//
// A score is stored as a pair's value: an integral score of magnitude
// below 2^55 as its two's complement little-endian bytes with the
// sign-extension bytes dropped (0 takes no bytes, -1 to 127 one byte), any
// other as the 8 bytes of its IEEE 754 bits, little-endian; the length
// tells the two apart.
//
// # Bidirectional entries
//
// A list node needs to walk both ways, so its entries are single strings
// with their length before them (a uvarint) and after them (a reversed
// uvarint, like a listpack's backlen):
//
//	+-----------------+-----------+---------------------+
//	| len (uvarint)   | len bytes | len (reversed)      |
//	+-----------------+-----------+---------------------+
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

// Pairs.

// PairSize returns the bytes of a pair of a k-byte key and a v-byte value.
func PairSize(k, v int) int {
	if k < 0x80 && v < 0x80 {
		return 2 + k + v
	}
	return UvarintLen(k) + UvarintLen(v) + k + v
}

// AppendPair appends the pair (k, v).
func AppendPair(b []byte, k, v string) []byte {
	b = appendHeader(b, len(k), len(v))
	return append(append(b, k...), v...)
}

func appendHeader(b []byte, k, v int) []byte {
	if k < 0x80 && v < 0x80 {
		return append(b, byte(k), byte(v))
	}
	b = binary.AppendUvarint(b, uint64(k))
	return binary.AppendUvarint(b, uint64(v))
}

// PutPair writes the pair (k, v) at b[i:], which must have room, and
// returns the offset after it.
func PutPair(b []byte, i int, k, v string) int {
	i = putHeader(b, i, len(k), len(v))
	i += copy(b[i:], k)
	return i + copy(b[i:], v)
}

func putHeader(b []byte, i, k, v int) int {
	if k < 0x80 && v < 0x80 {
		b[i], b[i+1] = byte(k), byte(v)
		return i + 2
	}
	i += binary.PutUvarint(b[i:], uint64(k))
	return i + binary.PutUvarint(b[i:], uint64(v))
}

// PairAt returns the bounds of the pair at b[i:]: its key is b[ks:vs], its
// value b[vs:end], and the next pair starts at end.
func PairAt(b []byte, i int) (ks, vs, end int) {
	if k, v := b[i], b[i+1]; k < 0x80 && v < 0x80 {
		ks = i + 2
		vs = ks + int(k)
		return ks, vs, vs + int(v)
	}
	k, n := binary.Uvarint(b[i:])
	v, m := binary.Uvarint(b[i+n:])
	ks = i + n + m
	vs = ks + int(k)
	return ks, vs, vs + int(v)
}

// NextPair returns the offset of the pair after the one at b[i:].
func NextPair(b []byte, i int) int {
	if k, v := b[i], b[i+1]; k < 0x80 && v < 0x80 {
		return i + 2 + int(k) + int(v)
	}
	_, _, end := PairAt(b, i)
	return end
}

// FindPair returns the offset of the first pair at or after b[i:] whose key
// is k, or -1. It is the linear search of every listpack lookup: the common
// case (short strings) is inlined, and the key's last byte, which tells
// keys with a common prefix apart, is compared before the rest.
func FindPair(b []byte, i int, k string) int {
	n := len(k)
	for i < len(b) {
		kl, vl := int(b[i]), int(b[i+1])
		if kl|vl >= 0x80 {
			ks, vs, end := PairAt(b, i)
			if vs-ks == n && string(b[ks:vs]) == k {
				return i
			}
			i = end
			continue
		}
		if kl == n && (n == 0 || b[i+1+kl] == k[n-1] && string(b[i+2:i+2+kl]) == k) {
			return i
		}
		i += 2 + kl + vl
	}
	return -1
}

// Scores.

// maxIntScore bounds the integral scores stored as integers.
const maxIntScore = 1 << 55

// scoreInt returns the integer form of f and its length in bytes, or -1
// when f is stored as its IEEE bits.
func scoreInt(f float64) (int64, int) {
	if !(f > -maxIntScore && f < maxIntScore) {
		return 0, -1
	}
	v := int64(f)
	if float64(v) != f || v == 0 && math.Signbit(f) {
		return 0, -1
	}
	// The fewest bytes whose sign extension gives v back.
	n := 0
	for x := v; x != 0 && x != -1; x >>= 8 {
		n++
	}
	if n == 0 && v == -1 || n > 0 && (v>>(8*n-1)&1 == 1) != (v < 0) {
		n++
	}
	return v, n
}

// ScoreLen returns the bytes score f takes as a pair's value.
func ScoreLen(f float64) int {
	if _, n := scoreInt(f); n >= 0 {
		return n
	}
	return 8
}

// ScorePairSize returns the bytes of a pair of a k-byte member and score f.
func ScorePairSize(k int, f float64) int { return PairSize(k, ScoreLen(f)) }

// AppendScorePair appends the pair (member, f).
func AppendScorePair(b []byte, member string, f float64) []byte {
	b = appendHeader(b, len(member), ScoreLen(f))
	b = append(b, member...)
	v, n := scoreInt(f)
	if n < 0 {
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	}
	for ; n > 0; n-- {
		b = append(b, byte(v))
		v >>= 8
	}
	return b
}

// PutScorePair writes the pair (member, f) at b[i:], which must have room,
// and returns the offset after it.
func PutScorePair(b []byte, i int, member string, f float64) int {
	i = putHeader(b, i, len(member), ScoreLen(f))
	i += copy(b[i:], member)
	v, n := scoreInt(f)
	if n < 0 {
		binary.LittleEndian.PutUint64(b[i:], math.Float64bits(f))
		return i + 8
	}
	for ; n > 0; n-- {
		b[i] = byte(v)
		v >>= 8
		i++
	}
	return i
}

// Score decodes a score stored as b[vs:end].
func Score(b []byte, vs, end int) float64 {
	n := end - vs
	if n == 8 {
		return math.Float64frombits(binary.LittleEndian.Uint64(b[vs:]))
	}
	var v int64
	for k := end - 1; k >= vs; k-- {
		v = v<<8 | int64(b[k])
	}
	if n > 0 {
		v = v << (64 - 8*n) >> (64 - 8*n) // sign-extend
	}
	return float64(v)
}

// Bidirectional entries (list nodes).

// BiSize returns the bytes of a bidirectional entry of n bytes.
func BiSize(n int) int { return 2*UvarintLen(n) + n }

// AppendBi appends s as a bidirectional entry.
func AppendBi(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	b = append(b, s...)
	k := UvarintLen(len(s))
	for j := k - 1; j >= 0; j-- {
		b = append(b, backLenByte(len(s), j, k))
	}
	return b
}

// PutBi writes s as a bidirectional entry at b[i:], which must have room,
// and returns the offset after it.
func PutBi(b []byte, i int, s string) int {
	if len(s) < 0x80 {
		b[i] = byte(len(s))
		i++
	} else {
		i += binary.PutUvarint(b[i:], uint64(len(s)))
	}
	i += copy(b[i:], s)
	k := UvarintLen(len(s))
	for j := k - 1; j >= 0; j-- {
		b[i] = backLenByte(len(s), j, k)
		i++
	}
	return i
}

// backLenByte is group j (0 = the low 7 bits) of the k groups of n's
// reversed uvarint: the groups from the most significant to the least,
// every byte but the first with its high bit set, so that reading
// backwards from the end of an entry finds the low bits first and stops at
// a byte without the high bit.
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
	if c := b[i]; c < 0x80 {
		start, end = i+1, i+1+int(c)
		return start, end, end + 1
	}
	n, k := binary.Uvarint(b[i:])
	start, end = i+k, i+k+int(n)
	return start, end, end + k
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
