package resp

import "strconv"

// Kind says which RESP type a [Reply] is.
type Kind uint8

// The reply kinds, one per RESP2 type, then the RESP3 types a reply can
// carry. The zero Kind is not a valid reply.
//
// Command handlers answer with the RESP2 kinds; the RESP3 kinds come from
// places that must keep the distinction until the reply is written, such as
// a Lua script's return value (the script decides the RESP3 type, the
// caller's protocol decides how it is written). Each RESP3 kind has the
// RESP2 form redis-server gives it for a RESP2 client (see
// [AppendReplyProto]).
const (
	Status   Kind = iota + 1 // +OK: a simple string
	Error                    // -ERR ...: an error line, Str holds the whole text
	Int                      // :42
	Bulk                     // $3\r\nfoo: a binary-safe string
	Nil                      // $-1: the null bulk string
	Array                    // *N: Elems holds the elements
	NilArray                 // *-1: the null array

	Map       // %N: Elems holds N keys and values in turn; RESP2 *2N
	Set       // ~N: Elems holds the members; RESP2 *N
	Double    // ,3.5: Str holds the text ("3.5", "inf", "-nan"); RESP2 a bulk string
	Bool      // #t / #f: Int is 1 or 0; RESP2 :1 / :0
	BigNumber // (123: Str holds the digits; RESP2 a bulk string
	Verbatim  // =N txt:...: Str holds "fmt:text" (fmt is 3 bytes); RESP2 a bulk of text
)

// String returns the kind's RESP name, for messages and tests.
func (k Kind) String() string {
	switch k {
	case Status:
		return "status"
	case Error:
		return "error"
	case Int:
		return "integer"
	case Bulk:
		return "bulk"
	case Nil:
		return "nil"
	case Array:
		return "array"
	case NilArray:
		return "nil-array"
	case Map:
		return "map"
	case Set:
		return "set"
	case Double:
		return "double"
	case Bool:
		return "bool"
	case BigNumber:
		return "big-number"
	case Verbatim:
		return "verbatim"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Reply is one Redis reply as a value: exactly what redis-server would put on
// the wire, without the framing. A Reply is a plain value; it holds no
// reference to the store, and its strings may be shared with the keyspace
// (Go strings are immutable, so that is safe).
type Reply struct {
	Kind  Kind
	Str   string  // Status, Error, Bulk, Double, BigNumber and Verbatim text
	Int   int64   // Int; Bool (1 or 0)
	Elems []Reply // Array, Set and Map elements (a Map's keys and values in turn)
}

// Common replies, shared to avoid rebuilding them.
var (
	OK        = Reply{Kind: Status, Str: "OK"}
	NilReply  = Reply{Kind: Nil}
	NilArr    = Reply{Kind: NilArray}
	EmptyArr  = Reply{Kind: Array, Elems: []Reply{}}
	Zero      = Reply{Kind: Int, Int: 0}
	One       = Reply{Kind: Int, Int: 1}
	Queued    = Reply{Kind: Status, Str: "QUEUED"}
	PongReply = Reply{Kind: Status, Str: "PONG"}
)

// StatusReply returns a simple-string reply.
func StatusReply(s string) Reply { return Reply{Kind: Status, Str: s} }

// Err returns an error reply with the exact text s (for example
// "ERR syntax error" or "WRONGTYPE Operation against ...").
func Err(s string) Reply { return Reply{Kind: Error, Str: s} }

// IntReply returns an integer reply.
func IntReply(n int64) Reply { return Reply{Kind: Int, Int: n} }

// BulkReply returns a bulk-string reply holding s.
func BulkReply(s string) Reply { return Reply{Kind: Bulk, Str: s} }

// ArrayReply returns an array reply with the given elements.
func ArrayReply(elems []Reply) Reply { return Reply{Kind: Array, Elems: elems} }

// BulkArray returns an array of bulk strings.
func BulkArray(ss []string) Reply {
	elems := make([]Reply, len(ss))
	for i, s := range ss {
		elems[i] = Reply{Kind: Bulk, Str: s}
	}
	return Reply{Kind: Array, Elems: elems}
}

// IsError reports whether r is an error reply.
func (r Reply) IsError() bool { return r.Kind == Error }
