package deque

// Insert inserts v before element i, so that it becomes element i; i == Len
// appends. It reports false, changing nothing, when i is outside [0, Len].
// It moves the elements on the shorter side of i: O(min(i, Len-i)).
func (d *Deque) Insert(i int, v string) bool {
	if uint(i) > uint(d.n) {
		return false
	}
	if i < d.n/2 {
		d.PushFront("")
		for k := 0; k < i; k++ {
			*d.slot(k) = *d.slot(k + 1)
		}
	} else {
		d.PushBack("")
		for k := d.n - 1; k > i; k-- {
			*d.slot(k) = *d.slot(k - 1)
		}
	}
	*d.slot(i) = v
	return true
}

// RemoveAt removes and returns element i, or reports false when i is out of
// range. It moves the elements on the shorter side of i: O(min(i, Len-i)).
func (d *Deque) RemoveAt(i int) (v string, ok bool) {
	if uint(i) >= uint(d.n) {
		return "", false
	}
	v = *d.slot(i)
	if i < d.n/2 {
		for k := i; k > 0; k-- {
			*d.slot(k) = *d.slot(k - 1)
		}
		d.PopFront()
	} else {
		for k := i; k < d.n-1; k++ {
			*d.slot(k) = *d.slot(k + 1)
		}
		d.PopBack()
	}
	return v, true
}

// Trim keeps the elements from index start to index stop, both inclusive,
// and removes the others, like LTRIM on indexes already made non-negative:
// start below 0 counts as 0, stop past the back as the last index, and an
// empty range (start > stop, or start past the back) empties the deque. It
// costs O(removed).
func (d *Deque) Trim(start, stop int) {
	start, stop = max(start, 0), min(stop, d.n-1)
	if start > stop {
		d.Clear()
		return
	}
	d.discardBack(d.n - 1 - stop)
	d.discardFront(start)
}

// Remove removes elements equal to v, like LREM: the first count of them
// scanning from the front when count > 0, the first -count scanning from
// the back when count < 0, all of them when count is 0. It returns how many
// it removed, in O(Len).
func (d *Deque) Remove(v string, count int) int {
	limit := count
	if count <= 0 {
		limit = -count
	}
	if count == 0 {
		limit = d.n
	}
	removed := 0
	if count >= 0 {
		// Compact forwards: w is where the next kept element goes.
		w := 0
		for r := 0; r < d.n; r++ {
			x := *d.slot(r)
			if removed < limit && x == v {
				removed++
				continue
			}
			if w != r {
				*d.slot(w) = x
			}
			w++
		}
		d.discardBack(removed)
		return removed
	}
	w := d.n - 1
	for r := d.n - 1; r >= 0; r-- {
		x := *d.slot(r)
		if removed < limit && x == v {
			removed++
			continue
		}
		if w != r {
			*d.slot(w) = x
		}
		w--
	}
	d.discardFront(removed)
	return removed
}

// clearRange clears the slots of elements [i, i+k).
func (d *Deque) clearRange(i, k int) {
	for end := i + k; i < end; {
		c := d.chunk(i)
		c = c[:min(len(c), end-i)]
		clear(c)
		i += len(c)
	}
}

// discardFront removes the first k elements, 0 <= k <= Len.
func (d *Deque) discardFront(k int) {
	if k <= 0 {
		return
	}
	d.clearRange(0, k)
	d.n -= k
	if d.blocks == nil {
		d.head = (d.head + k) & (len(d.buf) - 1)
		d.shrinkRing()
		return
	}
	d.head += k
	d.afterFrontRemoval()
}

// discardBack removes the last k elements, 0 <= k <= Len.
func (d *Deque) discardBack(k int) {
	if k <= 0 {
		return
	}
	d.clearRange(d.n-k, k)
	d.n -= k
	if d.blocks == nil {
		d.shrinkRing()
		return
	}
	d.afterBackRemoval()
}
