package shard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/kevydb/kevy/internal/dict"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeSet] = setFromRDB }

// setFromRDB builds a set loaded from an RDB file with the encoding Redis
// gives it on load: intset while every member is an integer and there are
// at most 512, hash table otherwise, whatever the file's encoding was.
func setFromRDB(e *rdb.Entry) (Object, error) {
	if len(e.Set) == 0 {
		return nil, errors.New("empty set")
	}
	s := NewSet()
	if len(e.Set) > setMaxIntsetEntries {
		s.ht = dict.New[string](len(e.Set))
	}
	for _, m := range e.Set {
		if !s.Add(m) {
			return nil, fmt.Errorf("duplicate set member %q", m)
		}
	}
	return s, nil
}

// setMaxIntsetEntries is Redis 7.0's default set-max-intset-entries: a set
// of integers keeps the intset encoding up to this many members.
const setMaxIntsetEntries = 512

// Set is a set value: distinct string members.
//
// Like Redis 7.0, a set whose members are all integers (canonical decimal
// int64, as Redis's string2ll reads them) is held as an intset: a sorted
// slice of int64, searched by binary search, which SMEMBERS and SSCAN return
// in ascending order. Adding a member that is not such an integer, or a
// 513th member, converts the set for good to a hash table ([dict.Dict]);
// removing members never converts it back. OBJECT ENCODING reports "intset"
// or "hashtable" accordingly (Redis 7.0 has no listpack sets).
//
// A Set belongs to the keyspace that holds it. Its read methods (Len, Has,
// Range, Encoding, Emit, Dup, MemUsage) write nothing, so concurrent
// readers may share a Set as long as no writer runs.
type Set struct {
	ints  []int64            // intset encoding: ascending, distinct; nil once ht is set
	ht    *dict.Dict[string] // hashtable encoding; nil while the set is an intset
	bytes int                // heap bytes of a hash table's members, for MemUsage
}

// NewSet returns an empty set with the intset encoding, as Redis creates
// the result of SINTERSTORE, SUNIONSTORE and SDIFFSTORE.
func NewSet() *Set { return &Set{} }

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
	return len(s.ints)
}

// MemUsage returns an estimate of the bytes the set holds: the contents of
// its members plus the overhead of its encoding. It is maintained on every
// change, in O(1).
func (s *Set) MemUsage() int {
	if s.ht != nil {
		return hashSetBaseMem + dictBaseMem + s.ht.Len()*setNodeMem + s.bytes
	}
	return hashSetBaseMem + cap(s.ints)*intsetSlotMem
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
		return &Set{ints: slices.Clone(s.ints)}
	}
	d := dict.New[string](s.ht.Len())
	s.ht.RangeShared(func(m string, _ *string) bool {
		d.Set(m, "")
		return true
	})
	return &Set{ht: d, bytes: s.bytes}
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

func (s *Set) hasInt(n int64) bool {
	_, found := slices.BinarySearch(s.ints, n)
	return found
}

// Add adds member and reports whether it was new, converting an intset to a
// hash table when member is not an integer or the set outgrows 512 members.
func (s *Set) Add(member string) bool {
	if s.ht == nil {
		if n, ok := ParseInt(member); ok {
			return s.addInt(n)
		}
		s.convert()
	}
	_, inserted := s.ht.GetOrInsert(member)
	if inserted {
		s.bytes += allocSize(len(member))
	}
	return inserted
}

// addInt adds an integer member to an intset.
func (s *Set) addInt(n int64) bool {
	i, found := slices.BinarySearch(s.ints, n)
	if found {
		return false
	}
	s.ints = slices.Insert(s.ints, i, n)
	if len(s.ints) > setMaxIntsetEntries {
		s.convert()
	}
	return true
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
	i, found := slices.BinarySearch(s.ints, n)
	if found {
		s.ints = slices.Delete(s.ints, i, i+1)
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
	for _, n := range s.ints {
		if !fn("", n, true) {
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
func (s *Set) addElem(m string, n int64, isInt bool) bool {
	switch {
	case isInt && s.ht == nil:
		return s.addInt(n)
	case isInt:
		return s.Add(strconv.FormatInt(n, 10))
	}
	return s.Add(m)
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

// convert moves an intset into a hash table.
func (s *Set) convert() {
	d := dict.New[string](len(s.ints) + 1)
	for _, n := range s.ints {
		m := strconv.FormatInt(n, 10)
		d.Set(m, "")
		s.bytes += allocSize(len(m))
	}
	s.ints, s.ht = nil, d
}

// random returns a member chosen uniformly at random; the set must not be
// empty. r nil means the global source.
func (s *Set) random(r *rand.Rand) string {
	if s.ht != nil {
		m, _, _ := s.ht.RandomShared(r)
		return m
	}
	return strconv.FormatInt(s.ints[memberRandN(r, len(s.ints))], 10)
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
