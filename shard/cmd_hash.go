package shard

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/kevydb/kevy/internal/dict"
	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/resp"
)

// Hash commands: HSET HMSET HSETNX HGET HMGET HDEL HLEN HEXISTS HSTRLEN
// HINCRBY HINCRBYFLOAT HKEYS HVALS HGETALL HRANDFIELD HSCAN (Redis's
// t_hash.c).

func init() {
	Register("hset", func(c *Ctx) resp.Reply { return hsetGeneric(c, false) })
	Register("hmset", func(c *Ctx) resp.Reply { return hsetGeneric(c, true) })
	Register("hsetnx", cmdHSetNX)
	Register("hget", cmdHGet)
	Register("hmget", cmdHMGet)
	Register("hdel", cmdHDel)
	Register("hlen", cmdHLen)
	Register("hexists", cmdHExists)
	Register("hstrlen", cmdHStrLen)
	Register("hincrby", cmdHIncrBy)
	Register("hincrbyfloat", cmdHIncrByFloat)
	Register("hkeys", func(c *Ctx) resp.Reply { return hgetallGeneric(c, true, false) })
	Register("hvals", func(c *Ctx) resp.Reply { return hgetallGeneric(c, false, true) })
	Register("hgetall", func(c *Ctx) resp.Reply { return hgetallGeneric(c, true, true) })
	Register("hrandfield", cmdHRandField)
	Register("hscan", cmdHScan)
}

const (
	msgHashNotInt   = "ERR hash value is not an integer"
	msgHashNotFloat = "ERR hash value is not a float"
	msgIncrNaNInf   = "ERR value is NaN or Infinity"
	msgInvalidCur   = "ERR invalid cursor"
	// msgRandTooMany answers a random-member command whose negative count
	// asks for more than randCountLimit repeated elements. Redis would try
	// to build the reply; an embedded store must not exhaust its host's
	// memory on one command.
	msgRandTooMany = "ERR value is out of range"
)

// randCountLimit bounds the reply of HRANDFIELD and SRANDMEMBER with a
// negative count (repeats allowed): at most this many elements.
const randCountLimit = 1 << 22

// emptyScan is the reply to a scan of a missing key.
var emptyScan = resp.ArrayReply([]resp.Reply{resp.BulkReply("0"), resp.EmptyArr})

// readHash looks key up for reading. It returns the hash, or nil and
// missing when the key does not exist, or nil and WRONGTYPE.
func readHash(c *Ctx, key string, missing resp.Reply) (*Hash, resp.Reply) {
	e := c.Read(key)
	if e == nil {
		return nil, missing
	}
	if e.Type != TypeHash {
		return nil, ErrWrongType
	}
	return e.Obj().(*Hash), resp.Reply{}
}

// writeHash looks key up for writing. It returns the hash (nil when the key
// does not exist) and false when the key holds another type.
func writeHash(c *Ctx, key string) (*Hash, bool) {
	e := c.Write(key)
	if e == nil {
		return nil, true
	}
	if e.Type != TypeHash {
		return nil, false
	}
	return e.Obj().(*Hash), true
}

// createHash adds key, which must not exist, holding an empty hash.
func createHash(c *Ctx, key string) *Hash {
	h := NewHash()
	c.Add(key, TypeHash).SetObj(h)
	return h
}

func hsetGeneric(c *Ctx, hmset bool) resp.Reply {
	if len(c.Args)%2 == 1 {
		return ArityError(c.Cmd.FullName)
	}
	key := c.Args[1]
	h, ok := writeHash(c, key)
	if !ok {
		return ErrWrongType
	}
	if h == nil {
		h = createHash(c, key)
	}
	enc := c.enc()
	h.tryConversion(c.Args[2:], enc)
	h.reserve(c.Args[2:])
	created := 0
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(c.Args[i], c.Args[i+1], enc) {
			created++
		}
	}
	c.Modified(key)
	c.Notify(NotifyHash, "hset", key)
	c.Propagate(key, c.Args...)
	if hmset {
		return resp.OK
	}
	return resp.IntReply(int64(created))
}

