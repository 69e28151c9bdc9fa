package serveconn

import (
	"strconv"
	"strings"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// RESP3 shaping. kevy's replies carry RESP2 kinds; a RESP3 client expects
// some of them as maps, sets, doubles and verbatim strings, exactly where
// Redis 7.0 uses addReplyMapLen, addReplySetLen, addReplyDouble and
// addReplyVerbatim. shapes maps a command's full name to the function that
// writes its reply in RESP3; commands not in it are written with
// resp.AppendReplyProto(dst, r, 3), which differs from RESP2 only in its
// nulls. The differential test against redis-server checks the table.

// shapeFn appends r, the reply to args, in RESP3.
type shapeFn func(dst []byte, args []string, r *resp.Reply) []byte

var shapes = map[string]shapeFn{
	"hgetall":          shapeMap,
	"config|get":       shapeMap,
	"smembers":         shapeSet,
	"sinter":           shapeSet,
	"sunion":           shapeSet,
	"sdiff":            shapeSet,
	"spop":             shapeSet,
	"zscore":           shapeDouble,
	"zincrby":          shapeDouble,
	"zadd":             shapeDouble,
	"zmscore":          shapeDoubles,
	"zrange":           shapeWithScores,
	"zrangebyscore":    shapeWithScores,
	"zrevrangebyscore": shapeWithScores,
	"zrevrange":        shapeWithScores,
	"zunion":           shapeWithScores,
	"zinter":           shapeWithScores,
	"zdiff":            shapeWithScores,
	"zrandmember":      shapeWithScores,
	"zpopmin":          shapeZPop,
	"zpopmax":          shapeZPop,
	"bzpopmin":         shapeBZPop,
	"bzpopmax":         shapeBZPop,
	"zmpop":            shapeZMPop,
	"bzmpop":           shapeZMPop,
	"hrandfield":       shapeWithValues,
	"info":             shapeVerbatim,
	"client|list":      shapeVerbatim,
	"client|info":      shapeVerbatim,
	"memory|doctor":    shapeVerbatim,
	"lcs":              shapeLCS,
	"command":          shapeCommandInfos,
	"command|info":     shapeCommandInfos,
	"acl|getuser":      shapeACLUser,
	"acl|log":          shapeACLLog,
}

// appendReply3 appends r, the reply to args, in RESP3. (EXEC's reply is
// written element by element by execReply.)
func appendReply3(dst []byte, args []string, r *resp.Reply) []byte {
	if r.Kind == resp.Error || r.Kind == resp.Nil || r.Kind == resp.NilArray {
		return resp.AppendReplyProto(dst, *r, 3)
	}
	cmd, _ := shard.Resolve(args)
	if cmd == nil {
		return resp.AppendReplyProto(dst, *r, 3)
	}
	if fn := shapes[cmd.FullName]; fn != nil {
		return fn(dst, args, r)
	}
	return resp.AppendReplyProto(dst, *r, 3)
}

func appendLen(dst []byte, kind byte, n int) []byte {
	dst = strconv.AppendInt(append(dst, kind), int64(n), 10)
	return append(dst, '\r', '\n')
}

func plain(dst []byte, r *resp.Reply) []byte { return resp.AppendReplyProto(dst, *r, 3) }

// shapeMap writes a flat array of pairs as a map.
func shapeMap(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems)%2 != 0 {
		return plain(dst, r)
	}
	dst = appendLen(dst, '%', len(r.Elems)/2)
	for i := range r.Elems {
		dst = plain(dst, &r.Elems[i])
	}
	return dst
}

// shapeSet writes an array as a set.
func shapeSet(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '~', len(r.Elems))
	for i := range r.Elems {
		dst = plain(dst, &r.Elems[i])
	}
	return dst
}

// double writes a bulk string holding a score as a RESP3 double.
func double(dst []byte, r *resp.Reply) []byte {
	if r.Kind != resp.Bulk {
		return plain(dst, r)
	}
	dst = append(append(dst, ','), r.Str...)
	return append(dst, '\r', '\n')
}

func shapeDouble(dst []byte, _ []string, r *resp.Reply) []byte { return double(dst, r) }

func shapeDoubles(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems))
	for i := range r.Elems {
		dst = double(dst, &r.Elems[i])
	}
	return dst
}

// hasWord reports whether one of args[1:] is word, case-insensitively.
func hasWord(args []string, word string) bool {
	for _, a := range args[1:] {
		if strings.EqualFold(a, word) {
			return true
		}
	}
	return false
}

// pairs writes a flat [a1 b1 a2 b2 ...] as [[a1 b1] [a2 b2] ...], the b's as
// doubles when scores is set.
func pairs(dst []byte, r *resp.Reply, scores bool) []byte {
	if r.Kind != resp.Array || len(r.Elems)%2 != 0 {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems)/2)
	for i := 0; i < len(r.Elems); i += 2 {
		dst = append(dst, "*2\r\n"...)
		dst = plain(dst, &r.Elems[i])
		if scores {
			dst = double(dst, &r.Elems[i+1])
		} else {
			dst = plain(dst, &r.Elems[i+1])
		}
	}
	return dst
}

