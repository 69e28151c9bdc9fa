package resp

import "strconv"

// Kind says which RESP2 type a [Reply] is.
type Kind uint8

// The reply kinds, one per RESP2 type. The zero Kind is not a valid reply.
const (
	Status   Kind = iota + 1 // +OK: a simple string
	Error                    // -ERR ...: an error line, Str holds the whole text
	Int                      // :42
	Bulk                     // $3\r\nfoo: a binary-safe string
	Nil                      // $-1: the null bulk string
	Array                    // *N: Elems holds the elements
	NilArray                 // *-1: the null array
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
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Reply is one Redis reply as a value: exactly what redis-server would put on
// the wire, without the framing. A Reply is a plain value; it holds no
// reference to the store, and its strings may be shared with the keyspace
// (Go strings are immutable, so that is safe).
type Reply struct {
	Kind  Kind
	Str   string  // Status, Error and Bulk text
	Int   int64   // Int
	Elems []Reply // Array elements
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
