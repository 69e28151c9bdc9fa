package shard

import (
	"strconv"
	"unsafe"
)

// Type is the Redis data type of a value, as TYPE reports it.
type Type uint8

// The five Redis data types. TypeNone is the type of a missing key.
const (
	TypeNone Type = iota
	TypeString
	TypeList
	TypeSet
	TypeZSet
	TypeHash
)

// String returns the name TYPE replies with.
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeZSet:
		return "zset"
	case TypeHash:
		return "hash"
	}
	return "none"
}

// ParseType maps a TYPE name ("string", "list", ...) back to a Type,
// case-insensitively, for SCAN ... TYPE. Unknown names give TypeNone.
func ParseType(s string) Type {
	switch lower(s) {
	case "string":
		return TypeString
	case "list":
		return TypeList
	case "set":
		return TypeSet
	case "zset":
		return TypeZSet
	case "hash":
		return TypeHash
	}
	return TypeNone
}

// Object is a collection value: a list, set, sorted set or hash. The
// data-type files implement it.
type Object interface {
	// Len returns the number of elements.
	Len() int
	// Encoding returns what OBJECT ENCODING reports for the value, with
	// Redis 7.0's default thresholds (listpack, quicklist, intset,
	// hashtable, skiplist).
	Encoding() string
	// Dup returns a deep copy (COPY).
	Dup() Object
	// Emit calls emit with the commands that rebuild the value at key from
	// nothing, at most 64 elements per command (AOF effects of RENAME and
	// COPY across shards, and RESP rewrites).
	Emit(key string, emit func(argv ...string))
}

// Entry flags.
const (
	// entRaw marks a string that Redis would hold with the "raw" encoding
	// whatever its length (APPEND and SETRANGE results).
	entRaw uint8 = 1 << iota
	// entNoInt marks a string that Redis holds as "embstr" or "raw" by its
	// length even when it reads as an integer (INCRBYFLOAT results, which
	// Redis never integer-encodes).
	entNoInt
	// entUnshared marks a string that Redis holds in an object of its own
	// even when it is a small integer, rather than as one of its shared
	// integers (COPY's duplicate): OBJECT REFCOUNT 1.
	entUnshared

	// entStrEnc are the flags about a string's encoding, cleared whenever
	// a new string value is stored.
	entStrEnc = entRaw | entNoInt | entUnshared

	// entBuf marks a string value held in a mutable buffer, a *rawString
	// (Entry.ptr), since a command changed it in place (rawstring.go).
	entBuf uint8 = 1 << 5
	// entInt marks a string value held as the integer it spells (Entry.n),
	// with no bytes of its own: see Entry.setStr.
	entInt uint8 = 1 << 6
	// entQueued marks an entry queued for re-accounting (memory.go).
	entQueued uint8 = 1 << 7
)

// Entry is one key's value and metadata. It lives in a DB and is owned by
// the goroutine that owns the DB's keyspace (or by the lock-based engine under
// its lock). Handlers change its value with setStr (or, to change a string
// in place, raw and setRawBytes) and SetObj, and read string values with
// StrValue, StrLen and strView; expiry changes go through DB so the
// volatile index stays right.
//
// An Entry is the value of its table node (dict.Dict), so its size is the
// per-key cost of the keyspace: the 8-byte node link plus these 56 bytes
// fill a 64-byte allocation. To get there the value is one word pair for
// every type: a string's data pointer and length, a collection's pointer
// (its concrete type follows Type), a string changed in place's buffer
// (entBuf), or, for a string that spells a canonical integer, the integer
// itself and no pointer at all (Redis's "int" encoding, without Redis's
// shared objects).
type Entry struct {
	Key      string         // the key; the table reads it here (first field: see dict.Dict)
	ptr      unsafe.Pointer // a string's bytes, its *rawString, or the collection (by Type); nil for an integer or no value
	n        int64          // a string's length, or its integer value when flags&entInt
	ExpireAt int64          // absolute expiry, unix milliseconds; 0 = none
	Access   uint32         // LRU clock or LFU counter, for eviction
	vidx     int32          // index in DB.volatile while ExpireAt != 0
	Epoch    uint32         // snapshot epoch in which this entry was last serialized
	Type     Type
	flags    uint8
}

