package shard

import (
	"errors"

	"github.com/kevydb/kevy/internal/deque"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeList] = listFromRDB }

// listFromRDB builds a list loaded from an RDB file (every list encoding
// the rdb package reads: linked list, ziplist, quicklist of ziplists or
// listpacks).
func listFromRDB(e *rdb.Entry) (Object, error) {
	if len(e.List) == 0 {
		return nil, errors.New("empty list")
	}
	l := NewList()
	for _, v := range e.List {
		l.PushBack(v)
	}
	return l, nil
}

// Memory accounting of a list (see MemUsage and memory.go): the List
// itself, and per element the string header in its deque slot plus a share
// of the slack of a deque that is not full (rings double and halve, blocks
// hold 128 slots), besides the element's own bytes.
const (
	listBaseMem = 96                  // the List struct with its deque's headers
	listElemMem = stringHeaderMem + 8 // a slot, and half a slot of slack
)

// List is a list value: an ordered sequence of strings held in a
// [deque.Deque], with O(1) push and pop at both ends and O(1) indexing.
//
// Redis 7.0 reports the "quicklist" encoding for every list, whatever its
// size (listpack-encoded small lists arrived in 7.2), so Encoding always
// does too.
//
// A List belongs to the keyspace that holds it. Its read methods (Len, At,
// Range*, Encoding, Emit, Dup, MemUsage) write nothing, so concurrent
// readers may share a List as long as no writer runs.
type List struct {
	d     deque.Deque
	bytes int // heap bytes of the elements' strings (allocSize of each), for MemUsage
}

// NewList returns an empty list.
func NewList() *List { return &List{} }

// Len returns the number of elements.
func (l *List) Len() int { return l.d.Len() }

// Encoding returns "quicklist", as Redis 7.0 does for every list.
func (l *List) Encoding() string { return "quicklist" }

// MemUsage returns an estimate of the bytes the list holds: the heap bytes
// of its element strings plus a fixed overhead per element and per list.
// It is maintained on every change, never computed by walking the list.
func (l *List) MemUsage() int { return listBaseMem + l.d.Len()*listElemMem + l.bytes }

// Dup returns a deep copy (the strings are shared: they are immutable).
func (l *List) Dup() Object {
	n := NewList()
	l.Range(func(_ int, v string) bool {
		n.PushBack(v)
		return true
	})
	return n
}

// Emit calls emit with RPUSH commands that rebuild the list at key, at
// most 64 elements each.
func (l *List) Emit(key string, emit func(argv ...string)) {
	const per = 64
	argv := make([]string, 0, 2+min(per, l.Len()))
	l.Range(func(_ int, v string) bool {
		if len(argv) == 0 {
			argv = append(argv, "RPUSH", key)
		}
		argv = append(argv, v)
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

// PushFront inserts v before the first element.
func (l *List) PushFront(v string) {
	l.d.PushFront(v)
	l.bytes += allocSize(len(v))
}

// PushBack appends v after the last element.
func (l *List) PushBack(v string) {
	l.d.PushBack(v)
	l.bytes += allocSize(len(v))
}

// Push adds v at the front (left) or the back.
func (l *List) Push(v string, left bool) {
	if left {
		l.PushFront(v)
	} else {
		l.PushBack(v)
	}
}

// Pop removes and returns the first (left) or last element; ok is false
// when the list is empty.
func (l *List) Pop(left bool) (v string, ok bool) {
	if left {
		v, ok = l.d.PopFront()
	} else {
		v, ok = l.d.PopBack()
	}
	l.bytes -= allocSize(len(v))
	return v, ok
}

// At returns element i (0 is the first; negative indexes count from the
// end, -1 being the last), or ok false when i is out of range.
func (l *List) At(i int64) (string, bool) {
	if i < 0 {
		i += int64(l.d.Len())
	}
	if i < 0 || i >= int64(l.d.Len()) {
		return "", false
	}
	return l.d.At(int(i))
}

// Set replaces element i (negative counts from the end) and reports
// whether i was in range.
func (l *List) Set(i int64, v string) bool {
	old, ok := l.At(i)
	if !ok {
		return false
	}
	if i < 0 {
		i += int64(l.d.Len())
	}
	l.d.Set(int(i), v)
	l.bytes += allocSize(len(v)) - allocSize(len(old))
	return true
}

// Insert inserts v at index i (0 <= i <= Len), shifting the elements from
// i onwards.
func (l *List) Insert(i int, v string) {
	if l.d.Insert(i, v) {
		l.bytes += allocSize(len(v))
	}
}

// Index returns the index of the first element equal to v, or -1.
func (l *List) Index(v string) int {
	at := -1
	l.d.Range(func(i int, x string) bool {
		if x == v {
			at = i
			return false
		}
		return true
	})
	return at
}

// Remove removes elements equal to v, as LREM: the first count scanning
// from the front when count > 0, the first -count from the back when
// count < 0, all when count is 0. It returns how many it removed.
func (l *List) Remove(v string, count int64) int {
	c := int(count)
	if int64(c) != count || -c == c { // beyond int, or -MinInt (Redis wraps it): no limit
		c = 0
	}
	n := l.d.Remove(v, c)
	l.bytes -= n * allocSize(len(v))
	return n
}

// Trim keeps the elements start to stop (inclusive, non-negative,
// already clamped as LTRIM does: start <= stop < Len) and removes the
// others; start > stop empties the list.
func (l *List) Trim(start, stop int) {
	n := l.d.Len()
	if start > stop || start >= n {
		l.d.Clear()
		l.bytes = 0
		return
	}
	if start > 0 {
		l.d.RangeReverseFrom(start-1, func(_ int, v string) bool {
			l.bytes -= allocSize(len(v))
			return true
		})
	}
	if stop < n-1 {
		l.d.RangeFrom(stop+1, func(_ int, v string) bool {
			l.bytes -= allocSize(len(v))
			return true
		})
	}
	l.d.Trim(start, stop)
}

// Range calls fn for every element from first to last, with its index,
// until fn returns false. fn must not modify the list.
func (l *List) Range(fn func(i int, v string) bool) { l.d.Range(fn) }

// RangeFrom calls fn for the elements from index start (0-based,
// non-negative) to the last, until fn returns false.
func (l *List) RangeFrom(start int, fn func(i int, v string) bool) { l.d.RangeFrom(start, fn) }

// RangeReverseFrom calls fn for the elements from index start down to the
// first, until fn returns false.
func (l *List) RangeReverseFrom(start int, fn func(i int, v string) bool) {
	l.d.RangeReverseFrom(start, fn)
}

// SortRange calls fn for the elements from index start on, towards the
// end, or, when desc, from index Len-1-start towards the front, until fn
// returns false: the element order SORT ... BY nosort keeps.
func (l *List) SortRange(start int, desc bool, fn func(v string) bool) {
	if desc {
		l.d.RangeReverseFrom(l.d.Len()-1-start, func(_ int, v string) bool { return fn(v) })
		return
	}
	l.d.RangeFrom(start, func(_ int, v string) bool { return fn(v) })
}
