package shard

import (
	"math"
	"slices"
	"strconv"

	"github.com/kevydb/kevy/resp"
)

// Sorted set algebra: ZUNION ZINTER ZDIFF, their STORE forms and
// ZINTERCARD, as Redis's zunionInterDiffGenericCommand. Plain sets are
// accepted as inputs, every member scoring 1.

func init() {
	reg := func(name string, numkeysIdx int, op zsetOp, store, cardOnly bool) {
		keys := zopKeys
		if store {
			keys = zstoreKeys
		}
		Register(name, func(c *Ctx) resp.Reply {
			return zsetOpGeneric(c, numkeysIdx, op, store, cardOnly)
		}).KeysFn = keys
	}
	reg("zunionstore", 2, zopUnion, true, false)
	reg("zinterstore", 2, zopInter, true, false)
	reg("zdiffstore", 2, zopDiff, true, false)
	reg("zunion", 1, zopUnion, false, false)
	reg("zinter", 1, zopInter, false, false)
	reg("zdiff", 1, zopDiff, false, false)
	reg("zintercard", 1, zopInter, false, true)
}

// zsetOp is the operation of zsetOpGeneric.
type zsetOp int

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

// Aggregation of the scores of a member found in several inputs.
const (
	zaggSum = iota
	zaggMin
	zaggMax
)

// zaggregate folds val into *target as Redis's zunionInterAggregate: a sum
// that is NaN (inf + -inf) becomes 0.
func zaggregate(target *float64, val float64, agg int) {
	switch agg {
	case zaggSum:
		*target += val
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if val < *target {
			*target = val
		}
	case zaggMax:
		if val > *target {
			*target = val
		}
	}
}

// zsrc is one input of the algebra: a sorted set, a set, or nothing (a
// missing key), with its weight.
type zsrc struct {
	z      *ZSet
	s      *Set
	weight float64
}

func (x *zsrc) length() int {
	switch {
	case x.z != nil:
		return x.z.Len()
	case x.s != nil:
		return x.s.Len()
	}
	return 0
}

// same reports whether x and y are the same value (one key named twice).
func (x *zsrc) same(y *zsrc) bool {
	return x.z != nil && x.z == y.z || x.s != nil && x.s == y.s
}

// find returns member's score in the input (1 in a set).
func (x *zsrc) find(member string) (float64, bool) {
	switch {
	case x.z != nil:
		return x.z.Score(member)
	case x.s != nil:
		return 1, x.s.Has(member)
	}
	return 0, false
}

// each calls fn for every member of the input with its score.
func (x *zsrc) each(fn func(member string, score float64) bool) {
	switch {
	case x.z != nil:
		x.z.each(true, fn) // Redis walks sorted sets from the end
	case x.s != nil:
		x.s.each(func(m string, n int64, isInt bool) bool {
			if isInt {
				m = strconv.FormatInt(n, 10)
			}
			return fn(m, 1)
		})
	}
}