func cmdHSetNX(c *Ctx) resp.Reply {
	key, field, val := c.Args[1], c.Args[2], c.Args[3]
	h, ok := writeHash(c, key)
	if !ok {
		return ErrWrongType
	}
	if h == nil {
		h = createHash(c, key)
	} else if _, exists := h.lookup(field); exists {
		return resp.Zero
	}
	h.tryConversion(c.Args[2:4], c.enc())
	h.Set(field, val, c.enc())
	c.Modified(key)
	c.Notify(NotifyHash, "hset", key)
	c.Propagate(key, "HSET", key, field, val)
	return resp.One
}

func cmdHGet(c *Ctx) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.NilReply)
	if h == nil {
		return rep
	}
	if v, ok := h.Get(c.Args[2]); ok {
		return resp.Reply{Kind: resp.Bulk, Str: v}
	}
	return resp.NilReply
}

func cmdHMGet(c *Ctx) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.Reply{})
	if rep.Kind == resp.Error {
		return rep
	}
	out := make([]resp.Reply, len(c.Args)-2)
	for i, f := range c.Args[2:] {
		out[i] = resp.NilReply
		if h != nil {
			if v, ok := h.Get(f); ok {
				out[i] = resp.Reply{Kind: resp.Bulk, Str: v}
			}
		}
	}
	return resp.ArrayReply(out)
}

func cmdHDel(c *Ctx) resp.Reply {
	key := c.Args[1]
	h, ok := writeHash(c, key)
	if !ok {
		return ErrWrongType
	}
	if h == nil {
		return resp.Zero
	}
	deleted, removed := 0, false
	for _, f := range c.Args[2:] {
		if h.Delete(f) {
			deleted++
			if h.Len() == 0 {
				c.Delete(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.Modified(key)
		c.Notify(NotifyHash, "hdel", key)
		if removed {
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(deleted))
}

func cmdHLen(c *Ctx) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.Zero)
	if h == nil {
		return rep
	}
	return resp.IntReply(int64(h.Len()))
}

func cmdHExists(c *Ctx) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.Zero)
	if h == nil {
		return rep
	}
	if _, ok := h.lookup(c.Args[2]); ok {
		return resp.One
	}
	return resp.Zero
}

func cmdHStrLen(c *Ctx) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.Zero)
	if h == nil {
		return rep
	}
	v, _ := h.lookup(c.Args[2])
	return resp.IntReply(int64(len(v)))
}

