package acl

import (
	"fmt"
	"strings"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/kevydb/kevy/resp"
)

func fromRedis(v redistest.Value) resp.Reply {
	switch v.Type {
	case '+':
		return resp.StatusReply(v.Str)
	case '-':
		return resp.Err(v.Str)
	case ':':
		return resp.IntReply(v.Int)
	case '$':
		if v.Null {
			return resp.NilReply
		}
		return resp.BulkReply(v.Str)
	case '*':
		if v.Null {
			return resp.NilArr
		}
		out := make([]resp.Reply, len(v.Array))
		for i, e := range v.Array {
			out[i] = fromRedis(e)
		}
		return resp.ArrayReply(out)
	}
	panic(fmt.Sprintf("unknown reply type %q", v.Type))
}

func show(r resp.Reply) string {
	switch r.Kind {
	case resp.Status:
		return "+" + r.Str
	case resp.Error:
		return "-" + r.Str
	case resp.Int:
		return fmt.Sprintf(":%d", r.Int)
	case resp.Bulk:
		return fmt.Sprintf("%q", r.Str)
	case resp.Nil:
		return "(nil)"
	case resp.NilArray:
		return "(nilarray)"
	case resp.Array:
		parts := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return fmt.Sprintf("?%v", r)
}

func normRules(s string) string { return redistest.NormACLRules(s) }

// normReply applies normRules to every string of a reply.
func normReply(r resp.Reply) resp.Reply {
	switch r.Kind {
	case resp.Bulk, resp.Status:
		r.Str = normRules(r.Str)
	case resp.Array:
		out := make([]resp.Reply, len(r.Elems))
		for i, e := range r.Elems {
			out[i] = normReply(e)
		}
		r.Elems = out
	}
	return r
}
