// Package deque is a double-ended queue of strings, the storage of a Redis
// list: O(1) amortized push and pop at both ends, O(1) indexing, O(n)
// insertion and removal in the middle.
//
// # Layout
//
// A deque of up to 128 elements is a ring buffer whose power-of-two capacity
// (4 to 128 slots) doubles and halves with its length, so the many short
// lists of a typical keyspace cost little more than their string headers.
// Past 128 elements it switches to fixed blocks of 128 strings (2 KiB) held
// in a ring of block pointers, like C++'s std::deque: pushing allocates a
// block every 128 elements and never copies elements; only the ring of block
// pointers, 1/128 of the size, is ever copied when it grows. A block is
// released as soon as popping or trimming empties it (one spare block is
// kept to avoid allocating again at a block boundary); a deque that shrinks
// to 32 elements or fewer returns to a ring buffer and drops all its blocks.
// Popped slots are cleared so the deque never keeps a removed string alive.
//
// # Concurrency
//
// A Deque is not safe for concurrent use. It is owned by one goroutine (a
// shard) or used under its owner's lock; it contains no locks of its own.
// Its read-only methods (Len, At, Front, Back and the Range family) write
// nothing, so readers may share a Deque under a read lock.
package deque

const (
	blockShift = 7
	blockSize  = 1 << blockShift // strings per block
	blockMask  = blockSize - 1
	// minRing is the smallest ring buffer; rings of up to keepRing slots
	// are kept when the deque empties.
	minRing  = 4
	keepRing = 8
	// smallMax is the length at or below which a block deque returns to a
	// ring buffer (a quarter of the switch-over length, for hysteresis).
	smallMax = blockSize / 4
	// minBlockRing is the smallest ring of block pointers.
	minBlockRing = 4
)

type block [blockSize]string

// Deque is a double-ended queue of strings. The zero value is an empty deque
// ready to use. A Deque must not be copied after first use. It is not safe
// for concurrent use.
type Deque struct {
	// Ring mode (blocks == nil): the elements are buf[(head+i)&(len(buf)-1)]
	// for i < n, and len(buf) is 0 or a power of two no larger than
	// blockSize.
	buf []string
	// Block mode (blocks != nil): element i is at position p = head+i of
	// the block sequence: slot p&blockMask of block p>>blockShift, which
	// is blocks[(bhead+p>>blockShift)&(len(blocks)-1)]. head < blockSize,
	// nblk blocks are in use and len(blocks) is a power of two.
	blocks []*block
	bhead  int
	nblk   int
	spare  *block // a released block kept for the next allocation, or nil
	head   int
	n      int
}

// Len returns the number of elements.
func (d *Deque) Len() int { return d.n }

// slot returns the storage of element i, which must be in [0, n).
func (d *Deque) slot(i int) *string {
	if d.blocks == nil {
		return &d.buf[(d.head+i)&(len(d.buf)-1)]
	}
	p := d.head + i
	return &d.blocks[(d.bhead+p>>blockShift)&(len(d.blocks)-1)][p&blockMask]
}

// At returns element i (0 is the front), or ok false when i is out of
// range.
func (d *Deque) At(i int) (v string, ok bool) {
	if uint(i) >= uint(d.n) {
		return "", false
	}
	return *d.slot(i), true
}

// Set replaces element i and reports whether i was in range.
func (d *Deque) Set(i int, v string) bool {
	if uint(i) >= uint(d.n) {
		return false
	}
	*d.slot(i) = v
	return true
}

// Front returns the first element, or ok false when the deque is empty.
func (d *Deque) Front() (v string, ok bool) { return d.At(0) }

// Back returns the last element, or ok false when the deque is empty.
func (d *Deque) Back() (v string, ok bool) { return d.At(d.n - 1) }

// PushBack appends v after the last element.
func (d *Deque) PushBack(v string) {
	if d.blocks == nil {
		if d.n < len(d.buf) {
			d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
			d.n++
			return
		}
		if len(d.buf) < blockSize {
			d.resizeRing(max(minRing, 2*len(d.buf)))
			d.buf[d.n] = v
			d.n++
			return
		}
		d.toBlocks()
	}
	if d.head+d.n == d.nblk*blockSize {
		d.growBlockRing()
		d.blocks[(d.bhead+d.nblk)&(len(d.blocks)-1)] = d.newBlock()
		d.nblk++
	}
	d.n++
	*d.slot(d.n - 1) = v
}

// PushFront inserts v before the first element.
func (d *Deque) PushFront(v string) {
	if d.blocks == nil {
		if d.n == len(d.buf) {
			if len(d.buf) < blockSize {
				d.resizeRing(max(minRing, 2*len(d.buf)))
			} else {
				d.toBlocks()
				d.pushFrontBlocks(v)
				return
			}
		}
		d.head = (d.head - 1) & (len(d.buf) - 1)
		d.buf[d.head] = v
		d.n++
		return
	}
	d.pushFrontBlocks(v)
}

func (d *Deque) pushFrontBlocks(v string) {
	if d.head == 0 {
		d.growBlockRing()
		d.bhead = (d.bhead - 1) & (len(d.blocks) - 1)
		d.blocks[d.bhead] = d.newBlock()
		d.nblk++
		d.head = blockSize
	}
	d.head--
	d.n++
	*d.slot(0) = v
}

