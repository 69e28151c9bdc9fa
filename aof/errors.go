package aof

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// Errors returned by a [Log].
var (
	// ErrCorrupt is what every *CorruptError unwraps to.
	ErrCorrupt = errors.New("aof: corrupt file")
	// ErrClosed is returned by every method of a closed Log.
	ErrClosed = errors.New("aof: log closed")
	// ErrNotReplayed is returned by Commit, Sync and StartRewrite before
	// Replay: appending to a file whose tail was not checked could bury a
	// torn record in the middle of it.
	ErrNotReplayed = errors.New("aof: log used before Replay")
	// ErrRewriteInProgress is returned by StartRewrite while a rewrite is
	// under way.
	ErrRewriteInProgress = errors.New("aof: rewrite already in progress")
)

// CorruptError reports damage found while opening or replaying a log: a
// malformed record, a torn record where one may not be (in a file that is
// not the last one, or anywhere in Strict mode), or an invalid manifest.
// Path names the file and Offset the byte where the bad record starts.
type CorruptError struct {
	Path   string
	Offset int64
	Err    error
}

// Error names the file, the offset and the cause.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("aof: %s: corrupt record at offset %d: %v", e.Path, e.Offset, e.Err)
}

// Unwrap returns ErrCorrupt and the underlying cause, so both
// errors.Is(err, ErrCorrupt) and errors.As(err, &protocolError) work.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// MisconfText returns the text of the error redis-server replies to write
// commands after the append-only file failed, for the error that poisoned
// a Log: "MISCONF Errors writing to the AOF file: No space left on device".
// Like redis-server it names the errno (strerror), and a short write with
// no errno counts as ENOSPC.
func MisconfText(err error) string {
	const prefix = "MISCONF Errors writing to the AOF file: "
	var errno syscall.Errno
	var msg string
	switch {
	case errors.As(err, &errno):
		msg = errno.Error()
	case errors.Is(err, io.ErrShortWrite):
		msg = syscall.ENOSPC.Error()
	default:
		for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
			err = u
		}
		msg = err.Error()
	}
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:] // glibc capitalises strerror
	}
	return prefix + msg
}
