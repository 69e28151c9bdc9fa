package shard

import (
	"math"
	"slices"
	"strconv"

	"github.com/kevydb/kevy/resp"
)

// Sorted set pops: ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN
// BZPOPMAX BZMPOP, as Redis's genericZpopCommand and
// blockingGenericZpopCommand. A blocking pop that finds nothing asks the
// engine to park the caller (Ctx.Block); the engine re-runs it when a key
// it waits on is created, so the handlers only ever try to pop now.

func init() {
	Register("zpopmin", func(c *Ctx) resp.Reply { return zpopMinMax(c, false) })
	Register("zpopmax", func(c *Ctx) resp.Reply { return zpopMinMax(c, true) })
	Register("zmpop", func(c *Ctx) resp.Reply { return zmpopGeneric(c, 1, false) }).KeysFn = zmpopKeys
	Register("bzpopmin", func(c *Ctx) resp.Reply { return bzpopGeneric(c, false) })
	Register("bzpopmax", func(c *Ctx) resp.Reply { return bzpopGeneric(c, true) })
	Register("bzmpop", func(c *Ctx) resp.Reply { return zmpopGeneric(c, 2, true) }).KeysFn = bzmpopKeys
}

// zpopShape says how a pop's reply is built.
type zpopShape int

const (
	zpopFlat    zpopShape = iota // ZPOPMIN/ZPOPMAX: [m s m s ...]
	zpopWithKey                  // BZPOPMIN/BZPOPMAX: [key m s]
	zpopNested                   // ZMPOP/BZMPOP: [key [[m s] ...]]
)

// zpopFrom pops up to count members (count >= 1) from the sorted set at
// key, entry e, and builds the reply. It logs the pop as ZPOPMIN/ZPOPMAX
// key n, deletes the key when it empties, and notifies as Redis does.
func zpopFrom(c *Ctx, key string, e *Entry, max bool, count int64, shape zpopShape) resp.Reply {
	z := e.Obj().(*ZSet)
	n := int(min(count, int64(z.Len())))
	var items []resp.Reply
	switch shape {
	case zpopFlat:
		items = make([]resp.Reply, 0, 2*n)
	case zpopWithKey:
		items = make([]resp.Reply, 0, 1+2*n)
		items = append(items, resp.BulkReply(key))
	case zpopNested:
		items = make([]resp.Reply, 0, n)
	}
	z.pop(max, n, func(m string, s float64) {
		if shape == zpopNested {
			items = append(items, resp.ArrayReply([]resp.Reply{resp.BulkReply(m), zscoreReply(s)}))
		} else {
			items = append(items, resp.BulkReply(m), zscoreReply(s))
		}
	})
	event, name := "zpopmin", "ZPOPMIN"
	if max {
		event, name = "zpopmax", "ZPOPMAX"
	}
	c.Notify(NotifyZSet, event, key)
	c.Modified(key)
	if count == 1 && shape != zpopNested {
		c.Propagate(key, name, key)
	} else {
		c.Propagate(key, name, key, strconv.Itoa(n))
	}
	if z.Len() == 0 {
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	if shape == zpopNested {
		return resp.ArrayReply([]resp.Reply{resp.BulkReply(key), resp.ArrayReply(items)})
	}
	return resp.ArrayReply(items)
}

// zpopMinMax is ZPOPMIN/ZPOPMAX key [count].
func zpopMinMax(c *Ctx, max bool) resp.Reply {
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	count := int64(1)
	if len(c.Args) == 3 {
		var errRep resp.Reply
		var ok bool
		if count, errRep, ok = longArgRange(c.Args[2], 0, math.MaxInt64, "value is out of range, must be positive"); !ok {
			return errRep
		}
	}
	key := c.Args[1]
	e, ok := writeZSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil || count == 0 {
		return resp.EmptyArr
	}
	return zpopFrom(c, key, e, max, count, zpopFlat)
}

// zmpopGeneric is ZMPOP numkeys key ... MIN|MAX [COUNT count] and, when
// block is set, BZMPOP timeout numkeys key ... (numkeys at
// c.Args[numkeysIdx]).
func zmpopGeneric(c *Ctx, numkeysIdx int, block bool) resp.Reply {
	numkeys, errRep, ok := longArgRange(c.Args[numkeysIdx], 1, math.MaxInt64, "numkeys should be greater than 0")
	if !ok {
		return errRep
	}
	if numkeys >= int64(len(c.Args)) { // also keeps the sum below from overflowing
		return ErrSyntax
	}
	whereIdx := int64(numkeysIdx) + numkeys + 1
	if whereIdx >= int64(len(c.Args)) {
		return ErrSyntax
	}
	var max bool
	switch w := c.Args[whereIdx]; {
	case EqualFold(w, "min"):
	case EqualFold(w, "max"):
		max = true
	default:
		return ErrSyntax
	}
	count := int64(-1)
	for j := int(whereIdx) + 1; j < len(c.Args); j++ {
		if count == -1 && EqualFold(c.Args[j], "count") && j < len(c.Args)-1 {
			j++
			if count, errRep, ok = longArgRange(c.Args[j], 1, math.MaxInt64, "count should be greater than 0"); !ok {
				return errRep
			}
		} else {
			return ErrSyntax
		}
	}
	if count == -1 {
		count = 1
	}
	keys := c.Args[numkeysIdx+1 : whereIdx]
	if block {
		return zblockPop(c, keys, c.Args[1], max, count, zpopNested, resp.NilArr)
	}
	for _, k := range keys {
		e, ok := writeZSet(c, k)
		if !ok {
			return ErrWrongType
		}
		if e != nil {
			return zpopFrom(c, k, e, max, count, zpopNested)
		}
	}
	return resp.NilArr
}

// bzpopGeneric is BZPOPMIN/BZPOPMAX key ... timeout.
func bzpopGeneric(c *Ctx, max bool) resp.Reply {
	keys := c.Args[1 : len(c.Args)-1]
	return zblockPop(c, keys, c.Args[len(c.Args)-1], max, 1, zpopWithKey, resp.NilArr)
}

// zblockPop pops from the first non-empty sorted set of keys or, when
// there is none, blocks until timeout (parsed first, as Redis does).
func zblockPop(c *Ctx, keys []string, timeout string, max bool, count int64, shape zpopShape, onTimeout resp.Reply) resp.Reply {
	deadline, errRep, ok := ParseTimeout(c, timeout)
	if !ok {
		return errRep
	}
	for _, k := range keys {
		e, ok := writeZSet(c, k)
		if !ok {
			return ErrWrongType
		}
		if e != nil {
			return zpopFrom(c, k, e, max, count, shape)
		}
	}
	return c.Block(BlockSpec{
		Keys:     slices.Clone(keys), // the engine keeps them after Args are recycled
		Want:     TypeZSet,
		Deadline: deadline,
		Timeout:  onTimeout,
	})
}

// zmpopKeys returns the key positions of ZMPOP numkeys key ..., as Redis's
// zmpopGetKeys.
func zmpopKeys(args []string, dst []int) []int { return znumkeysPositions(args, dst, 0, 1, 2) }

// bzmpopKeys returns the key positions of BZMPOP timeout numkeys key ...,
// as Redis's bzmpopGetKeys.
func bzmpopKeys(args []string, dst []int) []int { return znumkeysPositions(args, dst, 0, 2, 3) }
