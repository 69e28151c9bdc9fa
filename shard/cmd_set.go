package shard

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/kevydb/kevy/internal/glob"
	"github.com/kevydb/kevy/resp"
)

// Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP
// SRANDMEMBER SMOVE SINTER SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE
// SINTERCARD SSCAN (Redis's t_set.c).

func init() {
	Register("sadd", cmdSAdd)
	Register("srem", cmdSRem)
	Register("scard", cmdSCard)
	Register("sismember", cmdSIsMember)
	Register("smismember", cmdSMIsMember)
	Register("smembers", cmdSMembers)
	Register("spop", cmdSPop)
	Register("srandmember", cmdSRandMember)
	Register("smove", cmdSMove)
	Register("sinter", func(c *Ctx) resp.Reply { return sinterGeneric(c, c.Args[1:], "", false, false, 0) })
	Register("sinterstore", func(c *Ctx) resp.Reply { return sinterGeneric(c, c.Args[2:], c.Args[1], true, false, 0) })
	Register("sunion", func(c *Ctx) resp.Reply { return sunionDiffGeneric(c, c.Args[1:], "", false, false) })
	Register("sunionstore", func(c *Ctx) resp.Reply { return sunionDiffGeneric(c, c.Args[2:], c.Args[1], true, false) })
	Register("sdiff", func(c *Ctx) resp.Reply { return sunionDiffGeneric(c, c.Args[1:], "", false, true) })
	Register("sdiffstore", func(c *Ctx) resp.Reply { return sunionDiffGeneric(c, c.Args[2:], c.Args[1], true, true) })
	Register("sintercard", cmdSInterCard).KeysFn = sintercardKeys
	Register("sscan", cmdSScan)
}

const (
	// spopMoveStrategyMul: SPOP with a count keeps the remaining members in
	// a new set when they are at most 1/5 of the popped ones.
	spopMoveStrategyMul = 5
	// sremBatch is the most members one SREM effect of SPOP names.
	sremBatch = 1024
)

// readSet looks key up for reading. It returns the set, or nil and missing
// when the key does not exist, or nil and WRONGTYPE.
func readSet(c *Ctx, key string, missing resp.Reply) (*Set, resp.Reply) {
	e := c.Read(key)
	if e == nil {
		return nil, missing
	}
	if e.Type != TypeSet {
		return nil, ErrWrongType
	}
	return e.Obj().(*Set), resp.Reply{}
}

// writeSet looks key up for writing. It returns the entry (nil when the key
// does not exist) and false when the key holds another type.
func writeSet(c *Ctx, key string) (*Entry, bool) {
	e := c.Write(key)
	if e != nil && e.Type != TypeSet {
		return nil, false
	}
	return e, true
}

func cmdSAdd(c *Ctx) resp.Reply {
	key := c.Args[1]
	e, ok := writeSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		e = c.Add(key, TypeSet)
		e.SetObj(newSetFor(c.Args[2]))
	}
	s := e.Obj().(*Set)
	s.reserve(c.Args[2:], c.enc())
	added := 0
	for _, m := range c.Args[2:] {
		if s.Add(m, c.enc()) {
			added++
		}
	}
	if added > 0 {
		c.Modified(key)
		c.Notify(NotifySet, "sadd", key)
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(added))
}

func cmdSRem(c *Ctx) resp.Reply {
	key := c.Args[1]
	e, ok := writeSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		return resp.Zero
	}
	s := e.Obj().(*Set)
	deleted, removed := 0, false
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			deleted++
			if s.Len() == 0 {
				c.Delete(key)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.Modified(key)
		c.Notify(NotifySet, "srem", key)
		if removed {
			c.Notify(NotifyGeneric, "del", key)
		}
		c.Propagate(key, c.Args...)
	}
	return resp.IntReply(int64(deleted))
}

func cmdSCard(c *Ctx) resp.Reply {
	s, rep := readSet(c, c.Args[1], resp.Zero)
	if s == nil {
		return rep
	}
	return resp.IntReply(int64(s.Len()))
}

func cmdSIsMember(c *Ctx) resp.Reply {
	s, rep := readSet(c, c.Args[1], resp.Zero)
	if s == nil {
		return rep
	}
	if s.Has(c.Args[2]) {
		return resp.One
	}
	return resp.Zero
}

func cmdSMIsMember(c *Ctx) resp.Reply {
	s, rep := readSet(c, c.Args[1], resp.Reply{})
	if rep.Kind == resp.Error {
		return rep
	}
	out := make([]resp.Reply, len(c.Args)-2)
	for i, m := range c.Args[2:] {
		out[i] = resp.Zero
		if s != nil && s.Has(m) {
			out[i] = resp.One
		}
	}
	return resp.ArrayReply(out)
}

