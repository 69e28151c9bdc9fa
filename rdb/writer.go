package rdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// DefaultRedisVersion is the "redis-ver" aux field a [Writer] writes unless
// [WriterOptions.RedisVersion] says otherwise.
const DefaultRedisVersion = "7.0.15"

const defaultBufferSize = 64 << 10

// WriterOptions configures a [Writer]. The zero value writes what
// redis-server 7.0 writes for SAVE with rdbcompression and rdbchecksum on.
type WriterOptions struct {
	// RedisVersion is the "redis-ver" aux field; "" means DefaultRedisVersion.
	RedisVersion string
	// CTime is the "ctime" aux field in Unix seconds; 0 means the time
	// NewWriter is called.
	CTime int64
	// UsedMem is the "used-mem" aux field (bytes); 0 writes 0.
	UsedMem int64
	// AOFBase sets the "aof-base" aux field to 1, marking the file as the
	// base of a multi-part AOF; false writes 0.
	AOFBase bool
	// Aux are extra aux fields, written in order after the standard ones.
	Aux []Aux
	// NoCompression disables LZF (like rdbcompression no).
	NoCompression bool
	// NoChecksum writes a zero trailer (like rdbchecksum no); readers then
	// skip verification.
	NoChecksum bool
	// BufferSize is the size of the output buffer; 0 means 64 KiB.
	BufferSize int
}

// Writer encodes an RDB version 10 file onto an io.Writer, streaming: a
// collection is announced with its length (BeginList, BeginSet, BeginHash,
// BeginZSet) and then written element by element, so the caller never has
// to hold a whole value. [Writer.WriteEntry] writes a whole [Entry].
//
// Output is buffered; call [Writer.Close] to write the EOF opcode and the
// checksum and flush (Close does not close the underlying io.Writer). Errors
// are sticky: after the first failure, whether an I/O error or a misuse such
// as writing more elements than announced, every method returns that error.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	w        io.Writer
	buf      []byte
	bufSize  int
	crcPos   int    // buf[:crcPos] is already in crc
	crc      uint64 // CRC-64 of everything before buf[crcPos:]
	noCRC    bool
	compress bool
	lzf      *lzfCompressor
	scratch  []byte // LZF output
	written  int64  // bytes handed to w
	err      error  // sticky
	closed   bool

	db         int
	dbSelected bool
	idle       int64
	hasIdle    bool
	freq       uint8
	hasFreq    bool

	// The open collection: remaining elements owed of kind, for key.
	kind      Type
	remaining int
	key       string
}

// NewWriter returns a Writer that has buffered the magic "REDIS0010" and the
// aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base, then
// opts.Aux).
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	size := opts.BufferSize
	if size <= 0 {
		size = defaultBufferSize
	}
	wr := &Writer{
		w:        w,
		buf:      make([]byte, 0, size+64),
		bufSize:  size,
		noCRC:    opts.NoChecksum,
		compress: !opts.NoCompression,
	}
	wr.buf = fmt.Appendf(wr.buf, "REDIS%04d", Version)
	ver := opts.RedisVersion
	if ver == "" {
		ver = DefaultRedisVersion
	}
	ctime := opts.CTime
	if ctime == 0 {
		ctime = time.Now().Unix()
	}
	aofBase := "0"
	if opts.AOFBase {
		aofBase = "1"
	}
	wr.aux("redis-ver", ver)
	wr.aux("redis-bits", strconv.Itoa(strconv.IntSize))
	wr.aux("ctime", strconv.FormatInt(ctime, 10))
	wr.aux("used-mem", strconv.FormatInt(opts.UsedMem, 10))
	wr.aux("aof-base", aofBase)
	for _, a := range opts.Aux {
		wr.aux(a.Key, a.Value)
	}
	return wr
}

func (w *Writer) aux(k, v string) {
	w.buf = append(w.buf, opAux)
	w.putString(k)
	w.putString(v)
}

// Written returns the number of bytes written so far, including those still
// buffered.
func (w *Writer) Written() int64 { return w.written + int64(len(w.buf)) }

