package shard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/kevydb/kevy/internal/dict"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeSet] = setFromRDB }

// setFromRDB builds a set loaded from an RDB file with the encoding Redis
// gives it on load: intset while every member is an integer and there are
// at most set-max-intset-entries, hash table otherwise, whatever the file's
// encoding was.
func setFromRDB(e *rdb.Entry, enc *Encodings) (Object, error) {
	if len(e.Set) == 0 {
		return nil, errors.New("empty set")
	}
	s := NewSet()
	if int64(len(e.Set)) > enc.SetMaxIntsetEntries {
		s.convert(len(e.Set))
	}
	for _, m := range e.Set {
		if !s.Add(m, enc) {
			return nil, fmt.Errorf("duplicate set member %q", m)
		}
	}
	return s, nil
}

// Set is a set value: distinct string members.
//
// Like Redis 7.0, a set whose members are all integers (canonical decimal
// int64, as Redis's string2ll reads them) is held as an intset: the
// integers in ascending order, packed at the smallest of 2, 4 or 8 bytes
// that holds them all (a wider member widens them all, for good), searched
// by binary search, which SMEMBERS and SSCAN return in ascending order.
// Adding a member that is not such an integer, or one past
// set-max-intset-entries (512 by default), converts the set for good to a
// hash table ([dict.Dict]); removing members never converts it back.
// OBJECT ENCODING reports "intset" or "hashtable" accordingly (Redis 7.0
// has no listpack sets).
//
// A Set belongs to the keyspace that holds it. Its read methods (Len, Has,
// Range, Encoding, Emit, Dup, MemUsage) write nothing, so concurrent
// readers may share a Set as long as no writer runs.
type Set struct {
	is    []byte             // intset encoding: len(is)/w integers of w bytes, little-endian, ascending
	ht    *dict.Dict[string] // hashtable encoding; nil while the set is an intset
	bytes int                // heap bytes of a hash table's members, for MemUsage
	w     uint8              // intset width: 2, 4 or 8 bytes (2 while empty)
}

// NewSet returns an empty set with the intset encoding, as Redis creates
// the result of SINTERSTORE, SUNIONSTORE and SDIFFSTORE.
func NewSet() *Set { return &Set{w: 2} }

// newSetFor returns an empty set with the encoding Redis picks for a set
// created to hold member (setTypeCreate): intset for an integer, hash table
// otherwise.
func newSetFor(member string) *Set {
	if _, ok := ParseInt(member); ok {
		return NewSet()
	}
	return &Set{ht: dict.New[string](0)}
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s.ht != nil {
		return s.ht.Len()
	}
	if s.w == 0 {
		return 0
	}
	return len(s.is) / int(s.w)
}

// MemUsage returns an estimate of the bytes the set holds: the contents of
// its members plus the overhead of its encoding. It is maintained on every
// change, in O(1).
func (s *Set) MemUsage() int {
	if s.ht != nil {
		return setBaseMem + setTableMem + s.ht.Len()*setNodeMem + s.bytes
	}
	return setBaseMem + allocSize(cap(s.is))
}

// Encoding returns "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.ht != nil {
		return "hashtable"
	}
	return "intset"
}

// Dup returns a deep copy with the same encoding.
func (s *Set) Dup() Object {
	if s.ht == nil {
		d := &Set{w: s.w}
		if len(s.is) > 0 {
			d.is = make([]byte, len(s.is), allocSize(len(s.is)))
			copy(d.is, s.is)
		}
		return d
	}
	d := dict.New[string](s.ht.Len())
	s.ht.RangeShared(func(m string, _ *string) bool {
		d.Set(m, "")
		return true
	})
	return &Set{ht: d, bytes: s.bytes, w: 2}
}

// Emit calls emit with SADD commands that rebuild the set at key, at most
// 64 members each.
func (s *Set) Emit(key string, emit func(argv ...string)) {
	const per = 64
	argv := make([]string, 0, 2+min(per, s.Len()))
	s.Range(func(m string) bool {
		if len(argv) == 0 {
			argv = append(argv, "SADD", key)
		}
		argv = append(argv, m)
		if len(argv) == 2+per {
			emit(argv...)
			argv = make([]string, 0, cap(argv))
		}
		return true
	})
	if len(argv) > 2 {
		emit(argv...)
	}
}

// Has reports whether member is in the set.
func (s *Set) Has(member string) bool {
	if s.ht != nil {
		return s.ht.GetShared(member) != nil
	}
	n, ok := ParseInt(member)
	return ok && s.hasInt(n)
}

// intAt returns the intset's member i.
func (s *Set) intAt(i int) int64 {
	w := int(s.w)
	b := s.is[i*w : i*w+w]
	switch w {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b)))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	}
	return int64(binary.LittleEndian.Uint64(b))
}

// putInt stores n as the intset's member i.
func (s *Set) putInt(i int, n int64) {
	w := int(s.w)
	b := s.is[i*w : i*w+w]
	switch w {
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(n))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(n))
	default:
		binary.LittleEndian.PutUint64(b, uint64(n))
	}
}

// intWidth returns the bytes the intset needs per member to hold n.
func intWidth(n int64) uint8 {
	switch {
	case n == int64(int16(n)):
		return 2
	case n == int64(int32(n)):
		return 4
	}
	return 8
}

// searchInt returns the position of n in the intset, or where it would be
// inserted, and whether it is there.
func (s *Set) searchInt(n int64) (int, bool) {
	if intWidth(n) > s.w {
		if n < 0 {
			return 0, false
		}
		return s.Len(), false
	}
	lo, hi := 0, s.Len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.intAt(m) < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < s.Len() && s.intAt(lo) == n
}

