package dict

import (
	"math/bits"
	"slices"
)

// rand returns 64 random bits from the Dict's own wyrand generator, which is
// seeded when the first table is allocated. Sampling needs speed, not
// unpredictability.
func (d *Dict[V]) rand() uint64 {
	d.rng += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(d.rng, d.rng^0xe7037ed1a0b428db)
	return hi ^ lo
}

// maxDraws bounds the independent bucket draws of one Sample call; larger
// samples walk the table instead.
const maxDraws = 64

// live is the index space of the buckets that can hold entries: t[0] from
// rehashIdx on, then all of t[1].
type live[V any] struct {
	t0, t1 []*node[V]
	lo     int    // first live index of t0
	live0  int    // live buckets of t0
	span   uint64 // live buckets in all
}

func (d *Dict[V]) live() live[V] {
	l := live[V]{t0: d.t[0].b, t1: d.t[1].b}
	if d.rehashing() {
		l.lo = d.rehashIdx
	}
	l.live0 = len(l.t0) - l.lo
	l.span = uint64(l.live0 + len(l.t1))
	return l
}

// pick returns the bucket that the high 32 bits of r select uniformly, and
// its index in the live space.
func (l *live[V]) pick(r uint64) (head *node[V], i int) {
	if l.span > 1<<32 {
		i = int(r % l.span)
	} else {
		i = int((r >> 32) * l.span >> 32)
	}
	if i < l.live0 {
		return l.t0[l.lo+i], i
	}
	return l.t1[i-l.live0], i
}

// Random returns an entry chosen at random, or ok false when d is empty. It
// takes O(1) expected time.
//
// Picking a random bucket and then a random element of its chain (Redis's
// dictGetRandomKey) favours entries in short chains. Random instead draws a
// bucket and a position below max(chain length, c) and retries when the
// position is past the end of the chain, so every entry of a chain no longer
// than c is equally likely and one in a longer chain of length L is c/L as
// likely. c is 4, or 3 while every table is less than half full; under 2% of
// entries sit in longer chains. A draw costs about c/load bucket probes.
func (d *Dict[V]) Random() (key string, v *V, ok bool) {
	if d.Len() == 0 {
		return "", nil, false
	}
	if d.rehashing() && d.pause == 0 {
		d.rehash(1)
	}
	l := d.live()
	c := d.randomCap(&l)
	for {
		if e := l.try(d.rand(), c); e != nil {
			return e.key(), &e.val, true
		}
	}
}

// randomCap returns the position cap c of Random. It must be the same for
// every bucket, so it follows the fuller table.
func (d *Dict[V]) randomCap(l *live[V]) uint64 {
	if d.t[0].used*2 >= l.live0 || len(l.t1) > 0 && d.t[1].used*2 >= len(l.t1) {
		return 4
	}
	return 3
}

// try is one attempt of Random with the random bits r: it picks a bucket and
// a position below max(chain length, c) and returns that entry, or nil when
// the position is past the end of the chain.
func (l *live[V]) try(r, c uint64) *node[V] {
	head, _ := l.pick(r)
	if head == nil {
		return nil
	}
	n := uint64(1)
	for e := head.next; e != nil; e = e.next {
		n++
	}
	// The low 32 bits of r pick the position (the high 32 picked the
	// bucket).
	j := (r & 0xffffffff) * max(n, c) >> 32
	if j >= n {
		return nil
	}
	e := head
	for ; j > 0; j-- {
		e = e.next
	}
	return e
}

// Sample calls fn for up to n distinct entries chosen at random and returns
// how many it visited; it stops early when fn returns false, and returns
// fewer than n only then or when d has fewer than n entries.
//
// Small samples (n up to 64 and at most a quarter of the entries) draw
// buckets independently and uniformly, skipping empty and already drawn
// ones, and report whole chains, so every entry is about equally likely to
// be included; a chain longer than what is still wanted contributes a run
// starting at a random position. Larger samples walk the buckets from a
// random start, which is cheaper but favours entries that follow empty
// buckets (Redis's dictGetSomeKeys does the same). Either way the cost is
// O(n) expected bucket reads.
//
// fn may modify the value through v and may delete the key it was called
// with; it must not otherwise modify d.
func (d *Dict[V]) Sample(n int, fn func(key string, v *V) bool) int {
	if n <= 0 || d.Len() == 0 {
		return 0
	}
	if d.rehashing() && d.pause == 0 {
		d.rehash(min(n, 16))
	}
	d.pause++
	defer func() { d.pause-- }()
	s := sampler[V]{want: min(n, d.Len()), fn: fn}
	l := d.live()
	if s.want <= maxDraws && s.want*4 <= d.Len() {
		var drawn [maxDraws]int
		nd := 0
		for !s.done {
			r := d.rand()
			head, i := l.pick(r)
			if head == nil || slices.Contains(drawn[:nd], i) {
				continue
			}
			drawn[nd] = i
			nd++
			s.rnd = r
			s.chain(head)
		}
		return s.got
	}
	// Walk the index space of the larger table once at most, starting at a
	// random index; index i names bucket i of each table that has one.
	size := max(len(l.t0), len(l.t1))
	mask := size - 1
	r := d.rand()
	i := int(r & uint64(mask))
	s.rnd = r >> 32
	for steps := 0; steps < size && !s.done; steps++ {
		if i >= l.lo && i < len(l.t0) {
			s.chain(l.t0[i])
		}
		if i < len(l.t1) && !s.done {
			s.chain(l.t1[i])
		}
		i = (i + 1) & mask
	}
	return s.got
}

// sampler is the state of one Sample call.
type sampler[V any] struct {
	want, got int
	done      bool
	rnd       uint64 // random bits for cutting a chain; the low 32 are used
	fn        func(key string, v *V) bool
}

// chain reports the entries of one bucket. When the chain holds more entries
// than are still wanted, it reports a run of them starting at a random
// position (wrapping around), so entries deep in a chain are as likely to be
// picked as those at its head.
func (s *sampler[V]) chain(head *node[V]) {
	if head == nil {
		return
	}
	l := 0
	for e := head; e != nil; e = e.next {
		l++
	}
	take, skip := l, 0
	if rest := s.want - s.got; l > rest {
		take, skip = rest, int((s.rnd&0xffffffff)%uint64(l))
	}
	e := head
	for ; skip > 0; skip-- {
		e = e.next
	}
	for ; take > 0; take-- {
		next := e.next
		if next == nil {
			next = head
		}
		s.got++
		if !s.fn(e.key(), &e.val) || s.got == s.want {
			s.done = true
			return
		}
		e = next
	}
}
