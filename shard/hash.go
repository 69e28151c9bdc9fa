package shard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/kevydb/kevy/internal/dict"
	"github.com/kevydb/kevy/rdb"
)

func init() { FromRDB[TypeHash] = hashFromRDB }

// hashFromRDB builds a hash loaded from an RDB file with the encoding Redis
// gives it on load: listpack while within the listpack limits, hash table
// otherwise, whatever the file's encoding was.
func hashFromRDB(e *rdb.Entry) (Object, error) {
	if len(e.Hash) == 0 {
		return nil, errors.New("empty hash")
	}
	h := NewHash()
	if len(e.Hash) > hashMaxListpackEntries {
		h.ht = dict.New[hashField](len(e.Hash))
	}
	for _, f := range e.Hash {
		if !h.Set(f.Name, f.Value) {
			return nil, fmt.Errorf("duplicate hash field %q", f.Name)
		}
	}
	return h, nil
}

// Redis 7.0's built-in hash-max-listpack-entries and hash-max-listpack-value
// (config.c; the sample redis.conf says 128 entries, the server uses 512):
// a hash keeps the compact encoding while it has at most this many fields and
// no field or value is longer than this many bytes.
const (
	hashMaxListpackEntries = 512
	hashMaxListpackValue   = 64
)

// Hash is a hash value: distinct fields, each with a string value.
//
// A small hash is held the way Redis holds it in a listpack: a flat slice of
// field, value, field, value ... in insertion order, searched linearly (at
// most 512 pairs of at most 64 bytes each). A hash that outgrows those limits
// converts for good to a hash table ([dict.Dict]), whose SCAN cursor and
// random sampling behave like Redis's dict; it never converts back, however
// small it becomes, exactly as in Redis. OBJECT ENCODING reports "listpack"
// or "hashtable" accordingly, and the order HGETALL returns a small hash in
// is Redis's.
//
// A Hash belongs to the keyspace that holds it. Its read methods (Len, Get,
// Range, Encoding, Emit, Dup, MemUsage) write nothing, so concurrent
// readers may share a Hash as long as no writer runs.
type Hash struct {
	lp    []string              // listpack encoding: f0, v0, f1, v1 ...; nil once ht is set
	ht    *dict.Dict[hashField] // hashtable encoding; nil while the hash is a listpack
	bytes int                   // heap bytes of the fields' and values' contents, for MemUsage
}

// hashField is a field of a hash-table hash and its value.
type hashField struct {
	field string // the key: first, as dict.Dict requires
	value string
}

// Memory accounting of hashes and sets (see MemUsage): the value's own
// struct, a dict's header, and per hash-table entry its node plus a share of
// the bucket array (one to two pointers per entry). A listpack costs a
// string header per slot of its slice; an intset eight bytes per slot.
const (
	hashSetBaseMem = 32                 // the Hash or Set struct
	dictBaseMem    = 96                 // a dict.Dict header
	dictBucketMem  = 12                 // a bucket pointer's share per entry
	hashNodeMem    = 48 + dictBucketMem // a dict node with a string value
	setNodeMem     = 32 + dictBucketMem // a dict node with an empty value
	intsetSlotMem  = 8
)

// NewHash returns an empty hash with the listpack encoding.
func NewHash() *Hash { return &Hash{} }

// Len returns the number of fields.
func (h *Hash) Len() int {
	if h.ht != nil {
		return h.ht.Len()
	}
	return len(h.lp) / 2
}

// MemUsage returns an estimate of the bytes the hash holds: the contents of
// its fields and values plus the overhead of its encoding. It is maintained
// on every change, in O(1).
func (h *Hash) MemUsage() int {
	if h.ht != nil {
		return hashSetBaseMem + dictBaseMem + h.ht.Len()*hashNodeMem + h.bytes
	}
	return hashSetBaseMem + cap(h.lp)*stringHeaderMem + h.bytes
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
		return &Hash{lp: slices.Clone(h.lp), bytes: h.bytes}
	}
	d := dict.New[hashField](h.ht.Len())
	h.ht.RangeShared(func(f string, v *hashField) bool {
		d.Set(f, *v)
		return true
	})
	return &Hash{ht: d, bytes: h.bytes}
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