func cmdSMembers(c *Ctx) resp.Reply {
	s, rep := readSet(c, c.Args[1], resp.EmptyArr)
	if s == nil {
		return rep
	}
	return resp.BulkArray(s.members())
}

func cmdSPop(c *Ctx) resp.Reply {
	if len(c.Args) == 3 {
		return spopWithCount(c)
	}
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	key := c.Args[1]
	e, ok := writeSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil {
		return resp.NilReply
	}
	s := e.Obj().(*Set)
	m := s.random(c.KS(key).Rand())
	s.Remove(m)
	c.Notify(NotifySet, "spop", key)
	c.Propagate(key, "SREM", key, m)
	if s.Len() == 0 {
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
	}
	c.Modified(key)
	return resp.BulkReply(m)
}

// spopWithCount is SPOP key count. It pops count random members (all of
// them, deleting the key, when count >= the size) and logs what it removed
// as SREM effects (DEL when it took everything).
func spopWithCount(c *Ctx) resp.Reply {
	key := c.Args[1]
	count, errRep, ok := longArgRange(c.Args[2], 0, math.MaxInt64, "value is out of range, must be positive")
	if !ok {
		return errRep
	}
	e, ok := writeSet(c, key)
	if !ok {
		return ErrWrongType
	}
	if e == nil || count == 0 {
		return resp.EmptyArr
	}
	s := e.Obj().(*Set)
	size := int64(s.Len())
	c.Notify(NotifySet, "spop", key)
	if count >= size {
		out := s.members()
		c.Delete(key)
		c.Notify(NotifyGeneric, "del", key)
		c.Propagate(key, "DEL", key)
		c.Modified(key)
		return resp.BulkArray(out)
	}
	r := c.KS(key).Rand()
	var popped []string
	if remaining := size - count; remaining*spopMoveStrategyMul > count {
		// Few to pop: draw and remove them one by one.
		popped = make([]string, 0, count)
		for range count {
			m := s.random(r)
			s.Remove(m)
			popped = append(popped, m)
		}
	} else {
		// Few to keep: draw those into a new set, pop the rest.
		var keep *Set
		for range remaining {
			m := s.random(r)
			if keep == nil {
				keep = newSetFor(m)
			}
			keep.Add(m, c.enc())
			s.Remove(m)
		}
		popped = s.members()
		e.SetObj(keep)
	}
	for i := 0; i < len(popped); i += sremBatch {
		part := popped[i:min(i+sremBatch, len(popped))]
		argv := make([]string, 0, 2+len(part))
		argv = append(argv, "SREM", key)
		c.Propagate(key, append(argv, part...)...)
	}
	c.Modified(key)
	return resp.BulkArray(popped)
}

func cmdSRandMember(c *Ctx) resp.Reply {
	if len(c.Args) == 3 {
		return srandmemberWithCount(c)
	}
	if len(c.Args) > 3 {
		return ErrSyntax
	}
	key := c.Args[1]
	s, rep := readSet(c, key, resp.NilReply)
	if s == nil {
		return rep
	}
	return resp.BulkReply(s.random(memberRand(c, key)))
}

// srandmemberWithCount is SRANDMEMBER key count: a negative count returns
// that many random members, repeats allowed; a positive one that many
// distinct members, or the whole set when it has no more.
func srandmemberWithCount(c *Ctx) resp.Reply {
	key := c.Args[1]
	l, errRep, ok := longArgRange(c.Args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return errRep
	}
	s, rep := readSet(c, key, resp.EmptyArr)
	if s == nil {
		return rep
	}
	if l == 0 {
		return resp.EmptyArr
	}
	r := memberRand(c, key)
	if l < 0 || l == 1 {
		count := l
		if count < 0 {
			count = -count
		}
		if count > randCountLimit {
			return resp.Err(msgRandTooMany)
		}
		out := make([]resp.Reply, count)
		for i := range out {
			out[i] = resp.BulkReply(s.random(r))
		}
		return resp.ArrayReply(out)
	}
	size := s.Len()
	if l >= int64(size) {
		return resp.BulkArray(s.members())
	}
	n := int(l)
	if n*3 > size || s.ht == nil {
		// Not much larger than what is asked (or a small intset): shuffle
		// the start of the member list into a uniform random choice.
		all := s.members()
		for i := 0; i < n; i++ {
			j := i + memberRandN(r, size-i)
			all[i], all[j] = all[j], all[i]
		}
		return resp.BulkArray(all[:n])
	}
	seen := make(map[string]struct{}, n)
	out := make([]resp.Reply, 0, n)
	for len(out) < n {
		m, _, _ := s.ht.RandomShared(r)
		if _, dup := seen[m]; dup {
			continue
		}
		seen[m] = struct{}{}
		out = append(out, resp.BulkReply(m))
	}
	return resp.ArrayReply(out)
}