func cmdHIncrBy(c *Ctx) resp.Reply {
	key, field := c.Args[1], c.Args[2]
	incr, ok := ParseInt(c.Args[3])
	if !ok {
		return ErrNotInt
	}
	h, ok := writeHash(c, key)
	if !ok {
		return ErrWrongType
	}
	var cur int64
	if h != nil {
		if v, exists := h.lookup(field); exists {
			if cur, ok = ParseInt(v); !ok {
				return resp.Err(msgHashNotInt)
			}
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) || (incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		return ErrOverflow
	}
	cur += incr
	s := strconv.FormatInt(cur, 10)
	if h == nil {
		h = createHash(c, key)
	}
	h.Set(field, s, c.enc())
	c.Modified(key)
	c.Notify(NotifyHash, "hincrby", key)
	c.Propagate(key, "HSET", key, field, s)
	return resp.IntReply(cur)
}

func cmdHIncrByFloat(c *Ctx) resp.Reply {
	key, field := c.Args[1], c.Args[2]
	incr, ok := ParseLongDouble(c.Args[3])
	if !ok {
		return ErrNotFloat
	}
	if incr.IsInf() {
		return resp.Err(msgIncrNaNInf)
	}
	h, ok := writeHash(c, key)
	if !ok {
		return ErrWrongType
	}
	cur := LongDoubleFromInt(0)
	if h != nil {
		if v, exists := h.lookup(field); exists {
			if cur, ok = ParseLongDouble(v); !ok {
				return resp.Err(msgHashNotFloat)
			}
		}
	}
	sum, ok := AddLongDouble(cur, incr)
	if !ok {
		return resp.Err(MsgNaNInf)
	}
	s := FormatLongDouble(sum)
	if h == nil {
		h = createHash(c, key)
	}
	h.Set(field, s, c.enc())
	c.Modified(key)
	c.Notify(NotifyHash, "hincrbyfloat", key)
	c.Propagate(key, "HSET", key, field, s)
	return resp.BulkReply(s)
}

func hgetallGeneric(c *Ctx, fields, values bool) resp.Reply {
	h, rep := readHash(c, c.Args[1], resp.EmptyArr)
	if h == nil {
		return rep
	}
	n := h.Len()
	if fields && values {
		n *= 2
	}
	out := make([]resp.Reply, 0, n)
	h.Range(func(f, v string) bool {
		if fields {
			out = append(out, resp.Reply{Kind: resp.Bulk, Str: f})
		}
		if values {
			out = append(out, resp.Reply{Kind: resp.Bulk, Str: v})
		}
		return true
	})
	return resp.ArrayReply(out)
}

// longArgRange parses an argument as Redis's getRangeLongFromObjectOrReply:
// an integer in [lo, hi]; msg, when not empty, replaces both error texts.
func longArgRange(arg string, lo, hi int64, msg string) (int64, resp.Reply, bool) {
	n, ok := ParseInt(arg)
	if !ok {
		if msg != "" {
			return 0, resp.Err("ERR " + msg), false
		}
		return 0, ErrNotInt, false
	}
	if n < lo || n > hi {
		if msg != "" {
			return 0, resp.Err("ERR " + msg), false
		}
		return 0, resp.Err("ERR value is out of range, value must between " +
			strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10)), false
	}
	return n, resp.Reply{}, true
}

func cmdHRandField(c *Ctx) resp.Reply {
	key := c.Args[1]
	if len(c.Args) >= 3 {
		l, errRep, ok := longArgRange(c.Args[2], -math.MaxInt64, math.MaxInt64, "")
		if !ok {
			return errRep
		}
		withValues := false
		if len(c.Args) > 4 || (len(c.Args) == 4 && !EqualFold(c.Args[3], "withvalues")) {
			return ErrSyntax
		}
		if len(c.Args) == 4 {
			withValues = true
			if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
				return resp.Err(MsgNotIntOrRange)
			}
		}
		return hrandfieldWithCount(c, l, withValues)
	}
	h, rep := readHash(c, key, resp.NilReply)
	if h == nil {
		return rep
	}
	f, _ := h.random(memberRand(c, key))
	return resp.BulkReply(f)
}

// hrandfieldWithCount is HRANDFIELD key count [WITHVALUES]: a negative count
// returns that many random fields, repeats allowed; a positive one returns
// that many distinct fields, or the whole hash when it has no more.
func hrandfieldWithCount(c *Ctx, l int64, withValues bool) resp.Reply {
	key := c.Args[1]
	h, rep := readHash(c, key, resp.EmptyArr)
	if h == nil {
		return rep
	}
	if l == 0 {
		return resp.EmptyArr
	}
	per := 1
	if withValues {
		per = 2
	}
	r := memberRand(c, key)
	size := h.Len()
	if l < 0 || l == 1 {
		count := l
		if count < 0 {
			count = -count
		}
		if count > randCountLimit {
			return resp.Err(msgRandTooMany)
		}
		out := make([]resp.Reply, 0, int(count)*per)
		for range count {
			f, v := h.random(r)
			out = append(out, resp.BulkReply(f))
			if withValues {
				out = append(out, resp.BulkReply(v))
			}
		}
		return resp.ArrayReply(out)
	}
	pairs := pickPairs(h, size, l, r)
	out := make([]resp.Reply, 0, len(pairs)/2*per)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, resp.BulkReply(pairs[i]))
		if withValues {
			out = append(out, resp.BulkReply(pairs[i+1]))
		}
	}
	return resp.ArrayReply(out)
}