// StrValue returns a string entry's value ("" for any other type). For a
// value held as an integer it formats it, allocating beyond the small
// integers Redis shares (0 to 9999); for a value changed in place it is a
// copy. The caller may keep it.
func (e *Entry) StrValue() string {
	switch {
	case e.flags&entInt != 0:
		return formatShared(e.n)
	case e.flags&entBuf != 0:
		return string((*rawString)(e.ptr).b)
	}
	return unsafe.String((*byte)(e.ptr), int(e.n))
}

// StrLen returns the length of a string entry's value, without formatting
// an integer.
func (e *Entry) StrLen() int {
	switch {
	case e.flags&entInt != 0:
		return intLen(e.n)
	case e.flags&entBuf != 0:
		return len((*rawString)(e.ptr).b)
	}
	return int(e.n)
}

// strView returns a string entry's value as bytes that the caller must
// neither change nor keep past the command.
func (e *Entry) strView() []byte {
	switch {
	case e.flags&entInt != 0:
		return []byte(formatShared(e.n))
	case e.flags&entBuf != 0:
		return (*rawString)(e.ptr).b
	}
	return unsafe.Slice((*byte)(e.ptr), int(e.n))
}

// plainStr returns a string entry's value and true when it is an immutable
// string that may be shared (not a buffer changed in place).
func (e *Entry) plainStr() (string, bool) {
	if e.flags&entBuf != 0 {
		return "", false
	}
	return e.StrValue(), true
}

// setStr makes e a string entry holding s, dropping a mutable buffer and
// the encoding marks. A canonical integer of up to 20 bytes (as Redis's
// string2ll reads it) is kept as that integer: callers that then mark the
// entry entNoInt (INCRBYFLOAT) change what OBJECT ENCODING says, not the
// value.
func (e *Entry) setStr(s string) {
	e.Type = TypeString
	e.flags &^= entStrEnc | entBuf
	if len(s) <= 20 && len(s) > 0 && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		if v, ok := ParseInt(s); ok {
			e.ptr, e.n = nil, v
			e.flags |= entInt
			return
		}
	}
	e.ptr, e.n = unsafe.Pointer(unsafe.StringData(s)), int64(len(s))
	e.flags &^= entInt
}

// setInt makes e a string entry holding the canonical decimal form of v,
// dropping a mutable buffer and the encoding marks.
func (e *Entry) setInt(v int64) {
	e.Type = TypeString
	e.ptr, e.n = nil, v
	e.flags = e.flags&^(entStrEnc|entBuf) | entInt
}

// Obj returns the collection of a list, set, sorted set or hash entry, the
// *rawString of a string changed in place, or nil (for another string, or
// a collection not yet set).
func (e *Entry) Obj() Object {
	if e.ptr == nil {
		return nil
	}
	switch e.Type {
	case TypeString:
		if e.flags&entBuf != 0 {
			return (*rawString)(e.ptr)
		}
	case TypeList:
		return (*List)(e.ptr)
	case TypeSet:
		return (*Set)(e.ptr)
	case TypeZSet:
		return (*ZSet)(e.ptr)
	case TypeHash:
		return (*Hash)(e.ptr)
	}
	return nil
}

// SetObj makes e hold the collection o, and gives it o's type; nil leaves
// e a collection of its current type with no value yet (a new key about to
// be filled).
func (e *Entry) SetObj(o Object) {
	e.n = 0
	e.flags &^= entInt | entStrEnc | entBuf
	switch v := o.(type) {
	case nil:
		e.ptr = nil
	case *List:
		e.Type, e.ptr = TypeList, unsafe.Pointer(v)
	case *Set:
		e.Type, e.ptr = TypeSet, unsafe.Pointer(v)
	case *ZSet:
		e.Type, e.ptr = TypeZSet, unsafe.Pointer(v)
	case *Hash:
		e.Type, e.ptr = TypeHash, unsafe.Pointer(v)
	default:
		panic("shard: SetObj of an unknown collection type")
	}
}

