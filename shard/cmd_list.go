package shard

import (
	"math"
	"strconv"

	"github.com/kevydb/kevy/resp"
)

// List commands on one key: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN
// LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS (Redis's t_list.c). The
// commands that pop from several keys, move between keys or block are in
// cmd_list_pop.go.

func init() {
	Register("lpush", func(c *Ctx) resp.Reply { return pushGeneric(c, true, false) })
	Register("rpush", func(c *Ctx) resp.Reply { return pushGeneric(c, false, false) })
	Register("lpushx", func(c *Ctx) resp.Reply { return pushGeneric(c, true, true) })
	Register("rpushx", func(c *Ctx) resp.Reply { return pushGeneric(c, false, true) })
	Register("lpop", func(c *Ctx) resp.Reply { return popGeneric(c, true) })
	Register("rpop", func(c *Ctx) resp.Reply { return popGeneric(c, false) })
	Register("llen", cmdLLen)
	Register("lrange", cmdLRange)
	Register("lindex", cmdLIndex)
	Register("lset", cmdLSet)
	Register("linsert", cmdLInsert)
	Register("lrem", cmdLRem)
	Register("ltrim", cmdLTrim)
	Register("lpos", cmdLPos)
}

const (
	msgRankZero = "ERR RANK can't be zero: use 1 to start from the first match, " +
		"2 from the second ... or use negative to start from the end of the list"
	msgPosCountNeg = "COUNT can't be negative"
	msgPosMaxLen   = "MAXLEN can't be negative"
	msgPositive    = "value is out of range, must be positive"
)

// readList looks key up for reading. It returns the list, or nil and
// missing when the key does not exist, or nil and WRONGTYPE.
func readList(c *Ctx, key string, missing resp.Reply) (*List, resp.Reply) {
	e := c.Read(key)
	if e == nil {
		return nil, missing
	}
	if e.Type != TypeList {
		return nil, ErrWrongType
	}
	return e.Obj().(*List), resp.Reply{}
}

// writeList looks key up for writing. It returns the list (nil when the
// key does not exist) and false when the key holds another type.
func writeList(c *Ctx, key string) (*List, bool) {
	e := c.Write(key)
	if e == nil {
		return nil, true
	}
	if e.Type != TypeList {
		return nil, false
	}
	return e.Obj().(*List), true
}

// createList adds key, which must not exist, holding an empty list. Adding
// the key signals the clients blocked on it; they are served after the
// command.
func createList(c *Ctx, key string) *List {
	l := newList(c.enc())
	c.Add(key, TypeList).SetObj(l)
	return l
}

// popName returns the effect command that pops from the given end.
func popName(left bool) string {
	if left {
		return "LPOP"
	}
	return "RPOP"
}

// pushName returns the effect command that pushes at the given end.
func pushName(left bool) string {
	if left {
		return "LPUSH"
	}
	return "RPUSH"
}

// listElementsRemoved does what follows a pop, as Redis's
// listElementsRemoved: the "lpop"/"rpop" event, deleting the key (with a
// "del" event) when the list became empty, and the WATCH signal.
func listElementsRemoved(c *Ctx, key string, left bool, l *List) {
	if left {
		c.Notify(NotifyList, "lpop", key)
	} else {
		c.Notify(NotifyList, "rpop", key)
	}
	if l.Len() == 0 {
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Modified(key)
}

// popRange pops up to count elements (count >= 1) from one end of l, which
// is not empty, and returns them in the order popped.
func popRange(l *List, left bool, count int64) []resp.Reply {
	n := int(min(count, int64(l.Len())))
	out := make([]resp.Reply, n)
	for i := range out {
		v, _ := l.Pop(left)
		out[i] = resp.Reply{Kind: resp.Bulk, Str: v}
	}
	return out
}

// popRangeWithKey pops up to count elements of the list at key (not empty)
// and replies [key, [elements]], logging the pop as "LPOP key n" — the
// shape of LMPOP and BLMPOP.
func popRangeWithKey(c *Ctx, key string, l *List, left bool, count int64) resp.Reply {
	elems := popRange(l, left, count)
	listElementsRemoved(c, key, left, l)
	c.Propagate(key, popName(left), key, strconv.Itoa(len(elems)))
	return resp.ArrayReply([]resp.Reply{resp.BulkReply(key), resp.ArrayReply(elems)})
}

func pushGeneric(c *Ctx, left, xx bool) resp.Reply {
	key := c.Args[1]
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		if xx {
			return resp.Zero
		}
		l = createList(c, key)
	}
	l.reserve(c.Args[2:], left)
	for _, v := range c.Args[2:] {
		l.Push(v, left)
	}
	c.Modified(key)
	if left {
		c.Notify(NotifyList, "lpush", key)
	} else {
		c.Notify(NotifyList, "rpush", key)
	}
	c.Propagate(key, c.Args...)
	return resp.IntReply(int64(l.Len()))
}

