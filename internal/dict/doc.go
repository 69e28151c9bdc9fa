// Package dict is a chained hash table of values keyed by strings, modelled
// on the dict of Redis: two bucket arrays with incremental rehashing, a
// stateless SCAN cursor that survives resizes, and cheap random sampling.
//
// # Layout
//
// Every entry is one heap node holding the next pointer of its bucket chain
// and the value inline; a table is a power-of-two slice of node pointers.
// The value carries its own key: V is a string (the Dict is then a set) or
// a struct whose first field is the key, which the Dict writes on insert and
// reads when it searches. So a key's string header is stored once, in the
// value where its user wants it anyway (a keyspace entry, a hash field next
// to its value), and no hash is cached: like Redis, a resize hashes the
// keys it moves again, and a lookup compares keys (lengths first).
//
// Inserting a key allocates exactly one node, and a node never moves:
// [Dict.Get] and [Dict.GetOrInsert] return a pointer to the value inside the
// node, which stays valid (and may be written through, but for the key)
// until that key is deleted. Resizing only relinks nodes.
//
// A set member's node is 24 bytes, a node with a 32-byte value (a field and
// its value) 48 bytes; the bucket arrays add 8 to 16 bytes per entry at the
// load factors the table keeps (between 0.5 and 1 after a grow).
//
// # Resizing
//
// Like Redis, the table grows (to the next power of two above the entry
// count) when an insert finds as many entries as buckets, and shrinks (to
// the next power of two at or above the entry count, never below 4 buckets)
// when a delete or [Dict.RehashStep] finds it less than 10% full. A resize
// allocates the new bucket array and then moves the old buckets over a few
// at a time: one bucket (visiting at most ten empty ones) on every Get,
// GetOrInsert, Delete and Random, plus whatever budget the owner grants
// through [Dict.RehashStep] when idle. No single call ever rehashes the whole
// table.
//
// # Iteration
//
// [Dict.Range] visits every entry once. [Dict.Scan] implements Redis's
// reverse-binary cursor: every entry present for the whole of a scan is
// reported at least once (possibly more than once), even while the table
// grows, shrinks or rehashes between calls. [Dict.Random] returns an entry
// with close to uniform probability and [Dict.Sample] a handful of distinct
// entries from a random region of the table, both in O(1) expected time.
//
// # Concurrency
//
// A Dict is not safe for concurrent use. It is owned by one goroutine (a
// shard) or used under its owner's lock; it contains no locks of its own.
// Even its lookups write (they do rehash work), so readers that share a Dict
// under a read lock use the *Shared methods ([Dict.GetShared],
// [Dict.RangeShared], [Dict.ScanShared], [Dict.RandomShared]), which write
// nothing.
package dict
