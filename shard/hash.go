package shard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"unsafe"

	"github.com/kevydb/kevy/internal/dict"
	"github.com/kevydb/kevy/internal/pack"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeHash] = hashFromRDB }

// hashFromRDB builds a hash loaded from an RDB file with the encoding Redis
// gives it on load: listpack while within the listpack limits, hash table
// otherwise, whatever the file's encoding was.
func hashFromRDB(e *rdb.Entry, enc *Encodings) (Object, error) {
	if len(e.Hash) == 0 {
		return nil, errors.New("empty hash")
	}
	h := NewHash()
	if int64(len(e.Hash)) > enc.HashMaxListpackEntries {
		h.convert(len(e.Hash))
	} else {
		n := 0
		for _, f := range e.Hash {
			n += pack.PairSize(len(f.Name), len(f.Value))
		}
		h.lp.reserve(n)
	}
	for _, f := range e.Hash {
		if !h.Set(f.Name, f.Value, enc) {
			return nil, fmt.Errorf("duplicate hash field %q", f.Name)
		}
	}
	return h, nil
}

// Hash is a hash value: distinct fields, each with a string value.
//
// A small hash is held the way Redis holds it, in a listpack: one byte
// buffer with the field-value pairs end to end in insertion order (see
// packed and internal/pack), searched linearly, for at most
// hash-max-listpack-entries fields of at most hash-max-listpack-value bytes
// each (512 and 64 by default). A hash that outgrows those limits converts
// for good to a hash table ([dict.Dict]), whose SCAN cursor and random
// sampling behave like Redis's dict; it never converts back, however small
// it becomes, exactly as in Redis 7.0. OBJECT ENCODING reports "listpack"
// or "hashtable" accordingly, and the order HGETALL returns a small hash in
// is Redis's.
//
// A Hash belongs to the keyspace that holds it. Its read methods (Len, Get,
// Range, Encoding, Emit, Dup, MemUsage) change nothing but the listpack's
// shared mark, which is atomic, so concurrent readers may share a Hash as
// long as no writer runs.
type Hash struct {
	lp packed     // listpack encoding: field-value pairs; empty once ht is set
	ht *hashTable // hashtable encoding; nil while the hash is a listpack
	n  int32      // fields in the listpack
}

// hashTable is the hashtable encoding of a hash.
type hashTable struct {
	d     *dict.Dict[hashField]
	bytes int // heap bytes of the fields' and values' strings, for MemUsage
}

// hashField is a field of a hash-table hash and its value, held in one
// allocation: field is the start of a string whose bytes go on with the
// value's vlen bytes. So a field costs a 32-byte node and one allocation
// for both strings, about what Redis spends on its dictEntry and two sds.
// Setting a field's value makes a new allocation and replaces field by an
// equal string (the dict's key keeps its contents).
type hashField struct {
	field string // the key: first, as dict.Dict requires
	vlen  int    // the value's length; its bytes follow the field's
}

// value returns the field's value.
func (f *hashField) value() string {
	if f.vlen == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(f.field)), len(f.field))), f.vlen)
}

// set makes f hold field (equal to its current key, for an existing field)
// and value, in one new allocation.
func (f *hashField) set(field, value string) {
	b := make([]byte, len(field)+len(value))
	copy(b, field)
	copy(b[len(field):], value)
	if len(b) == 0 {
		f.field, f.vlen = "", 0
		return
	}
	f.field, f.vlen = unsafe.String(&b[0], len(field)), len(value)
}

// hashFieldMem returns the heap bytes of a hash-table field's strings.
func hashFieldMem(field, value string) int { return allocSize(len(field) + len(value)) }

// Memory accounting of hashes and sets (see MemUsage): the value's own
// struct, a hash table's header, and per hash-table entry its node plus a
// share of the bucket array (one to two pointers per entry).
const (
	hashBaseMem    = 48                 // the Hash struct
	hashTableMem   = 16 + 96            // a hashTable and its dict.Dict
	setBaseMem     = 48                 // the Set struct
	dictBucketMem  = 12                 // a bucket pointer's share per entry
	hashNodeMem    = 32 + dictBucketMem // a dict node with a hashField
	setNodeMem     = 24 + dictBucketMem // a dict node with a member
	setTableMem    = 96                 // a set's dict.Dict
	listpackMaxLen = 1<<31 - 1          // a listpack's count is an int32
)

