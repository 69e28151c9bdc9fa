package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
	"unsafe"
)

// Limits used when the matching [ReaderOptions] field is zero.
const (
	// DefaultMaxBulkLen is redis-server's proto-max-bulk-len default.
	DefaultMaxBulkLen = 512 << 20
	// DefaultMaxMultibulkLen is the largest multibulk count redis-server 7.0
	// accepts (INT_MAX). Counts cost nothing up front: the argument list grows
	// as arguments arrive.
	DefaultMaxMultibulkLen = math.MaxInt32
	// DefaultMaxInlineLen is redis-server's PROTO_INLINE_MAX_SIZE: the longest
	// inline command, or length line, it waits for.
	DefaultMaxInlineLen = 64 << 10
)

const (
	minReadSize   = 16 << 10 // redis-server's PROTO_IOBUF_LEN
	maxRetainSize = 1 << 20  // a drained buffer larger than this is dropped
	maxEmptyReads = 100
	maxReplyDepth = 512
)

// ReaderOptions configures a [Reader]. The zero value gives redis-server's
// defaults.
type ReaderOptions struct {
	// MaxBulkLen is the largest bulk string accepted (proto-max-bulk-len);
	// zero means DefaultMaxBulkLen (512 MB).
	MaxBulkLen int64
	// MaxMultibulkLen is the largest argument count of a command, or element
	// count of an array reply; zero means DefaultMaxMultibulkLen (INT_MAX,
	// as in Redis 7.0).
	MaxMultibulkLen int64
	// MaxInlineLen is the longest inline command line and the longest
	// "*N"/"$N" length line; zero means DefaultMaxInlineLen (64 KB).
	MaxInlineLen int
	// Strict reads append-only-file contents: only multibulk commands,
	// annotation lines starting with '#' skipped, a count below 1 refused,
	// and every CRLF checked (redis-server's network parser only skips two
	// bytes where a CRLF belongs).
	Strict bool
	// KeepRESP3 makes [Reader.ReadReply] return the RESP3 types as the
	// RESP3 kinds (Map, Set, Double, Bool, BigNumber, Verbatim) instead of
	// folding them into RESP2 kinds; null "_" is still Nil and a push is an
	// Array.
	KeepRESP3 bool
	// BigArg, when positive, reads every bulk of at least BigArg bytes that
	// is not yet buffered whole into an allocation of exactly its size,
	// made when its length line arrives, and fills it straight from the
	// underlying reader, as redis-server does for bulks of
	// PROTO_MBULK_BIG_ARG (32 KB) and more: a large value then costs one
	// allocation, no buffer doubling, and [Reader.ReadStrings] hands it
	// over without a copy. Zero (the default) allocates nothing for a
	// declared length: the buffer grows as bytes arrive.
	BigArg int
	// Reserve, when set, is called with the size of each BigArg allocation
	// before it is made; an error refuses it and is returned by the read
	// (it is not a protocol error, and the Reader stops there).
	Reserve func(n int) error
}

func (o ReaderOptions) withDefaults() ReaderOptions {
	if o.MaxBulkLen <= 0 {
		o.MaxBulkLen = DefaultMaxBulkLen
	}
	if o.MaxBulkLen > math.MaxInt/4 {
		o.MaxBulkLen = math.MaxInt / 4
	}
	if o.MaxMultibulkLen <= 0 || o.MaxMultibulkLen > math.MaxInt32 {
		o.MaxMultibulkLen = DefaultMaxMultibulkLen
	}
	if o.MaxInlineLen <= 0 {
		o.MaxInlineLen = DefaultMaxInlineLen
	}
	return o
}

