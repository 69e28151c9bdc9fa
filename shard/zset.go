package shard

import (
	"math/rand/v2"
	"strings"
	"sync/atomic"

	"github.com/kevydb/kevy/internal/pack"
	"github.com/kevydb/kevy/internal/zset"
)

// Estimated bytes a sorted set spends besides its members' bytes: the
// ZSet itself, and for the skiplist encoding its zset.Set (a header node
// with 32 levels and a hash table) plus, per member, its node (which is
// also its hash-table entry: 64 bytes), the upper levels of a quarter of
// the nodes (about 5 bytes on average) and a bucket's share.
const (
	zsetBaseBytes          = 48
	zsetSkiplistBaseBytes  = 16 + 96 + 512 + 96 // zsetSkip, zset.Set, its header's levels, its dict.Dict
	zsetSkiplistEntryBytes = 64 + 5 + dictBucketMem
)

// ZSet is a sorted set value: distinct string members, each with a float64
// score (never NaN), ordered by score and then by member bytes.
//
// Like Redis 7.0, a small sorted set is held as a listpack: one byte
// buffer with the member-score pairs end to end in order (see packed and
// internal/pack; integral scores take a few bytes), searched
// linearly, for at most zset-max-listpack-entries members of at most
// zset-max-listpack-value bytes (128 and 64 by default). Adding a member
// past either limit converts it for good to the skip-list encoding
// ([zset.Set]: a skip list with spans plus a member map), and removing
// members never converts it back. Commands that build a new sorted set
// (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE, loading an RDB file)
// give it the listpack encoding when it fits. OBJECT ENCODING reports
// "listpack" or "skiplist" accordingly.
//
// A ZSet belongs to the keyspace that holds it. Its read methods write
// nothing but atomic marks, so concurrent readers may share a ZSet as long
// as no writer runs.
type ZSet struct {
	lp packed    // listpack encoding: member-score pairs, in order
	sl *zsetSkip // skiplist encoding; nil while the set is a listpack
	n  int32     // members of the listpack
	// sorted is set by SORT and SORT_RO, which in Redis 7.0 convert a
	// listpack to a skip list for good (sortCommandGeneric's zsetConvert).
	// It is atomic because SORT_RO may run as one of several concurrent
	// readers: the set reports "skiplist" at once and converts at its next
	// write, which has the keyspace to itself.
	sorted atomic.Bool
}

// zsetSkip is the skiplist encoding of a sorted set.
type zsetSkip struct {
	*zset.Set
	bytes int // heap bytes of the members' strings (allocSize of each)
}

func newZSetSkip() *zsetSkip { return &zsetSkip{Set: zset.New()} }

// zsetEntry is one member of a sorted set being built.
type zsetEntry struct {
	member string
	score  float64
}

// zsetCompare orders entries by score, then member.
func zsetCompare(a, b zsetEntry) int {
	switch {
	case a.score < b.score:
		return -1
	case a.score > b.score:
		return 1
	}
	return strings.Compare(a.member, b.member)
}

// NewZSet returns an empty sorted set with the listpack encoding.
func NewZSet() *ZSet { return &ZSet{} }

// newZSetFor returns an empty sorted set with the encoding ZADD creates a
// key with, given its first member: skiplist when the listpack may hold no
// member or that member is too long for it.
func newZSetFor(member string, enc *Encodings) *ZSet {
	if enc.ZSetMaxListpackEntries == 0 || int64(len(member)) > enc.ZSetMaxListpackValue {
		return &ZSet{sl: newZSetSkip()}
	}
	return NewZSet()
}

// zsetFromSorted builds a sorted set from distinct entries already in
// order, with the listpack encoding when it fits (Redis's
// zsetConvertToListpackIfNeeded for the results of the STORE commands).
func zsetFromSorted(entries []zsetEntry, enc *Encodings) *ZSet {
	z := &ZSet{}
	maxLen, size := 0, 0
	for i := range entries {
		maxLen = max(maxLen, len(entries[i].member))
		size += pack.ScorePairSize(len(entries[i].member), entries[i].score)
	}
	if int64(len(entries)) <= enc.ZSetMaxListpackEntries && int64(maxLen) <= enc.ZSetMaxListpackValue {
		b := make([]byte, 0, allocSize(size))
		for i := range entries {
			score := entries[i].score
			if score == 0 {
				score = 0 // no -0 in a listpack, as lpInsert
			}
			b = pack.AppendScorePair(b, entries[i].member, score)
		}
		z.lp.b, z.n = b, int32(len(entries))
		return z
	}
	z.sl = newZSetSkip()
	for i := range entries {
		m := cloneString(entries[i].member) // it may alias another set's listpack
		z.sl.Add(m, entries[i].score)
		z.sl.bytes += allocSize(len(m))
	}
	return z
}

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.sl != nil {
		return z.sl.Len()
	}
	return int(z.n)
}

