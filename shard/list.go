package shard

import (
	"errors"
	"slices"

	"github.com/kevydb/kevy/internal/pack"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeList] = listFromRDB }

// listFromRDB builds a list loaded from an RDB file (every list encoding
// the rdb package reads: linked list, ziplist, quicklist of ziplists or
// listpacks).
func listFromRDB(e *rdb.Entry, enc *Encodings) (Object, error) {
	if len(e.List) == 0 {
		return nil, errors.New("empty list")
	}
	l := newList(enc)
	for _, v := range e.List {
		l.PushBack(v)
	}
	return l, nil
}

// Memory accounting of a list (see MemUsage): the List itself, its node
// array, and each node's buffer.
const (
	listBaseMem = 48 // the List struct
	listNodeMem = 40 // a listNode in the node array
)

// List is a list value: an ordered sequence of strings.
//
// It is Redis's quicklist: a sequence of nodes, each a packed buffer of
// elements (bidirectional entries of internal/pack: an element costs its
// bytes plus two bytes up to 127 bytes), so that pushing and popping at
// either end touch one node, and a node holds at most
// list-max-listpack-size elements or bytes (8 KiB by default), the value
// the list was created with, as in Redis. Reaching an element by index
// walks the node counts from the nearer end, then the node.
//
// Redis 7.0 reports the "quicklist" encoding for every list, whatever its
// size (listpack-encoded small lists arrived in 7.2), so Encoding always
// does too.
//
// A List belongs to the keyspace that holds it. Its read methods (Len, At,
// Range*, Encoding, Emit, Dup, MemUsage) change nothing but the nodes'
// shared marks, which are atomic, so concurrent readers may share a List as
// long as no writer runs.
type List struct {
	nodes []listNode
	n     int   // elements
	bufs  int   // heap bytes of the nodes' buffers, for MemUsage
	fill  int32 // list-max-listpack-size when the list was created
}

// listNode is one node of a list: p.b[off:] holds its n elements; the
// bytes before off are room for pushes at the front.
type listNode struct {
	p   packed
	off int32
	n   int32
}

// NewList returns an empty list with the default node size.
func NewList() *List { return newList(&defaultEncodings) }

// newList returns an empty list whose nodes follow enc's
// list-max-listpack-size.
func newList(enc *Encodings) *List {
	return &List{fill: int32(max(min(enc.ListMaxListpackSize, 1<<30), -(1 << 30)))}
}

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

// Encoding returns "quicklist", as Redis 7.0 does for every list.
func (l *List) Encoding() string { return "quicklist" }

// MemUsage returns the bytes the list holds: the struct, the node array
// and the nodes' buffers. It is maintained on every change, never computed
// by walking the list.
func (l *List) MemUsage() int {
	return listBaseMem + allocSize(cap(l.nodes)*listNodeMem) + l.bufs
}