// Get returns the value of field and whether the field exists.
func (h *Hash) Get(field string) (string, bool) {
	if h.ht != nil {
		if p := h.ht.GetShared(field); p != nil {
			return p.value, true
		}
		return "", false
	}
	if i := h.lpIndex(field); i >= 0 {
		return h.lp[i+1], true
	}
	return "", false
}

// lpIndex returns the index of field in the listpack, or -1.
func (h *Hash) lpIndex(field string) int {
	lp := h.lp
	for i := 0; i+1 < len(lp); i += 2 {
		if lp[i] == field {
			return i
		}
	}
	return -1
}

// Set sets field to value and reports whether the field is new. A listpack
// hash converts to a hash table first when field or value is longer than 64
// bytes, and afterwards when it has more than 512 fields.
func (h *Hash) Set(field, value string) (created bool) {
	if h.ht == nil && (len(field) > hashMaxListpackValue || len(value) > hashMaxListpackValue) {
		h.convert()
	}
	if h.ht != nil {
		p, inserted := h.ht.GetOrInsert(field)
		if inserted {
			h.bytes += allocSize(len(field))
		}
		h.bytes += allocSize(len(value)) - allocSize(len(p.value))
		p.value = value
		return inserted
	}
	if i := h.lpIndex(field); i >= 0 {
		h.bytes += allocSize(len(value)) - allocSize(len(h.lp[i+1]))
		h.lp[i+1] = value
		return false
	}
	h.bytes += allocSize(len(field)) + allocSize(len(value))
	h.lp = append(h.lp, field, value)
	if len(h.lp)/2 > hashMaxListpackEntries {
		h.convert()
	}
	return true
}

// Delete removes field and reports whether it existed. A listpack keeps the
// order of the remaining fields.
func (h *Hash) Delete(field string) bool {
	if h.ht != nil {
		old, ok := h.ht.Delete(field)
		if ok {
			h.bytes -= allocSize(len(field)) + allocSize(len(old.value))
		}
		return ok
	}
	i := h.lpIndex(field)
	if i < 0 {
		return false
	}
	h.bytes -= allocSize(len(h.lp[i])) + allocSize(len(h.lp[i+1]))
	n := len(h.lp)
	copy(h.lp[i:], h.lp[i+2:])
	h.lp[n-2], h.lp[n-1] = "", ""
	h.lp = h.lp[:n-2]
	return true
}

// Range calls fn for every field and value until fn returns false: in
// insertion order for a listpack, in table order for a hash table. fn must
// not modify the hash.
func (h *Hash) Range(fn func(field, value string) bool) {
	if h.ht != nil {
		h.ht.RangeShared(func(f string, v *hashField) bool { return fn(f, v.value) })
		return
	}
	for i := 0; i+1 < len(h.lp); i += 2 {
		if !fn(h.lp[i], h.lp[i+1]) {
			return
		}
	}
}

// tryConversion converts a listpack hash to a hash table when any of the
// strings about to be stored is too long for a listpack (Redis's
// hashTypeTryConversion, run before a multi-field HSET).
func (h *Hash) tryConversion(args []string) {
	if h.ht != nil {
		return
	}
	for _, a := range args {
		if len(a) > hashMaxListpackValue {
			h.convert()
			return
		}
	}
}

// convert moves a listpack hash into a hash table.
func (h *Hash) convert() {
	d := dict.New[hashField](len(h.lp) / 2)
	for i := 0; i+1 < len(h.lp); i += 2 {
		d.Set(h.lp[i], hashField{value: h.lp[i+1]})
	}
	h.lp, h.ht = nil, d
}

// random returns a field and its value chosen uniformly at random; the hash
// must not be empty. r nil means the global source.
func (h *Hash) random(r *rand.Rand) (field, value string) {
	if h.ht != nil {
		f, v, _ := h.ht.RandomShared(r)
		return f, v.value
	}
	i := 2 * memberRandN(r, len(h.lp)/2)
	return h.lp[i], h.lp[i+1]
}

// pairs returns every field and value, flattened.
func (h *Hash) pairs() []string {
	if h.ht == nil {
		return slices.Clone(h.lp)
	}
	out := make([]string, 0, 2*h.ht.Len())
	h.Range(func(f, v string) bool {
		out = append(out, f, v)
		return true
	})
	return out
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