// Encoding returns "listpack" or "skiplist".
func (z *ZSet) Encoding() string {
	if z.sl != nil || z.sorted.Load() {
		return "skiplist"
	}
	return "listpack"
}

// MemUsage returns an estimate of the bytes the sorted set holds: its
// members' bytes plus the overhead of the encoding, in O(1).
func (z *ZSet) MemUsage() int {
	if z.sl != nil {
		return zsetBaseBytes + zsetSkiplistBaseBytes + z.sl.Len()*zsetSkiplistEntryBytes + z.sl.bytes
	}
	return zsetBaseBytes + z.lp.mem()
}

// Dup returns a deep copy with the same encoding.
func (z *ZSet) Dup() Object {
	if z.sl != nil {
		return &ZSet{sl: &zsetSkip{Set: z.sl.Clone(), bytes: z.sl.bytes}}
	}
	d := &ZSet{lp: packed{b: z.lp.clone()}, n: z.n}
	if z.sorted.Load() {
		d.convert()
	}
	return d
}

// SortConvert records that SORT or SORT_RO ran on the set: like Redis
// 7.0, which converts a listpack to a skip list there, it has the skiplist
// encoding from now on. It is safe among concurrent readers.
func (z *ZSet) SortConvert() {
	if z.sl == nil {
		z.sorted.Store(true)
	}
}

// settle carries out a conversion SortConvert recorded; every mutation
// calls it first.
func (z *ZSet) settle() {
	if z.sl == nil && z.sorted.Load() {
		z.convert()
	}
}

// Emit calls emit with ZADD commands that rebuild the sorted set at key,
// at most 64 members each, in ascending order.
func (z *ZSet) Emit(key string, emit func(argv ...string)) {
	const per = 64
	argv := make([]string, 0, 2+2*min(per, z.Len()))
	z.each(false, func(m string, s float64) bool {
		if len(argv) == 0 {
			argv = append(argv, "ZADD", key)
		}
		argv = append(argv, FormatDouble(s), m)
		if len(argv) == 2+2*per {
			emit(argv...)
			argv = make([]string, 0, cap(argv))
		}
		return true
	})
	if len(argv) > 2 {
		emit(argv...)
	}
}

// The listpack. Members are walked with lpNext from offset 0: each is a
// pair of the member and its score.

// lpNext decodes the member and score at offset i and returns them with
// the offset of the next member.
func (z *ZSet) lpNext(i int) (ms, me int, score float64, next int) {
	ms, me, next = pack.PairAt(z.lp.b, i)
	return ms, me, pack.Score(z.lp.b, me, next), next
}

// lpFind returns the offset, rank and score of member in the listpack, or
// offset -1.
func (z *ZSet) lpFind(member string) (at, rank int, score float64) {
	b := z.lp.b
	for i := 0; i < len(b); rank++ {
		// FindPair's walk, counting ranks.
		kl, vl := int(b[i]), int(b[i+1])
		if kl|vl >= 0x80 || kl == len(member) {
			ms, me, end := pack.PairAt(b, i)
			if me-ms == len(member) && string(b[ms:me]) == member {
				return i, rank, pack.Score(b, me, end)
			}
			i = end
			continue
		}
		i += 2 + kl + vl
	}
	return -1, -1, 0
}

// lpOffset returns the offset of the member of ascending rank r, 0 <= r
// <= Len (Len: the end).
func (z *ZSet) lpOffset(r int) int {
	b, i := z.lp.b, 0
	for ; r > 0; r-- {
		i = pack.NextPair(b, i)
	}
	return i
}