// popGeneric is LPOP and RPOP, with or without a count.
func popGeneric(c *Ctx, left bool) resp.Reply {
	if len(c.Args) > 3 {
		return ArityError(c.Cmd.FullName)
	}
	key := c.Args[1]
	hasCount := len(c.Args) == 3
	var count int64
	if hasCount {
		var errRep resp.Reply
		var ok bool
		if count, errRep, ok = longArgRange(c.Args[2], 0, math.MaxInt64, msgPositive); !ok {
			return errRep
		}
	}
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		if hasCount {
			return resp.NilArr
		}
		return resp.NilReply
	}
	if hasCount && count == 0 {
		return resp.EmptyArr
	}
	if !hasCount {
		v, _ := l.Pop(left)
		listElementsRemoved(c, key, left, l)
		c.Propagate(key, popName(left), key)
		return resp.Reply{Kind: resp.Bulk, Str: v}
	}
	elems := popRange(l, left, count)
	listElementsRemoved(c, key, left, l)
	c.Propagate(key, popName(left), key, strconv.Itoa(len(elems)))
	return resp.ArrayReply(elems)
}

func cmdLLen(c *Ctx) resp.Reply {
	l, rep := readList(c, c.Args[1], resp.Zero)
	if l == nil {
		return rep
	}
	return resp.IntReply(int64(l.Len()))
}

// listRange normalizes the inclusive range start..end of a list of n
// elements as Redis does (negative indexes count from the end) and
// reports whether it is empty.
func listRange(start, end int64, n int) (int, int, bool) {
	llen := int64(n)
	if start < 0 {
		start += llen
	}
	if end < 0 {
		end += llen
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= llen {
		return 0, 0, false
	}
	if end >= llen {
		end = llen - 1
	}
	return int(start), int(end), true
}

func cmdLRange(c *Ctx) resp.Reply {
	start, ok1 := ParseInt(c.Args[2])
	end, ok2 := ParseInt(c.Args[3])
	if !ok1 || !ok2 {
		return ErrNotInt
	}
	l, rep := readList(c, c.Args[1], resp.EmptyArr)
	if l == nil {
		return rep
	}
	from, to, ok := listRange(start, end, l.Len())
	if !ok {
		return resp.EmptyArr
	}
	out := make([]resp.Reply, 0, to-from+1)
	l.RangeFrom(from, func(i int, v string) bool {
		out = append(out, resp.Reply{Kind: resp.Bulk, Str: v})
		return i < to
	})
	return resp.ArrayReply(out)
}

func cmdLIndex(c *Ctx) resp.Reply {
	l, rep := readList(c, c.Args[1], resp.NilReply)
	if l == nil {
		return rep
	}
	i, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if v, ok := l.At(i); ok {
		return resp.Reply{Kind: resp.Bulk, Str: v}
	}
	return resp.NilReply
}

func cmdLSet(c *Ctx) resp.Reply {
	key := c.Args[1]
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		return ErrNoSuchKey
	}
	i, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	if !l.Set(i, c.Args[3]) {
		return resp.Err(MsgIndexRange)
	}
	c.Modified(key)
	c.Notify(NotifyList, "lset", key)
	c.Propagate(key, c.Args...)
	return resp.OK
}