// pickPairs returns count distinct fields of h (size fields) with their
// values, flattened: every field when count >= size (in the hash's order);
// otherwise a uniform random choice, made by a partial shuffle of all the
// pairs when the hash is small or not much larger than count (Redis's
// cases 3 and 4 for listpacks), and by repeated random draws with a
// duplicate check for large hash tables (Redis's case 4).
func pickPairs(h *Hash, size int, count int64, r *rand.Rand) []string {
	if count >= int64(size) {
		return h.pairs()
	}
	n := int(count)
	if h.ht == nil || n*3 > size {
		pairs := h.pairs()
		for i := 0; i < n; i++ {
			j := i + memberRandN(r, size-i)
			pairs[2*i], pairs[2*j] = pairs[2*j], pairs[2*i]
			pairs[2*i+1], pairs[2*j+1] = pairs[2*j+1], pairs[2*i+1]
		}
		return pairs[:2*n]
	}
	seen := make(map[string]struct{}, n)
	out := make([]string, 0, 2*n)
	for len(seen) < n {
		f, v, _ := h.ht.d.RandomShared(r)
		if _, dup := seen[f]; dup {
			continue
		}
		seen[f] = struct{}{}
		out = append(out, f, v.value())
	}
	return out
}

func cmdHScan(c *Ctx) resp.Reply {
	key := c.Args[1]
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return resp.Err(msgInvalidCur)
	}
	h, rep := readHash(c, key, emptyScan)
	if h == nil {
		return rep
	}
	opts, errRep, ok := ParseScanOptions(c.Args, 3, false)
	if !ok {
		return errRep
	}
	var m glob.Pattern
	if opts.HasPattern {
		m = glob.Compile(opts.Pattern)
	}
	var out []resp.Reply
	add := func(f, v string) {
		if !opts.HasPattern || m.Match(f) {
			out = append(out, resp.BulkReply(f), resp.BulkReply(v))
		}
	}
	if h.ht == nil {
		// A listpack is small: all of it at once, and the scan is over.
		out = make([]resp.Reply, 0, 2*h.Len())
		h.Range(func(f, v string) bool { add(f, v); return true })
		return scanReply(0, out)
	}
	// Redis counts fields and values, so its step bound is 2*COUNT*10.
	next := scanDictStep(h.ht.d, cursor, opts.Count, opts.Count*20, func(f string, v *hashField) { add(f, v.value()) })
	return scanReply(next, out)
}

// parseScanCursor parses an HSCAN/SSCAN cursor as Redis does: ParseCursor,
// plus strtoul's reading of an empty string as 0.
func parseScanCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	return ParseCursor(s)
}

// scanDictStep runs the hash-table part of Redis's scanGenericCommand:
// dict scan steps from cursor until the scan is complete, at least count
// entries were visited, or maxIter more steps went by. It returns the
// cursor to continue from.
func scanDictStep[V any](d *dict.Dict[V], cursor uint64, count, maxIter int, fn func(k string, v *V)) uint64 {
	visited := 0
	visit := func(k string, v *V) {
		visited++
		fn(k, v)
	}
	for ; ; maxIter-- {
		cursor = d.ScanShared(cursor, visit)
		if cursor == 0 || maxIter == 0 || visited >= count {
			return cursor
		}
	}
}

// scanReply builds a [cursor, elements] reply.
func scanReply(cursor uint64, elems []resp.Reply) resp.Reply {
	if elems == nil {
		elems = []resp.Reply{}
	}
	return resp.ArrayReply([]resp.Reply{resp.BulkReply(strconv.FormatUint(cursor, 10)), resp.ArrayReply(elems)})
}