// Dup returns a deep copy.
func (l *List) Dup() Object {
	d := &List{n: l.n, fill: l.fill, nodes: make([]listNode, len(l.nodes))}
	for i := range l.nodes {
		src := &l.nodes[i]
		b := make([]byte, len(src.p.b)-int(src.off), allocSize(len(src.p.b)-int(src.off)))
		copy(b, src.p.b[src.off:])
		d.nodes[i] = listNode{p: packed{b: b}, n: src.n}
		d.bufs += allocSize(cap(b))
	}
	return d
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

// limits returns the most elements and bytes a node may hold.
func (l *List) limits() (elems, bytes int) { return listNodeLimits(int64(l.fill)) }

// fits reports whether node nd can take one more element of s bytes.
func (l *List) fits(nd *listNode, s int) bool {
	elems, bytes := l.limits()
	return int(nd.n) < elems && len(nd.p.b)-int(nd.off)+pack.BiSize(s) <= bytes
}

// setBuf replaces node nd's buffer with b, elements from off, keeping the
// accounting.
func (l *List) setBuf(nd *listNode, b []byte, off int) {
	l.bufs += allocSize(cap(b)) - allocSize(cap(nd.p.b))
	nd.p.b, nd.off = b, int32(off)
	nd.p.shared.Store(false)
}

// newNode inserts an empty node at index i and returns it.
func (l *List) newNode(i int) *listNode {
	l.nodes = slices.Insert(l.nodes, i, listNode{})
	return &l.nodes[i]
}

// dropNodes removes nodes i to j-1, which hold no elements any more.
func (l *List) dropNodes(i, j int) {
	for k := i; k < j; k++ {
		l.bufs -= allocSize(cap(l.nodes[k].p.b))
	}
	l.nodes = slices.Delete(l.nodes, i, j)
	if cap(l.nodes) > 4 && len(l.nodes) < cap(l.nodes)/4 {
		l.nodes = slices.Clone(l.nodes)
	}
	if len(l.nodes) == 0 {
		l.nodes = nil
	}
}

// PushFront inserts v before the first element.
func (l *List) PushFront(v string) {
	if len(l.nodes) == 0 || !l.fits(&l.nodes[0], len(v)) {
		l.newNode(0)
	}
	nd := &l.nodes[0]
	need := pack.BiSize(len(v))
	if nd.p.shared.Load() || int(nd.off) < need {
		// Move to a new buffer with room in front: a quarter of the
		// contents more, so that a run of pushes is amortised.
		live := nd.p.b[nd.off:]
		room := need + len(live)/4
		b := make([]byte, room+len(live), allocSize(room+len(live)))
		off := len(b) - len(live)
		copy(b[off:], live)
		l.setBuf(nd, b, off)
	}
	nd.off -= int32(need)
	pack.PutBi(nd.p.b, int(nd.off), v)
	nd.n++
	l.n++
}

// PushBack appends v after the last element.
func (l *List) PushBack(v string) {
	if len(l.nodes) == 0 || !l.fits(&l.nodes[len(l.nodes)-1], len(v)) {
		l.newNode(len(l.nodes))
	}
	nd := &l.nodes[len(l.nodes)-1]
	need := pack.BiSize(len(v))
	if nd.p.shared.Load() || len(nd.p.b)+need > cap(nd.p.b) {
		live := nd.p.b[nd.off:]
		size := len(live) + need
		b := make([]byte, len(live), allocSize(size+size/8))
		copy(b, live)
		l.setBuf(nd, b, 0)
	}
	end := len(nd.p.b)
	nd.p.b = nd.p.b[:end+need]
	pack.PutBi(nd.p.b, end, v)
	nd.n++
	l.n++
}

// reserve sizes the first node of an empty list for elems, to be pushed
// at the front (left) or the back: a list created whole (RPUSH key a b c
// ...) is laid out once.
func (l *List) reserve(elems []string, left bool) {
	if l.n != 0 {
		return
	}
	maxElems, maxBytes := l.limits()
	size := 0
	for i, v := range elems {
		if i == maxElems || size+pack.BiSize(len(v)) > maxBytes {
			break
		}
		size += pack.BiSize(len(v))
	}
	if size == 0 {
		return
	}
	nd := l.newNode(0)
	b := make([]byte, 0, allocSize(size))
	off := 0
	if left {
		b, off = b[:cap(b)], cap(b)
	}
	l.setBuf(nd, b, off)
}

// Push adds v at the front (left) or the back.
func (l *List) Push(v string, left bool) {
	if left {
		l.PushFront(v)
	} else {
		l.PushBack(v)
	}
}

// Pop removes and returns the first (left) or last element, a copy of its
// own; ok is false when the list is empty.
func (l *List) Pop(left bool) (v string, ok bool) {
	if l.n == 0 {
		return "", false
	}
	k := len(l.nodes) - 1
	if left {
		k = 0
	}
	nd := &l.nodes[k]
	if left {
		start, end, next := pack.BiAt(nd.p.b, int(nd.off))
		v = cloneString(nd.p.view(start, end))
		nd.off = int32(next)
	} else {
		i, start, end := pack.BiBefore(nd.p.b, len(nd.p.b))
		v = cloneString(nd.p.view(start, end))
		nd.p.b = nd.p.b[:i]
	}
	nd.n--
	l.n--
	if nd.n == 0 {
		l.dropNodes(k, k+1)
	}
	return v, true
}

// locate returns the node holding element i (0 <= i < Len) and i's index
// within it, walking the node counts from the nearer end.
func (l *List) locate(i int) (node, j int) {
	if i < l.n/2 {
		for k := range l.nodes {
			if i < int(l.nodes[k].n) {
				return k, i
			}
			i -= int(l.nodes[k].n)
		}
	}
	i = l.n - 1 - i // from the end
	for k := len(l.nodes) - 1; k >= 0; k-- {
		if i < int(l.nodes[k].n) {
			return k, int(l.nodes[k].n) - 1 - i
		}
		i -= int(l.nodes[k].n)
	}
	panic("shard: list index out of range")
}

// entry returns the offset of element j of node nd and its bounds,
// walking from the nearer end of the node.
func (nd *listNode) entry(j int) (at, start, end, next int) {
	b := nd.p.b
	if j <= int(nd.n)/2 {
		at = int(nd.off)
		for ; j > 0; j-- {
			_, _, at = pack.BiAt(b, at)
		}
		start, end, next = pack.BiAt(b, at)
		return at, start, end, next
	}
	next = len(b)
	for k := int(nd.n) - 1; ; k-- {
		at, start, end = pack.BiBefore(b, next)
		if k == j {
			return at, start, end, next
		}
		next = at
	}
}

// index normalizes i (negative counts from the end) and reports whether it
// is in range.
func (l *List) index(i int64) (int, bool) {
	if i < 0 {
		i += int64(l.n)
	}
	if i < 0 || i >= int64(l.n) {
		return 0, false
	}
	return int(i), true
}

// At returns element i (0 is the first; negative indexes count from the
// end, -1 being the last), or ok false when i is out of range.
func (l *List) At(i int64) (string, bool) {
	x, ok := l.index(i)
	if !ok {
		return "", false
	}
	k, j := l.locate(x)
	nd := &l.nodes[k]
	_, start, end, _ := nd.entry(j)
	return nd.p.alias(start, end), true
}

// splice replaces b[from:to] of node nd with n bytes and returns them for
// the caller to fill, in place when the node's buffer is not shared and has
// the room, in a new buffer otherwise.
func (l *List) splice(nd *listNode, from, to, n int) []byte {
	b := nd.p.b
	newLen := len(b) - (to - from) + n
	if !nd.p.shared.Load() && newLen <= cap(b) {
		b = b[:max(len(b), newLen)]
		copy(b[from+n:], b[to:])
		nd.p.b = b[:newLen]
		return nd.p.b[from : from+n]
	}
	off := int(nd.off)
	nb := make([]byte, newLen-off, allocSize(newLen-off))
	copy(nb, b[off:from])
	copy(nb[from-off+n:], b[to:])
	l.setBuf(nd, nb, 0)
	return nb[from-off : from-off+n]
}

// Set replaces element i (negative counts from the end) and reports
// whether i was in range.
func (l *List) Set(i int64, v string) bool {
	x, ok := l.index(i)
	if !ok {
		return false
	}
	k, j := l.locate(x)
	nd := &l.nodes[k]
	at, _, _, next := nd.entry(j)
	pack.PutBi(l.splice(nd, at, next, pack.BiSize(len(v))), 0, v)
	return true
}

// Insert inserts v at index i (0 <= i <= Len), shifting the elements from
// i onwards. A node that outgrows its limits is split in two.
func (l *List) Insert(i int, v string) {
	switch {
	case i == 0:
		l.PushFront(v)
		return
	case i == l.n:
		l.PushBack(v)
		return
	}
	k, j := l.locate(i)
	nd := &l.nodes[k]
	at, _, _, _ := nd.entry(j)
	pack.PutBi(l.splice(nd, at, at, pack.BiSize(len(v))), 0, v)
	nd.n++
	l.n++
	if elems, bytes := l.limits(); int(nd.n) > elems || len(nd.p.b)-int(nd.off) > bytes {
		l.split(k)
	}
}

// split divides node k into two halves.
func (l *List) split(k int) {
	nd := &l.nodes[k]
	half := int(nd.n) / 2
	if half == 0 {
		return
	}
	at, _, _, _ := nd.entry(half)
	tail := nd.p.b[at:]
	b := make([]byte, len(tail), allocSize(len(tail)))
	copy(b, tail)
	n := nd.n - int32(half)
	nd.p.b = nd.p.b[:at] // the tail's bytes stay, unreferenced, until the buffer moves
	nd.n = int32(half)
	nn := l.newNode(k + 1)
	nn.p.b, nn.n = b, n
	l.bufs += allocSize(cap(b))
}

// Index returns the index of the first element equal to v, or -1.
func (l *List) Index(v string) int {
	at := -1
	l.each(0, false, func(i int, x string) bool {
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
	limit := c
	if limit < 0 {
		limit = -limit
	}
	removed := 0
	fromBack := c < 0
	for step := 0; step < len(l.nodes) && (limit == 0 || removed < limit); step++ {
		k := step
		if fromBack {
			k = len(l.nodes) - 1 - step
		}
		removed += l.removeIn(&l.nodes[k], v, fromBack, limit-removed, limit == 0)
	}
	l.n -= removed
	for k := len(l.nodes) - 1; k >= 0; k-- {
		if l.nodes[k].n == 0 {
			l.dropNodes(k, k+1)
		}
	}
	return removed
}

// removeIn removes from node nd up to max elements equal to v (all when
// all), scanning from its back when fromBack, and returns how many.
func (l *List) removeIn(nd *listNode, v string, fromBack bool, max int, all bool) int {
	// Find the matches first: nothing changes unless one is found.
	var hits []int
	b := nd.p.b
	if !fromBack {
		for i := int(nd.off); i < len(b) && (all || len(hits) < max); {
			start, end, next := pack.BiAt(b, i)
			if end-start == len(v) && string(b[start:end]) == v {
				hits = append(hits, i)
			}
			i = next
		}
	} else {
		for j := len(b); j > int(nd.off) && (all || len(hits) < max); {
			i, start, end := pack.BiBefore(b, j)
			if end-start == len(v) && string(b[start:end]) == v {
				hits = append(hits, i)
			}
			j = i
		}
		slices.Reverse(hits)
	}
	if len(hits) == 0 {
		return 0
	}
	// Rebuild the node without them.
	out := make([]byte, 0, allocSize(len(b)-int(nd.off)))
	prev := int(nd.off)
	for _, h := range hits {
		_, _, next := pack.BiAt(b, h)
		out = append(out, b[prev:h]...)
		prev = next
	}
	out = append(out, b[prev:]...)
	if len(out) == 0 {
		out = nil
	}
	l.setBuf(nd, out, 0)
	nd.n -= int32(len(hits))
	return len(hits)
}

// Trim keeps the elements start to stop (inclusive, non-negative,
// already clamped as LTRIM does: start <= stop < Len) and removes the
// others; start > stop empties the list.
func (l *List) Trim(start, stop int) {
	if start > stop || start >= l.n {
		l.dropNodes(0, len(l.nodes))
		l.n = 0
		return
	}
	if stop < l.n-1 {
		k, j := l.locate(stop)
		nd := &l.nodes[k]
		_, _, _, next := nd.entry(j)
		nd.p.b = nd.p.b[:next] // the bytes after stay, unreferenced, until the buffer moves
		nd.n = int32(j + 1)
		l.dropNodes(k+1, len(l.nodes))
		l.n = stop + 1
	}
	if start > 0 {
		k, j := l.locate(start)
		nd := &l.nodes[k]
		at, _, _, _ := nd.entry(j)
		nd.off = int32(at) // the elements before it are gone; their bytes stay unreferenced
		nd.n -= int32(j)
		l.dropNodes(0, k)
	}
	l.n = stop - start + 1
}

// Range calls fn for every element from first to last, with its index,
// until fn returns false. fn must not modify the list; it may keep the
// strings.
func (l *List) Range(fn func(i int, v string) bool) { l.RangeFrom(0, fn) }

// RangeFrom calls fn for the elements from index start (0-based,
// non-negative) to the last, until fn returns false. fn may keep the
// strings.
func (l *List) RangeFrom(start int, fn func(i int, v string) bool) {
	l.share()
	l.each(start, false, fn)
}

// RangeReverseFrom calls fn for the elements from index start down to the
// first, until fn returns false. fn may keep the strings.
func (l *List) RangeReverseFrom(start int, fn func(i int, v string) bool) {
	l.share()
	l.each(start, true, fn)
}

// share marks every node shared: strings handed out may alias any of them.
func (l *List) share() {
	for k := range l.nodes {
		l.nodes[k].p.share()
	}
}

// each calls fn for the elements from index start towards the end (or,
// when reverse, towards the front) with strings valid until the list next
// changes, until fn returns false.
func (l *List) each(start int, reverse bool, fn func(i int, v string) bool) {
	if start < 0 || start >= l.n {
		return
	}
	k, j := l.locate(start)
	i := start
	if !reverse {
		at, _, _, _ := l.nodes[k].entry(j)
		for ; k < len(l.nodes); k++ {
			nd := &l.nodes[k]
			b := nd.p.b
			for at < len(b) {
				s, e, next := pack.BiAt(b, at)
				if !fn(i, nd.p.view(s, e)) {
					return
				}
				i++
				at = next
			}
			if k+1 < len(l.nodes) {
				at = int(l.nodes[k+1].off)
			}
		}
		return
	}
	_, _, _, next := l.nodes[k].entry(j)
	for ; k >= 0; k-- {
		nd := &l.nodes[k]
		b := nd.p.b
		for next > int(nd.off) {
			at, s, e := pack.BiBefore(b, next)
			if !fn(i, nd.p.view(s, e)) {
				return
			}
			i--
			next = at
		}
		if k > 0 {
			next = len(l.nodes[k-1].p.b)
		}
	}
}

// SortRange calls fn for the elements from index start on, towards the
// end, or, when desc, from index Len-1-start towards the front, until fn
// returns false: the element order SORT ... BY nosort keeps. fn may keep
// the strings.
func (l *List) SortRange(start int, desc bool, fn func(v string) bool) {
	if desc {
		l.RangeReverseFrom(l.n-1-start, func(_ int, v string) bool { return fn(v) })
		return
	}
	l.RangeFrom(start, func(_ int, v string) bool { return fn(v) })
}