// fail records err as the sticky error unless one is already recorded, and
// returns the recorded one.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// ready returns the error that forbids starting a new record: a sticky
// error, a closed writer or a collection still owed elements.
func (w *Writer) ready() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrWriterClosed
	}
	if w.remaining > 0 {
		return w.fail(fmt.Errorf("rdb: %s %q still owes %d elements", w.kind, w.key, w.remaining))
	}
	return nil
}

// WriteAux writes an aux field. Redis writes them before the keyspace, but
// readers accept them anywhere between keys.
func (w *Writer) WriteAux(key, value string) error {
	if err := w.ready(); err != nil {
		return err
	}
	w.aux(key, value)
	return w.maybeFlush()
}

// SelectDB writes a SELECTDB opcode: the keys that follow belong to
// database db. Keys written before any SelectDB go to database 0, for which
// the Writer emits SELECTDB itself.
func (w *Writer) SelectDB(db int) error {
	if err := w.ready(); err != nil {
		return err
	}
	if db < 0 || db > math.MaxInt32 {
		return w.fail(fmt.Errorf("rdb: database number %d out of range", db))
	}
	w.buf = append(w.buf, opSelectDB)
	w.buf = appendLen(w.buf, uint64(db))
	w.db, w.dbSelected = db, true
	return w.maybeFlush()
}

// ResizeDB writes a RESIZEDB opcode: a hint that the current database holds
// keys keys, expires of them with an expiry. Redis writes one after every
// SELECTDB; it only presizes hash tables, so it is optional.
func (w *Writer) ResizeDB(keys, expires uint64) error {
	if err := w.ready(); err != nil {
		return err
	}
	w.buf = append(w.buf, opResizeDB)
	w.buf = appendLen(w.buf, keys)
	w.buf = appendLen(w.buf, expires)
	return w.maybeFlush()
}

// SetIdle attaches an LRU idle time in seconds (opcode IDLE) to the next key
// written.
func (w *Writer) SetIdle(seconds int64) error {
	if err := w.ready(); err != nil {
		return err
	}
	if seconds < 0 {
		return w.fail(fmt.Errorf("rdb: negative idle time %d", seconds))
	}
	w.idle, w.hasIdle = seconds, true
	return nil
}

// SetFreq attaches an LFU access counter (opcode FREQ) to the next key
// written.
func (w *Writer) SetFreq(counter uint8) error {
	if err := w.ready(); err != nil {
		return err
	}
	w.freq, w.hasFreq = counter, true
	return nil
}

// begin writes what precedes a value: SELECTDB 0 if no database was
// selected, the expiry, the pending IDLE and FREQ, the type byte and the key.
func (w *Writer) begin(kind Type, rdbType byte, key string, n int, expireAt int64) error {
	if err := w.ready(); err != nil {
		return err
	}
	if kind != TypeString && n <= 0 {
		return w.fail(fmt.Errorf("rdb: %s %q: a collection needs at least one element, got %d", kind, key, n))
	}
	if !w.dbSelected {
		w.buf = append(w.buf, opSelectDB, 0)
		w.dbSelected = true
	}
	if expireAt != 0 {
		w.buf = append(w.buf, opExpireMs)
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(expireAt))
	}
	if w.hasIdle {
		w.buf = append(w.buf, opIdle)
		w.buf = appendLen(w.buf, uint64(w.idle))
		w.hasIdle = false
	}
	if w.hasFreq {
		w.buf = append(w.buf, opFreq, w.freq)
		w.hasFreq = false
	}
	w.buf = append(w.buf, rdbType)
	w.putString(key)
	if kind != TypeString {
		w.buf = appendLen(w.buf, uint64(n))
		w.kind, w.remaining, w.key = kind, n, key
	}
	return w.maybeFlush()
}

// WriteStringKey writes a string key. expireAt is the absolute expiry in
// Unix milliseconds, 0 for none.
func (w *Writer) WriteStringKey(key, value string, expireAt int64) error {
	if err := w.begin(TypeString, typeString, key, 1, expireAt); err != nil {
		return err
	}
	w.putString(value)
	return w.maybeFlush()
}

