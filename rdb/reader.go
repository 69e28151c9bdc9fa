package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

const readBufferSize = 64 << 10

// Reader decodes an RDB file as a stream of entries: [Reader.Next] returns
// one key at a time, holding only that key's value in memory. It reads RDB
// versions 1 to 10, every value encoding Redis 7.0 writes, and the older
// ones Redis 7.0 still loads (see the package documentation).
//
// Next returns io.EOF once the EOF opcode has been read and the checksum
// verified. Every error is sticky. A checksum mismatch is only detectable at
// the end, so a caller that applies entries as it reads them must discard
// them all if Next ends with anything but io.EOF.
//
// Reader buffers its input and may read past the end of the RDB data;
// [Reader.Rest] returns what follows it (an AOF tail, for instance).
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src    io.Reader
	srcErr error  // first error from src (often io.EOF)
	buf    []byte // buf[r:w] is unread input
	r, w   int
	base   int64 // file offset of buf[0]
	crc    uint64
	crcPos int // buf[crcPos:r] is read but not yet in crc

	err        error // sticky
	header     Header
	headerDone bool
	done       bool // EOF opcode read and checksum verified
	db         int
	resizeKeys uint64
	resizeExp  uint64
	skipped    int

	big    []byte // raw strings that do not fit in buf
	lzfOut []byte // decompressed LZF strings
	intBuf [24]byte
	seen   map[string]struct{} // duplicate detection within one collection

	// trace, when set (by tests), is told of each value type byte, LZF
	// string and quicklist PLAIN node decoded, to prove coverage.
	trace func(event string)
}

// NewReader returns a Reader decoding from src. Nothing is read until the
// first call to [Reader.Header] or [Reader.Next].
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, buf: make([]byte, readBufferSize)}
}

// Offset returns the file offset of the next unread byte.
func (r *Reader) Offset() int64 { return r.base + int64(r.r) }

// EmptySkipped returns how many keys with an empty collection value were
// skipped so far. Redis skips them on load too (they stem from old bugs).
func (r *Reader) EmptySkipped() int { return r.skipped }

// ResizeHint returns the last RESIZEDB hint read: the number of keys, and of
// keys with an expiry, in the database of the entries that follow. Both are
// 0 when the file has none; they come from the file and may be wrong.
func (r *Reader) ResizeHint() (keys, expires uint64) { return r.resizeKeys, r.resizeExp }

// Rest returns a reader of whatever follows the RDB data in the input, after
// Next has returned io.EOF: the bytes this Reader buffered beyond the
// checksum, then the rest of the source.
func (r *Reader) Rest() io.Reader {
	tail := append([]byte(nil), r.buf[r.r:r.w]...)
	if r.srcErr != nil {
		return &errReader{data: tail, err: r.srcErr}
	}
	return io.MultiReader(&errReader{data: tail, err: io.EOF}, r.src)
}