func cmdLInsert(c *Ctx) resp.Reply {
	key := c.Args[1]
	var after bool
	switch {
	case EqualFold(c.Args[2], "after"):
		after = true
	case EqualFold(c.Args[2], "before"):
	default:
		return ErrSyntax
	}
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		return resp.Zero
	}
	i := l.Index(c.Args[3])
	if i < 0 {
		return resp.IntReply(-1)
	}
	if after {
		i++
	}
	l.Insert(i, c.Args[4])
	c.Modified(key)
	c.Notify(NotifyList, "linsert", key)
	c.Propagate(key, c.Args...)
	return resp.IntReply(int64(l.Len()))
}

func cmdLRem(c *Ctx) resp.Reply {
	key := c.Args[1]
	count, ok := ParseInt(c.Args[2])
	if !ok {
		return ErrNotInt
	}
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		return resp.Zero
	}
	removed := l.Remove(c.Args[3], count)
	if removed > 0 {
		c.Modified(key)
		c.Notify(NotifyList, "lrem", key)
		if l.Len() == 0 {
			c.Delete(key)
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(removed))
}

func cmdLTrim(c *Ctx) resp.Reply {
	key := c.Args[1]
	start, ok1 := ParseInt(c.Args[2])
	end, ok2 := ParseInt(c.Args[3])
	if !ok1 || !ok2 {
		return ErrNotInt
	}
	l, ok := writeList(c, key)
	if !ok {
		return ErrWrongType
	}
	if l == nil {
		return resp.OK
	}
	n := l.Len()
	from, to, keep := listRange(start, end, n)
	if !keep {
		from, to = 1, 0
	}
	l.Trim(from, to)
	removed := n - l.Len()
	c.Notify(NotifyList, "ltrim", key)
	if l.Len() == 0 {
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Modified(key)
	if removed > 0 {
		c.Propagate(key, c.Args...)
	}
	return resp.OK
}

func cmdLPos(c *Ctx) resp.Reply {
	elem := c.Args[2]
	rank, count, maxlen := int64(1), int64(-1), int64(0) // count -1: no COUNT
	for j := 3; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		var errRep resp.Reply
		var ok bool
		switch opt := c.Args[j]; {
		case EqualFold(opt, "rank") && more > 0:
			j++
			if rank, ok = ParseInt(c.Args[j]); !ok {
				return ErrNotInt
			}
			if rank == 0 {
				return resp.Err(msgRankZero)
			}
		case EqualFold(opt, "count") && more > 0:
			j++
			if count, errRep, ok = longArgRange(c.Args[j], 0, math.MaxInt64, msgPosCountNeg); !ok {
				return errRep
			}
		case EqualFold(opt, "maxlen") && more > 0:
			j++
			if maxlen, errRep, ok = longArgRange(c.Args[j], 0, math.MaxInt64, msgPosMaxLen); !ok {
				return errRep
			}
		default:
			return ErrSyntax
		}
	}
	fromTail := rank < 0
	if fromTail {
		rank = -rank // math.MinInt64 stays negative: every match qualifies, as in Redis
	}
	e := c.Read(c.Args[1])
	if e == nil {
		if count != -1 {
			return resp.EmptyArr
		}
		return resp.NilReply
	}
	if e.Type != TypeList {
		return ErrWrongType
	}
	l := e.Obj().(*List)
	var (
		out     []resp.Reply
		matches int64
		found   = int64(-1)
		scanned int64
	)
	visit := func(i int, v string) bool {
		if maxlen != 0 && scanned >= maxlen {
			return false
		}
		scanned++
		if v != elem {
			return true
		}
		matches++
		if matches < rank {
			return true
		}
		if count == -1 {
			found = int64(i)
			return false
		}
		out = append(out, resp.IntReply(int64(i)))
		return count == 0 || matches-rank+1 < count
	}
	if fromTail {
		l.each(l.Len()-1, true, visit) // visit keeps no element
	} else {
		l.each(0, false, visit)
	}
	if count != -1 {
		if out == nil {
			return resp.EmptyArr
		}
		return resp.ArrayReply(out)
	}
	if found < 0 {
		return resp.NilReply
	}
	return resp.IntReply(found)
}
