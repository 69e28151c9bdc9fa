package rdb

import (
	"errors"
	"math/bits"
)

// LZF, as liblzf 3.6 (bundled with Redis) defines the compressed stream: a
// sequence of chunks, each starting with a control byte c.
//
//	c < 32:   literal run; the next c+1 bytes are copied verbatim.
//	c >= 32:  back reference; n = c>>5 (1..7). If n == 7 the next byte is
//	          added to it. Then one more byte o. The reference copies n+2
//	          bytes starting ((c&31)<<8 | o) + 1 bytes back in the output
//	          (the regions may overlap: a run of one byte repeats it).
//
// So a reference reaches back at most 8192 bytes and copies 3..264 bytes.

const (
	lzfMaxLit = 32      // longest literal run
	lzfMaxOff = 1 << 13 // farthest reference distance
	lzfMaxRef = 264     // longest reference
	lzfHLog   = 14      // log2 of the hash table size
	// lzfMaxRatio bounds uncompressed/compressed: a 3-byte reference yields
	// at most 264 bytes.
	lzfMaxRatio = 88
)

var (
	errLZFInput  = errors.New("lzf: reference before start of output or truncated input")
	errLZFLength = errors.New("lzf: output length does not match")
)

// lzfDecompress decompresses src into dst, which must have exactly the
// uncompressed length.
func lzfDecompress(src, dst []byte) error {
	ip, op := 0, 0
	for ip < len(src) {
		c := int(src[ip])
		ip++
		if c < 32 {
			n := c + 1
			if ip+n > len(src) {
				return errLZFInput
			}
			if op+n > len(dst) {
				return errLZFLength
			}
			copy(dst[op:], src[ip:ip+n])
			ip += n
			op += n
			continue
		}
		n := c >> 5
		if n == 7 {
			if ip >= len(src) {
				return errLZFInput
			}
			n += int(src[ip])
			ip++
		}
		if ip >= len(src) {
			return errLZFInput
		}
		ref := op - ((c&31)<<8 | int(src[ip])) - 1
		ip++
		n += 2
		if ref < 0 {
			return errLZFInput
		}
		if op+n > len(dst) {
			return errLZFLength
		}
		if op-ref >= n {
			copy(dst[op:op+n], dst[ref:ref+n])
		} else {
			for i := 0; i < n; i++ {
				dst[op+i] = dst[ref+i]
			}
		}
		op += n
	}
	if op != len(dst) {
		return errLZFLength
	}
	return nil
}

// lzfCompressor holds the hash table between calls so that compressing many
// strings does not allocate.
type lzfCompressor struct {
	htab [1 << lzfHLog]int32 // position+1 of the last 3-byte sequence with this hash
}

// compress appends the LZF compression of src to dst[:0] and returns it;
// ok is false when the result would be longer than limit bytes (out is then
// empty, keeping dst's capacity for reuse). The output depends only on src:
// the part of the hash table in use (sized to src, so short strings stay
// cheap) is cleared first.
func (z *lzfCompressor) compress(dst []byte, src string, limit int) (out []byte, ok bool) {
	hlog := min(max(bits.Len(uint(len(src))), 8), lzfHLog)
	shift := 32 - hlog
	htab := z.htab[:1<<hlog]
	clear(htab)
	out = dst[:0]
	lit := 0 // bytes pending in the current literal run, ending at ip
	ip := 0
	n := len(src)
	flush := func(end int) bool {
		// Emit src[end-lit:end] as literal runs of at most 32 bytes.
		start := end - lit
		for start < end {
			k := min(end-start, lzfMaxLit)
			if len(out)+1+k > limit {
				return false
			}
			out = append(out, byte(k-1))
			out = append(out, src[start:start+k]...)
			start += k
		}
		lit = 0
		return true
	}
	for ip+2 < n {
		h := lzfHash(src[ip], src[ip+1], src[ip+2], shift)
		ref := int(htab[h]) - 1
		htab[h] = int32(ip + 1)
		if ref >= 0 && ip-ref <= lzfMaxOff &&
			src[ref] == src[ip] && src[ref+1] == src[ip+1] && src[ref+2] == src[ip+2] {
			maxLen := min(lzfMaxRef, n-ip)
			l := 3 + matchLen(src[ref+3:], src[ip+3:ip+maxLen])
			if lit > 0 && !flush(ip) {
				return out[:0], false
			}
			off := ip - ref - 1
			m := l - 2
			if m < 7 {
				out = append(out, byte(m<<5|off>>8), byte(off))
			} else {
				out = append(out, byte(7<<5|off>>8), byte(m-7), byte(off))
			}
			if len(out) > limit {
				return out[:0], false
			}
			// Index the positions inside the match (bounded so that long
			// runs stay cheap), then continue after it.
			end := ip + l
			for p := ip + 1; p < end && p+2 < n; p++ {
				htab[lzfHash(src[p], src[p+1], src[p+2], shift)] = int32(p + 1)
			}
			ip = end
			continue
		}
		lit++
		ip++
		if lit == lzfMaxLit && !flush(ip) {
			return out[:0], false
		}
	}
	lit += n - ip
	if !flush(n) {
		return out[:0], false
	}
	return out, true
}

func lzfHash(a, b, c byte, shift int) uint32 {
	v := uint32(a)<<16 | uint32(b)<<8 | uint32(c)
	return (v * 2654435761) >> shift
}

// matchLen returns how many leading bytes of a and b are equal.
func matchLen(a, b string) int {
	n := 0
	for len(b) >= 8 && len(a) >= 8 {
		x := le64(a) ^ le64(b)
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		a, b, n = a[8:], b[8:], n+8
	}
	for i := 0; i < len(b) && i < len(a); i++ {
		if a[i] != b[i] {
			return n + i
		}
	}
	return n + min(len(a), len(b))
}

func le64(b string) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