// errReader yields data and then err.
type errReader struct {
	data []byte
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// need makes n <= len(r.buf) bytes available at buf[r:].
func (r *Reader) need(n int) error {
	if r.w-r.r >= n {
		return nil
	}
	return r.fill(n)
}

// fill folds consumed bytes into the checksum, moves the unread bytes to the
// front of the buffer and reads until n bytes are available.
func (r *Reader) fill(n int) error {
	r.crc = crcUpdate(r.crc, r.buf[r.crcPos:r.r])
	if r.r > 0 {
		copy(r.buf, r.buf[r.r:r.w])
		r.base += int64(r.r)
		r.w -= r.r
		r.r = 0
	}
	r.crcPos = 0
	for empty := 0; r.w < n; {
		if r.srcErr != nil {
			if r.srcErr == io.EOF || errors.Is(r.srcErr, io.ErrUnexpectedEOF) {
				return &CorruptError{Offset: r.base + int64(r.w), Err: io.ErrUnexpectedEOF}
			}
			return fmt.Errorf("rdb: read at offset %d: %w", r.base+int64(r.w), r.srcErr)
		}
		m, err := r.src.Read(r.buf[r.w:])
		r.w += m
		if err != nil {
			r.srcErr = err
		}
		if m == 0 && err == nil {
			if empty++; empty >= 100 {
				r.srcErr = io.ErrNoProgress
			}
		}
	}
	return nil
}

func (r *Reader) readByte() (byte, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	b := r.buf[r.r]
	r.r++
	return b, nil
}

// readN returns the next n <= len(r.buf) bytes, valid until the next read.
func (r *Reader) readN(n int) ([]byte, error) {
	if err := r.need(n); err != nil {
		return nil, err
	}
	b := r.buf[r.r : r.r+n]
	r.r += n
	return b, nil
}

// readLen reads a length. When the top bits are 11 it returns the special
// encoding number instead and encoded = true.
func (r *Reader) readLen() (n uint64, encoded bool, err error) {
	if err := r.need(1); err != nil {
		return 0, false, err
	}
	b := r.buf[r.r]
	switch b >> 6 {
	case len6:
		r.r++
		return uint64(b & 0x3f), false, nil
	case len14:
		if err := r.need(2); err != nil {
			return 0, false, err
		}
		n = uint64(b&0x3f)<<8 | uint64(r.buf[r.r+1])
		r.r += 2
		return n, false, nil
	case lenEnc:
		r.r++
		return uint64(b & 0x3f), true, nil
	}
	switch b {
	case len32:
		if err := r.need(5); err != nil {
			return 0, false, err
		}
		n = uint64(binary.BigEndian.Uint32(r.buf[r.r+1:]))
		r.r += 5
	case len64:
		if err := r.need(9); err != nil {
			return 0, false, err
		}
		n = binary.BigEndian.Uint64(r.buf[r.r+1:])
		r.r += 9
	default:
		return 0, false, corruptf(r.Offset(), "unknown length encoding 0x%02x", b)
	}
	return n, false, nil
}

// readPlainLen reads a length that may not be a special encoding.
func (r *Reader) readPlainLen() (uint64, error) {
	off := r.Offset()
	n, enc, err := r.readLen()
	if err == nil && enc {
		err = corruptf(off, "string encoding where a length was expected")
	}
	return n, err
}

// Header reads the magic and the AUX fields that precede the first key, if
// not done yet, and returns them. AUX fields found later in the file are
// appended as Next meets them.
func (r *Reader) Header() (Header, error) {
	if r.err != nil {
		return r.header, r.err
	}
	if !r.headerDone {
		if err := r.readHeader(); err != nil {
			r.err = err
			return r.header, err
		}
		r.headerDone = true
	}
	return r.header, nil
}

func (r *Reader) readHeader() error {
	magic, err := r.readN(9)
	if err != nil {
		return err
	}
	if string(magic[:5]) != "REDIS" {
		return corruptf(0, "not an RDB file (magic %q)", magic[:5])
	}
	v := 0
	for _, c := range magic[5:] {
		if c < '0' || c > '9' {
			return corruptf(5, "bad version %q", magic[5:])
		}
		v = v*10 + int(c-'0')
	}
	if v < 1 {
		return corruptf(5, "bad version %q", magic[5:])
	}
	if v > Version {
		return &UnsupportedError{Offset: 5, What: fmt.Sprintf("RDB version %d (newest supported: %d)", v, Version)}
	}
	r.header.Version = v
	for {
		if err := r.need(1); err != nil {
			return err
		}
		if r.buf[r.r] != opAux {
			return nil
		}
		r.r++
		if err := r.readAux(); err != nil {
			return err
		}
	}
}

func (r *Reader) readAux() error {
	k, err := r.readString()
	if err != nil {
		return err
	}
	v, err := r.readString()
	if err != nil {
		return err
	}
	r.header.Aux = append(r.header.Aux, Aux{Key: k, Value: v})
	return nil
}

// Next returns the next key, or io.EOF after the last one once the checksum
// has been verified. Keys whose value is an empty collection are skipped
// (see [Reader.EmptySkipped]).
func (r *Reader) Next() (*Entry, error) {
	if _, err := r.Header(); err != nil {
		return nil, err
	}
	if r.done {
		return nil, io.EOF
	}
	e, err := r.next()
	if err != nil {
		r.err = err
		if err == io.EOF {
			r.err, r.done = nil, true
		}
		return nil, err
	}
	r.trim()
	return e, nil
}

func (r *Reader) next() (*Entry, error) {
	var (
		expireAt int64
		idle     int64
		hasIdle  bool
		freq     uint8
		hasFreq  bool
	)
	for {
		start := r.Offset()
		op, err := r.readByte()
		if err != nil {
			return nil, err
		}
		switch op {
		case opExpireMs:
			b, err := r.readN(8)
			if err != nil {
				return nil, err
			}
			expireAt = int64(binary.LittleEndian.Uint64(b))
			if expireAt == 0 {
				expireAt = -1
			}
		case opExpire:
			b, err := r.readN(4)
			if err != nil {
				return nil, err
			}
			expireAt = int64(int32(binary.LittleEndian.Uint32(b))) * 1000
			if expireAt == 0 {
				expireAt = -1
			}
		case opFreq:
			if freq, err = r.readByte(); err != nil {
				return nil, err
			}
			hasFreq = true
		case opIdle:
			n, err := r.readPlainLen()
			if err != nil {
				return nil, err
			}
			if n > math.MaxInt64 {
				return nil, corruptf(start, "idle time %d out of range", n)
			}
			idle, hasIdle = int64(n), true
		case opSelectDB:
			n, err := r.readPlainLen()
			if err != nil {
				return nil, err
			}
			if n > math.MaxInt32 {
				return nil, corruptf(start, "database number %d out of range", n)
			}
			r.db = int(n)
			r.resizeKeys, r.resizeExp = 0, 0
		case opResizeDB:
			if r.resizeKeys, err = r.readPlainLen(); err != nil {
				return nil, err
			}
			if r.resizeExp, err = r.readPlainLen(); err != nil {
				return nil, err
			}
		case opAux:
			if err := r.readAux(); err != nil {
				return nil, err
			}
		case opModuleAux:
			return nil, &UnsupportedError{Offset: start, What: "module aux data (opcode 247)"}
		case opFunction2, opFunction:
			return nil, &UnsupportedError{Offset: start, What: fmt.Sprintf("function library (opcode %d)", op)}
		case opEOF:
			return nil, r.finish()
		default:
			e, err := r.readKeyValue(op, start)
			if err != nil {
				return nil, err
			}
			if e == nil {
				r.skipped++
				expireAt, hasIdle, hasFreq = 0, false, false
				continue
			}
			e.DB, e.ExpireAt = r.db, expireAt
			e.Idle, e.HasIdle = idle, hasIdle
			e.Freq, e.HasFreq = freq, hasFreq
			return e, nil
		}
	}
}

// finish verifies the checksum trailer after the EOF opcode and returns
// io.EOF, or the error.
func (r *Reader) finish() error {
	r.crc = crcUpdate(r.crc, r.buf[r.crcPos:r.r])
	r.crcPos = r.r
	if r.header.Version < 5 {
		return io.EOF
	}
	want := r.crc
	off := r.Offset()
	b, err := r.readN(8)
	if err != nil {
		return err
	}
	r.crcPos = r.r
	got := binary.LittleEndian.Uint64(b)
	if got != 0 && got != want {
		return &CorruptError{Offset: off, Err: fmt.Errorf("%w: file says %#016x, content sums to %#016x", ErrChecksum, got, want)}
	}
	return io.EOF
}

// trim drops scratch buffers grown by an unusually large value.
func (r *Reader) trim() {
	const keep = 4 << 20
	if cap(r.big) > keep {
		r.big = nil
	}
	if cap(r.lzfOut) > keep {
		r.lzfOut = nil
	}
	if len(r.seen) > 1<<16 {
		r.seen = nil
	}
}
