package shard

import (
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/kevydb/kevy/resp"
)

// SORT and SORT_RO (Redis's sort.c): sort the elements of a list, set or
// sorted set numerically or lexicographically, by themselves or by the
// values of other keys (BY pattern, with "*" replaced by the element and
// "->field" reading a hash field), return them or the values of other keys
// (GET pattern, "#" for the element), or store the result as a list
// (STORE, SORT only).
//
// Routing. BY and GET patterns name keys that exist only once the elements
// are known, so they may live on any shard; and STORE may name a key on
// another shard than the sorted one. Redis Cluster refuses such patterns;
// kevy serves them by registering both commands with RouteAll: the engine
// holds every shard (in ascending order, as for any multi-shard command)
// and the handler reads whatever keys it needs, atomically. The cost is a
// hold of every shard for every SORT, patterns or not, since a route is
// fixed per command, not per call: measured on a 4-shard actor store, a
// SORT of a 16-element list took about 14 µs held this way against 5.6 µs
// routed to its key's shard alone (the lock-based engine showed no
// difference); see BenchmarkSort. On a 1-shard store nothing changes.
//
// Each effect goes to the shard of the key it names: STORE logs "DEL dst"
// (when dst existed) and the stored list as RPUSH commands, wrapped in
// MULTI/EXEC, on dst's shard; nothing else is logged (the source and the
// pattern keys are only read).

func init() {
	s := Register("sort", func(c *Ctx) resp.Reply { return sortGeneric(c, false) })
	s.KeysFn, s.Route = sortKeys, RouteAll
	Register("sort_ro", func(c *Ctx) resp.Reply { return sortGeneric(c, true) }).Route = RouteAll
}

const msgSortScore = "ERR One or more scores can't be converted into double"

// sortRanger is implemented by the collections that have an order of
// their own, which SORT keeps when told not to sort (BY a pattern without
// "*"): lists, and sorted sets (by rank). SortRange calls fn for the
// elements from index start on, or, when desc, from index Len-1-start
// towards the first, until fn returns false.
type sortRanger interface {
	SortRange(start int, desc bool, fn func(elem string) bool)
}

// SortRange calls fn for the members from rank start on (counted from the
// highest score when desc), until fn returns false: the order SORT keeps
// for a sorted set it does not sort (see sortRanger).
func (z *ZSet) SortRange(start int, desc bool, fn func(member string) bool) {
	if start < 0 || start >= z.Len() {
		return
	}
	z.byRank(start, z.Len()-1, desc, func(m string, _ float64) bool { return fn(m) })
}

// sortItem is one element being sorted, with its sort key.
type sortItem struct {
	elem  string
	score float64 // numeric sort
	by    string  // ALPHA with BY: the value of the BY pattern
	hasBy bool    // by was found
}

// sortKeys returns the key positions of SORT: the sorted key and the last
// STORE destination, found as Redis's sortGetKeys does (skipping the
// arguments of LIMIT, GET and BY, but not those of STORE).
func sortKeys(args []string, dst []int) []int {
	dst = append(dst, 1)
	store := -1
	for i := 2; i < len(args); i++ {
		switch {
		case EqualFold(args[i], "limit"):
			i += 2
		case EqualFold(args[i], "store") && i+1 < len(args):
			store = i + 1
		case EqualFold(args[i], "get"), EqualFold(args[i], "by"):
			i++
		}
	}
	if store >= 0 {
		dst = append(dst, store)
	}
	return dst
}

// sortOptions are SORT's parsed arguments.
type sortOptions struct {
	desc, alpha, dontsort  bool
	limitStart, limitCount int64
	by                     string // BY pattern; "" = none
	hasBy                  bool
	store                  string
	hasStore               bool
	gets                   []string
}

// The errors of BY and GET patterns for a user whose ACL does not let it
// read every key.
var (
	errSortByACL  = resp.Err("ERR BY option of SORT denied due to insufficient ACL permissions.")
	errSortGetACL = resp.Err("ERR GET option of SORT denied due to insufficient ACL permissions.")
)

// SortPatternsDenied reports whether SORT (or SORT_RO when readonly) with
// args, run by a user without read access to every key, is refused for a
// BY pattern (with a "*") or a GET option, and the error reply: the
// refusal Redis's sortCommandGeneric makes while parsing the options, so
// a syntax error met first wins. Access control calls it before the
// command runs.
func SortPatternsDenied(args []string, readonly bool) (resp.Reply, bool) {
	_, r, ok := parseSort(args, readonly, true)
	if ok || r.Str != errSortByACL.Str && r.Str != errSortGetACL.Str {
		return resp.Reply{}, false
	}
	return r, true
}

