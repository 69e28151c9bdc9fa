package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// readStringBytes reads a string in any of its encodings (raw, integer,
// LZF). The result is only valid until the next read.
func (r *Reader) readStringBytes() ([]byte, error) {
	off := r.Offset()
	n, enc, err := r.readLen()
	if err != nil {
		return nil, err
	}
	if !enc {
		return r.readRaw(n)
	}
	return r.readEncoded(off, n)
}

// readEncoded reads the body of a specially encoded string.
func (r *Reader) readEncoded(off int64, kind uint64) ([]byte, error) {
	switch kind {
	case encInt8, encInt16, encInt32:
		v, err := r.readEncodedInt(kind)
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(r.intBuf[:0], v, 10), nil
	case encLZF:
		return r.readLZF(off)
	}
	return nil, corruptf(off, "unknown string encoding %d", kind)
}

// readString is readStringBytes returning an owned string.
func (r *Reader) readString() (string, error) {
	off := r.Offset()
	n, enc, err := r.readLen()
	if err != nil {
		return "", err
	}
	var b []byte
	switch {
	case enc:
		b, err = r.readEncoded(off, n)
	case n > uint64(len(r.buf)):
		return r.readBigString(n)
	default:
		b, err = r.readN(int(n))
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (r *Reader) readEncodedInt(kind uint64) (int64, error) {
	switch kind {
	case encInt8:
		b, err := r.readByte()
		return int64(int8(b)), err
	case encInt16:
		b, err := r.readN(2)
		if err != nil {
			return 0, err
		}
		return int64(int16(binary.LittleEndian.Uint16(b))), nil
	default:
		b, err := r.readN(4)
		if err != nil {
			return 0, err
		}
		return int64(int32(binary.LittleEndian.Uint32(b))), nil
	}
}

// readRaw returns the next n bytes, valid until the next read. Bytes that
// do not fit in the buffer are gathered in r.big as they arrive, so a bogus
// length costs no more memory than the input actually holds.
func (r *Reader) readRaw(n uint64) ([]byte, error) {
	if n <= uint64(len(r.buf)) {
		return r.readN(int(n))
	}
	r.big = r.big[:0]
	for rem := n; rem > 0; {
		if r.r == r.w {
			if err := r.fill(1); err != nil {
				return nil, err
			}
		}
		k := int(min(rem, uint64(r.w-r.r)))
		r.big = append(r.big, r.buf[r.r:r.r+k]...)
		r.r += k
		rem -= uint64(k)
	}
	return r.big, nil
}

// readBigString reads the n raw bytes of a string longer than the buffer,
// the length already consumed, growing the result only as data arrives.
func (r *Reader) readBigString(n uint64) (string, error) {
	var sb strings.Builder
	sb.Grow(int(min(n, 1<<20)))
	for rem := n; rem > 0; {
		if r.r == r.w {
			if err := r.fill(1); err != nil {
				return "", err
			}
		}
		k := int(min(rem, uint64(r.w-r.r)))
		sb.Write(r.buf[r.r : r.r+k])
		r.r += k
		rem -= uint64(k)
	}
	return sb.String(), nil
}

// readLZF reads an LZF string (after its 0xC3 byte): compressed length,
// uncompressed length, data.
func (r *Reader) readLZF(off int64) ([]byte, error) {
	clen, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	ulen, err := r.readPlainLen()
	if err != nil {
		return nil, err
	}
	if clen > math.MaxInt32 || ulen > clen*lzfMaxRatio+lzfMaxRatio {
		return nil, corruptf(off, "LZF string of %d bytes cannot expand to %d", clen, ulen)
	}
	src, err := r.readRaw(clen)
	if err != nil {
		return nil, err
	}
	if r.trace != nil {
		r.trace("lzf")
	}
	if uint64(cap(r.lzfOut)) < ulen {
		r.lzfOut = make([]byte, ulen)
	}
	out := r.lzfOut[:ulen]
	if err := lzfDecompress(src, out); err != nil {
		return nil, corruptf(off, "%v", err)
	}
	return out, nil
}