// lpOffsets returns the offsets of the members of ascending ranks from to
// to (inclusive), for walks that go backwards.
func (z *ZSet) lpOffsets(from, to int) []int32 {
	out := make([]int32, 0, to-from+1)
	i := z.lpOffset(from)
	for r := from; r <= to; r++ {
		out = append(out, int32(i))
		i = pack.NextPair(z.lp.b, i)
	}
	return out
}

// lpMember returns the member and score at offset i, the member aliasing
// the buffer (for replies and other keepers).
func (z *ZSet) lpMember(i int) (string, float64) {
	ms, me, score, _ := z.lpNext(i)
	return z.lp.alias(ms, me), score
}

// lpInsert inserts a member that is not in the listpack at its place. Like
// Redis, which stores integral scores as integers in a listpack, it turns
// -0 into 0.
func (z *ZSet) lpInsert(member string, score float64) {
	if score == 0 {
		score = 0
	}
	b := z.lp.b
	i := 0
	for i < len(b) {
		ms, me, s, next := z.lpNext(i)
		if s > score || s == score && string(b[ms:me]) > member {
			break
		}
		i = next
	}
	pack.PutScorePair(z.lp.room(i, i, pack.ScorePairSize(len(member), score)), 0, member, score)
	z.n++
}

// reserve sizes an empty listpack for n more bytes of members and scores.
func (z *ZSet) reserve(n int) {
	if z.sl == nil && z.n == 0 {
		z.lp.reserve(n)
	}
}

// lpDelete removes the members from offset i to offset j.
func (z *ZSet) lpDelete(i, j, members int) {
	z.lp.cut(i, j)
	z.n -= int32(members)
}

// Score returns the score of member.
func (z *ZSet) Score(member string) (float64, bool) {
	if z.sl != nil {
		return z.sl.Score(member)
	}
	if at, _, score := z.lpFind(member); at >= 0 {
		return score, true
	}
	return 0, false
}

// Has reports whether member is in the sorted set.
func (z *ZSet) Has(member string) bool {
	_, ok := z.Score(member)
	return ok
}

// Set gives member the score (which must not be NaN), inserting it if
// absent, and reports whether it was inserted. A score equal to the
// member's (0 and -0 are equal) leaves it unchanged. Like Redis's zsetAdd,
// an insertion that would take a listpack past zset-max-listpack-entries
// members, or a member longer than zset-max-listpack-value, first converts
// the set to a skip list.
func (z *ZSet) Set(member string, score float64, enc *Encodings) (added bool) {
	z.settle()
	if z.sl == nil {
		if at, _, cur := z.lpFind(member); at >= 0 {
			if cur != score {
				z.lpDelete(at, pack.NextPair(z.lp.b, at), 1)
				z.lpInsert(member, score)
			}
			return false
		}
		if int64(z.n)+1 <= enc.ZSetMaxListpackEntries && int64(len(member)) <= enc.ZSetMaxListpackValue &&
			z.n+1 < listpackMaxLen {
			z.lpInsert(member, score)
			return true
		}
		z.convert()
	}
	if z.sl.Add(member, score) {
		z.sl.bytes += allocSize(len(member))
		return true
	}
	return false
}

// Remove removes member and reports whether it was there.
func (z *ZSet) Remove(member string) bool {
	z.settle()
	if z.sl != nil {
		if z.sl.Remove(member) {
			z.sl.bytes -= allocSize(len(member))
			return true
		}
		return false
	}
	if at, _, _ := z.lpFind(member); at >= 0 {
		z.lpDelete(at, pack.NextPair(z.lp.b, at), 1)
		return true
	}
	return false
}

// convert moves a listpack into a skip list. Members are copied: the skip
// list must not keep the buffer alive.
func (z *ZSet) convert() {
	sl := newZSetSkip()
	b := z.lp.b
	for i := 0; i < len(b); {
		ms, me, score, next := z.lpNext(i)
		m := cloneString(z.lp.view(ms, me))
		sl.Add(m, score)
		sl.bytes += allocSize(len(m))
		i = next
	}
	z.lp, z.n, z.sl = packed{}, 0, sl
	z.sorted.Store(false)
}

