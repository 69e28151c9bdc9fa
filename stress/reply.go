package stress

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/resp"
)

// Replies in canonical form: one string per reply, which the model
// produces and the recorder stores, so that checking is string equality
// and histories serialize as plain JSON.
//
//	+text   status          -text  error          :42  integer
//	$text   bulk string     _      null bulk      *-   null array
//	*[e1<GS>e2...]  array of canonical elements (GS = \x1d)

const sepArr = "\x1d"

// The model's error texts (Redis 7.0's).
const (
	msgWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
	msgNotInt    = "ERR value is not an integer or out of range"
	msgOverflow  = "ERR increment or decrement would overflow"
	msgNoSuchKey = "ERR no such key"
	msgIndex     = "ERR index out of range"
	msgHashInt   = "ERR hash value is not an integer"
)

const (
	rNil    = "_"
	rNilArr = "*-"
	rOK     = "+OK"
)

func rStatus(s string) string { return "+" + s }
func rErr(s string) string    { return "-" + s }
func rInt(n int64) string     { return ":" + strconv.FormatInt(n, 10) }
func rBulk(s string) string   { return "$" + s }

// rArr builds an array reply from canonical elements.
func rArr(elems ...string) string { return "*[" + strings.Join(elems, sepArr) + "]" }

// rBulks builds an array of bulk strings.
func rBulks(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = rBulk(s)
	}
	return rArr(out...)
}

// canon returns r's canonical form.
func canon(r resp.Reply) string {
	switch r.Kind {
	case resp.Status:
		return "+" + r.Str
	case resp.Error:
		return "-" + r.Str
	case resp.Int:
		return rInt(r.Int)
	case resp.Bulk:
		return "$" + r.Str
	case resp.Nil:
		return rNil
	case resp.NilArray:
		return rNilArr
	case resp.Array:
		out := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			out[i] = canon(e)
		}
		return rArr(out...)
	}
	return "?kind" + strconv.Itoa(int(r.Kind))
}

// arrElems splits a canonical array reply into its canonical elements;
// ok is false when reply is not an array.
func arrElems(reply string) ([]string, bool) {
	if !strings.HasPrefix(reply, "*[") || !strings.HasSuffix(reply, "]") {
		return nil, false
	}
	body := reply[2 : len(reply)-1]
	if body == "" {
		return []string{}, true
	}
	return strings.Split(body, sepArr), true
}

// unordered says how to normalize the replies of commands whose element
// order Redis leaves unspecified: sort the elements, or sort the
// field/value pairs.
var unordered = map[string]string{
	"smembers": "elems", "hkeys": "elems", "hvals": "elems", "hgetall": "pairs",
}

// normalize puts r into the order the model uses, for the commands in
// unordered. It returns a new Reply.
func normalize(cmd string, r resp.Reply) resp.Reply {
	how := unordered[strings.ToLower(cmd)]
	if how == "" || r.Kind != resp.Array {
		return r
	}
	elems := slices.Clone(r.Elems)
	switch how {
	case "elems":
		slices.SortFunc(elems, func(a, b resp.Reply) int { return strings.Compare(a.Str, b.Str) })
	case "pairs":
		type pair struct{ f, v resp.Reply }
		ps := make([]pair, 0, len(elems)/2)
		for i := 0; i+1 < len(elems); i += 2 {
			ps = append(ps, pair{elems[i], elems[i+1]})
		}
		slices.SortFunc(ps, func(a, b pair) int { return strings.Compare(a.f.Str, b.f.Str) })
		elems = elems[:0]
		for _, p := range ps {
			elems = append(elems, p.f, p.v)
		}
	}
	return resp.Reply{Kind: resp.Array, Elems: elems}
}

// The ways a call can end without a reply from the engine: Exec turns
// engine failures into error replies whose text is "ERR " and the
// error's text.
var (
	closedText   = "ERR " + kevy.ErrClosed.Error()
	canceledText = "ERR " + context.Canceled.Error()
	deadlineText = "ERR " + context.DeadlineExceeded.Error()
)

// fate classifies a reply.
type fate uint8

const (
	fateReply    fate = iota // a reply from the command
	fateLost                 // the engine gave up waiting (ctx, Close): the command may still run later
	fateMisconf              // a write refused by a failed log: it may or may not have been applied
	fateClosedSt             // the store was closed before the command reached it
)

// classify tells a command's reply from an engine failure. An EXEC
// whose commands were refused by a failed log (an array holding MISCONF
// errors) counts as refused: some of its commands may have been applied.
func classify(r resp.Reply) fate {
	if r.Kind == resp.Array {
		for _, e := range r.Elems {
			if e.Kind == resp.Error && strings.HasPrefix(e.Str, "MISCONF ") {
				return fateMisconf
			}
		}
		return fateReply
	}
	if r.Kind != resp.Error {
		return fateReply
	}
	switch {
	case r.Str == canceledText || r.Str == deadlineText:
		return fateLost
	case r.Str == closedText:
		return fateClosedSt
	case strings.HasPrefix(r.Str, "MISCONF "):
		return fateMisconf
	}
	return fateReply
}