func cmdSMove(c *Ctx) resp.Reply {
	src, dst, m := c.Args[1], c.Args[2], c.Args[3]
	se := c.Write(src)
	de := c.Write(dst)
	if se == nil {
		return resp.Zero
	}
	if se.Type != TypeSet || (de != nil && de.Type != TypeSet) {
		return ErrWrongType
	}
	if se == de {
		if se.Obj().(*Set).Has(m) {
			return resp.One
		}
		return resp.Zero
	}
	ss := se.Obj().(*Set)
	if !ss.Remove(m) {
		return resp.Zero
	}
	c.Notify(NotifySet, "srem", src)
	if ss.Len() == 0 {
		c.Delete(src)
		c.Notify(NotifyGeneric, "del", src)
	}
	if de == nil {
		de = c.Add(dst, TypeSet)
		de.SetObj(newSetFor(m))
	}
	c.Modified(src)
	added := de.Obj().(*Set).Add(m, c.enc())
	if added {
		c.Modified(dst)
		c.Notify(NotifySet, "sadd", dst)
	}
	if c.KS(src) == c.KS(dst) {
		c.Propagate(src, "SMOVE", src, dst, m)
	} else {
		c.Propagate(src, "SREM", src, m)
		if added {
			c.Propagate(dst, "SADD", dst, m)
		}
	}
	return resp.One
}

// sinterGeneric is SINTER, SINTERSTORE (store: the result goes to dst) and
// SINTERCARD (cardOnly, stopping at limit when it is not 0), as Redis's
// sinterGenericCommand.
func sinterGeneric(c *Ctx, keys []string, dst string, store, cardOnly bool, limit int64) resp.Reply {
	sets := make([]*Set, len(keys))
	empty := false
	for j, k := range keys {
		e := c.Read(k)
		if e == nil {
			empty = true
			continue
		}
		if e.Type != TypeSet {
			return ErrWrongType
		}
		sets[j] = e.Obj().(*Set)
	}
	if empty {
		switch {
		case store:
			return storeSetResult(c, dst, nil, "sinterstore")
		case cardOnly:
			return resp.Zero
		}
		return resp.EmptyArr
	}
	slices.SortStableFunc(sets, func(a, b *Set) int { return cmp.Compare(a.Len(), b.Len()) })
	var (
		result *Set
		out    []resp.Reply
		card   int64
	)
	if store {
		result = NewSet()
	}
	enc := c.enc()
	first := sets[0]
	first.each(func(m string, n int64, isInt bool) bool {
		for _, s := range sets[1:] {
			if s != first && !s.hasElem(m, n, isInt) {
				return true
			}
		}
		switch {
		case cardOnly:
			card++
			return limit == 0 || card < limit
		case store:
			result.addElem(m, n, isInt, enc)
		default:
			if isInt {
				m = strconv.FormatInt(n, 10)
			}
			out = append(out, resp.BulkReply(m))
		}
		return true
	})
	switch {
	case cardOnly:
		return resp.IntReply(card)
	case store:
		return storeSetResult(c, dst, result, "sinterstore")
	}
	if out == nil {
		return resp.EmptyArr
	}
	return resp.ArrayReply(out)
}

// sunionDiffGeneric is SUNION, SDIFF and their STORE forms, as Redis's
// sunionDiffGenericCommand (including its choice between the two SDIFF
// algorithms, which decides the work done, not the result).
func sunionDiffGeneric(c *Ctx, keys []string, dst string, store, diff bool) resp.Reply {
	sets := make([]*Set, len(keys))
	sameset := false
	for j, k := range keys {
		e := c.Read(k)
		if e == nil {
			continue
		}
		if e.Type != TypeSet {
			return ErrWrongType
		}
		sets[j] = e.Obj().(*Set)
		if j > 0 && sets[j] == sets[0] {
			sameset = true
		}
	}
	algo := 1
	if diff && sets[0] != nil && !sameset {
		var one, two int
		for _, s := range sets {
			if s != nil {
				one += sets[0].Len()
				two += s.Len()
			}
		}
		if one/2 > two {
			algo = 2
		}
		if algo == 1 && len(sets) > 1 {
			slices.SortStableFunc(sets[1:], func(a, b *Set) int { return cmp.Compare(setLen(b), setLen(a)) })
		}
	}
	result := NewSet()
	enc := c.enc()
	switch {
	case !diff:
		for _, s := range sets {
			if s != nil {
				s.each(func(m string, n int64, isInt bool) bool {
					result.addElem(m, n, isInt, enc)
					return true
				})
			}
		}
	case sameset || sets[0] == nil:
		// Empty: the first set is missing or is subtracted from itself.
	case algo == 1:
		first := sets[0]
		first.each(func(m string, n int64, isInt bool) bool {
			for _, s := range sets[1:] {
				if s != nil && (s == first || s.hasElem(m, n, isInt)) {
					return true
				}
			}
			result.addElem(m, n, isInt, enc)
			return true
		})
	default:
		for j, s := range sets {
			if s == nil {
				continue
			}
			s.each(func(m string, n int64, isInt bool) bool {
				if j == 0 {
					result.addElem(m, n, isInt, enc)
				} else {
					result.removeElem(m, n, isInt)
				}
				return true
			})
			if result.Len() == 0 {
				break
			}
		}
	}
	if !store {
		return resp.BulkArray(result.members())
	}
	event := "sunionstore"
	if diff {
		event = "sdiffstore"
	}
	return storeSetResult(c, dst, result, event)
}