// Rank returns the 0-based rank of member, ascending or (reverse)
// descending.
func (z *ZSet) Rank(member string, reverse bool) (int, bool) {
	if z.sl != nil {
		return z.sl.Rank(member, reverse)
	}
	at, i, _ := z.lpFind(member)
	if at < 0 {
		return 0, false
	}
	if reverse {
		i = int(z.n) - 1 - i
	}
	return i, true
}

// at returns the member of ascending 0-based rank r, 0 <= r < Len.
func (z *ZSet) at(r int) (string, float64) {
	if z.sl != nil {
		m, s, _ := z.sl.At(r, false)
		return m, s
	}
	return z.lpMember(z.lpOffset(r))
}

// random returns a member chosen uniformly at random; the set must not be
// empty. r nil means the global source.
func (z *ZSet) random(r *rand.Rand) (string, float64) {
	return z.at(memberRandN(r, z.Len()))
}

// each calls fn for every member in ascending order (descending when
// reverse is set) until fn returns false. fn may keep the members.
func (z *ZSet) each(reverse bool, fn func(member string, score float64) bool) {
	if z.sl != nil {
		it := z.sl.Iter(reverse)
		for {
			m, s, ok := it.Next()
			if !ok || !fn(m, s) {
				return
			}
		}
	}
	if z.n == 0 {
		return
	}
	z.byRank(0, int(z.n)-1, reverse, fn)
}

// walk calls fn for every member in ascending order, with members valid
// only until the set next changes (which fn must not do), until fn returns
// false.
func (z *ZSet) walk(fn func(member string, score float64) bool) {
	if z.sl != nil {
		z.each(false, fn)
		return
	}
	for i := 0; i < len(z.lp.b); {
		ms, me, s, next := z.lpNext(i)
		if !fn(z.lp.view(ms, me), s) {
			return
		}
		i = next
	}
}

// byRank calls fn for the members of 0-based ranks start to stop (already
// clamped to the set: 0 <= start <= stop < Len), counted from the highest
// score when reverse is set, in that order. fn may keep the members.
func (z *ZSet) byRank(start, stop int, reverse bool, fn func(member string, score float64) bool) {
	if z.sl != nil {
		z.sl.ByRank(start, stop, reverse, fn)
		return
	}
	if reverse {
		n := int(z.n)
		start, stop = n-1-stop, n-1-start
	}
	z.lpRanks(start, stop, reverse, fn)
}

// lpRanks calls fn for the listpack members of ascending ranks lo to hi
// (0 <= lo <= hi < Len), in ascending order or, when desc, descending, until
// fn returns false. fn may keep the members.
func (z *ZSet) lpRanks(lo, hi int, desc bool, fn func(member string, score float64) bool) {
	z.lp.share()
	if !desc {
		i := z.lpOffset(lo)
		for r := lo; r <= hi; r++ {
			ms, me, s, next := z.lpNext(i)
			if !fn(z.lp.view(ms, me), s) {
				return
			}
			i = next
		}
		return
	}
	offs := z.lpOffsets(lo, hi)
	for k := len(offs) - 1; k >= 0; k-- {
		ms, me, s, _ := z.lpNext(int(offs[k]))
		if !fn(z.lp.view(ms, me), s) {
			return
		}
	}
}

// pop removes up to count members with the lowest scores (the highest when
// max is set), calling fn with each in the order popped, and returns how
// many it removed. The members fn gets are copies of their own.
func (z *ZSet) pop(max bool, count int, fn func(member string, score float64)) int {
	z.settle()
	if z.sl != nil {
		sub := func(m string, s float64) {
			z.sl.bytes -= allocSize(len(m))
			fn(m, s)
		}
		if max {
			return z.sl.PopMax(count, sub)
		}
		return z.sl.PopMin(count, sub)
	}
	n := min(count, int(z.n))
	if n == 0 {
		return 0
	}
	if max {
		offs := z.lpOffsets(int(z.n)-n, int(z.n)-1)
		for k := len(offs) - 1; k >= 0; k-- {
			ms, me, s, _ := z.lpNext(int(offs[k]))
			fn(cloneString(z.lp.view(ms, me)), s)
		}
		z.lpDelete(int(offs[0]), len(z.lp.b), n)
		return n
	}
	i := 0
	for range n {
		ms, me, s, next := z.lpNext(i)
		fn(cloneString(z.lp.view(ms, me)), s)
		i = next
	}
	z.lpDelete(0, i, n)
	return n
}