// Expired reports whether e's expiry has passed at now (unix ms). As in
// Redis's keyIsExpired, a key expires once the clock is past its expiry
// time, not at it.
func (e *Entry) Expired(now int64) bool { return e.ExpireAt != 0 && e.ExpireAt < now }

// StringEncoding returns the encoding OBJECT ENCODING reports for a string
// value: "int" for a canonical integer that fits int64 (but not for
// INCRBYFLOAT results), "embstr" for up to 44 bytes, "raw" otherwise (and
// for APPEND/SETRANGE results).
func (e *Entry) StringEncoding() string {
	if e.flags&entRaw == 0 {
		if e.flags&entNoInt == 0 {
			if e.flags&entInt != 0 {
				return "int"
			}
			if e.StrLen() <= 20 {
				if _, ok := ParseInt(e.StrValue()); ok {
					return "int"
				}
			}
		}
		if e.StrLen() <= 44 {
			return "embstr"
		}
	}
	return "raw"
}

// SetRaw marks a string entry as holding a "raw"-encoded value (Redis gives
// APPEND and SETRANGE results that encoding whatever their length), or
// clears the mark.
func (e *Entry) SetRaw(raw bool) {
	if raw {
		e.flags |= entRaw
	} else {
		e.flags &^= entRaw
	}
}

// ParseInt parses s exactly as Redis's string2ll does: optional '-', no
// '+', no spaces, no leading zeros (but "0"), at most 20 bytes, in the int64
// range.
func ParseInt(s string) (int64, bool) {
	n := len(s)
	if n == 0 || n >= 21 {
		return 0, false
	}
	if n == 1 && s[0] == '0' {
		return 0, true
	}
	i := 0
	neg := false
	if s[0] == '-' {
		neg = true
		i = 1
		if n == 1 {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		d := uint64(c - '0')
		if v > 1<<64-1-d {
			return 0, false
		}
		v += d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// FormatInt formats n in decimal.
func FormatInt(n int64) string { return strconv.FormatInt(n, 10) }

// sharedInts holds the decimal forms of 0 to sharedIntsMax-1 back to back,
// so that formatting those (Redis's shared integers) allocates nothing.
const sharedIntsMax = 10000

var sharedInts = func() (t struct {
	digits string
	end    [sharedIntsMax]uint16
}) {
	var b []byte
	for i := range sharedIntsMax {
		b = strconv.AppendInt(b, int64(i), 10)
		t.end[i] = uint16(len(b))
	}
	t.digits = string(b)
	return t
}()

// formatShared formats n in decimal, without allocating for 0 to 9999.
func formatShared(n int64) string {
	if n >= 0 && n < sharedIntsMax {
		start := uint16(0)
		if n > 0 {
			start = sharedInts.end[n-1]
		}
		return sharedInts.digits[start:sharedInts.end[n]]
	}
	return strconv.FormatInt(n, 10)
}

// intLen returns the length of n in decimal.
func intLen(n int64) int {
	l := 1
	u := uint64(n)
	if n < 0 {
		l++
		u = -u
	}
	for ; u >= 10; u /= 10 {
		l++
	}
	return l
}

// lower returns s in ASCII lower case, allocating only when s has upper-case
// letters.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// EqualFold reports whether arg equals the lower-case ASCII word w, ignoring
// case, the way Redis's strcasecmp sees arguments: a C string ends at its
// first NUL byte.
func EqualFold(arg, w string) bool {
	for i := 0; i < len(arg); i++ {
		if arg[i] == 0 {
			arg = arg[:i]
			break
		}
	}
	if len(arg) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := arg[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
