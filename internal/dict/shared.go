package dict

import "math/rand/v2"

// Shared reads.
//
// Get, Range, Scan and Random write to the Dict even though they only read
// entries: Get and Random do a step of pending rehash work, and Range and
// Scan count themselves in the pause counter. A store that lets several
// readers share a Dict under a read lock (kevy's lock-based engine runs
// read-only commands concurrently) needs reads that write nothing at all.
// The *Shared methods below are those reads: they see exactly what their
// counterparts see, but leave rehashing to the next writer (or to
// RehashStep). Any number of goroutines may call them at once, provided no
// goroutine modifies d meanwhile.

// GetShared is Get without rehash work. The returned pointer must not be
// written through while other readers share d.
func (d *Dict[V]) GetShared(key string) *V {
	if d.Len() == 0 {
		return nil
	}
	if n := d.find(d.hash(key), key); n != nil {
		return &n.val
	}
	return nil
}

// RangeShared is Range for shared readers: fn must not modify d or the
// values.
func (d *Dict[V]) RangeShared(fn func(key string, v *V) bool) {
	if d.Len() == 0 {
		return
	}
	d.each(fn)
}

// ScanShared is Scan for shared readers: the same cursor and the same
// guarantee, but fn must not modify d or the values.
func (d *Dict[V]) ScanShared(cursor uint64, fn func(key string, v *V)) (next uint64) {
	if d.Len() == 0 {
		return 0
	}
	return d.scan(cursor, fn)
}

// RandomShared is Random without rehash work, drawing its randomness from
// r (which the caller must not share with other goroutines), or from the
// global source when r is nil.
func (d *Dict[V]) RandomShared(r *rand.Rand) (key string, v *V, ok bool) {
	if d.Len() == 0 {
		return "", nil, false
	}
	l := d.live()
	c := d.randomCap(&l)
	for {
		var x uint64
		if r != nil {
			x = r.Uint64()
		} else {
			x = rand.Uint64()
		}
		if e := l.try(x, c); e != nil {
			return e.key(), &e.val, true
		}
	}
}