// parseSort parses SORT's options as Redis's sortCommandGeneric does;
// restricted refuses BY and GET patterns (SortPatternsDenied).
func parseSort(args []string, readonly, restricted bool) (sortOptions, resp.Reply, bool) {
	o := sortOptions{limitCount: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch arg := args[j]; {
		case EqualFold(arg, "asc"):
			o.desc = false
		case EqualFold(arg, "desc"):
			o.desc = true
		case EqualFold(arg, "alpha"):
			o.alpha = true
		case EqualFold(arg, "limit") && left >= 2:
			var ok1, ok2 bool
			o.limitStart, ok1 = ParseInt(args[j+1])
			if ok1 {
				o.limitCount, ok2 = ParseInt(args[j+2])
			}
			if !ok1 || !ok2 {
				return o, ErrNotInt, false
			}
			j += 2
		case !readonly && EqualFold(arg, "store") && left >= 1:
			o.store, o.hasStore = args[j+1], true
			j++
		case EqualFold(arg, "by") && left >= 1:
			o.by, o.hasBy = args[j+1], true
			if strings.IndexByte(cstring(o.by), '*') < 0 {
				o.dontsort = true
			} else if restricted {
				return o, errSortByACL, false
			}
			j++
		case EqualFold(arg, "get") && left >= 1:
			if restricted {
				return o, errSortGetACL, false
			}
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			return o, ErrSyntax, false
		}
	}
	return o, resp.Reply{}, true
}

func sortGeneric(c *Ctx, readonly bool) resp.Reply {
	o, errRep, ok := parseSort(c.Args, readonly, false)
	if !ok {
		return errRep
	}
	var obj Object
	if e := c.Read(c.Args[1]); e != nil {
		switch e.Type {
		case TypeList, TypeSet, TypeZSet:
			obj = e.Obj()
		default:
			return ErrWrongType
		}
	}
	_, isSet := obj.(*Set)
	if o.dontsort && isSet && o.hasStore {
		// A set has no order of its own: a stored result must not depend
		// on the hash table's, so Redis sorts it (ALPHA) anyway.
		o.dontsort, o.alpha, o.hasBy = false, true, false
	}
	if z, ok := obj.(*ZSet); ok {
		z.SortConvert() // Redis converts a listpack for good here
	}

	vectorlen := int64(0)
	if obj != nil {
		vectorlen = int64(obj.Len())
	}
	start := min(max(o.limitStart, 0), vectorlen)
	limitCount := min(max(o.limitCount, -1), vectorlen)
	end := vectorlen - 1
	if limitCount >= 0 {
		end = start + limitCount - 1
	}
	if start >= vectorlen {
		start, end = vectorlen-1, vectorlen-2
	}
	if end >= vectorlen {
		end = vectorlen - 1
	}

	ranger, ordered := obj.(sortRanger)
	if obj != nil && !isSet && !ordered {
		return resp.Err("ERR SORT is not supported for this type")
	}
	var items []sortItem
	switch {
	case obj == nil:
	case ordered && o.dontsort:
		// Only the range asked for, in the collection's order.
		if end >= start {
			items = make([]sortItem, 0, end-start+1)
			ranger.SortRange(int(start), o.desc, func(v string) bool {
				items = append(items, sortItem{elem: v})
				return int64(len(items)) < end-start+1
			})
		}
		end -= start
		start = 0
	case ordered:
		items = make([]sortItem, 0, vectorlen)
		ranger.SortRange(0, false, func(v string) bool {
			items = append(items, sortItem{elem: v})
			return true
		})
	default:
		items = make([]sortItem, 0, vectorlen)
		obj.(*Set).Range(func(m string) bool {
			items = append(items, sortItem{elem: m})
			return true
		})
	}

	convErr := false
	if !o.dontsort {
		for i := range items {
			it := &items[i]
			byval := it.elem
			if o.hasBy {
				v, found := sortLookup(c, o.by, it.elem)
				if !found {
					continue
				}
				byval = v
			}
			if o.alpha {
				if o.hasBy {
					it.by, it.hasBy = byval, true
				}
				continue
			}
			f, ok := sortStrtod(byval)
			if !ok {
				convErr = true
			}
			it.score = f
		}
		slices.SortStableFunc(items, sortCompare(o))
	}

	outputlen := max(end-start+1, 0)
	if len(o.gets) > 0 {
		outputlen *= int64(len(o.gets))
	}
	if convErr {
		return resp.Err(msgSortScore)
	}
	if !o.hasStore {
		out := make([]resp.Reply, 0, outputlen)
		for j := start; j <= end; j++ {
			elem := items[j].elem
			if len(o.gets) == 0 {
				out = append(out, resp.Reply{Kind: resp.Bulk, Str: elem})
			}
			for _, pat := range o.gets {
				if v, found := sortLookup(c, pat, elem); found {
					out = append(out, resp.Reply{Kind: resp.Bulk, Str: v})
				} else {
					out = append(out, resp.NilReply)
				}
			}
		}
		return resp.ArrayReply(out)
	}
	result := newList(c.enc())
	for j := start; j <= end; j++ {
		elem := items[j].elem
		if len(o.gets) == 0 {
			result.PushBack(elem)
		}
		for _, pat := range o.gets {
			v, _ := sortLookup(c, pat, elem) // missing: ""
			result.PushBack(v)
		}
	}
	storeObject(c, o.store, TypeList, result, NotifyList, "sortstore")
	return resp.IntReply(outputlen)
}

