// Package resp speaks the Redis serialization protocol: it encodes [Reply]
// values and commands, and it reads commands (for a server and for the
// append-only file) and replies (for tests and clients).
//
// # Wire format
//
// A command travels as a multibulk, an array of bulk strings:
//
//	*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n
//
// or, from a human at a terminal, as one inline line split on blanks with
// shell-like quoting ("a b" and 'a b', with \n, \xHH and friends inside
// double quotes), exactly as redis-server splits it (see [SplitArgs]).
//
// A RESP2 reply is one of
//
//	+OK\r\n                    Status (simple string)
//	-ERR message\r\n           Error
//	:42\r\n                    Int
//	$5\r\nhello\r\n            Bulk
//	$-1\r\n                    Nil (null bulk)
//	*2\r\n<reply><reply>       Array
//	*-1\r\n                    NilArray (null array)
//
// RESP3 (HELLO 3) writes both nulls as "_\r\n"; [AppendReplyProto] with
// proto 3 does that. The other RESP3 types (map %, set ~, double ",",
// boolean #, big number "(", verbatim "=", push ">") have no [Kind] yet; see
// [AppendReplyProto] for what HELLO 3 will need. [Reader.ReadReply] accepts
// them and folds them into the RESP2 kinds.
//
// # Encoding
//
// The Append functions ([AppendReply], [AppendReplyProto],
// [AppendCommand], [AppendCommandBytes]) append to a caller's buffer in the
// style of strconv.AppendInt and allocate nothing when the buffer has room.
// They write exactly the bytes redis-server writes.
//
// # Reading
//
// A [Reader] wraps an io.Reader with its own buffer and returns one command
// at a time, either as reusable byte slices ([Reader.ReadArgs], no
// allocation in the steady state) or as fresh strings ([Reader.ReadCommand]).
// It tracks input offsets, so it can tell apart
//
//   - a clean end of input between two commands: io.EOF;
//   - input that stops in the middle of a command: io.ErrUnexpectedEOF,
//     with [Reader.Offset] giving where that torn command began;
//   - malformed input: a *[ProtocolError] carrying redis-server's own
//     message ("Protocol error: invalid bulk length") and the offset of the
//     command it was found in.
//
// Limits follow redis-server's: proto-max-bulk-len (512 MB), a multibulk
// count that fits an int32, 64 KB for an inline line or a length line
// (see [ReaderOptions]), and, after [Reader.SetUnauthenticated], the
// smaller limits redis-server applies before AUTH. By default declared
// lengths are never allocated up front: the buffer grows as bytes arrive.
// A server sets [ReaderOptions].BigArg instead, as redis-server reads a
// large bulk: into an allocation of its exact size, filled straight from
// the connection and handed over as a string without a copy
// ([Reader.ReadStrings]); [ReaderOptions].Reserve lets it refuse the
// allocation.
//
// A timeout from the underlying reader (a read deadline) interrupts
// [Reader.ReadArgs] without ending it: the command in progress resumes on
// the next call, so a server can stop reading mid-command and carry on
// later.
//
// With [ReaderOptions].Strict the Reader reads the append-only file the way
// redis-server loads it: multibulk only, lines starting with '#'
// (annotations) are skipped, and every CRLF is checked, so that mid-file
// damage is reported instead of silently absorbed.
//
// # Concurrency
//
// A Reader is not safe for concurrent use; the Append functions are pure.
package resp
