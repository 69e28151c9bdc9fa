package dict

import "math/bits"

// Range calls fn for every entry, in no particular order, until fn returns
// false. fn may modify the value through v and may delete the key it was
// called with; it must not otherwise modify d. Range does no rehash work.
func (d *Dict[V]) Range(fn func(key string, v *V) bool) {
	if d.Len() == 0 {
		return
	}
	d.pause++
	defer func() { d.pause-- }()
	d.each(fn)
}

// each is the body of Range and RangeShared; it writes nothing to d.
func (d *Dict[V]) each(fn func(key string, v *V) bool) {
	start := 0
	if d.rehashing() {
		start = d.rehashIdx
	}
	for ti := range d.t {
		b := d.t[ti].b
		for i := start; i < len(b); i++ {
			for n := b[i]; n != nil; {
				next := n.next
				if !fn(n.key(), &n.val) {
					return
				}
				n = next
			}
		}
		start = 0
	}
}

// Scan visits one step of a resumable scan over d and returns the cursor for
// the next step; a scan starts with cursor 0 and is complete when Scan
// returns 0. Each step visits one bucket of the smaller table and the
// buckets of the larger one that it expands to (normally one or two).
//
// As with Redis's SCAN, every entry present in d from the start of a scan to
// its end is passed to fn at least once; an entry may be passed more than
// once, and entries inserted or deleted during the scan may or may not be.
// This holds however d is modified, resized or rehashed between steps.
//
// fn may modify the value through v and may delete the key it was called
// with; it must not otherwise modify d.
func (d *Dict[V]) Scan(cursor uint64, fn func(key string, v *V)) (next uint64) {
	if d.Len() == 0 {
		return 0
	}
	d.pause++
	defer func() { d.pause-- }()
	return d.scan(cursor, fn)
}

// scan is the body of Scan and ScanShared; it writes nothing to d.
func (d *Dict[V]) scan(cursor uint64, fn func(key string, v *V)) (next uint64) {
	v := cursor
	if !d.rehashing() {
		t := &d.t[0]
		m := t.mask()
		emitChain(t.b[v&m], fn)
		return incReverse(v, m)
	}
	small, large := &d.t[0], &d.t[1]
	if len(small.b) > len(large.b) {
		small, large = large, small
	}
	m0, m1 := small.mask(), large.mask()
	emitChain(small.b[v&m0], fn)
	// Visit every index of the larger table whose low bits equal the
	// cursor's masked by the smaller mask: they hold the entries that were
	// (or will be) in the small table's bucket.
	for {
		emitChain(large.b[v&m1], fn)
		v = incReverse(v, m1)
		if v&(m0^m1) == 0 {
			break
		}
	}
	return v
}

// incReverse increments the bits of v selected by mask, counting from the
// most significant selected bit down (a reversed-binary increment), and
// clears the bits above mask.
func incReverse(v, mask uint64) uint64 {
	v |= ^mask
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}

// emitChain calls fn for every node of a chain, reading each next pointer
// before the call so that fn may delete the node it is given.
func emitChain[V any](n *node[V], fn func(key string, v *V)) {
	for n != nil {
		next := n.next
		fn(n.key(), &n.val)
		n = next
	}
}
