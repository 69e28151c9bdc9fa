package aof

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"github.com/kevydb/kevy/rdb"
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
	// ErrInvalidRecord is what the function given to [Log.Replay] (or
	// [Check]) wraps in its error to say that a record is well formed RESP
	// but not a command it can apply (an unknown command, a wrong number of
	// arguments, an error reply, a key that belongs to another shard): the
	// record is then damage, handled like a malformed one.
	ErrInvalidRecord = errors.New("aof: invalid record")
)

// CorruptError reports damage found while opening or replaying a log: a
// malformed record, a record the replay function refused
// ([ErrInvalidRecord]), a torn record where one may not be (in a file that
// is not the last one, followed by valid records, or anywhere in Strict
// mode), a damaged RDB base, or an invalid manifest. Path names the file
// and Offset the byte where the bad record starts (for an RDB base, where
// its decoder failed). Quarantine names the copy of the file's bytes from
// the damaged unit on, when one was made (see [Log.Replay]).
type CorruptError struct {
	Path       string
	Offset     int64
	Quarantine string
	Err        error
}

// Error names the file, the offset, the cause and the quarantine copy.
func (e *CorruptError) Error() string {
	var s string
	if rce, ok := e.Err.(*rdb.CorruptError); ok && rce.Path == e.Path {
		s = fmt.Sprintf("aof: %s: corrupt RDB base at offset %d: %v", e.Path, e.Offset, rce.Err)
	} else {
		s = fmt.Sprintf("aof: %s: corrupt record at offset %d: %v", e.Path, e.Offset, e.Err)
	}
	if e.Quarantine != "" {
		s += " (copied to " + e.Quarantine + ")"
	}
	return s
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
