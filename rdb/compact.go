package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// The compact encodings Redis stores as one string blob: listpack, ziplist,
// intset and zipmap. Each walker checks the structure completely (header
// sizes and counts, every entry's bounds, back-links, terminators) before
// trusting a byte of it, and reports each element to fn.

// elem is one element of a compact encoding: a string s, or an integer n
// when isInt.
type elem struct {
	s     []byte
	n     int64
	isInt bool
}

// String returns the element's string form.
func (e elem) String() string {
	if e.isInt {
		return strconv.FormatInt(e.n, 10)
	}
	return string(e.s)
}

var errBlobTruncated = errors.New("entry runs past the end")

// backlenSize is the size of a listpack back-length field for an entry of
// l bytes.
func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// backlenOK reports whether b (backlenSize(l) bytes) encodes l as Redis
// writes it: most significant group first, continuation bit set on every
// byte but the first.
func backlenOK(b []byte, l int) bool {
	for pos := len(b) - 1; pos >= 0; pos-- {
		want := byte(l & 127)
		if pos != 0 {
			want |= 128
		}
		if b[pos] != want {
			return false
		}
		l >>= 7
	}
	return l == 0
}

// walkListpack validates a listpack and calls fn for each element. It
// returns the number of elements.
//
//	<total-bytes u32le> <num-elements u16le> <entry>... <0xFF>
//	entry = <encoding+data> <backlen: 1-5 bytes, size of encoding+data>
func walkListpack(lp []byte, fn func(elem) error) (int, error) {
	if len(lp) < 7 {
		return 0, fmt.Errorf("listpack of %d bytes is shorter than its header", len(lp))
	}
	if total := binary.LittleEndian.Uint32(lp); uint64(total) != uint64(len(lp)) {
		return 0, fmt.Errorf("listpack header says %d bytes, blob has %d", total, len(lp))
	}
	if lp[len(lp)-1] != 0xFF {
		return 0, errors.New("listpack lacks its terminator")
	}
	numele := int(binary.LittleEndian.Uint16(lp[4:]))
	end := len(lp) - 1 // the terminator
	p, count := 6, 0
	for p < end {
		c := lp[p]
		var e elem
		var size int // encoding + data
		switch {
		case c&0x80 == 0: // 0xxxxxxx: 7-bit unsigned
			e, size = elem{n: int64(c), isInt: true}, 1
		case c&0xC0 == 0x80: // 10xxxxxx: string up to 63 bytes
			size = 1 + int(c&0x3f)
		case c&0xE0 == 0xC0: // 110xxxxx: 13-bit signed
			if p+2 > end {
				return 0, errBlobTruncated
			}
			v := int64(c&0x1f)<<8 | int64(lp[p+1])
			if v >= 1<<12 {
				v -= 1 << 13
			}
			e, size = elem{n: v, isInt: true}, 2
		case c&0xF0 == 0xE0: // 1110xxxx: string up to 4095 bytes
			if p+2 > end {
				return 0, errBlobTruncated
			}
			size = 2 + (int(c&0x0f)<<8 | int(lp[p+1]))
		case c == 0xF0: // 32-bit string length
			if p+5 > end {
				return 0, errBlobTruncated
			}
			size = 5 + int(binary.LittleEndian.Uint32(lp[p+1:]))
		case c >= 0xF1 && c <= 0xF4: // 16/24/32/64-bit signed
			w := [...]int{2, 3, 4, 8}[c-0xF1]
			if p+(1+w) > end {
				return 0, errBlobTruncated
			}
			var u uint64
			for i := w; i >= 1; i-- {
				u = u<<8 | uint64(lp[p+i])
			}
			shift := 64 - 8*uint(w)
			e, size = elem{n: int64(u<<shift) >> shift, isInt: true}, 1+w
		default:
			return 0, fmt.Errorf("listpack entry %d at byte %d has invalid encoding 0x%02x", count, p, c)
		}
		bl := backlenSize(size)
		if size < 0 || size > end-p || bl > end-p-size {
			return 0, errBlobTruncated
		}
		if !e.isInt {
			e.s = lp[p+stringHeader(c) : p+size]
		}
		if !backlenOK(lp[p+size:p+size+bl], size) {
			return 0, fmt.Errorf("listpack entry %d at byte %d has a bad back-length", count, p)
		}
		if err := fn(e); err != nil {
			return 0, err
		}
		p += size + bl
		count++
	}
	if numele != 0xFFFF && numele != count {
		return 0, fmt.Errorf("listpack header says %d elements, found %d", numele, count)
	}
	return count, nil
}

