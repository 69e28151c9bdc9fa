package shard

import (
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/kevydb/kevy/internal/zset"
)

// Redis 7.0's default zset-max-listpack-entries and zset-max-listpack-value:
// a sorted set keeps the compact encoding while it has at most this many
// members and none is longer than this many bytes.
const (
	zsetMaxListpackEntries = 128
	zsetMaxListpackValue   = 64
)

// Estimated bytes a sorted set spends besides its members' bytes: the
// ZSet itself, and per member a listpack slot (string header and score) or
// a skip-list node (about 70 bytes with its upper levels on average)
// and its map entry (about 38 bytes at the map's average load).
const (
	zsetBaseBytes          = 48
	zsetSkiplistBaseBytes  = 600 // zset.Set with its 32-level header
	zsetListpackEntryBytes = 24
	zsetSkiplistEntryBytes = 108
)

// ZSet is a sorted set value: distinct string members, each with a float64
// score (never NaN), ordered by score and then by member bytes.
//
// Like Redis 7.0, a small sorted set is held as a listpack: here a slice
// of (member, score) pairs in order, searched linearly (at most 128 members
// of at most 64 bytes each). Adding a 129th member or one longer than 64
// bytes converts it for good to the skip-list encoding ([zset.Set]: a skip
// list with spans plus a member map), and removing members never converts
// it back. Commands that build a new sorted set (ZUNIONSTORE, ZINTERSTORE,
// ZDIFFSTORE, ZRANGESTORE, loading an RDB file) give it the listpack
// encoding when it fits. OBJECT ENCODING reports "listpack" or "skiplist"
// accordingly.
//
// A ZSet belongs to the keyspace that holds it. Its read methods write
// nothing, so concurrent readers may share a ZSet as long as no writer runs.
type ZSet struct {
	lp    []zsetEntry // listpack encoding, in order; nil once sl is set
	sl    *zset.Set   // skiplist encoding; nil while the set is a listpack
	bytes int         // heap bytes of the members' strings (allocSize of each)
	// sorted is set by SORT and SORT_RO, which in Redis 7.0 convert a
	// listpack to a skip list for good (sortCommandGeneric's zsetConvert).
	// It is atomic because SORT_RO may run as one of several concurrent
	// readers: the set reports "skiplist" at once and converts at its next
	// write, which has the keyspace to itself.
	sorted atomic.Bool
}

// zsetEntry is one member of a listpack-encoded ZSet.
type zsetEntry struct {
	member string
	score  float64
}

// before reports whether e sorts before (score, member).
func (e *zsetEntry) before(score float64, member string) bool {
	return e.score < score || e.score == score && e.member < member
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
// key with, given its first member: skiplist when that member is too long
// for a listpack.
func newZSetFor(member string) *ZSet {
	if len(member) > zsetMaxListpackValue {
		return &ZSet{sl: zset.New()}
	}
	return NewZSet()
}

// zsetFromSorted builds a sorted set from distinct entries already in
// order, with the listpack encoding when it fits (Redis's
// zsetConvertToListpackIfNeeded for the results of the STORE commands). It
// keeps entries when it uses them as the listpack.
func zsetFromSorted(entries []zsetEntry) *ZSet {
	z := &ZSet{}
	maxLen := 0
	for i := range entries {
		z.bytes += allocSize(len(entries[i].member))
		maxLen = max(maxLen, len(entries[i].member))
	}
	if len(entries) <= zsetMaxListpackEntries && maxLen <= zsetMaxListpackValue {
		for i := range entries {
			if entries[i].score == 0 {
				entries[i].score = 0 // no -0 in a listpack, as lpInsert
			}
		}
		z.lp = entries
		return z
	}
	z.sl = zset.New()
	for i := range entries {
		z.sl.Add(entries[i].member, entries[i].score)
	}
	return z
}

// Len returns the number of members.
func (z *ZSet) Len() int {
	if z.sl != nil {
		return z.sl.Len()
	}
	return len(z.lp)
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
		return zsetBaseBytes + zsetSkiplistBaseBytes + z.sl.Len()*zsetSkiplistEntryBytes + z.bytes
	}
	return zsetBaseBytes + allocSize(cap(z.lp)*zsetListpackEntryBytes) + z.bytes
}

