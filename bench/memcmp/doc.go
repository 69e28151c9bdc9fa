// Package memcmp measures the memory kevy serve and redis-server need for
// the same data, side by side: it starts each server as a child process on
// a free loopback port (a fresh process per dataset, so that nothing freed
// by an earlier dataset blurs the figures), loads the dataset with
// pipelined RESP, and reports the growth of the process's resident set
// (after settling, and again after MEMORY PURGE), of INFO used_memory and
// the MEMORY USAGE of one sample key, with kevy ÷ redis.
//
//	cd bench && go run ./cmd/memcmp [-data strings,hash-small] [-kevy path/to/kevy]
//
// The datasets are those of docs/memory.md: a million small strings and a
// million integers, small hashes, sets (integer and string members),
// sorted sets and lists, and one large hash, set and sorted set.
package memcmp
