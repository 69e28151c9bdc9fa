package kevy

import (
	"context"
	"errors"

	"github.com/kevydb/kevy/actor"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Error is an error reply from a command, holding Redis's exact text (for
// example "ERR syntax error" or "WRONGTYPE Operation against a key holding
// the wrong kind of value"). Compare with errors.Is against the constants
// below, or inspect the text.
type Error string

// Error returns the reply's text.
func (e Error) Error() string { return string(e) }

// RedisError marks Error as a Redis error reply, as go-redis's own error
// type does.
func (Error) RedisError() {}

// Nil is returned by typed methods when the value is missing: Redis's null
// bulk string or null array (GET of a missing key, BLPOP timing out ...).
// Test with errors.Is(err, kevy.Nil).
const Nil = Error("kevy: nil")

// Error replies that callers commonly test for. They carry Redis 7.0's
// exact text, so errors.Is matches the errors commands return.
const (
	// ErrWrongType: the key holds a value of another type.
	ErrWrongType = Error(shard.MsgWrongType)
	// ErrSyntax: the command's options do not parse.
	ErrSyntax = Error(shard.MsgSyntax)
	// ErrNotInteger: a value or argument is not an integer or is out of range.
	ErrNotInteger = Error(shard.MsgNotInt)
	// ErrNotFloat: a value or argument is not a valid float.
	ErrNotFloat = Error(shard.MsgNotFloat)
	// ErrOverflow: INCR and friends would leave the int64 range.
	ErrOverflow = Error(shard.MsgOverflow)
	// ErrNoSuchKey: RENAME of a missing key.
	ErrNoSuchKey = Error(shard.MsgNoSuchKey)
	// ErrDBIndex: a database index is out of range.
	ErrDBIndex = Error(shard.MsgDBRange)
)

// ErrClosed is returned by every call on a Store after Close, and by calls
// that were queued when Close ran.
var ErrClosed = errors.New("kevy: store closed")

// The error replies Exec and pipelines make of engine failures; replyError
// turns them back into the errors they came from.
var (
	closedReply     = "ERR " + ErrClosed.Error()
	connClosedReply = "ERR " + errConnClosed.Error()
	canceledReply   = "ERR " + context.Canceled.Error()
	deadlineReply   = "ERR " + context.DeadlineExceeded.Error()
)

// errConnClosed is returned by calls on a closed Conn.
var errConnClosed = errors.New("kevy: connection closed")

// replyError converts an error reply to an error, reusing the sentinels
// for the common texts so that no allocation happens for them.
func replyError(r resp.Reply) error {
	switch r.Str {
	case shard.MsgWrongType:
		return ErrWrongType
	case shard.MsgSyntax:
		return ErrSyntax
	case shard.MsgNotInt:
		return ErrNotInteger
	case closedReply:
		return ErrClosed // an engine failure carried as a reply (pipelines, Exec)
	case connClosedReply:
		return errConnClosed
	case canceledReply:
		return context.Canceled
	case deadlineReply:
		return context.DeadlineExceeded
	}
	return Error(r.Str)
}

// engineError maps runtime errors to the package's sentinels.
func engineError(err error) error {
	if errors.Is(err, actor.ErrClosed) {
		return ErrClosed
	}
	return err
}
