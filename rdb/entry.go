package rdb

import "strconv"

// Type is the logical Redis type of an [Entry], independent of the encoding
// it had on disk (a listpack hash and a hashtable hash are both [TypeHash]).
type Type uint8

// The five value types an RDB file can hold that this package decodes.
const (
	TypeString Type = iota // a binary-safe string: Entry.Str
	TypeList               // an ordered list: Entry.List
	TypeSet                // a set of distinct members: Entry.Set
	TypeHash               // field → value pairs with distinct fields: Entry.Hash
	TypeZSet               // members with float64 scores, distinct members: Entry.ZSet
)

// String returns the name Redis's TYPE command uses ("string", "list", "set",
// "hash", "zset").
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeHash:
		return "hash"
	case TypeZSet:
		return "zset"
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// Field is one field of a hash.
type Field struct {
	Name  string
	Value string
}

// Member is one member of a sorted set. Score is never NaN (Redis refuses
// such files); ±Inf are valid.
type Member struct {
	Member string
	Score  float64
}

// Aux is an auxiliary header field (opcode AUX): a string key and value such
// as "redis-ver" = "7.0.15". Integer-looking values are stored integer
// encoded, but they always read back as their decimal text.
type Aux struct {
	Key   string
	Value string
}

// Header is what precedes the keyspace: the format version from the magic
// and the AUX fields in file order.
type Header struct {
	Version int
	Aux     []Aux
}

// Entry is one key with its value and metadata, in a neutral form that does
// not depend on how the value was encoded in the file.
//
// Exactly one of Str, List, Set, Hash or ZSet is meaningful, chosen by Type.
// Collections read by [Reader] are never empty (Redis skips empty keys on
// load, and so does Reader); Set, Hash and ZSet never repeat a member or
// field. Order is the file's order: for hashes, sets and sorted sets it
// carries no meaning.
//
// The zero values of the metadata fields mean "absent", so a literal such as
// Entry{Key: "k", Type: TypeString, Str: "v"} is a plain key in DB 0.
type Entry struct {
	DB   int    // database number (SELECTDB); 0 unless selected
	Key  string // binary-safe key
	Type Type

	Str  string   // TypeString
	List []string // TypeList, head to tail
	Set  []string // TypeSet
	Hash []Field  // TypeHash
	ZSet []Member // TypeZSet

	// ExpireAt is the absolute expiry in Unix milliseconds; 0 means the key
	// does not expire. A file that stores an expiry of exactly 0 (long past)
	// reads back as -1, which is equally in the past, so it is not lost.
	ExpireAt int64

	// Idle is the LRU idle time in seconds (opcode IDLE), valid when HasIdle.
	Idle    int64
	HasIdle bool
	// Freq is the LFU logarithmic access counter (opcode FREQ), valid when
	// HasFreq.
	Freq    uint8
	HasFreq bool
}

// Len returns the number of elements of a collection (1 for a string).
func (e *Entry) Len() int {
	switch e.Type {
	case TypeList:
		return len(e.List)
	case TypeSet:
		return len(e.Set)
	case TypeHash:
		return len(e.Hash)
	case TypeZSet:
		return len(e.ZSet)
	}
	return 1
}
