// Package hll implements Redis's HyperLogLog string format and algorithm
// (Redis's hyperloglog.c): the same bytes for the same inputs, so that an
// HLL written by kevy is read by redis-server and the other way round.
//
// # Format
//
// An HLL is a string: a 16-byte header, then the registers.
//
//	+------+---+-----+----------+
//	| HYLL | E | N/U | Cardin.  |
//	+------+---+-----+----------+
//	 4 bytes magic, 1 byte encoding (0 dense, 1 sparse), 3 bytes unused
//	 (zero), 8 bytes cached cardinality, little endian; the most
//	 significant bit of its last byte set means the cache is stale.
//
// There are 16384 registers (P = 14) of 6 bits each, counting the longest
// run of zeros (plus one) seen in the 50 high bits of the 64-bit
// MurmurHash64A of the elements that hash to the register.
//
// The dense encoding packs the registers in 12288 bytes, least significant
// bits first: register i occupies bits 6i..6i+5 of the byte stream, where
// the bits of each byte are numbered from its least significant one.
//
// The sparse encoding is a run-length code of opcodes covering the
// registers in order:
//
//	00xxxxxx          ZERO:  1..64 registers set to 0
//	01xxxxxx yyyyyyyy XZERO: 1..16384 registers set to 0
//	1vvvvvxx          VAL:   1..4 registers set to value 1..32
//
// A new HLL is sparse (one XZERO per 16384 registers); it is promoted to
// dense for good when a register needs a value over 32 or when the
// sparse string would grow past the configured limit (Redis's
// hll-sparse-max-bytes, 3000 by default).
//
// Functions that may grow a sparse HLL take and return the slice: like
// append, they may reallocate it. A value that fails [Valid] must not be
// passed to any other function; a valid header over a corrupt sparse body
// is reported with [ErrCorrupt] and never makes a function panic.
package hll

import (
	"encoding/binary"
	"errors"
	"math"
)

// Layout constants.
const (
	HeaderSize    = 16
	Registers     = 1 << p // 16384
	DenseSize     = HeaderSize + (Registers*regBits+7)/8
	p             = 14
	q             = 64 - p // bits of the hash left for the run of zeros
	regBits       = 6
	regMax        = 1<<regBits - 1
	encDense      = 0
	encSparse     = 1
	maxEncoding   = 1
	sparseValMax  = 32    // the largest value a VAL opcode holds
	sparseValLen  = 4     // the longest run a VAL opcode covers
	sparseZeroLen = 64    // the longest run a ZERO opcode covers
	sparseXZLen   = 16384 // the longest run an XZERO opcode covers

	// DefaultSparseMaxBytes is Redis's default hll-sparse-max-bytes.
	DefaultSparseMaxBytes = 3000
)

// ErrCorrupt reports a sparse HLL whose opcodes do not cover exactly the
// 16384 registers: Redis's "INVALIDOBJ Corrupted HLL object detected".
var ErrCorrupt = errors.New("hll: corrupted HLL object")

// New returns an empty HLL: sparse, every register covered by XZERO
// opcodes, a cached cardinality of 0.
func New() []byte {
	b := make([]byte, HeaderSize+2*((Registers+sparseXZLen-1)/sparseXZLen))
	copy(b, "HYLL")
	b[4] = encSparse
	for i, left := HeaderSize, Registers; left > 0; i += 2 {
		n := min(left, sparseXZLen)
		setXZero(b[i:], n)
		left -= n
	}
	return b
}

// Valid reports whether s is an HLL Redis accepts (isHLLObjectOrReply):
// at least a header, the HYLL magic, a known encoding, and for the dense
// encoding exactly DenseSize bytes. The sparse body is checked by the
// functions that read it.
func Valid(s []byte) bool {
	if len(s) < HeaderSize || string(s[:4]) != "HYLL" || s[4] > maxEncoding {
		return false
	}
	return s[4] != encDense || len(s) == DenseSize
}

// IsDense reports whether a valid HLL has the dense encoding.
func IsDense(s []byte) bool { return s[4] == encDense }

// Cached returns the cached cardinality, and false when the cache is
// stale.
func Cached(s []byte) (uint64, bool) {
	if s[15]&0x80 != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(s[8:16]), true
}

// SetCached stores card as the cached cardinality (the cache is then
// valid: card must be under 2^63).
func SetCached(s []byte, card uint64) { binary.LittleEndian.PutUint64(s[8:16], card) }

// Invalidate marks the cached cardinality as stale, keeping its bytes.
func Invalidate(s []byte) { s[15] |= 0x80 }