// stringHeader is the size of a listpack string entry's encoding bytes.
func stringHeader(c byte) int {
	switch {
	case c&0xC0 == 0x80:
		return 1
	case c&0xF0 == 0xE0:
		return 2
	}
	return 5
}

// walkZiplist validates a ziplist (the pre-7.0 compact encoding) and calls
// fn for each element. It returns the number of elements.
//
//	<zlbytes u32le> <zltail u32le> <zllen u16le> <entry>... <0xFF>
//	entry = <prevlen: 1 byte < 254, or 0xFE + u32le> <encoding> <data>
func walkZiplist(zl []byte, fn func(elem) error) (int, error) {
	if len(zl) < 11 {
		return 0, fmt.Errorf("ziplist of %d bytes is shorter than its header", len(zl))
	}
	if total := binary.LittleEndian.Uint32(zl); uint64(total) != uint64(len(zl)) {
		return 0, fmt.Errorf("ziplist header says %d bytes, blob has %d", total, len(zl))
	}
	end := len(zl) - 1
	if zl[end] != 0xFF {
		return 0, errors.New("ziplist lacks its terminator")
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	zllen := int(binary.LittleEndian.Uint16(zl[8:]))
	p, count, prevSize, last := 10, 0, 0, -1
	for p < end {
		start := p
		var prev int
		if zl[p] < 254 {
			prev = int(zl[p])
			p++
		} else if zl[p] == 254 {
			if p+5 > end {
				return 0, errBlobTruncated
			}
			prev = int(binary.LittleEndian.Uint32(zl[p+1:]))
			p += 5
		} else {
			return 0, fmt.Errorf("ziplist entry %d at byte %d has invalid prevlen", count, start)
		}
		if prev != prevSize {
			return 0, fmt.Errorf("ziplist entry %d at byte %d: prevlen %d, previous entry has %d bytes", count, start, prev, prevSize)
		}
		if p >= end {
			return 0, errBlobTruncated
		}
		c := zl[p]
		var e elem
		var n int // data bytes after the encoding
		switch {
		case c>>6 == 0:
			n = int(c & 0x3f)
			p++
		case c>>6 == 1:
			if p+2 > end {
				return 0, errBlobTruncated
			}
			n = int(c&0x3f)<<8 | int(zl[p+1])
			p += 2
		case c>>6 == 2:
			if p+5 > end {
				return 0, errBlobTruncated
			}
			n = int(binary.BigEndian.Uint32(zl[p+1:]))
			p += 5
		case c >= 0xF1 && c <= 0xFD: // 4-bit immediate 0..12
			e = elem{n: int64(c&0x0f) - 1, isInt: true}
			p++
		default:
			w := 0
			switch c {
			case 0xFE:
				w = 1
			case 0xC0:
				w = 2
			case 0xF0:
				w = 3
			case 0xD0:
				w = 4
			case 0xE0:
				w = 8
			default:
				return 0, fmt.Errorf("ziplist entry %d at byte %d has invalid encoding 0x%02x", count, start, c)
			}
			p++
			if p+w > end {
				return 0, errBlobTruncated
			}
			var u uint64
			for i := w - 1; i >= 0; i-- {
				u = u<<8 | uint64(zl[p+i])
			}
			shift := 64 - 8*uint(w)
			e = elem{n: int64(u<<shift) >> shift, isInt: true}
			p += w
		}
		if !e.isInt {
			if n < 0 || n > end-p {
				return 0, errBlobTruncated
			}
			e.s = zl[p : p+n]
			p += n
		}
		if err := fn(e); err != nil {
			return 0, err
		}
		prevSize, last = p-start, start
		count++
	}
	if last >= 0 && last != tail {
		return 0, fmt.Errorf("ziplist tail offset %d, last entry at %d", tail, last)
	}
	if tail > end {
		return 0, fmt.Errorf("ziplist tail offset %d past the end", tail)
	}
	if zllen != 0xFFFF && zllen != count {
		return 0, fmt.Errorf("ziplist header says %d elements, found %d", zllen, count)
	}
	return count, nil
}

// walkIntset validates an intset and calls fn for each member.
//
//	<encoding u32le: 2, 4 or 8> <length u32le> <length little-endian ints, strictly ascending>
func walkIntset(is []byte, fn func(int64) error) (int, error) {
	if len(is) < 8 {
		return 0, fmt.Errorf("intset of %d bytes is shorter than its header", len(is))
	}
	w := binary.LittleEndian.Uint32(is)
	if w != 2 && w != 4 && w != 8 {
		return 0, fmt.Errorf("intset has invalid encoding %d", w)
	}
	n := binary.LittleEndian.Uint32(is[4:])
	if 8+uint64(n)*uint64(w) != uint64(len(is)) {
		return 0, fmt.Errorf("intset of %d %d-byte members cannot be %d bytes", n, w, len(is))
	}
	if n == 0 {
		return 0, errors.New("empty intset")
	}
	var prev int64
	for i := 0; i < int(n); i++ {
		b := is[8+i*int(w):]
		var v int64
		switch w {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(b)))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(b)))
		default:
			v = int64(binary.LittleEndian.Uint64(b))
		}
		if i > 0 && v <= prev {
			return 0, fmt.Errorf("intset member %d (%d) is not above its predecessor %d", i, v, prev)
		}
		if err := fn(v); err != nil {
			return 0, err
		}
		prev = v
	}
	return int(n), nil
}