func setLen(s *Set) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

// storeSetResult stores the result of a set *STORE command at dst (see
// storeObject); s nil stands for an empty result.
func storeSetResult(c *Ctx, dst string, s *Set, event string) resp.Reply {
	if s == nil {
		return storeObject(c, dst, TypeSet, nil, NotifySet, event)
	}
	return storeObject(c, dst, TypeSet, s, NotifySet, event)
}

// storeObject stores obj, a collection of type t built by a *STORE command,
// at dst, as Redis's setKey (replacing any value and its expiry; "event"
// notified in class), or, when obj is nil or empty, deletes dst as Redis's
// dbDelete ("del" notified if it existed). It replies with the size
// stored. The effects (DEL of the old value, then the value rebuilt by
// Object.Emit) let dst's shard replay the result without the source keys,
// which may live on other shards.
func storeObject(c *Ctx, dst string, t Type, obj Object, class NotifyClass, event string) resp.Reply {
	if obj == nil || obj.Len() == 0 {
		if c.Delete(dst) {
			c.Modified(dst)
			c.Notify(NotifyGeneric, "del", dst)
			c.Propagate(dst, "DEL", dst)
		}
		return resp.Zero
	}
	e := c.Write(dst)
	if e == nil {
		e = c.Add(dst, t)
	} else {
		c.Propagate(dst, "DEL", dst)
		if e.ExpireAt != 0 {
			c.SetExpire(dst, e, 0)
		}
	}
	e.SetObj(obj)
	c.Modified(dst)
	c.KS(dst).PropagateEntry(c.DB, dst, e)
	c.Notify(class, event, dst)
	return resp.IntReply(int64(obj.Len()))
}

func cmdSInterCard(c *Ctx) resp.Reply {
	numkeys, errRep, ok := longArgRange(c.Args[1], 1, math.MaxInt64, "numkeys should be greater than 0")
	if !ok {
		return errRep
	}
	if numkeys > int64(len(c.Args)-2) {
		return resp.Err("ERR Number of keys can't be greater than number of args")
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(c.Args); j++ {
		if EqualFold(c.Args[j], "limit") && j < len(c.Args)-1 {
			j++
			if limit, errRep, ok = longArgRange(c.Args[j], 0, math.MaxInt64, "LIMIT can't be negative"); !ok {
				return errRep
			}
		} else {
			return ErrSyntax
		}
	}
	return sinterGeneric(c, c.Args[2:2+numkeys], "", false, true, limit)
}

// sintercardKeys returns the key positions of SINTERCARD numkeys key ...,
// as Redis's sintercardGetKeys: numkeys read like C's atoi, and no keys at
// all when it is out of range (the command then fails on its arguments).
func sintercardKeys(args []string, dst []int) []int {
	if len(args) < 2 {
		return dst
	}
	n := atoi(args[1])
	if n < 1 || n > int64(len(args)-2) {
		return dst
	}
	for i := range n {
		dst = append(dst, 2+int(i))
	}
	return dst
}

// atoi reads a number as C's atoi: leading white space, an optional sign,
// then as many digits as there are (saturating instead of overflowing).
func atoi(s string) int64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var n int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > (math.MaxInt64-9)/10 {
			n = math.MaxInt64
			continue
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

func cmdSScan(c *Ctx) resp.Reply {
	key := c.Args[1]
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		return resp.Err(msgInvalidCur)
	}
	s, rep := readSet(c, key, emptyScan)
	if s == nil {
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
	add := func(member string) {
		if !opts.HasPattern || m.Match(member) {
			out = append(out, resp.BulkReply(member))
		}
	}
	if s.ht == nil {
		// An intset is small: all of it at once, and the scan is over.
		s.Range(func(member string) bool { add(member); return true })
		return scanReply(0, out)
	}
	next := scanDictStep(s.ht, cursor, opts.Count, opts.Count*10, func(member string, _ *string) { add(member) })
	return scanReply(next, out)
}