// Reader reads commands or replies from an io.Reader through its own
// buffer. See the package documentation for how it reports the end of input
// and errors. A Reader is not safe for concurrent use.
type Reader struct {
	rd   io.Reader
	opt  ReaderOptions
	buf  []byte // buf[r:] is read but not yet consumed
	r    int
	base int64 // input offset of buf[0]

	rerr  error // the error rd returned; reported once buf is drained
	fatal error // a protocol error: the Reader stops there

	start int64 // input offset of the last command or reply begun
	end   int64 // input offset just past the last one completed

	mb      mbState   // the multibulk command being parsed
	unauth  bool      // Redis's limits for clients not authenticated yet
	spans   []argSpan // argument places of the command being parsed
	bigs    [][]byte  // its BigArg arguments, in their own allocations
	args    [][]byte  // ReadArgs' reusable result
	sp      splitter  // inline argument splitting
	scratch []byte    // unquoted inline arguments
}

// argSpan is where an argument of the multibulk being parsed is: n bytes
// at off (relative to r) in the buffer, or, when big > 0, the whole of
// bigs[big-1].
type argSpan struct{ off, n, big int }

// mbState is the progress of a multibulk command, kept across calls that
// return a temporary error (see [Reader.ReadArgs]) so that parsing resumes
// where it stopped. Until the command is complete r stays at its start and
// off is relative to r, so that fill may move the buffer.
type mbState struct {
	active  bool
	left    int64  // bulks still to read
	off     int    // parse position, relative to r
	bulk    int64  // length of the bulk being read; -1: its length line is next
	big     []byte // the BigArg bulk being filled, or nil
	bigN    int    // bytes of big filled
	skipped int64  // input bytes of this command read into bigs, not into buf
}

// Redis 7.0's limits for a client that must authenticate and has not yet
// (networking.c): at most 10 arguments, bulks of at most 16 KB.
const (
	unauthMaxMultibulk = 10
	unauthMaxBulk      = 16384
)

// NewReader returns a Reader reading from rd with the given options.
func NewReader(rd io.Reader, opts ReaderOptions) *Reader {
	return &Reader{rd: rd, opt: opts.withDefaults()}
}

// Reset discards all state and makes x read from rd from offset 0, keeping
// its buffers.
func (x *Reader) Reset(rd io.Reader) {
	clear(x.bigs)
	*x = Reader{
		rd: rd, opt: x.opt, buf: x.buf[:0], unauth: x.unauth,
		spans: x.spans[:0], bigs: x.bigs[:0], args: x.args[:0], sp: x.sp, scratch: x.scratch[:0],
	}
}

// SetUnauthenticated turns on or off redis-server's limits for a client
// that has not authenticated while a password is required: a command of
// more than 10 arguments or with a bulk longer than 16 KB is refused with
// "Protocol error: unauthenticated multibulk length" or "... bulk length".
// It applies from the next length line parsed.
func (x *Reader) SetUnauthenticated(on bool) { x.unauth = on }

// Held returns the bytes the Reader holds for the caller: input read and
// not yet consumed, plus the BigArg allocations of the command being
// parsed (counted whole from the moment they are made).
func (x *Reader) Held() int64 {
	n := int64(len(x.buf) - x.r)
	for _, b := range x.bigs {
		n += int64(len(b))
	}
	n += int64(len(x.mb.big))
	return n
}

// temporary reports whether err is a timeout (a read deadline, or an error
// whose Timeout method says so): such an error is returned but not kept,
// and the command being read resumes on the next call.
func temporary(err error) bool {
	type timeout interface{ Timeout() bool }
	switch e := err.(type) {
	case nil:
		return false
	case timeout:
		return e.Timeout()
	case interface{ Unwrap() error }:
		var t timeout
		return errors.As(err, &t) && t.Timeout()
	}
	return false
}

// Offset returns the input offset where the last command or reply began:
// the one just returned, or the torn or malformed one whose error was just
// returned. After a clean io.EOF it is the length of the input.
func (x *Reader) Offset() int64 { return x.start }

// InputOffset returns the input offset just past the last command or reply
// returned; everything before it was well formed.
func (x *Reader) InputOffset() int64 { return x.end }

// Buffered returns the number of bytes read from the underlying reader and
// not yet consumed: a server can keep reading pipelined commands without
// flushing replies while it is positive.
func (x *Reader) Buffered() int { return len(x.buf) - x.r }

