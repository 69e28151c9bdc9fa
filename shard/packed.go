package shard

import (
	"sync/atomic"
	"unsafe"
)

// packed is the buffer of a compactly encoded collection: entries laid out
// end to end by package internal/pack (a listpack hash or sorted set, a
// small set of strings, a list node). It is changed in place, the way Redis
// changes a listpack, with one rule that keeps the strings it hands out
// immutable: reads that return a string aliasing the buffer (HGET's value,
// an LRANGE element) mark it shared, and the next change of a shared buffer
// copies it first. So a run of writes, or of reads, allocates nothing; a
// write after a read copies the buffer once. Elements that leave the
// collection (LPOP, ZPOPMIN, SPOP) are copied out rather than aliased, so
// a queue never copies its buffer.
//
// shared is atomic because readers sharing a keyspace (the lock-based
// engine's read lock) mark it concurrently; everything else belongs to the
// collection's owner.
type packed struct {
	b      []byte
	shared atomic.Bool
}

// alias returns b[start:end] as a string that stays valid (and unchanged)
// for good: it marks the buffer shared.
func (p *packed) alias(start, end int) string {
	if start == end {
		return ""
	}
	if !p.shared.Load() {
		p.shared.Store(true)
	}
	return unsafe.String(&p.b[start], end-start)
}

// share marks the buffer shared before a run of alias-like reads that
// build strings with view (Range callbacks).
func (p *packed) share() {
	if !p.shared.Load() {
		p.shared.Store(true)
	}
}

// view returns b[start:end] as a string valid only until the buffer next
// changes: for comparisons, parsing and copying within one call, or after
// share.
func (p *packed) view(start, end int) string {
	if start == end {
		return ""
	}
	return unsafe.String(&p.b[start], end-start)
}

// room replaces b[from:to] with n bytes and returns them for the caller to
// fill (their old contents are undefined). It works in place when the
// buffer is not shared and has the capacity; otherwise it moves to a new
// buffer of the size the allocator would give anyway, which strings handed
// out before keep aliasing.
func (p *packed) room(from, to, n int) []byte {
	b := p.b
	newLen := len(b) - (to - from) + n
	if !p.shared.Load() && newLen <= cap(b) {
		b = b[:max(len(b), newLen)]
		copy(b[from+n:], b[to:])
		p.b = b[:newLen]
		return p.b[from : from+n]
	}
	nb := make([]byte, newLen, allocSize(newLen))
	copy(nb, b[:from])
	copy(nb[from+n:], b[to:])
	p.b = nb
	p.shared.Store(false)
	return nb[from : from+n]
}

// cut removes b[from:to].
func (p *packed) cut(from, to int) { p.room(from, to, 0) }

// reserve makes an empty buffer's capacity n bytes, so that a collection
// created with n bytes of entries (HSET key f v f v ..., ZADD, RPUSH) is
// laid out once, in a buffer of its final size, rather than through every
// size on the way, which would leave the heap fragmented by the ones it
// outgrew.
func (p *packed) reserve(n int) {
	if len(p.b) == 0 && cap(p.b) < n {
		p.b = make([]byte, 0, allocSize(n))
		p.shared.Store(false)
	}
}

// clone returns a copy of the buffer, sized to its contents.
func (p *packed) clone() []byte {
	if len(p.b) == 0 {
		return nil
	}
	nb := make([]byte, len(p.b), allocSize(len(p.b)))
	copy(nb, p.b)
	return nb
}

// mem returns the heap bytes of the buffer.
func (p *packed) mem() int { return allocSize(cap(p.b)) }