func shapeWithScores(dst []byte, args []string, r *resp.Reply) []byte {
	if !hasWord(args, "withscores") {
		return plain(dst, r)
	}
	return pairs(dst, r, true)
}

func shapeWithValues(dst []byte, args []string, r *resp.Reply) []byte {
	if !hasWord(args, "withvalues") {
		return plain(dst, r)
	}
	return pairs(dst, r, false)
}

// shapeZPop: with a count, [[member score] ...]; without, [member score].
func shapeZPop(dst []byte, args []string, r *resp.Reply) []byte {
	if len(args) > 2 {
		return pairs(dst, r, true)
	}
	if r.Kind != resp.Array || len(r.Elems) != 2 {
		return plain(dst, r)
	}
	dst = append(dst, "*2\r\n"...)
	dst = plain(dst, &r.Elems[0])
	return double(dst, &r.Elems[1])
}

// shapeBZPop: [key member score].
func shapeBZPop(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems) != 3 {
		return plain(dst, r)
	}
	dst = append(dst, "*3\r\n"...)
	dst = plain(dst, &r.Elems[0])
	dst = plain(dst, &r.Elems[1])
	return double(dst, &r.Elems[2])
}

// shapeZMPop: [key [[member score] ...]].
func shapeZMPop(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems) != 2 || r.Elems[1].Kind != resp.Array {
		return plain(dst, r)
	}
	dst = append(dst, "*2\r\n"...)
	dst = plain(dst, &r.Elems[0])
	els := r.Elems[1].Elems
	dst = appendLen(dst, '*', len(els))
	for i := range els {
		p := &els[i]
		if p.Kind != resp.Array || len(p.Elems) != 2 {
			dst = plain(dst, p)
			continue
		}
		dst = append(dst, "*2\r\n"...)
		dst = plain(dst, &p.Elems[0])
		dst = double(dst, &p.Elems[1])
	}
	return dst
}

// appendVerbatim writes s as a verbatim string of format txt.
func appendVerbatim(dst []byte, s string) []byte {
	dst = appendLen(dst, '=', len(s)+4)
	dst = append(dst, "txt:"...)
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}

func shapeVerbatim(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Bulk {
		return plain(dst, r)
	}
	return appendVerbatim(dst, r.Str)
}

// shapeLCS: LCS ... IDX is the map {matches: [...], len: n}.
func shapeLCS(dst []byte, args []string, r *resp.Reply) []byte {
	if !hasWord(args, "idx") {
		return plain(dst, r)
	}
	return shapeMap(dst, args, r)
}

// shapeCommandInfos writes COMMAND and COMMAND INFO replies: each command's
// flags, ACL categories, tips, key specs and subcommands are sets, each key
// spec a map.
func shapeCommandInfos(dst []byte, _ []string, r *resp.Reply) []byte {
	if r.Kind != resp.Array {
		return plain(dst, r)
	}
	dst = appendLen(dst, '*', len(r.Elems))
	for i := range r.Elems {
		dst = commandInfo3(dst, &r.Elems[i])
	}
	return dst
}

func commandInfo3(dst []byte, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems) != 10 {
		return plain(dst, r)
	}
	dst = append(dst, "*10\r\n"...)
	for i := range r.Elems {
		e := &r.Elems[i]
		switch i {
		case 2, 6, 7:
			dst = shapeSet(dst, nil, e)
		case 8, 9: // key specs and subcommands are sets
			if e.Kind != resp.Array {
				dst = plain(dst, e)
				break
			}
			dst = appendLen(dst, '~', len(e.Elems))
			for j := range e.Elems {
				if i == 8 {
					dst = keySpec3(dst, &e.Elems[j])
				} else {
					dst = commandInfo3(dst, &e.Elems[j])
				}
			}
		default:
			dst = plain(dst, e)
		}
	}
	return dst
}

// keySpec3 writes a key spec (a flat array of pairs, nested) as maps, its
// "flags" as a set.
func keySpec3(dst []byte, r *resp.Reply) []byte {
	if r.Kind != resp.Array || len(r.Elems)%2 != 0 {
		return plain(dst, r)
	}
	dst = appendLen(dst, '%', len(r.Elems)/2)
	for i := 0; i < len(r.Elems); i += 2 {
		k, v := &r.Elems[i], &r.Elems[i+1]
		dst = plain(dst, k)
		switch {
		case v.Kind == resp.Array && k.Str == "flags":
			dst = shapeSet(dst, nil, v)
		case v.Kind == resp.Array:
			dst = keySpec3(dst, v)
		default:
			dst = plain(dst, v)
		}
	}
	return dst
}

// appendPush writes a pub/sub confirmation or message: a push (">") in
// RESP3, an array in RESP2.
func appendPush(dst []byte, r *resp.Reply, proto int) []byte {
	if proto != 3 || r.Kind != resp.Array {
		return resp.AppendReplyProto(dst, *r, proto)
	}
	dst = appendLen(dst, '>', len(r.Elems))
	for i := range r.Elems {
		dst = plain(dst, &r.Elems[i])
	}
	return dst
}