// NewHash returns an empty hash with the listpack encoding.
func NewHash() *Hash { return &Hash{} }

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.ht != nil {
		return h.ht.d.Len()
	}
	return int(h.n)
}

// MemUsage returns an estimate of the bytes the hash holds: the contents of
// its fields and values plus the overhead of its encoding. It is maintained
// on every change, in O(1).
func (h *Hash) MemUsage() int {
	if h.ht != nil {
		return hashBaseMem + hashTableMem + h.ht.d.Len()*hashNodeMem + h.ht.bytes
	}
	return hashBaseMem + h.lp.mem()
}

// Encoding returns "listpack" or "hashtable".
func (h *Hash) Encoding() string {
	if h.ht != nil {
		return "hashtable"
	}
	return "listpack"
}

// Dup returns a deep copy with the same encoding.
func (h *Hash) Dup() Object {
	if h.ht == nil {
		return &Hash{lp: packed{b: h.lp.clone()}, n: h.n}
	}
	d := &Hash{}
	d.convert(h.ht.d.Len())
	h.ht.d.RangeShared(func(f string, v *hashField) bool {
		d.ht.d.Set(f, *v) // the strings are immutable: shared
		return true
	})
	d.ht.bytes = h.ht.bytes
	return d
}

// Emit calls emit with HSET commands that rebuild the hash at key, at most
// 64 field-value pairs each.
func (h *Hash) Emit(key string, emit func(argv ...string)) {
	const per = 64
	argv := make([]string, 0, 2+2*min(per, h.Len()))
	flush := func() {
		if len(argv) > 2 {
			emit(argv...)
			argv = make([]string, 0, cap(argv))
		}
	}
	h.Range(func(f, v string) bool {
		if len(argv) == 0 {
			argv = append(argv, "HSET", key)
		}
		argv = append(argv, f, v)
		if len(argv) == 2+2*per {
			flush()
		}
		return true
	})
	flush()
}

// lpFind returns the offset of field's pair in the listpack and the bounds
// of its value, or at -1.
func (h *Hash) lpFind(field string) (at, vs, end int) {
	at = pack.FindPair(h.lp.b, 0, field)
	if at < 0 {
		return -1, 0, 0
	}
	_, vs, end = pack.PairAt(h.lp.b, at)
	return at, vs, end
}

// Get returns the value of field and whether the field exists.
func (h *Hash) Get(field string) (string, bool) {
	if h.ht != nil {
		if p := h.ht.d.GetShared(field); p != nil {
			return p.value(), true
		}
		return "", false
	}
	if at, vs, end := h.lpFind(field); at >= 0 {
		return h.lp.alias(vs, end), true
	}
	return "", false
}

// lookup is Get for a value used only until the hash next changes (to
// parse or measure it).
func (h *Hash) lookup(field string) (string, bool) {
	if h.ht != nil {
		return h.Get(field)
	}
	if at, vs, end := h.lpFind(field); at >= 0 {
		return h.lp.view(vs, end), true
	}
	return "", false
}

// Set sets field to value and reports whether the field is new. A listpack
// hash converts to a hash table first when field or value is longer than
// hash-max-listpack-value, and afterwards when it has more than
// hash-max-listpack-entries fields.
func (h *Hash) Set(field, value string, enc *Encodings) (created bool) {
	if h.ht == nil && (int64(len(field)) > enc.HashMaxListpackValue || int64(len(value)) > enc.HashMaxListpackValue) {
		h.convert(int(h.n) + 1)
	}
	if h.ht != nil {
		p, inserted := h.ht.d.GetOrInsert(field)
		if !inserted {
			if p.value() == value {
				return false
			}
			h.ht.bytes -= hashFieldMem(field, p.value())
		}
		p.set(field, value)
		h.ht.bytes += hashFieldMem(field, value)
		return inserted
	}
	if at, vs, end := h.lpFind(field); at >= 0 {
		if h.lp.view(vs, end) != value {
			pack.PutPair(h.lp.room(at, end, pack.PairSize(len(field), len(value))), 0, field, value)
		}
		return false
	}
	n := len(h.lp.b)
	pack.PutPair(h.lp.room(n, n, pack.PairSize(len(field), len(value))), 0, field, value)
	h.n++
	if int64(h.n) > enc.HashMaxListpackEntries || h.n == listpackMaxLen {
		h.convert(int(h.n))
	}
	return true
}

