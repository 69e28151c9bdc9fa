package shard

import (
	"math"
	"slices"

	"github.com/kevydb/kevy/resp"
)

// List commands that move elements between keys, pop from the first of
// several keys, or block: LMOVE RPOPLPUSH LMPOP BLPOP BRPOP BLMOVE
// BRPOPLPUSH BLMPOP (Redis's t_list.c).
//
// The blocking forms try to pop now; finding every key missing, they
// return Ctx.Block and the engine parks the caller, re-running the handler
// when one of the keys is created (see block.go). So each handler is a
// pure "pop now or block" function. What they log is what a pop logs
// (LPOP/RPOP key, LPOP key count, LMOVE ...), never the blocking command.
//
// LMOVE and its variants log "LMOVE src dst from to" when both keys live
// on one shard; across shards, each shard logs only its own key's change:
// "LPOP/RPOP src" on the source's, "LPUSH/RPUSH dst element" on the
// destination's.

func init() {
	Register("lmove", cmdLMove)
	Register("rpoplpush", func(c *Ctx) resp.Reply { return lmoveGeneric(c, false, true) })
	Register("lmpop", func(c *Ctx) resp.Reply { return lmpopGeneric(c, 1, false) }).KeysFn = lmpopKeys
	Register("blpop", func(c *Ctx) resp.Reply { return blpopGeneric(c, true) })
	Register("brpop", func(c *Ctx) resp.Reply { return blpopGeneric(c, false) })
	Register("blmove", cmdBLMove)
	Register("brpoplpush", cmdBRPopLPush)
	Register("blmpop", func(c *Ctx) resp.Reply { return lmpopGeneric(c, 2, true) }).KeysFn = blmpopKeys
}

// listPosition parses LEFT or RIGHT (case-insensitively).
func listPosition(arg string) (left bool, ok bool) {
	switch {
	case EqualFold(arg, "left"):
		return true, true
	case EqualFold(arg, "right"):
		return false, true
	}
	return false, false
}

func positionName(left bool) string {
	if left {
		return "LEFT"
	}
	return "RIGHT"
}

func cmdLMove(c *Ctx) resp.Reply {
	from, ok1 := listPosition(c.Args[3])
	if !ok1 {
		return ErrSyntax
	}
	to, ok2 := listPosition(c.Args[4])
	if !ok2 {
		return ErrSyntax
	}
	return lmoveGeneric(c, from, to)
}

// lmoveGeneric pops an element from one end of the list at Args[1] and
// pushes it at one end of the list at Args[2], as Redis's
// lmoveGenericCommand. The source is missing: null.
func lmoveGeneric(c *Ctx, fromLeft, toLeft bool) resp.Reply {
	src, dst := c.Args[1], c.Args[2]
	sl, ok := writeList(c, src)
	if !ok {
		return ErrWrongType
	}
	if sl == nil {
		return resp.NilReply
	}
	dl, ok := writeList(c, dst)
	if !ok {
		return ErrWrongType
	}
	v, _ := sl.Pop(fromLeft)
	if dl == nil {
		dl = createList(c, dst)
	}
	c.Modified(dst)
	dl.Push(v, toLeft)
	if toLeft {
		c.Notify(NotifyList, "lpush", dst)
	} else {
		c.Notify(NotifyList, "rpush", dst)
	}
	listElementsRemoved(c, src, fromLeft, sl)
	if c.KS(src) == c.KS(dst) {
		c.Propagate(src, "LMOVE", src, dst, positionName(fromLeft), positionName(toLeft))
	} else {
		c.Propagate(src, popName(fromLeft), src)
		c.Propagate(dst, pushName(toLeft), dst, v)
	}
	return resp.Reply{Kind: resp.Bulk, Str: v}
}