func (s *Set) hasInt(n int64) bool {
	_, found := s.searchInt(n)
	return found
}

// Add adds member and reports whether it was new, converting an intset to a
// hash table when member is not an integer or the set outgrows
// set-max-intset-entries.
func (s *Set) Add(member string, enc *Encodings) bool {
	if s.ht == nil {
		if n, ok := ParseInt(member); ok {
			return s.addInt(n, enc)
		}
		s.convert(s.Len() + 1)
	}
	_, inserted := s.ht.GetOrInsert(member)
	if inserted {
		s.bytes += allocSize(len(member))
	}
	return inserted
}

// reserve sizes an empty intset for members, when they are all integers
// that fit within the intset's limit.
func (s *Set) reserve(members []string, enc *Encodings) {
	if s.ht != nil || len(s.is) > 0 || int64(len(members)) > enc.SetMaxIntsetEntries {
		return
	}
	w := uint8(2)
	for _, m := range members {
		n, ok := ParseInt(m)
		if !ok {
			return
		}
		w = max(w, intWidth(n))
	}
	s.w = w
	s.is = make([]byte, 0, allocSize(len(members)*int(w)))
}

// addInt adds an integer member to an intset.
func (s *Set) addInt(n int64, enc *Encodings) bool {
	if s.w == 0 {
		s.w = 2
	}
	i, found := s.searchInt(n)
	if found {
		return false
	}
	l := s.Len()
	if w := intWidth(n); w > s.w {
		s.widen(w, l+1)
	} else if need := (l + 1) * int(s.w); need > cap(s.is) {
		nb := make([]byte, len(s.is), allocSize(need))
		copy(nb, s.is)
		s.is = nb
	}
	s.is = s.is[:(l+1)*int(s.w)]
	w := int(s.w)
	copy(s.is[(i+1)*w:], s.is[i*w:l*w])
	s.putInt(i, n)
	if int64(l+1) > enc.SetMaxIntsetEntries {
		s.convert(l + 1)
	}
	return true
}

// widen re-encodes the intset's members at width w, with room for n.
func (s *Set) widen(w uint8, n int) {
	old := *s
	l := s.Len()
	s.w = w
	s.is = make([]byte, l*int(w), allocSize(n*int(w)))
	for i := range l {
		s.putInt(i, old.intAt(i))
	}
}

// Remove removes member and reports whether it was there.
func (s *Set) Remove(member string) bool {
	if s.ht != nil {
		_, ok := s.ht.Delete(member)
		if ok {
			s.bytes -= allocSize(len(member))
		}
		return ok
	}
	n, ok := ParseInt(member)
	return ok && s.removeInt(n)
}

func (s *Set) removeInt(n int64) bool {
	i, found := s.searchInt(n)
	if found {
		w := int(s.w)
		copy(s.is[i*w:], s.is[(i+1)*w:])
		s.is = s.is[:len(s.is)-w]
	}
	return found
}

// Range calls fn for every member until fn returns false: in ascending
// order for an intset, in table order for a hash table. fn must not modify
// the set.
func (s *Set) Range(fn func(member string) bool) {
	s.each(func(m string, n int64, isInt bool) bool {
		if isInt {
			m = strconv.FormatInt(n, 10)
		}
		return fn(m)
	})
}

// each calls fn for every member without formatting intset members: those
// come as (_, n, true), hash-table members as (m, _, false).
func (s *Set) each(fn func(m string, n int64, isInt bool) bool) {
	if s.ht != nil {
		s.ht.RangeShared(func(m string, _ *string) bool { return fn(m, 0, false) })
		return
	}
	for i, l := 0, s.Len(); i < l; i++ {
		if !fn("", s.intAt(i), true) {
			return
		}
	}
}

// hasElem is Has for a member as each reports it.
func (s *Set) hasElem(m string, n int64, isInt bool) bool {
	switch {
	case isInt && s.ht == nil:
		return s.hasInt(n)
	case isInt:
		return s.ht.GetShared(strconv.FormatInt(n, 10)) != nil
	}
	return s.Has(m)
}

// addElem is Add for a member as each reports it.
func (s *Set) addElem(m string, n int64, isInt bool, enc *Encodings) bool {
	switch {
	case isInt && s.ht == nil:
		return s.addInt(n, enc)
	case isInt:
		return s.Add(strconv.FormatInt(n, 10), enc)
	}
	return s.Add(m, enc)
}

// removeElem is Remove for a member as each reports it.
func (s *Set) removeElem(m string, n int64, isInt bool) bool {
	switch {
	case isInt && s.ht == nil:
		return s.removeInt(n)
	case isInt:
		return s.Remove(strconv.FormatInt(n, 10))
	}
	return s.Remove(m)
}

// convert moves an intset into a hash table sized for hint members.
func (s *Set) convert(hint int) {
	d := dict.New[string](hint)
	s.each(func(_ string, n int64, _ bool) bool {
		m := strconv.FormatInt(n, 10)
		d.Set(m, "")
		s.bytes += allocSize(len(m))
		return true
	})
	s.is, s.ht = nil, d
}

// random returns a member chosen uniformly at random; the set must not be
// empty. r nil means the global source.
func (s *Set) random(r *rand.Rand) string {
	if s.ht != nil {
		m, _, _ := s.ht.RandomShared(r)
		return m
	}
	return strconv.FormatInt(s.intAt(memberRandN(r, s.Len())), 10)
}

// members returns every member, in Range's order.
func (s *Set) members() []string {
	out := make([]string, 0, s.Len())
	s.Range(func(m string) bool {
		out = append(out, m)
		return true
	})
	return out
}