// sortCompare returns SORT's order (Redis's sortCompare): numeric by score
// with ties broken by the elements' bytes; ALPHA by the BY values
// (missing ones first) or by the elements. Without STORE Redis compares
// with strcoll, which in the C and C.UTF-8 locales is strcmp: the bytes up
// to the first NUL; with STORE it compares every byte.
func sortCompare(o sortOptions) func(a, b sortItem) int {
	collate := strings.Compare
	if !o.hasStore {
		collate = func(a, b string) int { return strings.Compare(cstring(a), cstring(b)) }
	}
	return func(a, b sortItem) int {
		var r int
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				r = 1
			case a.score < b.score:
				r = -1
			default:
				r = strings.Compare(a.elem, b.elem)
			}
		case o.hasBy:
			switch {
			case a.hasBy && b.hasBy:
				r = collate(a.by, b.by)
			case a.hasBy:
				r = 1
			case b.hasBy:
				r = -1
			}
		default:
			r = collate(a.elem, b.elem)
		}
		if o.desc {
			r = -r
		}
		return r
	}
}

// sortLookup returns the value a BY or GET pattern names for elem, as
// Redis's lookupKeyByPattern: "#" is elem itself; otherwise the first "*"
// is replaced by elem to form a key, which must hold a string, or, when
// the pattern goes on with "->field", a hash holding that field. A pattern
// without "*" names nothing. The key is read as any read is (hit/miss
// counters, lazy expiry), on whichever shard owns it.
func sortLookup(c *Ctx, pattern, elem string) (string, bool) {
	cpat := cstring(pattern) // Redis searches the pattern as a C string
	if cpat == "#" {
		return elem, true
	}
	p := strings.IndexByte(cpat, '*')
	if p < 0 {
		return "", false
	}
	field, hasField := "", false
	if f := strings.Index(cpat[p+1:], "->"); f >= 0 {
		f += p + 1
		if f+2 < len(cpat) {
			field, hasField = pattern[f+2:], true
		}
	}
	post := pattern[p+1:]
	if hasField {
		post = pattern[p+1 : len(pattern)-len(field)-2]
	}
	key := pattern[:p] + elem + post
	e := c.Read(key)
	if e == nil {
		return "", false
	}
	if hasField {
		if e.Type != TypeHash {
			return "", false
		}
		return e.Obj().(*Hash).Get(field)
	}
	if e.Type != TypeString {
		return "", false
	}
	return e.StrValue(), true
}

// cstring returns s up to its first NUL byte: what C sees of it.
func cstring(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// sortStrtod converts a SORT weight as Redis does: strtod over the C
// string, which may start with white space and must be consumed whole;
// NaN and ERANGE (overflow, and underflow that loses precision) are
// errors. The empty string is 0.
func sortStrtod(s string) (float64, bool) {
	cs := cstring(s)
	t := strings.TrimLeft(cs, " \t\n\v\f\r")
	if t == "" {
		return 0, cs == "" // no conversion: the end pointer is the start
	}
	f, ok := ParseFloat(t)
	if !ok {
		return 0, false
	}
	if f != 0 && !math.IsInf(f, 0) && math.Abs(f) < 0x1p-1022 {
		// A subnormal result: strtod sets ERANGE unless it is exact.
		want, ok := new(big.Rat).SetString(t)
		if !ok || new(big.Rat).SetFloat64(f).Cmp(want) != 0 {
			return f, false
		}
	}
	return f, true
}