// lmpopGeneric is LMPOP (numkeys at index 1) and BLMPOP (timeout at 1,
// numkeys at 2), parsed as Redis's lmpopGenericCommand.
func lmpopGeneric(c *Ctx, numkeysIdx int, block bool) resp.Reply {
	numkeys, errRep, ok := longArgRange(c.Args[numkeysIdx], 1, math.MaxInt64, "numkeys should be greater than 0")
	if !ok {
		return errRep
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		return ErrSyntax // no room for LEFT|RIGHT after the keys
	}
	whereIdx := numkeysIdx + int(numkeys) + 1
	left, ok := listPosition(c.Args[whereIdx])
	if !ok {
		return ErrSyntax
	}
	count := int64(-1)
	for j := whereIdx + 1; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		if count == -1 && EqualFold(c.Args[j], "count") && more > 0 {
			j++
			if count, errRep, ok = longArgRange(c.Args[j], 1, math.MaxInt64, "count should be greater than 0"); !ok {
				return errRep
			}
			continue
		}
		return ErrSyntax
	}
	if count == -1 {
		count = 1
	}
	keys := c.Args[numkeysIdx+1 : whereIdx]
	if block {
		return blockingPop(c, keys, left, 1, count)
	}
	for _, key := range keys {
		l, ok := writeList(c, key)
		if !ok {
			return ErrWrongType
		}
		if l != nil && l.Len() > 0 {
			return popRangeWithKey(c, key, l, left, count)
		}
	}
	return resp.NilArr
}

func blpopGeneric(c *Ctx, left bool) resp.Reply {
	return blockingPop(c, c.Args[1:len(c.Args)-1], left, len(c.Args)-1, -1)
}

// blockingPop pops from the first of keys holding a non-empty list, or
// blocks on all of them, as Redis's blockingPopGenericCommand. count -1 is
// BLPOP/BRPOP (reply [key, element]); count >= 1 is BLMPOP (reply [key,
// [elements]]).
func blockingPop(c *Ctx, keys []string, left bool, timeoutIdx int, count int64) resp.Reply {
	deadline, errRep, ok := ParseTimeout(c, c.Args[timeoutIdx])
	if !ok {
		return errRep
	}
	for _, key := range keys {
		l, ok := writeList(c, key)
		if !ok {
			return ErrWrongType
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		if count != -1 {
			return popRangeWithKey(c, key, l, left, count)
		}
		v, _ := l.Pop(left)
		listElementsRemoved(c, key, left, l)
		c.Propagate(key, popName(left), key)
		return resp.ArrayReply([]resp.Reply{resp.BulkReply(key), resp.BulkReply(v)})
	}
	return c.Block(BlockSpec{Keys: slices.Clone(keys), Want: TypeList, Deadline: deadline, Timeout: resp.NilArr})
}

func cmdBLMove(c *Ctx) resp.Reply {
	from, ok1 := listPosition(c.Args[3])
	if !ok1 {
		return ErrSyntax
	}
	to, ok2 := listPosition(c.Args[4])
	if !ok2 {
		return ErrSyntax
	}
	return blmoveGeneric(c, from, to, c.Args[5])
}

func cmdBRPopLPush(c *Ctx) resp.Reply { return blmoveGeneric(c, false, true, c.Args[3]) }

// blmoveGeneric moves an element as LMOVE does when the source exists, or
// blocks on the source. Not allowed to block (inside MULTI), it replies a
// null bulk string, as Redis does; a real timeout replies a null array.
func blmoveGeneric(c *Ctx, fromLeft, toLeft bool, timeout string) resp.Reply {
	deadline, errRep, ok := ParseTimeout(c, timeout)
	if !ok {
		return errRep
	}
	src := c.Args[1]
	sl, ok := writeList(c, src)
	if !ok {
		return ErrWrongType
	}
	if sl != nil {
		return lmoveGeneric(c, fromLeft, toLeft)
	}
	if c.NoBlock {
		return resp.NilReply
	}
	return c.Block(BlockSpec{Keys: []string{src}, Want: TypeList, Deadline: deadline, Timeout: resp.NilArr})
}

// lmpopKeys returns the key positions of LMPOP numkeys key ... (Redis's
// lmpopGetKeys).
func lmpopKeys(args []string, dst []int) []int { return numkeysPositions(args, 1, dst) }

// blmpopKeys returns the key positions of BLMPOP timeout numkeys key ...
// (Redis's blmpopGetKeys).
func blmpopKeys(args []string, dst []int) []int { return numkeysPositions(args, 2, dst) }

// numkeysPositions appends the positions of the numkeys keys that follow
// args[countIdx], as Redis's genericGetKeys: numkeys read like C's atoi,
// and no keys at all when it is out of range (the handler then replies
// the error).
func numkeysPositions(args []string, countIdx int, dst []int) []int {
	if len(args) <= countIdx {
		return dst
	}
	n := atoi(args[countIdx])
	first := countIdx + 1
	if n < 1 || n > int64(len(args)-first) {
		return dst
	}
	for i := range int(n) {
		dst = append(dst, first+i)
	}
	return dst
}
