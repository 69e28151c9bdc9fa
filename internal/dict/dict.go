package dict

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"reflect"
	"unsafe"
)

const (
	// minSize is the smallest bucket array: the first insert allocates it
	// and shrinking never goes below it (Redis's DICT_HT_INITIAL_SIZE).
	minSize = 4
	// minFillPercent is the fill below which the table shrinks (Redis's
	// HASHTABLE_MIN_FILL).
	minFillPercent = 10
	// emptyVisitsPerStep bounds the empty buckets one rehash step may skip
	// (Redis visits at most ten per bucket moved).
	emptyVisitsPerStep = 10
)

// node is one entry. It is allocated once, when its key is inserted, and is
// never copied: pointers to val stay valid until the key is deleted. The key
// is val's first field (see keyOf); no hash is cached: a resize hashes the
// keys it moves again, as Redis's dict does.
type node[V any] struct {
	next *node[V]
	val  V
}

// key returns the node's key: the string at the start of its value.
func (n *node[V]) key() string { return *(*string)(unsafe.Pointer(&n.val)) }

// checkLayout panics unless V starts with a string (V is a string, or a
// struct whose first field is one): the key the Dict reads and writes there.
func checkLayout[V any]() {
	t := reflect.TypeFor[V]()
	if t.Kind() == reflect.String {
		return
	}
	if t.Kind() == reflect.Struct && t.NumField() > 0 {
		if f := t.Field(0); f.Offset == 0 && f.Type.Kind() == reflect.String {
			return
		}
	}
	panic(fmt.Sprintf("dict: value type %v does not start with its string key", t))
}

// table is one bucket array. len(b) is zero or a power of two.
type table[V any] struct {
	b    []*node[V]
	used int
}

func (t *table[V]) mask() uint64 { return uint64(len(t.b) - 1) }

// Dict is a hash table of values of type V, each holding its own string
// key, with incremental rehashing, a resize-proof scan cursor and random
// sampling.
//
// V must be a string (a set of strings) or a struct whose first field is a
// string: the key. The Dict writes the key there when it inserts a value,
// reads it there when it searches, and never lets it be changed: callers
// write only the other fields. This keeps the key's header in one place, so
// a set member costs a 24-byte node and a keyspace entry holds its own key.
// The first table allocation panics for any other V.
//
// The zero value is an empty Dict ready to use. A Dict must not be copied
// after first use. It is not safe for concurrent use: one goroutine owns it
// (or its owner's lock guards it).
type Dict[V any] struct {
	// t[0] is the main table. While a resize is in progress t[1] is the
	// new table and the buckets of t[0] below rehashIdx are empty (already
	// moved); otherwise t[1] is empty.
	t         [2]table[V]
	rehashIdx int
	// pause counts the Range, Scan and Sample callbacks in progress; while
	// it is nonzero no entry moves between tables and no resize starts.
	pause int
	seed  maphash.Seed
	rng   uint64 // state of rand
}

// New returns an empty Dict with room for about hint entries before its
// first resize. A hint of zero or less allocates nothing until the first
// insert.
func New[V any](hint int) *Dict[V] {
	d := &Dict[V]{}
	if hint > 0 {
		d.init(nextPow2(hint))
	}
	return d
}

// init allocates the first table of the given power-of-two size.
func (d *Dict[V]) init(size int) {
	checkLayout[V]()
	d.seed = maphash.MakeSeed()
	d.rng = rand.Uint64()
	d.t[0].b = make([]*node[V], size)
}

// nextPow2 returns the smallest power of two that is at least n and at least
// minSize.
func nextPow2(n int) int {
	if n <= minSize {
		return minSize
	}
	return 1 << bits.Len(uint(n-1))
}

// Len returns the number of entries.
func (d *Dict[V]) Len() int { return d.t[0].used + d.t[1].used }

// rehashing reports whether a resize is in progress.
func (d *Dict[V]) rehashing() bool { return d.t[1].b != nil }

// Get returns a pointer to the value stored under key, or nil if there is
// none. The pointer stays valid until key is deleted; the value may be
// modified through it. Get does a step of pending rehash work, so readers
// sharing d under a read lock use [Dict.GetShared] instead.
func (d *Dict[V]) Get(key string) *V {
	if d.Len() == 0 {
		return nil
	}
	if d.rehashing() && d.pause == 0 {
		d.rehash(1)
	}
	if n := d.find(maphash.String(d.seed, key), key); n != nil {
		return &n.val
	}
	return nil
}

// hash returns the hash of key under d's seed.
func (d *Dict[V]) hash(key string) uint64 { return maphash.String(d.seed, key) }

// Contains reports whether key is present.
func (d *Dict[V]) Contains(key string) bool { return d.Get(key) != nil }

// find returns the node holding key, or nil.
func (d *Dict[V]) find(h uint64, key string) *node[V] {
	t0 := &d.t[0]
	if i := h & t0.mask(); !d.rehashing() || i >= uint64(d.rehashIdx) {
		for n := t0.b[i]; n != nil; n = n.next {
			if n.key() == key {
				return n
			}
		}
	}
	if d.rehashing() {
		t1 := &d.t[1]
		for n := t1.b[h&t1.mask()]; n != nil; n = n.next {
			if n.key() == key {
				return n
			}
		}
	}
	return nil
}