// BeginList starts a list of n >= 1 elements (RDB type 1); write them head
// to tail with [Writer.WriteItem]. expireAt is in Unix ms, 0 for none.
func (w *Writer) BeginList(key string, n int, expireAt int64) error {
	return w.begin(TypeList, typeList, key, n, expireAt)
}

// BeginSet starts a set of n >= 1 distinct members (RDB type 2); write them
// with [Writer.WriteItem]. Redis refuses a file whose set repeats a member.
func (w *Writer) BeginSet(key string, n int, expireAt int64) error {
	return w.begin(TypeSet, typeSet, key, n, expireAt)
}

// BeginHash starts a hash of n >= 1 distinct fields (RDB type 4); write them
// with [Writer.WriteField].
func (w *Writer) BeginHash(key string, n int, expireAt int64) error {
	return w.begin(TypeHash, typeHash, key, n, expireAt)
}

// BeginZSet starts a sorted set of n >= 1 distinct members (RDB type 5,
// binary scores); write them with [Writer.WriteMember], in any order.
func (w *Writer) BeginZSet(key string, n int, expireAt int64) error {
	return w.begin(TypeZSet, typeZSet2, key, n, expireAt)
}

// element checks that the open collection is of kind k (or k2) and owes an
// element, and counts it; method names the caller for errors.
func (w *Writer) element(method string, k, k2 Type) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrWriterClosed
	}
	if w.remaining == 0 {
		return w.fail(fmt.Errorf("rdb: %s with no collection open (or beyond the announced length)", method))
	}
	if w.kind != k && w.kind != k2 {
		return w.fail(fmt.Errorf("rdb: %s on %s %q", method, w.kind, w.key))
	}
	w.remaining--
	return nil
}

// WriteItem writes the next element of the open list or set.
func (w *Writer) WriteItem(s string) error {
	if err := w.element("WriteItem", TypeList, TypeSet); err != nil {
		return err
	}
	w.putString(s)
	return w.maybeFlush()
}

// WriteField writes the next field of the open hash.
func (w *Writer) WriteField(name, value string) error {
	if err := w.element("WriteField", TypeHash, TypeHash); err != nil {
		return err
	}
	w.putString(name)
	w.putString(value)
	return w.maybeFlush()
}

// WriteMember writes the next member of the open sorted set. A NaN score is
// an error (Redis refuses it); ±Inf are fine.
func (w *Writer) WriteMember(member string, score float64) error {
	if err := w.element("WriteMember", TypeZSet, TypeZSet); err != nil {
		return err
	}
	if math.IsNaN(score) {
		return w.fail(fmt.Errorf("rdb: zset %q: NaN score for member %q", w.key, member))
	}
	w.putString(member)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(score))
	return w.maybeFlush()
}

// WriteEntry writes a whole entry: SELECTDB when e.DB differs from the
// current database, then its IDLE/FREQ hints, expiry, key and value.
func (w *Writer) WriteEntry(e *Entry) error {
	if err := w.ready(); err != nil {
		return err
	}
	if !w.dbSelected || e.DB != w.db {
		if err := w.SelectDB(e.DB); err != nil {
			return err
		}
	}
	if e.HasIdle {
		if err := w.SetIdle(e.Idle); err != nil {
			return err
		}
	}
	if e.HasFreq {
		if err := w.SetFreq(e.Freq); err != nil {
			return err
		}
	}
	var err error
	switch e.Type {
	case TypeString:
		return w.WriteStringKey(e.Key, e.Str, e.ExpireAt)
	case TypeList, TypeSet:
		items := e.List
		if e.Type == TypeSet {
			items = e.Set
			err = w.BeginSet(e.Key, len(items), e.ExpireAt)
		} else {
			err = w.BeginList(e.Key, len(items), e.ExpireAt)
		}
		for _, s := range items {
			if err != nil {
				break
			}
			err = w.WriteItem(s)
		}
	case TypeHash:
		err = w.BeginHash(e.Key, len(e.Hash), e.ExpireAt)
		for _, f := range e.Hash {
			if err != nil {
				break
			}
			err = w.WriteField(f.Name, f.Value)
		}
	case TypeZSet:
		err = w.BeginZSet(e.Key, len(e.ZSet), e.ExpireAt)
		for _, m := range e.ZSet {
			if err != nil {
				break
			}
			err = w.WriteMember(m.Member, m.Score)
		}
	default:
		err = w.fail(fmt.Errorf("rdb: entry %q has unknown type %d", e.Key, e.Type))
	}
	return err
}

