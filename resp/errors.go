package resp

import "errors"

// ErrProtocol is what every *[ProtocolError] unwraps to, so callers can test
// errors.Is(err, resp.ErrProtocol).
var ErrProtocol = errors.New("resp: protocol error")

// ProtocolError reports malformed input found by a [Reader].
//
// For a command (ReadArgs, ReadCommand) Msg is redis-server's exact text,
// such as "Protocol error: invalid multibulk length"; a server replies with
// "-ERR " + Msg and closes the connection, as redis-server does. For a reply
// (ReadReply) Msg starts with "resp: ".
type ProtocolError struct {
	Offset int64  // input offset where the offending command or reply begins
	Msg    string // the message, see above
}

// Error returns Msg unchanged, so that it can go on the wire as it is.
func (e *ProtocolError) Error() string { return e.Msg }

// Unwrap returns [ErrProtocol].
func (e *ProtocolError) Unwrap() error { return ErrProtocol }

// The protocol error texts of redis-server 7.0 (networking.c).
const (
	msgTooBigInline     = "Protocol error: too big inline request"
	msgUnbalanced       = "Protocol error: unbalanced quotes in request"
	msgTooBigMbulkCount = "Protocol error: too big mbulk count string"
	msgInvalidMbulk     = "Protocol error: invalid multibulk length"
	msgTooBigBulkCount  = "Protocol error: too big bulk count string"
	msgInvalidBulk      = "Protocol error: invalid bulk length"
	msgExpectedDollar   = "Protocol error: expected '$', got '"
	msgUnauthMbulk      = "Protocol error: unauthenticated multibulk length"
	msgUnauthBulk       = "Protocol error: unauthenticated bulk length"
	// Strict (AOF) mode only: redis-server's loader says "Bad file format".
	msgExpectedStar = "Protocol error: expected '*', got '"
	msgExpectedCRLF = "Protocol error: expected CRLF"
)

// expectedMsg renders "expected 'x', got 'c'" the way redis-server's
// addReplyErrorFormat does: CR and LF become spaces, and a NUL byte ends
// the C string right there.
func expectedMsg(prefix string, c byte) string {
	switch c {
	case 0:
		return prefix
	case '\r', '\n':
		c = ' '
	}
	return prefix + string([]byte{c}) + "'"
}