// GetOrInsert returns a pointer to the value stored under key. If key was
// absent it inserts a value that is zero but for its key and reports
// inserted; the caller then sets the rest of the value through the pointer
// (never its key). The pointer stays valid until key is deleted.
//
// GetOrInsert must not be called from inside a Range, Scan or Sample
// callback.
func (d *Dict[V]) GetOrInsert(key string) (v *V, inserted bool) {
	if d.t[0].b == nil {
		d.init(minSize)
	}
	if d.rehashing() && d.pause == 0 {
		d.rehash(1)
	}
	h := d.hash(key)
	if n := d.find(h, key); n != nil {
		return &n.val, false
	}
	d.growIfNeeded()
	t := &d.t[0]
	if d.rehashing() {
		t = &d.t[1]
	}
	i := h & t.mask()
	n := &node[V]{next: t.b[i]}
	*(*string)(unsafe.Pointer(&n.val)) = key
	t.b[i] = n
	t.used++
	return &n.val, true
}

// Set stores val under key and reports whether key was newly inserted.
// val's key field is ignored: the stored value's key is key.
func (d *Dict[V]) Set(key string, val V) (inserted bool) {
	p, inserted := d.GetOrInsert(key)
	*p = val
	*(*string)(unsafe.Pointer(p)) = key
	return inserted
}

// Delete removes key and returns the value it held. Inside a Range, Scan or
// Sample callback only the key the callback was called with may be deleted.
func (d *Dict[V]) Delete(key string) (old V, ok bool) {
	if d.Len() == 0 {
		return old, false
	}
	if d.rehashing() && d.pause == 0 {
		d.rehash(1)
	}
	h := d.hash(key)
	for ti := range d.t {
		t := &d.t[ti]
		if len(t.b) == 0 {
			break
		}
		i := h & t.mask()
		if ti == 0 && d.rehashing() && i < uint64(d.rehashIdx) {
			continue
		}
		for pp := &t.b[i]; *pp != nil; pp = &(*pp).next {
			n := *pp
			if n.key() != key {
				continue
			}
			// Unlink but leave n.next alone: an iteration paused on n
			// has already read it, and n itself is garbage now.
			*pp = n.next
			t.used--
			old = n.val
			d.shrinkIfNeeded()
			return old, true
		}
	}
	return old, false
}

// Clear removes every entry and releases the tables.
func (d *Dict[V]) Clear() {
	d.t = [2]table[V]{}
	d.rehashIdx = 0
}

// growIfNeeded starts a resize when the table is full (load factor 1).
func (d *Dict[V]) growIfNeeded() {
	if d.rehashing() {
		return
	}
	if t := &d.t[0]; t.used >= len(t.b) {
		d.resize(t.used + 1)
	}
}

// shrinkIfNeeded starts a resize when the table is less than 10% full.
func (d *Dict[V]) shrinkIfNeeded() {
	if d.rehashing() || d.pause != 0 {
		return
	}
	if t := &d.t[0]; len(t.b) > minSize && t.used*100/len(t.b) < minFillPercent {
		d.resize(t.used)
	}
}

// resize starts moving the entries to a table sized for n entries.
func (d *Dict[V]) resize(n int) {
	size := nextPow2(n)
	if size == len(d.t[0].b) {
		return
	}
	b := make([]*node[V], size)
	if d.t[0].used == 0 {
		d.t[0].b = b
		return
	}
	d.t[1].b = b
	d.rehashIdx = 0
}

// RehashStep does up to budget buckets of pending rehash work, first
// starting a shrink if the table has become sparse. It reports whether work
// remains. The owner calls it when idle so that a resize finishes without
// waiting for traffic.
func (d *Dict[V]) RehashStep(budget int) (more bool) {
	if d.pause != 0 {
		return d.rehashing()
	}
	d.shrinkIfNeeded()
	if !d.rehashing() || budget <= 0 {
		return d.rehashing()
	}
	d.rehash(budget)
	return d.rehashing()
}

// rehash moves up to n non-empty buckets from t[0] to t[1], visiting at
// most ten empty buckets per bucket allowed, and finishes the resize when
// t[0] is empty.
func (d *Dict[V]) rehash(n int) {
	t0, t1 := &d.t[0], &d.t[1]
	m1 := t1.mask()
	empty := n * emptyVisitsPerStep
	for ; n > 0 && t0.used > 0; n-- {
		for t0.b[d.rehashIdx] == nil {
			d.rehashIdx++
			if empty--; empty == 0 {
				return
			}
		}
		for e := t0.b[d.rehashIdx]; e != nil; {
			next := e.next
			i := d.hash(e.key()) & m1
			e.next = t1.b[i]
			t1.b[i] = e
			t0.used--
			t1.used++
			e = next
		}
		t0.b[d.rehashIdx] = nil
		d.rehashIdx++
	}
	if t0.used == 0 {
		d.t[0] = d.t[1]
		d.t[1] = table[V]{}
		d.rehashIdx = 0
	}
}