// zsetOpGeneric runs ZUNION, ZINTER, ZDIFF (and their STORE forms: the
// destination is c.Args[1]) or ZINTERCARD (cardOnly). numkeys is at
// c.Args[numkeysIdx], the keys follow.
func zsetOpGeneric(c *Ctx, numkeysIdx int, op zsetOp, store, cardOnly bool) resp.Reply {
	setnum, ok := ParseInt(c.Args[numkeysIdx])
	if !ok {
		return ErrNotInt
	}
	if setnum < 1 {
		return resp.Err("ERR at least 1 input key is needed for '" + c.Cmd.FullName + "' command")
	}
	if setnum > int64(len(c.Args)-(numkeysIdx+1)) {
		return ErrSyntax
	}
	srcs := make([]zsrc, setnum)
	j := numkeysIdx + 1
	for i := range srcs {
		srcs[i].weight = 1
		e := c.Read(c.Args[j])
		j++
		if e == nil {
			continue
		}
		switch e.Type {
		case TypeZSet:
			srcs[i].z = e.Obj().(*ZSet)
		case TypeSet:
			srcs[i].s = e.Obj().(*Set)
		default:
			return ErrWrongType
		}
	}
	agg, withScores := zaggSum, false
	var limit int64
	for j < len(c.Args) {
		remaining := len(c.Args) - j
		a := c.Args[j]
		switch {
		case op != zopDiff && !cardOnly && remaining >= len(srcs)+1 && EqualFold(a, "weights"):
			j++
			for i := range srcs {
				w, ok := ParseFloat(c.Args[j])
				if !ok {
					return resp.Err("ERR weight value is not a float")
				}
				srcs[i].weight = w
				j++
			}
		case op != zopDiff && !cardOnly && remaining >= 2 && EqualFold(a, "aggregate"):
			switch v := c.Args[j+1]; {
			case EqualFold(v, "sum"):
				agg = zaggSum
			case EqualFold(v, "min"):
				agg = zaggMin
			case EqualFold(v, "max"):
				agg = zaggMax
			default:
				return ErrSyntax
			}
			j += 2
		case !store && !cardOnly && EqualFold(a, "withscores"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && EqualFold(a, "limit"):
			var errRep resp.Reply
			if limit, errRep, ok = longArgRange(c.Args[j+1], 0, math.MaxInt64, "LIMIT can't be negative"); !ok {
				return errRep
			}
			j += 2
		default:
			return ErrSyntax
		}
	}
	if op != zopDiff {
		slices.SortStableFunc(srcs, func(a, b zsrc) int { return a.length() - b.length() })
	}

	var entries []zsetEntry
	var card int64
	switch op {
	case zopInter:
		if srcs[0].length() == 0 {
			break
		}
		srcs[0].each(func(m string, s float64) bool {
			score := srcs[0].weight * s
			if math.IsNaN(score) {
				score = 0
			}
			for i := 1; i < len(srcs); i++ {
				v, ok := srcs[i].find(m)
				if !ok {
					return true
				}
				zaggregate(&score, v*srcs[i].weight, agg)
			}
			if cardOnly {
				card++
				return limit == 0 || card < limit
			}
			entries = append(entries, zsetEntry{m, score})
			return true
		})
	case zopUnion:
		acc := make(map[string]float64, srcs[len(srcs)-1].length())
		for i := range srcs {
			srcs[i].each(func(m string, s float64) bool {
				score := srcs[i].weight * s
				if math.IsNaN(score) {
					score = 0
				}
				if cur, ok := acc[m]; ok {
					zaggregate(&cur, score, agg)
					acc[m] = cur
				} else {
					acc[m] = score
				}
				return true
			})
		}
		entries = make([]zsetEntry, 0, len(acc))
		for m, s := range acc {
			entries = append(entries, zsetEntry{m, s})
		}
	case zopDiff:
		for i := 1; i < len(srcs); i++ {
			if srcs[i].same(&srcs[0]) {
				srcs[0] = zsrc{} // a set minus itself
			}
		}
		srcs[0].each(func(m string, s float64) bool {
			for i := 1; i < len(srcs); i++ {
				if _, ok := srcs[i].find(m); ok {
					return true
				}
			}
			entries = append(entries, zsetEntry{m, s})
			return true
		})
	}
	if cardOnly {
		return resp.IntReply(card)
	}
	slices.SortFunc(entries, zsetCompare)
	if store {
		var res *ZSet
		if len(entries) > 0 {
			res = zsetFromSorted(entries, c.enc())
		}
		event := [...]string{zopUnion: "zunionstore", zopInter: "zinterstore", zopDiff: "zdiffstore"}[op]
		return zstoreResult(c, c.Args[1], res, event)
	}
	n := len(entries)
	if withScores {
		n *= 2
	}
	out := make([]resp.Reply, 0, n)
	for _, e := range entries {
		out = append(out, resp.BulkReply(e.member))
		if withScores {
			out = append(out, zscoreReply(e.score))
		}
	}
	return resp.ArrayReply(out)
}

// zstoreResult stores the result of a STORE command at dst (see
// storeObject in cmd_set.go); z nil stands for an empty result.
func zstoreResult(c *Ctx, dst string, z *ZSet, event string) resp.Reply {
	if z == nil {
		return storeObject(c, dst, TypeZSet, nil, NotifyZSet, event)
	}
	return storeObject(c, dst, TypeZSet, z, NotifyZSet, event)
}

// zstoreKeys returns the key positions of ZUNIONSTORE, ZINTERSTORE and
// ZDIFFSTORE (destination numkeys key ...) in Redis's order: when numkeys
// is a strict integer Redis reads its key specs, destination first;
// otherwise it falls back to zunionInterDiffStoreGetKeys (atoi, the
// destination last).
func zstoreKeys(args []string, dst []int) []int {
	if len(args) > 2 {
		if n, ok := ParseInt(args[2]); ok && n >= 1 && n <= int64(len(args)-3) {
			dst = append(dst, 1)
			for i := range int(n) {
				dst = append(dst, 3+i)
			}
			return dst
		}
	}
	return znumkeysPositions(args, dst, 1, 2, 3)
}

// zopKeys returns the key positions of ZUNION, ZINTER, ZDIFF and
// ZINTERCARD (numkeys key ...).
func zopKeys(args []string, dst []int) []int { return znumkeysPositions(args, dst, 0, 1, 2) }

// znumkeysPositions is Redis's genericGetKeys: numkeys at countOfs (read
// as C's atoi), that many keys from firstOfs, then the store key at
// storeOfs (0: none). An out-of-range numkeys gives no keys at all: the
// command then fails on its arguments without touching any key.
func znumkeysPositions(args []string, dst []int, storeOfs, countOfs, firstOfs int) []int {
	if len(args) <= countOfs {
		return dst
	}
	n := atoi(args[countOfs])
	if n < 1 || n > int64(len(args)-firstOfs) {
		return dst
	}
	for i := range int(n) {
		dst = append(dst, firstOfs+i)
	}
	if storeOfs > 0 {
		dst = append(dst, storeOfs)
	}
	return dst
}