// fill reads more input into buf, compacting or growing it as needed. It
// returns nil when it added at least one byte, else the reader's error.
func (x *Reader) fill() error {
	if x.rerr != nil {
		return x.rerr
	}
	if x.r == len(x.buf) && cap(x.buf) > maxRetainSize {
		x.base += int64(x.r)
		x.buf, x.r = nil, 0
	}
	if cap(x.buf)-len(x.buf) < minReadSize && x.r > 0 {
		n := copy(x.buf, x.buf[x.r:])
		x.base += int64(x.r)
		x.buf, x.r = x.buf[:n], 0
	}
	if cap(x.buf)-len(x.buf) < minReadSize/2 {
		nb := make([]byte, len(x.buf), max(2*cap(x.buf), minReadSize))
		copy(nb, x.buf)
		x.buf = nb
	}
	for range maxEmptyReads {
		n, err := x.rd.Read(x.buf[len(x.buf):cap(x.buf)])
		if n < 0 || n > cap(x.buf)-len(x.buf) {
			err, n = errors.New("resp: reader returned an invalid count"), 0
		}
		x.buf = x.buf[:len(x.buf)+n]
		if err != nil {
			if n > 0 {
				if !temporary(err) {
					x.rerr = err
				}
				return nil
			}
			if !temporary(err) {
				x.rerr = err
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	x.rerr = io.ErrNoProgress
	return x.rerr
}

// torn turns the end of input inside a command into io.ErrUnexpectedEOF.
func torn(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (x *Reader) perr(msg string) error {
	x.fatal = &ProtocolError{Offset: x.start, Msg: msg}
	return x.fatal
}

// need makes sure that buf[r:] holds at least n bytes.
func (x *Reader) need(n int) error {
	for len(x.buf)-x.r < n {
		if err := x.fill(); err != nil {
			return torn(err)
		}
	}
	return nil
}

// lineEnd finds the CR ending the line that starts off bytes after r, with
// at least one byte after it buffered, and returns its position relative to
// r. A line longer than MaxInlineLen is the protocol error tooBig.
func (x *Reader) lineEnd(off int, tooBig string) (int, error) {
	scanned := 0
	for {
		avail := x.buf[x.r+off:]
		lim := min(len(avail), x.opt.MaxInlineLen+1)
		if i := bytes.IndexByte(avail[scanned:lim], '\r'); i >= 0 {
			i += scanned
			if i+1 < len(avail) {
				return off + i, nil
			}
			scanned = i
		} else {
			if len(avail) > x.opt.MaxInlineLen {
				return 0, x.perr(tooBig)
			}
			scanned = lim
		}
		if err := x.fill(); err != nil {
			return 0, torn(err)
		}
	}
}

// ReadArgs reads the next command and returns its arguments. The slices
// point into the Reader's buffer and stay valid only until the next call.
// Empty commands ("*0", blank inline lines) are skipped as redis-server
// skips them. At a clean end of input it returns io.EOF; see the package
// documentation for the other errors.
//
// A temporary error of the underlying reader (one whose Timeout method
// reports true, such as a read deadline) is returned as it is and not
// kept: the next call resumes the command where it stopped, so a server
// can stop reading mid-command and carry on later.
func (x *Reader) ReadArgs() ([][]byte, error) {
	if x.fatal != nil {
		return nil, x.fatal
	}
	for {
		var err error
		if x.mb.active {
			err = x.multibulk()
		} else {
			if x.r == len(x.buf) {
				if err := x.fill(); err != nil {
					x.start = x.base + int64(x.r)
					return nil, err
				}
			}
			x.start = x.base + int64(x.r)
			switch c := x.buf[x.r]; {
			case c == '*':
				err = x.multibulk()
			case x.opt.Strict && c == '#':
				err = x.annotation()
			case x.opt.Strict:
				err = x.perr(expectedMsg(msgExpectedStar, c))
			default:
				err = x.inline()
			}
		}
		if err != nil {
			return nil, err
		}
		x.end = x.base + int64(x.r)
		if len(x.args) > 0 {
			return x.args, nil
		}
	}
}

// ReadCommand is [Reader.ReadArgs] returning newly allocated strings, which
// the caller may keep.
func (x *Reader) ReadCommand() ([]string, error) {
	return x.ReadStrings(nil)
}

// ReadStrings reads the next command, as [Reader.ReadArgs], and appends its
// arguments to dst as strings the caller may keep. Arguments read into
// their own allocation (see ReaderOptions.BigArg) become strings without a
// copy; the others are copied out of the buffer.
func (x *Reader) ReadStrings(dst []string) ([]string, error) {
	args, err := x.ReadArgs()
	if err != nil {
		return dst, err
	}
	for i, a := range args {
		if i < len(x.spans) && x.spans[i].big > 0 && len(a) > 0 {
			// The Reader dropped its reference when the command completed
			// (x.bigs is cleared before the next one): the string owns it.
			dst = append(dst, unsafe.String(&a[0], len(a)))
			continue
		}
		dst = append(dst, string(a))
	}
	return dst, nil
}

// multibulk parses "*N\r\n" and N bulk strings, resuming the command in
// x.mb if one is in progress.
func (x *Reader) multibulk() error {
	m := &x.mb
	if !m.active {
		x.args = x.args[:0]
		x.spans = x.spans[:0]
		clear(x.bigs)
		x.bigs = x.bigs[:0]
		eol, err := x.lineEnd(0, msgTooBigMbulkCount)
		if err != nil {
			return err
		}
		n, ok := parseInt(x.buf[x.r+1 : x.r+eol])
		if !ok || n > x.opt.MaxMultibulkLen || (x.opt.Strict && n < 1) {
			return x.perr(msgInvalidMbulk)
		}
		if x.unauth && n > unauthMaxMultibulk {
			return x.perr(msgUnauthMbulk)
		}
		if x.opt.Strict && x.buf[x.r+eol+1] != '\n' {
			return x.perr(msgExpectedCRLF)
		}
		*m = mbState{active: true, left: max(n, 0), off: eol + 2, bulk: -1}
	}
	for m.left > 0 {
		if m.bulk < 0 {
			if err := x.bulkHeader(); err != nil {
				return err
			}
		}
		if m.big != nil {
			if err := x.fillBig(); err != nil {
				return err
			}
			if err := x.need(m.off + 2); err != nil {
				return err
			}
			if x.opt.Strict && (x.buf[x.r+m.off] != '\r' || x.buf[x.r+m.off+1] != '\n') {
				return x.perr(msgExpectedCRLF)
			}
			x.bigs = append(x.bigs, m.big)
			x.spans = append(x.spans, argSpan{big: len(x.bigs)})
			m.big, m.bigN = nil, 0
			m.off += 2
		} else {
			l := int(m.bulk)
			if err := x.need(m.off + l + 2); err != nil {
				return err
			}
			if x.opt.Strict && (x.buf[x.r+m.off+l] != '\r' || x.buf[x.r+m.off+l+1] != '\n') {
				return x.perr(msgExpectedCRLF)
			}
			x.spans = append(x.spans, argSpan{off: m.off, n: l})
			m.off += l + 2
		}
		m.bulk = -1
		m.left--
	}
	cmd := x.buf[x.r:]
	for _, s := range x.spans {
		if s.big > 0 {
			b := x.bigs[s.big-1]
			x.args = append(x.args, b[:len(b):len(b)])
			continue
		}
		x.args = append(x.args, cmd[s.off:s.off+s.n:s.off+s.n])
	}
	x.r += m.off
	x.base += m.skipped
	*m = mbState{}
	return nil
}

// bulkHeader parses the length line of the next bulk of the multibulk in
// progress and, for a BigArg bulk not buffered whole, sets up its own
// allocation.
func (x *Reader) bulkHeader() error {
	m := &x.mb
	eol, err := x.lineEnd(m.off, msgTooBigBulkCount)
	if err != nil {
		return err
	}
	if c := x.buf[x.r+m.off]; c != '$' {
		return x.perr(expectedMsg(msgExpectedDollar, c))
	}
	l, ok := parseInt(x.buf[x.r+m.off+1 : x.r+eol])
	if !ok || l < 0 || l > x.opt.MaxBulkLen {
		return x.perr(msgInvalidBulk)
	}
	if x.unauth && l > unauthMaxBulk {
		return x.perr(msgUnauthBulk)
	}
	if x.opt.Strict && x.buf[x.r+eol+1] != '\n' {
		return x.perr(msgExpectedCRLF)
	}
	off := eol + 2
	if x.opt.BigArg <= 0 || l < int64(x.opt.BigArg) || int64(len(x.buf)-x.r-off) >= l+2 {
		m.off, m.bulk = off, l
		return nil
	}
	if x.opt.Reserve != nil {
		if err := x.opt.Reserve(int(l)); err != nil {
			x.fatal = err
			return err
		}
	}
	// Move what is buffered of the bulk (less than all of it and its CRLF)
	// into its own allocation; at most one byte, a CR, stays behind.
	big := make([]byte, l)
	at := x.r + off
	k := copy(big, x.buf[at:])
	x.buf = append(x.buf[:at], x.buf[at+k:]...)
	m.off, m.bulk, m.big, m.bigN = off, l, big, k
	m.skipped += int64(k)
	return nil
}

// fillBig reads the rest of the BigArg bulk in progress straight from the
// underlying reader into its allocation.
func (x *Reader) fillBig() error {
	m := &x.mb
	if m.bigN < len(m.big) && x.rerr != nil {
		return torn(x.rerr)
	}
	empty := 0
	for m.bigN < len(m.big) {
		n, err := x.rd.Read(m.big[m.bigN:])
		if n < 0 || n > len(m.big)-m.bigN {
			n, err = 0, errors.New("resp: reader returned an invalid count")
		}
		m.bigN += n
		m.skipped += int64(n)
		if err != nil {
			if temporary(err) {
				if m.bigN < len(m.big) {
					return err
				}
				break
			}
			x.rerr = err
			if m.bigN < len(m.big) {
				return torn(err)
			}
			break
		}
		if n == 0 {
			if empty++; empty >= maxEmptyReads {
				x.rerr = io.ErrNoProgress
				return x.rerr
			}
		}
	}
	return nil
}

// inline parses one inline command line.
func (x *Reader) inline() error {
	x.args, x.spans = x.args[:0], x.spans[:0]
	line, err := x.inlineLine(msgTooBigInline)
	if err != nil {
		return err
	}
	var ok bool
	x.scratch, ok = x.sp.split(x.scratch[:0], line)
	if !ok {
		return x.perr(msgUnbalanced)
	}
	for _, s := range x.sp.spans {
		x.args = append(x.args, x.scratch[s.off:s.off+s.n:s.off+s.n])
	}
	return nil
}

// annotation skips an AOF annotation line ("#TS:1234\r\n").
func (x *Reader) annotation() error {
	x.args, x.spans = x.args[:0], x.spans[:0]
	_, err := x.inlineLine(msgTooBigInline)
	return err
}

// inlineLine consumes a line ending in LF and returns it without the LF
// and one CR before it.
func (x *Reader) inlineLine(tooBig string) ([]byte, error) {
	scanned := 0
	for {
		avail := x.buf[x.r:]
		lim := min(len(avail), x.opt.MaxInlineLen+1)
		if i := bytes.IndexByte(avail[scanned:lim], '\n'); i >= 0 {
			i += scanned
			line := avail[:i]
			if i > 0 && line[i-1] == '\r' {
				line = line[:i-1]
			}
			x.r += i + 1
			return line, nil
		}
		if len(avail) > x.opt.MaxInlineLen {
			return nil, x.perr(tooBig)
		}
		scanned = lim
		if err := x.fill(); err != nil {
			return nil, torn(err)
		}
	}
}

// parseInt parses a decimal integer exactly as redis-server's string2ll:
// no sign but '-', no leading zeros, no blanks, at most 20 bytes.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= 21 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > math.MaxUint64/10 {
			return 0, false
		}
		v *= 10
		if v > math.MaxUint64-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
