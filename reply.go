package kevy

import (
	"github.com/kevydb/kevy/resp"
)

// Reply is one Redis reply as a value: exactly what redis-server would
// send, without the wire framing. Kind says which fields matter: Str for
// status, error and bulk replies, Int for integers, Elems for arrays.
type Reply = resp.Reply

// ReplyKind says which RESP type a Reply is.
type ReplyKind = resp.Kind

// The reply kinds, one per RESP2 type.
const (
	ReplyStatus   = resp.Status   // +OK
	ReplyError    = resp.Error    // -ERR ...
	ReplyInt      = resp.Int      // :42
	ReplyBulk     = resp.Bulk     // $3 foo
	ReplyNil      = resp.Nil      // $-1, the null bulk string
	ReplyArray    = resp.Array    // *N
	ReplyNilArray = resp.NilArray // *-1, the null array
)

// toAny converts a reply the way go-redis does over RESP2.
func toAny(r Reply) (any, error) {
	switch r.Kind {
	case resp.Status, resp.Bulk:
		return r.Str, nil
	case resp.Int:
		return r.Int, nil
	case resp.Nil, resp.NilArray:
		return nil, Nil
	case resp.Error:
		return nil, replyError(r)
	case resp.Array:
		out := make([]any, len(r.Elems))
		for i, e := range r.Elems {
			switch e.Kind {
			case resp.Nil, resp.NilArray:
				out[i] = nil
			case resp.Error:
				out[i] = replyError(e)
			default:
				out[i], _ = toAny(e)
			}
		}
		return out, nil
	}
	return nil, Error("kevy: reply of unknown kind " + r.Kind.String())
}