// Dup returns a deep copy with the same encoding.
func (z *ZSet) Dup() Object {
	if z.sl != nil {
		return &ZSet{sl: z.sl.Clone(), bytes: z.bytes}
	}
	d := &ZSet{lp: slices.Clone(z.lp), bytes: z.bytes}
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

// lpIndex returns the position of member in the listpack, or -1.
func (z *ZSet) lpIndex(member string) int {
	for i := range z.lp {
		if z.lp[i].member == member {
			return i
		}
	}
	return -1
}

// lpInsert inserts a member that is not in the listpack at its place. Like
// Redis, which stores integral scores as integers in a listpack, it turns
// -0 into 0.
func (z *ZSet) lpInsert(member string, score float64) {
	if score == 0 {
		score = 0
	}
	i, _ := slices.BinarySearchFunc(z.lp, zsetEntry{member, score}, zsetCompare)
	z.lp = slices.Insert(z.lp, i, zsetEntry{member, score})
}

// Score returns the score of member.
func (z *ZSet) Score(member string) (float64, bool) {
	if z.sl != nil {
		return z.sl.Score(member)
	}
	if i := z.lpIndex(member); i >= 0 {
		return z.lp[i].score, true
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
// member's (0 and -0 are equal) leaves it unchanged. Like Redis's zsetAdd, an
// insertion that would take a listpack past 128 members, or a member
// longer than 64 bytes, first converts the set to a skip list.
func (z *ZSet) Set(member string, score float64) (added bool) {
	z.settle()
	if z.sl == nil {
		if i := z.lpIndex(member); i >= 0 {
			if z.lp[i].score != score {
				z.lp = slices.Delete(z.lp, i, i+1)
				z.lpInsert(member, score)
			}
			return false
		}
		if len(z.lp)+1 <= zsetMaxListpackEntries && len(member) <= zsetMaxListpackValue {
			z.lpInsert(member, score)
			z.bytes += allocSize(len(member))
			return true
		}
		z.convert()
	}
	if z.sl.Add(member, score) {
		z.bytes += allocSize(len(member))
		return true
	}
	return false
}

// Remove removes member and reports whether it was there.
func (z *ZSet) Remove(member string) bool {
	z.settle()
	if z.sl != nil {
		if z.sl.Remove(member) {
			z.bytes -= allocSize(len(member))
			return true
		}
		return false
	}
	if i := z.lpIndex(member); i >= 0 {
		z.lp = slices.Delete(z.lp, i, i+1)
		z.bytes -= allocSize(len(member))
		return true
	}
	return false
}

// convert moves a listpack into a skip list.
func (z *ZSet) convert() {
	sl := zset.New()
	for i := range z.lp {
		sl.Add(z.lp[i].member, z.lp[i].score)
	}
	z.lp, z.sl = nil, sl
	z.sorted.Store(false)
}

// Rank returns the 0-based rank of member, ascending or (reverse)
// descending.
func (z *ZSet) Rank(member string, reverse bool) (int, bool) {
	if z.sl != nil {
		return z.sl.Rank(member, reverse)
	}
	i := z.lpIndex(member)
	if i < 0 {
		return 0, false
	}
	if reverse {
		i = len(z.lp) - 1 - i
	}
	return i, true
}

// at returns the member of ascending 0-based rank r, 0 <= r < Len.
func (z *ZSet) at(r int) (string, float64) {
	if z.sl != nil {
		m, s, _ := z.sl.At(r, false)
		return m, s
	}
	return z.lp[r].member, z.lp[r].score
}

// random returns a member chosen uniformly at random; the set must not be
// empty. r nil means the global source.
func (z *ZSet) random(r *rand.Rand) (string, float64) {
	return z.at(memberRandN(r, z.Len()))
}

// each calls fn for every member in ascending order (descending when
// reverse is set) until fn returns false.
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
	if reverse {
		for i := len(z.lp) - 1; i >= 0; i-- {
			if !fn(z.lp[i].member, z.lp[i].score) {
				return
			}
		}
		return
	}
	for i := range z.lp {
		if !fn(z.lp[i].member, z.lp[i].score) {
			return
		}
	}
}

// byRank calls fn for the members of 0-based ranks start to stop (already
// clamped to the set: 0 <= start <= stop < Len), counted from the highest
// score when reverse is set, in that order.
func (z *ZSet) byRank(start, stop int, reverse bool, fn func(member string, score float64) bool) {
	if z.sl != nil {
		z.sl.ByRank(start, stop, reverse, fn)
		return
	}
	for r := start; r <= stop; r++ {
		i := r
		if reverse {
			i = len(z.lp) - 1 - r
		}
		if !fn(z.lp[i].member, z.lp[i].score) {
			return
		}
	}
}

// pop removes up to count members with the lowest scores (the highest when
// max is set), calling fn with each in the order popped, and returns how
// many it removed.
func (z *ZSet) pop(max bool, count int, fn func(member string, score float64)) int {
	sub := func(m string, s float64) {
		z.bytes -= allocSize(len(m))
		fn(m, s)
	}
	z.settle()
	if z.sl != nil {
		if max {
			return z.sl.PopMax(count, sub)
		}
		return z.sl.PopMin(count, sub)
	}
	n := min(count, len(z.lp))
	if max {
		for i := len(z.lp) - 1; i >= len(z.lp)-n; i-- {
			sub(z.lp[i].member, z.lp[i].score)
		}
		clear(z.lp[len(z.lp)-n:])
		z.lp = z.lp[:len(z.lp)-n]
		return n
	}
	for i := range n {
		sub(z.lp[i].member, z.lp[i].score)
	}
	z.lp = slices.Delete(z.lp, 0, n)
	return n
}