// PopFront removes and returns the first element, or ok false when the
// deque is empty.
func (d *Deque) PopFront() (v string, ok bool) {
	if d.n == 0 {
		return "", false
	}
	p := d.slot(0)
	v, *p = *p, ""
	if d.blocks == nil {
		d.head = (d.head + 1) & (len(d.buf) - 1)
		d.n--
		d.shrinkRing()
		return v, true
	}
	d.head++
	d.n--
	d.afterFrontRemoval()
	return v, true
}

// PopBack removes and returns the last element, or ok false when the deque
// is empty.
func (d *Deque) PopBack() (v string, ok bool) {
	if d.n == 0 {
		return "", false
	}
	p := d.slot(d.n - 1)
	v, *p = *p, ""
	d.n--
	if d.blocks == nil {
		d.shrinkRing()
		return v, true
	}
	d.afterBackRemoval()
	return v, true
}

// Clear removes every element and releases all storage.
func (d *Deque) Clear() { *d = Deque{} }

// resizeRing moves the ring-mode elements into a new ring of the given
// power-of-two size, starting at index 0.
func (d *Deque) resizeRing(size int) {
	nb := make([]string, size)
	d.copyTo(nb)
	d.buf, d.head = nb, 0
}

// shrinkRing halves a ring that has become a quarter full, as often as that
// holds, but keeps rings of keepRing slots or fewer as they are.
func (d *Deque) shrinkRing() {
	size := len(d.buf)
	for size > keepRing && d.n*4 <= size {
		size /= 2
	}
	if size != len(d.buf) {
		d.resizeRing(size)
	}
}

// copyTo copies the elements in order into dst, which must have room.
func (d *Deque) copyTo(dst []string) {
	for i := 0; i < d.n; {
		i += copy(dst[i:], d.chunk(i))
	}
}

// toBlocks switches a full ring of blockSize elements to block mode; the
// ring's array, rotated into order, becomes the first block.
func (d *Deque) toBlocks() {
	rotate(d.buf, d.head)
	d.blocks = make([]*block, minBlockRing)
	d.blocks[0] = (*block)(d.buf)
	d.buf, d.bhead, d.nblk, d.head = nil, 0, 1, 0
}

// rotate moves s[k] to s[0] in place, keeping the cyclic order.
func rotate(s []string, k int) {
	reverse(s[:k])
	reverse(s[k:])
	reverse(s)
}

func reverse(s []string) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// toRing switches block mode back to a ring buffer sized for the elements.
func (d *Deque) toRing() {
	size := minRing
	for size < 2*d.n {
		size *= 2
	}
	nb := make([]string, size)
	d.copyTo(nb)
	*d = Deque{buf: nb, n: d.n}
}

// newBlock returns the spare block or a fresh one.
func (d *Deque) newBlock() *block {
	if b := d.spare; b != nil {
		d.spare = nil
		return b
	}
	return new(block)
}

// releaseBlock gives up a block whose slots have all been cleared, keeping
// it as the spare if there is none.
func (d *Deque) releaseBlock(b *block) {
	if d.spare == nil {
		d.spare = b
	}
}

// growBlockRing doubles the ring of block pointers when it has no free
// entry for one more block.
func (d *Deque) growBlockRing() {
	if d.nblk < len(d.blocks) {
		return
	}
	d.resizeBlockRing(2 * len(d.blocks))
}

// resizeBlockRing moves the used block pointers into a new ring of the given
// size, starting at index 0.
func (d *Deque) resizeBlockRing(size int) {
	nb := make([]*block, size)
	for i := range d.nblk {
		nb[i] = d.blocks[(d.bhead+i)&(len(d.blocks)-1)]
	}
	d.blocks, d.bhead = nb, 0
}

// afterFrontRemoval releases the leading blocks that removals from the front
// have emptied, and leaves block mode when the deque has become small.
func (d *Deque) afterFrontRemoval() {
	for d.head >= blockSize {
		i := d.bhead
		d.releaseBlock(d.blocks[i])
		d.blocks[i] = nil
		d.bhead = (i + 1) & (len(d.blocks) - 1)
		d.nblk--
		d.head -= blockSize
	}
	d.afterRemoval()
}

// afterBackRemoval releases the trailing blocks that removals from the back
// have emptied, and leaves block mode when the deque has become small.
func (d *Deque) afterBackRemoval() {
	for d.nblk > 1 && (d.nblk-1)*blockSize >= d.head+d.n {
		i := (d.bhead + d.nblk - 1) & (len(d.blocks) - 1)
		d.releaseBlock(d.blocks[i])
		d.blocks[i] = nil
		d.nblk--
	}
	d.afterRemoval()
}

func (d *Deque) afterRemoval() {
	if d.n <= smallMax {
		d.toRing()
		return
	}
	size := len(d.blocks)
	for size > minBlockRing && d.nblk*4 <= size {
		size /= 2
	}
	if size != len(d.blocks) {
		d.resizeBlockRing(size)
	}
}
