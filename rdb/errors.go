package rdb

import (
	"errors"
	"fmt"
	"io"
)

// ErrCorrupt is the sentinel every [*CorruptError] unwraps to: the input is
// not a well-formed RDB file (bad magic, an unknown opcode or encoding, a
// length that runs past its container, a broken ziplist, listpack, intset or
// zipmap, a duplicate member, a NaN score, a checksum mismatch, or a file that
// ends early). Test for it with errors.Is.
var ErrCorrupt = errors.New("rdb: corrupt file")

// ErrChecksum is wrapped by the [*CorruptError] that [Reader.Next] returns
// when the CRC-64 trailer does not match the bytes read. Every entry already
// returned by that Reader must then be considered suspect.
var ErrChecksum = errors.New("rdb: checksum mismatch")

// ErrUnsupported is the sentinel every [*UnsupportedError] unwraps to: the
// file is well-formed as far as the decoder can tell but holds something this
// package does not decode (streams, module values, functions, a newer RDB
// version).
var ErrUnsupported = errors.New("rdb: unsupported content")

// ErrWriterClosed is returned by every [Writer] method called after
// [Writer.Close] succeeded.
var ErrWriterClosed = errors.New("rdb: writer closed")

// CorruptError reports malformed input and where it was found. Offset is the
// byte offset in the file (counting from the first byte of the magic) of the
// item that failed to decode; for a truncated file Err is
// io.ErrUnexpectedEOF and Offset is where the missing bytes should have been.
// It unwraps to both [ErrCorrupt] and Err.
//
// A [Reader] reads a stream and leaves Path empty; code that opened the
// file by name sets it, as [os.PathError] names its file, so that every
// report of damage says which file and where.
type CorruptError struct {
	Path   string // the file, when the caller knows it
	Offset int64
	Err    error
}

// Error implements error.
func (e *CorruptError) Error() string {
	file := "file"
	if e.Path != "" {
		file = e.Path
	}
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("rdb: %s truncated at offset %d", file, e.Offset)
	}
	return fmt.Sprintf("rdb: corrupt %s at offset %d: %v", file, e.Offset, e.Err)
}

// WithPath returns err with Path set to path on the first *CorruptError
// (or *UnsupportedError) in its chain that has none, so that a report names
// the file; other errors are returned as they are. It changes the error in
// place: call it on errors of a Reader the caller owns, before wrapping
// them (fmt.Errorf renders the message of what it wraps when it is
// called).
func WithPath(err error, path string) error {
	var ce *CorruptError
	if errors.As(err, &ce) && ce.Path == "" {
		ce.Path = path
	}
	var ue *UnsupportedError
	if errors.As(err, &ue) && ue.Path == "" {
		ue.Path = path
	}
	return err
}

// Unwrap returns [ErrCorrupt] and the underlying cause.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// UnsupportedError reports content that [Reader] refuses to decode rather
// than skip: What names it ("stream value (type 15)", "RDB version 11", ...).
// Offset is where it starts. It unwraps to [ErrUnsupported].
type UnsupportedError struct {
	Path   string // the file, when the caller knows it (see WithPath)
	Offset int64
	What   string
}

// Error implements error.
func (e *UnsupportedError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("rdb: %s: unsupported %s at offset %d", e.Path, e.What, e.Offset)
	}
	return fmt.Sprintf("rdb: unsupported %s at offset %d", e.What, e.Offset)
}

// Unwrap returns [ErrUnsupported].
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// corruptf builds a *CorruptError with a formatted cause.
func corruptf(off int64, format string, args ...any) error {
	return &CorruptError{Offset: off, Err: fmt.Errorf(format, args...)}
}
