package shard

import "strconv"

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
)

// Entry is one key's value and metadata. It lives in a DB and is owned by
// the goroutine that owns the DB's keyspace (or by the lock-based engine under
// its lock). Handlers may change Str and Obj in place; expiry changes go
// through DB so the volatile index stays right. A string value is either
// Str or, once a command changed it in place (SETBIT, APPEND, PFADD ...),
// a mutable buffer in Obj: code that reads string values uses StrValue and
// StrLen, never Str directly.
type Entry struct {
	Key      string // the key; shares its bytes with the table's key
	Str      string // a string's value, when Obj is nil: read strings with StrValue or StrLen
	Obj      Object // the collection; for a string, its bytes when changed in place (rawstring.go)
	ExpireAt int64  // absolute expiry, unix milliseconds; 0 = none
	Access   uint32 // LRU clock or LFU counter, for eviction
	vidx     int32  // index in DB.volatile while ExpireAt != 0
	Type     Type
	flags    uint8
	Epoch    uint32 // snapshot epoch in which this entry was last serialized
	mem      int64  // accounted bytes (see memory.go); memGone once removed
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
		if e.StrLen() <= 20 && e.flags&entNoInt == 0 {
			if _, ok := ParseInt(e.StrValue()); ok {
				return "int"
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