// murmur64A is MurmurHash64A as Redis uses it, endian neutral.
func murmur64A(key string, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	n := len(key)
	h := seed ^ uint64(n)*m
	i := 0
	for ; i+8 <= n; i += 8 {
		k := uint64(key[i]) | uint64(key[i+1])<<8 | uint64(key[i+2])<<16 | uint64(key[i+3])<<24 |
			uint64(key[i+4])<<32 | uint64(key[i+5])<<40 | uint64(key[i+6])<<48 | uint64(key[i+7])<<56
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	switch n & 7 {
	case 7:
		h ^= uint64(key[i+6]) << 48
		fallthrough
	case 6:
		h ^= uint64(key[i+5]) << 40
		fallthrough
	case 5:
		h ^= uint64(key[i+4]) << 32
		fallthrough
	case 4:
		h ^= uint64(key[i+3]) << 24
		fallthrough
	case 3:
		h ^= uint64(key[i+2]) << 16
		fallthrough
	case 2:
		h ^= uint64(key[i+1]) << 8
		fallthrough
	case 1:
		h ^= uint64(key[i])
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// patLen returns the register an element hashes to and the length of the
// run of zeros, plus one, in the rest of its hash (Redis's hllPatLen).
func patLen(ele string) (index int, count uint8) {
	hash := murmur64A(ele, 0xadc83b19)
	index = int(hash & (Registers - 1))
	hash >>= p
	hash |= 1 << q // the loop ends: count <= q+1
	count = 1
	for bit := uint64(1); hash&bit == 0; bit <<= 1 {
		count++
	}
	return index, count
}

// Dense register access. Register i starts at bit 6i of the stream; the
// byte after the last register is outside the string (Redis reads the sds
// terminator there), so it is only touched when it exists.

func denseGet(regs []byte, i int) uint8 {
	byt := i * regBits / 8
	fb := uint(i * regBits & 7)
	b0 := uint(regs[byt])
	var b1 uint
	if byt+1 < len(regs) {
		b1 = uint(regs[byt+1])
	}
	return uint8((b0>>fb | b1<<(8-fb)) & regMax)
}

func denseSet(regs []byte, i int, val uint8) {
	byt := i * regBits / 8
	fb := uint(i * regBits & 7)
	v := uint(val)
	regs[byt] &^= byte(regMax << fb)
	regs[byt] |= byte(v << fb)
	if byt+1 < len(regs) {
		regs[byt+1] &^= byte(regMax >> (8 - fb))
		regs[byt+1] |= byte(v >> (8 - fb))
	}
}

// Sparse opcodes.

func isZero(c byte) bool  { return c&0xc0 == 0 }
func isXZero(c byte) bool { return c&0xc0 == 0x40 }
func isVal(c byte) bool   { return c&0x80 != 0 }

func zeroLen(c byte) int        { return int(c&0x3f) + 1 }
func xzeroLen(c0, c1 byte) int  { return (int(c0&0x3f)<<8 | int(c1)) + 1 }
func valValue(c byte) uint8     { return (c>>2)&0x1f + 1 }
func valLen(c byte) int         { return int(c&0x3) + 1 }
func valOp(v uint8, n int) byte { return byte(v-1)<<2 | byte(n-1) | 0x80 }
func zeroOp(n int) byte         { return byte(n - 1) }

func setXZero(b []byte, n int) {
	n--
	b[0] = byte(n>>8) | 0x40
	b[1] = byte(n)
}

// at returns body[i], or 0 past the end: Redis's decoders read the byte
// after a truncated XZERO opcode from the string's NUL terminator.
func at(body []byte, i int) byte {
	if i < len(body) {
		return body[i]
	}
	return 0
}

// sparseWalk calls fn for each run of the sparse body: its first register,
// length and value (0 for ZERO and XZERO runs). It reports whether the runs
// cover exactly the 16384 registers, as Redis's decoders check: a VAL run
// that would pass the last register stops the walk (and fails it), zero
// runs are only counted.
func sparseWalk(body []byte, fn func(first, n int, val uint8)) bool {
	idx := 0
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isZero(c):
			idx += zeroLen(c)
			i++
		case isXZero(c):
			idx += xzeroLen(c, at(body, i+1))
			i += 2
		default:
			n := valLen(c)
			if idx+n > Registers {
				return false
			}
			fn(idx, n, valValue(c))
			idx += n
			i++
		}
	}
	return idx == Registers
}

// ToDense returns s converted to the dense encoding (s itself when it is
// already dense), with the header (magic and cached cardinality) kept, and
// whether it converted. It fails with ErrCorrupt on a corrupt sparse body.
func ToDense(s []byte) ([]byte, bool, error) {
	if IsDense(s) {
		return s, false, nil
	}
	d := make([]byte, DenseSize)
	copy(d, s[:HeaderSize])
	d[4] = encDense
	regs := d[HeaderSize:]
	ok := sparseWalk(s[HeaderSize:], func(first, n int, val uint8) {
		for j := first; j < first+n; j++ {
			denseSet(regs, j, val)
		}
	})
	if !ok {
		return nil, false, ErrCorrupt
	}
	return d, true, nil
}

// Add adds the element ele to the HLL s and returns the HLL (reallocated
// if it grew) and whether a register changed, as Redis's hllAdd: a sparse
// HLL is updated in place when it can, and promoted to dense when the
// register's new value exceeds 32 or the sparse string would grow past
// sparseMax bytes. A changed register makes the cached cardinality stale.
func Add(s []byte, ele string, sparseMax int) ([]byte, bool, error) {
	index, count := patLen(ele)
	return Set(s, index, count, sparseMax)
}

// Set raises register index of s to count when it is lower (Redis's
// hllDenseSet and hllSparseSet), with Add's rules for the encoding and the
// cache.
func Set(s []byte, index int, count uint8, sparseMax int) ([]byte, bool, error) {
	if IsDense(s) {
		regs := s[HeaderSize:]
		if count > denseGet(regs, index) {
			denseSet(regs, index, count)
			Invalidate(s)
			return s, true, nil
		}
		return s, false, nil
	}
	return sparseSet(s, index, count, sparseMax)
}

// sparseSet is Redis's hllSparseSet. It reads past a truncated final
// XZERO opcode as Redis does (see at), and writes what Redis's sds string
// ends up holding: when the opcode split replaces such a truncated opcode,
// the byte that would land past the new length is dropped.
func sparseSet(s []byte, index int, count uint8, sparseMax int) ([]byte, bool, error) {
	if count > sparseValMax {
		return promote(s, index, count)
	}
	// Step 1: find the opcode covering the register.
	end := len(s)
	pos := HeaderSize
	prev := -1
	first, span := 0, 0
	for pos < end {
		oplen := 1
		c := s[pos]
		switch {
		case isZero(c):
			span = zeroLen(c)
		case isVal(c):
			span = valLen(c)
		default:
			span = xzeroLen(c, at(s, pos+1))
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = pos
		pos += oplen
		first += span
	}
	if span == 0 || pos >= end {
		return s, false, ErrCorrupt
	}
	c := s[pos]
	oldlen := 1
	if isXZero(c) {
		oldlen = 2
	}
	runlen := span

	// Step 2: the trivial cases, updated in place.
	if isVal(c) {
		if valValue(c) >= count {
			return s, false, nil // case A: no update needed
		}
		if runlen == 1 { // case B
			s[pos] = valOp(count, 1)
			return sparseMerge(s, prev), true, nil
		}
	}
	if isZero(c) && runlen == 1 { // case C
		s[pos] = valOp(count, 1)
		return sparseMerge(s, prev), true, nil
	}

	// Case D: split the opcode into up to three.
	var seq [5]byte
	n := 0
	last := first + span - 1
	zeroRun := func(l int) {
		if l > sparseZeroLen {
			setXZero(seq[n:], l)
			n += 2
		} else {
			seq[n] = zeroOp(l)
			n++
		}
	}
	if !isVal(c) {
		if index != first {
			zeroRun(index - first)
		}
		seq[n] = valOp(count, 1)
		n++
		if index != last {
			zeroRun(last - index)
		}
	} else {
		cur := valValue(c)
		if index != first {
			seq[n] = valOp(cur, index-first)
			n++
		}
		seq[n] = valOp(count, 1)
		n++
		if index != last {
			seq[n] = valOp(cur, last-index)
			n++
		}
	}

	// Step 3: substitute the sequence for the old opcode, or promote when
	// the string would grow past the limit.
	delta := n - oldlen
	if delta > 0 && end+delta > sparseMax {
		return promote(s, index, count)
	}
	next := pos + oldlen // end+1 for a truncated XZERO: nothing follows it
	newLen := end + delta
	if delta > 0 {
		s = append(s, make([]byte, delta)...)
	}
	if next < end {
		copy(s[next+delta:], s[next:end])
	}
	if pos+n > len(s) {
		n = len(s) - pos // a truncated XZERO's split: Redis's length drops the last byte
	}
	copy(s[pos:], seq[:n])
	s = s[:newLen]
	return sparseMerge(s, prev), true, nil
}

// sparseMerge is step 4 of Redis's hllSparseSet: merge adjacent VAL
// opcodes of the same value, visiting up to 5 opcodes (merges included)
// from prev, the opcode before the one updated (-1: from the first), then
// invalidate the cache.
func sparseMerge(s []byte, prev int) []byte {
	pos := prev
	if pos < 0 {
		pos = HeaderSize
	}
	for scan := 5; pos < len(s) && scan > 0; {
		scan--
		c := s[pos]
		switch {
		case isXZero(c):
			pos += 2
			continue
		case isZero(c):
			pos++
			continue
		}
		if pos+1 < len(s) && isVal(s[pos+1]) {
			v1, v2 := valValue(c), valValue(s[pos+1])
			if l := valLen(c) + valLen(s[pos+1]); v1 == v2 && l <= sparseValLen {
				s[pos+1] = valOp(v1, l)
				copy(s[pos:], s[pos+1:])
				s = s[:len(s)-1]
				continue // try the merged opcode with the next one
			}
		}
		pos++
	}
	Invalidate(s)
	return s
}

// promote converts a sparse HLL to dense and sets the register there.
func promote(s []byte, index int, count uint8) ([]byte, bool, error) {
	d, _, err := ToDense(s)
	if err != nil {
		return s, false, ErrCorrupt
	}
	regs := d[HeaderSize:]
	if count > denseGet(regs, index) {
		denseSet(regs, index, count)
	}
	Invalidate(d)
	return d, true, nil
}

// histogram counts the registers of s by value. It reports false for a
// corrupt sparse body.
func histogram(s []byte, h *[64]int) bool {
	if IsDense(s) {
		regs := s[HeaderSize:]
		for i := 0; i < Registers; i++ {
			h[denseGet(regs, i)]++
		}
		return true
	}
	// Redis's hllSparseRegHisto counts every run, then checks the total.
	idx := 0
	body := s[HeaderSize:]
	for i := 0; i < len(body); {
		c := body[i]
		switch {
		case isZero(c):
			n := zeroLen(c)
			idx += n
			h[0] += n
			i++
		case isXZero(c):
			n := xzeroLen(c, at(body, i+1))
			idx += n
			h[0] += n
			i += 2
		default:
			n := valLen(c)
			idx += n
			h[valValue(c)] += n
			i++
		}
	}
	return idx == Registers
}

// Count returns the cardinality estimate of s, computed from its
// registers (not from the cache).
func Count(s []byte) (uint64, error) {
	var h [64]int
	if !histogram(s, &h) {
		return 0, ErrCorrupt
	}
	return estimate(&h), nil
}

// CountRegisters returns the estimate for registers held one per byte
// (the union PFCOUNT builds for several keys).
func CountRegisters(regs *[Registers]uint8) uint64 {
	var h [64]int
	for _, r := range regs {
		h[r&63]++
	}
	return estimate(&h)
}

// Merge raises each of max's registers to the value of the same register
// of s (Redis's hllMerge). A corrupt sparse body gives ErrCorrupt; the
// registers before the corruption may have been merged.
func Merge(max *[Registers]uint8, s []byte) error {
	if IsDense(s) {
		regs := s[HeaderSize:]
		for i := range max {
			if v := denseGet(regs, i); v > max[i] {
				max[i] = v
			}
		}
		return nil
	}
	ok := sparseWalk(s[HeaderSize:], func(first, n int, val uint8) {
		for j := first; j < first+n; j++ {
			if val > max[j] {
				max[j] = val
			}
		}
	})
	if !ok {
		return ErrCorrupt
	}
	return nil
}

// estimate is Redis's hllCount: Otmar Ertl's improved estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches",
// arXiv:1702.01284) over the register histogram.
func estimate(h *[64]int) uint64 {
	const m = float64(Registers)
	z := m * tau((m-float64(h[q+1]))/m)
	for j := q; j >= 1; j-- {
		z += float64(h[j])
		z *= 0.5
	}
	z += m * sigma(float64(h[0])/m)
	const alphaInf = 0.721347520444481703680 // 0.5/ln(2)
	return uint64(math.Round(float64(float64(alphaInf*m)*m) / z))
}

func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zp := z
		z += float64(x * y)
		y += y
		if zp == z {
			return z
		}
	}
}

func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zp := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if zp == z {
			return z / 3
		}
	}
}

// Register returns register i of a dense HLL.
func Register(s []byte, i int) uint8 { return denseGet(s[HeaderSize:], i) }

// Decode renders a sparse HLL's opcodes as PFDEBUG DECODE does ("z:3 Z:100
// v:2,1 ..."), reading exactly what Redis reads.
func Decode(s []byte) string {
	body := s[HeaderSize:]
	var out []byte
	for i := 0; i < len(body); {
		c := body[i]
		if len(out) > 0 {
			out = append(out, ' ')
		}
		switch {
		case isZero(c):
			out = append(out, "z:"...)
			out = appendInt(out, zeroLen(c))
			i++
		case isXZero(c):
			out = append(out, "Z:"...)
			out = appendInt(out, xzeroLen(c, at(body, i+1)))
			i += 2
		default:
			out = append(out, "v:"...)
			out = appendInt(out, int(valValue(c)))
			out = append(out, ',')
			out = appendInt(out, valLen(c))
			i++
		}
	}
	return string(out)
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}