// walkZipmap validates a zipmap (the Redis < 2.6 small hash) and calls fn
// with each field and value.
//
//	<count u8, 254 = unknown> (<len> field <len> <free u8> value <free bytes>)... <0xFF>
//	len = 1 byte < 254, or 0xFE + u32le
func walkZipmap(zm []byte, fn func(field, value []byte) error) (int, error) {
	if len(zm) < 2 || zm[len(zm)-1] != 0xFF {
		return 0, errors.New("zipmap lacks its terminator")
	}
	end := len(zm) - 1
	p, count := 1, 0
	readLen := func() (int, error) {
		if p >= end {
			return 0, errBlobTruncated
		}
		switch c := zm[p]; {
		case c < 254:
			p++
			return int(c), nil
		case c == 254:
			if p+5 > end {
				return 0, errBlobTruncated
			}
			n := int(binary.LittleEndian.Uint32(zm[p+1:]))
			p += 5
			return n, nil
		}
		return 0, fmt.Errorf("zipmap entry %d has an invalid length byte", count)
	}
	for p < end {
		fl, err := readLen()
		if err != nil {
			return 0, err
		}
		if fl > end-p {
			return 0, errBlobTruncated
		}
		field := zm[p : p+fl]
		p += fl
		vl, err := readLen()
		if err != nil {
			return 0, err
		}
		if p >= end {
			return 0, errBlobTruncated
		}
		free := int(zm[p])
		p++
		if vl > end-p || free > end-p-vl {
			return 0, errBlobTruncated
		}
		value := zm[p : p+vl]
		p += vl + free
		if err := fn(field, value); err != nil {
			return 0, err
		}
		count++
	}
	if count == 0 {
		return 0, errors.New("empty zipmap")
	}
	if zm[0] != 254 && int(zm[0]) != count {
		return 0, fmt.Errorf("zipmap header says %d entries, found %d", zm[0], count)
	}
	return count, nil
}