// putString appends s as Redis's rdbSaveRawString does: integer encoded if
// it is a canonical int32, else LZF compressed if longer than 20 bytes and
// compression saves at least 4 bytes, else length-prefixed raw bytes.
func (w *Writer) putString(s string) {
	if len(s) <= 11 {
		if v, ok := encodableInt(s); ok {
			w.buf = appendIntEncoded(w.buf, v)
			return
		}
	}
	if w.compress && len(s) > 20 {
		if w.lzf == nil {
			w.lzf = new(lzfCompressor)
		}
		if cap(w.scratch) < len(s) {
			w.scratch = make([]byte, 0, len(s))
		}
		c, ok := w.lzf.compress(w.scratch, s, len(s)-4)
		if cap(c) > 4<<20 {
			w.scratch = nil // do not pin the output of one huge value
		} else {
			w.scratch = c
		}
		if ok {
			w.buf = append(w.buf, lenEnc<<6|encLZF)
			w.buf = appendLen(w.buf, uint64(len(c)))
			w.buf = appendLen(w.buf, uint64(len(s)))
			putRawTo(w, c)
			return
		}
	}
	w.buf = appendLen(w.buf, uint64(len(s)))
	putRawTo(w, s)
}

// putRawTo appends p to w's buffer, flushing as the buffer fills so that a
// huge value never grows it.
func putRawTo[S string | []byte](w *Writer, p S) {
	for len(p) > 0 {
		space := w.bufSize - len(w.buf)
		if space <= 0 {
			if w.flush() != nil {
				return
			}
			space = w.bufSize
		}
		n := min(space, len(p))
		w.buf = append(w.buf, p[:n]...)
		p = p[n:]
	}
}

func (w *Writer) maybeFlush() error {
	if len(w.buf) >= w.bufSize {
		return w.flush()
	}
	return w.err
}

// flush writes the buffer to w, folding the not yet summed part into the
// checksum first.
func (w *Writer) flush() error {
	if w.err != nil {
		return w.err
	}
	if !w.noCRC {
		w.crc = crcUpdate(w.crc, w.buf[w.crcPos:])
	}
	w.crcPos = 0
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.w.Write(w.buf)
	w.written += int64(n)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	w.buf = w.buf[:0]
	if err != nil {
		return w.fail(fmt.Errorf("rdb: write: %w", err))
	}
	return nil
}

// Flush writes buffered bytes to the underlying writer. The file is not
// complete until [Writer.Close].
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	return w.flush()
}

// Close finishes the file: it fails if a collection still owes elements,
// otherwise writes the EOF opcode and the CRC-64 trailer and flushes. It
// does not close the underlying writer. Calling it again returns the same
// result.
func (w *Writer) Close() error {
	if w.closed || w.err != nil {
		return w.err
	}
	if err := w.ready(); err != nil {
		return err
	}
	w.buf = append(w.buf, opEOF)
	var sum uint64
	if !w.noCRC {
		w.crc = crcUpdate(w.crc, w.buf[w.crcPos:])
		sum = w.crc
	}
	w.buf = binary.LittleEndian.AppendUint64(w.buf, sum)
	w.crcPos = len(w.buf)
	w.noCRC = true // the trailer is not part of the sum
	if err := w.flush(); err != nil {
		return err
	}
	w.closed = true
	return nil
}
