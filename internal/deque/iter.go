package deque

// chunk returns the longest run of contiguous storage that holds elements
// i, i+1, ... (stopping at the end of a block, the wrap of the ring or the
// last element). i must be in [0, n).
func (d *Deque) chunk(i int) []string {
	rest := d.n - i
	if d.blocks == nil {
		p := (d.head + i) & (len(d.buf) - 1)
		return d.buf[p:min(len(d.buf), p+rest)]
	}
	p := d.head + i
	b := d.blocks[(d.bhead+p>>blockShift)&(len(d.blocks)-1)]
	s := p & blockMask
	return b[s:min(blockSize, s+rest)]
}

// chunkBack returns the longest run of contiguous storage that ends with
// element i and holds elements ..., i-1, i. i must be in [0, n).
func (d *Deque) chunkBack(i int) []string {
	if d.blocks == nil {
		p := (d.head + i) & (len(d.buf) - 1)
		return d.buf[max(0, p-i) : p+1]
	}
	p := d.head + i
	b := d.blocks[(d.bhead+p>>blockShift)&(len(d.blocks)-1)]
	s := p & blockMask
	return b[max(0, s-i) : s+1]
}

// Range calls fn for every element from front to back, with its index,
// until fn returns false. fn must not modify the deque.
func (d *Deque) Range(fn func(i int, v string) bool) { d.RangeFrom(0, fn) }

// RangeFrom calls fn for the elements from index start to the back, with
// their indexes, until fn returns false. A negative start counts as 0. fn
// must not modify the deque.
func (d *Deque) RangeFrom(start int, fn func(i int, v string) bool) {
	for i := max(start, 0); i < d.n; {
		for _, v := range d.chunk(i) {
			if !fn(i, v) {
				return
			}
			i++
		}
	}
}

// RangeReverse calls fn for every element from back to front, with its
// index, until fn returns false. fn must not modify the deque.
func (d *Deque) RangeReverse(fn func(i int, v string) bool) { d.RangeReverseFrom(d.n-1, fn) }

// RangeReverseFrom calls fn for the elements from index start down to the
// front, with their indexes, until fn returns false. A start past the back
// counts as the last index. fn must not modify the deque.
func (d *Deque) RangeReverseFrom(start int, fn func(i int, v string) bool) {
	for i := min(start, d.n-1); i >= 0; {
		c := d.chunkBack(i)
		for k := len(c) - 1; k >= 0; k-- {
			if !fn(i, c[k]) {
				return
			}
			i--
		}
	}
}
