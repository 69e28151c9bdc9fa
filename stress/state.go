package stress

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kevydb/kevy"
)

// Reading a key's whole state back from a store, as the model encodes
// it: after a crash and reopen, after a disk fault, to compare the store
// with the model.

// readState reads key on c (whose database is selected). The store must
// be quiescent: the reads are separate commands.
func readState(ctx context.Context, c *kevy.Conn, key string) (kstate, error) {
	t := c.Exec(ctx, "TYPE", key)
	if t.Kind != kevy.ReplyStatus {
		return none, fmt.Errorf("stress: TYPE %s: %s", key, canon(t))
	}
	var st kstate
	var r kevy.Reply
	switch t.Str {
	case "none":
		return none, nil
	case "string":
		st.T = tString
		r = c.Exec(ctx, "GET", key)
		st.V = r.Str
	case "list":
		st.T = tList
		r = c.Exec(ctx, "LRANGE", key, "0", "-1")
		st.V = encList(bulks(r))
	case "hash":
		st.T = tHash
		r = c.Exec(ctx, "HGETALL", key)
		h := map[string]string{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			h[r.Elems[i].Str] = r.Elems[i+1].Str
		}
		st.V = encHash(h)
	case "set":
		st.T = tSet
		r = c.Exec(ctx, "SMEMBERS", key)
		s := map[string]bool{}
		for _, m := range bulks(r) {
			s[m] = true
		}
		st.V = encSet(s)
	case "zset":
		st.T = tZSet
		r = c.Exec(ctx, "ZRANGE", key, "0", "-1", "WITHSCORES")
		z := map[string]float64{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			f, err := strconv.ParseFloat(r.Elems[i+1].Str, 64)
			if err != nil {
				return none, fmt.Errorf("stress: score of %s in %s: %q", r.Elems[i].Str, key, r.Elems[i+1].Str)
			}
			z[r.Elems[i].Str] = f
		}
		st.V = encZSet(z)
	default:
		return none, fmt.Errorf("stress: TYPE %s: unexpected %q", key, t.Str)
	}
	if r.Kind == kevy.ReplyError {
		return none, fmt.Errorf("stress: reading %s: %s", key, r.Str)
	}
	e := c.Exec(ctx, "PEXPIRETIME", key)
	if e.Kind != kevy.ReplyInt {
		return none, fmt.Errorf("stress: PEXPIRETIME %s: %s", key, canon(e))
	}
	if e.Int > 0 {
		st.Exp = e.Int
	}
	return st, nil
}

func bulks(r kevy.Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}