// Delete removes field and reports whether it existed. A listpack keeps the
// order of the remaining fields.
func (h *Hash) Delete(field string) bool {
	if h.ht != nil {
		old, ok := h.ht.d.Delete(field)
		if ok {
			h.ht.bytes -= hashFieldMem(field, old.value())
		}
		return ok
	}
	at, _, end := h.lpFind(field)
	if at < 0 {
		return false
	}
	h.lp.cut(at, end)
	h.n--
	return true
}

// Range calls fn for every field and value until fn returns false: in
// insertion order for a listpack, in table order for a hash table. fn must
// not modify the hash; it may keep the strings.
func (h *Hash) Range(fn func(field, value string) bool) {
	if h.ht != nil {
		h.ht.d.RangeShared(func(f string, v *hashField) bool { return fn(f, v.value()) })
		return
	}
	h.lp.share()
	h.each(fn)
}

// each is Range for strings used only until the hash next changes (which
// fn must not do).
func (h *Hash) each(fn func(field, value string) bool) {
	if h.ht != nil {
		h.ht.d.RangeShared(func(f string, v *hashField) bool { return fn(f, v.value()) })
		return
	}
	b := h.lp.b
	for i := 0; i < len(b); {
		fs, vs, end := pack.PairAt(b, i)
		if !fn(h.lp.view(fs, vs), h.lp.view(vs, end)) {
			return
		}
		i = end
	}
}

// reserve sizes an empty listpack for the field-value pairs of args.
func (h *Hash) reserve(args []string) {
	if h.ht != nil || h.n > 0 {
		return
	}
	n := 0
	for i := 0; i+1 < len(args); i += 2 {
		n += pack.PairSize(len(args[i]), len(args[i+1]))
	}
	h.lp.reserve(n)
}

// tryConversion converts a listpack hash to a hash table when any of the
// strings about to be stored is too long for a listpack (Redis's
// hashTypeTryConversion, run before a multi-field HSET).
func (h *Hash) tryConversion(args []string, enc *Encodings) {
	if h.ht != nil {
		return
	}
	for _, a := range args {
		if int64(len(a)) > enc.HashMaxListpackValue {
			h.convert(int(h.n) + len(args)/2)
			return
		}
	}
}

// convert moves a listpack hash into a hash table sized for hint fields.
// The listpack's strings are copied (hashField.set): the table does not
// keep the buffer alive.
func (h *Hash) convert(hint int) {
	t := &hashTable{d: dict.New[hashField](hint)}
	h.each(func(f, v string) bool {
		p, _ := t.d.GetOrInsert(f)
		p.set(f, v)
		t.bytes += hashFieldMem(f, v)
		return true
	})
	h.ht, h.lp, h.n = t, packed{}, 0
}

// random returns a field and its value chosen uniformly at random; the hash
// must not be empty. r nil means the global source.
func (h *Hash) random(r *rand.Rand) (field, value string) {
	if h.ht != nil {
		f, v, _ := h.ht.d.RandomShared(r)
		return f, v.value()
	}
	k := memberRandN(r, int(h.n))
	b := h.lp.b
	i := 0
	for ; k > 0; k-- {
		i = pack.NextPair(b, i)
	}
	fs, vs, end := pack.PairAt(b, i)
	return h.lp.alias(fs, vs), h.lp.alias(vs, end)
}

// pairs returns every field and value, flattened.
func (h *Hash) pairs() []string {
	out := make([]string, 0, 2*h.Len())
	h.Range(func(f, v string) bool {
		out = append(out, f, v)
		return true
	})
	return out
}

// cloneString returns a copy of s in memory of its own (s may alias a
// packed buffer that is about to be dropped).
func cloneString(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

// memberRand returns the random source a command on key may use: the
// shard's own, or nil (the goroutine-safe global source) when the command
// runs as one of several concurrent readers, which may not share the
// shard's source.
func memberRand(c *Ctx, key string) *rand.Rand {
	if c.ReadOnly {
		return nil
	}
	return c.KS(key).Rand()
}

// memberRandN returns a uniform random int in [0, n) from r, or from the
// global source when r is nil.
func memberRandN(r *rand.Rand, n int) int {
	if r == nil {
		return rand.IntN(n)
	}
	return r.IntN(n)
}
