package shard

import (
	"unsafe"

	"github.com/kevydb/kevy/resp"
)

// Mutable strings.
//
// A string value is normally an immutable Go string in Entry.Str, shared
// freely with replies and logs. Commands that change a string in place —
// SETBIT, BITFIELD, SETRANGE, APPEND on an existing key, PFADD, PFMERGE,
// PFCOUNT's cache — would have to copy the whole value for every change,
// where Redis changes a byte of its "raw" sds string. So the first such
// change moves the value into a *rawString held in Entry.Obj (Entry.Str is
// then empty), whose bytes later changes update in place, growing like an
// sds string. Invariants:
//
//   - a string entry's value is Entry.Str when Obj is nil, the rawString's
//     bytes otherwise, and then the entry carries entRaw (OBJECT ENCODING
//     "raw", as for Redis's unshared strings);
//   - the bytes never escape: readers take a copy (Entry.StrValue) or a
//     view that they drop before the command ends (Entry.strView);
//   - storing a new string value (Ctx.SetString, setStr) drops the
//     rawString.
//
// A rawString is an Object only so that the paths that move, copy and
// account values (RENAME, COPY, memory accounting) carry it as they carry
// collections; it is never a collection.

// rawString is a string value that commands change in place.
type rawString struct{ b []byte }

// Len returns the length of the string.
func (r *rawString) Len() int { return len(r.b) }

// Encoding returns "raw".
func (r *rawString) Encoding() string { return "raw" }

// Dup returns a copy (COPY), sized to the value as Redis's
// dupStringObject.
func (r *rawString) Dup() Object { return &rawString{b: append([]byte(nil), r.b...)} }

// Emit calls emit with the SET that rebuilds the value at key.
func (r *rawString) Emit(key string, emit func(argv ...string)) { emit("SET", key, string(r.b)) }

// MemUsage returns the bytes the buffer holds.
func (r *rawString) MemUsage() int { return allocSize(cap(r.b)) }

// grow makes the buffer n bytes long (n >= its length), the new bytes
// zero, with room to spare as Redis's sdsMakeRoomFor: doubled below 1 MiB,
// 1 MiB more beyond.
func (r *rawString) grow(n int) {
	if n <= len(r.b) {
		return
	}
	if n <= cap(r.b) {
		old := len(r.b)
		r.b = r.b[:n]
		clear(r.b[old:])
		return
	}
	c := n * 2
	if n >= 1<<20 {
		c = n + 1<<20
	}
	c = min(c, max(n, MaxStringLen))
	nb := make([]byte, n, c)
	copy(nb, r.b)
	r.b = nb
}

// raw returns e's value as a mutable buffer, moving a string value into
// one first. e must be a string entry found by a write lookup.
func (e *Entry) raw() *rawString {
	if r, ok := e.Obj.(*rawString); ok {
		return r
	}
	r := &rawString{b: []byte(e.Str)}
	e.Str, e.Obj = "", r
	e.flags = e.flags&^entStrEnc | entRaw
	return r
}

// setRawBytes makes e hold b as a mutable buffer (which e then owns).
func (e *Entry) setRawBytes(b []byte) {
	e.Str, e.Obj = "", &rawString{b: b}
	e.flags = e.flags&^entStrEnc | entRaw
}

// setStr stores s as e's string value, dropping a mutable buffer and the
// encoding marks.
func (e *Entry) setStr(s string) {
	e.Str, e.Obj = s, nil
	e.flags &^= entStrEnc
}

// StrLen returns the length of a string entry's value.
func (e *Entry) StrLen() int {
	if r, ok := e.Obj.(*rawString); ok {
		return len(r.b)
	}
	return len(e.Str)
}

// StrValue returns a string entry's value. For a value changed in place
// it is a copy: the caller may keep it.
func (e *Entry) StrValue() string {
	if r, ok := e.Obj.(*rawString); ok {
		return string(r.b)
	}
	return e.Str
}

// strView returns a string entry's value as bytes that the caller must
// neither change nor keep past the command.
func (e *Entry) strView() []byte {
	if r, ok := e.Obj.(*rawString); ok {
		return r.b
	}
	return unsafe.Slice(unsafe.StringData(e.Str), len(e.Str))
}

// roomFor checks, before a command grows the string at key to n bytes
// (SETRANGE, SETBIT, BITFIELD at a large offset), that the growth fits the
// memory limit. Redis checks the limit only before a command, so one
// command there may allocate up to proto-max-bulk-len past it; here a
// growth that would take the store over maxmemory first evicts keys of
// key's shard as the policy allows (never inside EXEC, whose memory was
// checked once for all), and is refused with the OOM error when that
// cannot make room. Callers look key up again afterwards: eviction may
// have removed it.
func (c *Ctx) roomFor(key string, n int) (resp.Reply, bool) {
	if c.Loading {
		return resp.Reply{}, true
	}
	rt := c.runtime()
	if rt == nil {
		return resp.Reply{}, true
	}
	limit := rt.limit.Load()
	if limit <= 0 {
		return resp.Reply{}, true
	}
	ks := c.KS(key)
	cur := 0
	if e := ks.dbs[c.DB].FindShared(key); e != nil && e.Type == TypeString {
		cur = e.StrLen()
	}
	growth := int64(allocSize(n) - allocSize(cur))
	if growth <= 0 || rt.used.Load()+growth <= limit {
		return resp.Reply{}, true
	}
	if !c.oomChecked && growth < limit {
		// Unlike the check before a command, which leaves what its time
		// budget did not evict to the next write, this one must make the
		// whole room or refuse: it goes on while eviction progresses.
		for ks.evict(limit-growth, 0, evictCommandBudget) == evictRunning {
		}
		if rt.used.Load()+growth <= limit {
			return resp.Reply{}, true
		}
	}
	rt.evictionFailures.Add(1)
	return ErrOOM, false
}
