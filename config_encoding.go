package kevy

import (
	"context"
	"math"
	"strconv"

	"github.com/kevydb/kevy/shard"
)

// The encoding parameters of CONFIG GET and SET: the limits of the compact
// encodings of small collections (shard.Encodings), with Redis 7.0's names,
// their ziplist aliases (each answers CONFIG GET under the name asked, as
// Redis's alias entries do) and Redis's validation: entry counts are
// size_t integers, value lengths size_t memory values ("1kb"), the list
// node size an int. A change applies to conversions from then on; nothing
// stored converts until a write crosses a limit, as in Redis.

// encodingParams returns the parameters, aliases included.
func encodingParams() []*configParam {
	type field = func(e *shard.Encodings) *int64
	size := func(name, alias string, f field, memory bool) []*configParam {
		get := func(s *Store) string {
			e := s.settings.Encodings()
			return strconv.FormatInt(*f(&e), 10)
		}
		set := func(s *Store, n int64) {
			e := s.settings.Encodings()
			*f(&e) = n
			s.settings.SetEncodings(e)
		}
		parse := uintParam(math.MaxInt64, set)
		if memory {
			parse = memoryParam(math.MaxInt64, set)
		}
		ps := []*configParam{{name: name, get: get, parse: parse}}
		if alias != "" {
			ps = append(ps, &configParam{name: alias, get: get, parse: parse})
		}
		return ps
	}
	var ps []*configParam
	for _, group := range [][]*configParam{
		size("hash-max-listpack-entries", "hash-max-ziplist-entries",
			func(e *shard.Encodings) *int64 { return &e.HashMaxListpackEntries }, false),
		size("hash-max-listpack-value", "hash-max-ziplist-value",
			func(e *shard.Encodings) *int64 { return &e.HashMaxListpackValue }, true),
		size("set-max-intset-entries", "",
			func(e *shard.Encodings) *int64 { return &e.SetMaxIntsetEntries }, false),
		size("zset-max-listpack-entries", "zset-max-ziplist-entries",
			func(e *shard.Encodings) *int64 { return &e.ZSetMaxListpackEntries }, false),
		size("zset-max-listpack-value", "zset-max-ziplist-value",
			func(e *shard.Encodings) *int64 { return &e.ZSetMaxListpackValue }, true),
	} {
		ps = append(ps, group...)
	}
	listGet := func(s *Store) string { return strconv.FormatInt(s.settings.Encodings().ListMaxListpackSize, 10) }
	listParse := intParam(math.MinInt32, math.MaxInt32, func(s *Store, n int64) {
		e := s.settings.Encodings()
		e.ListMaxListpackSize = n
		s.settings.SetEncodings(e)
	})
	return append(ps,
		&configParam{name: "list-max-listpack-size", get: listGet, parse: listParse},
		&configParam{name: "list-max-ziplist-size", get: listGet, parse: listParse})
}

// memoryParam parses a size_t memory parameter bounded by 0..hi as Redis's
// numericParseString with MEMORY_CONFIG: memtoull, whose unsigned result
// (strtoull saturating, the unit's multiplication wrapping) is then
// checked against the bounds.
func memoryParam(hi int64, set func(*Store, int64)) func(*Store, string) (func(context.Context) error, string) {
	return func(s *Store, v string) (func(context.Context) error, string) {
		n, ok := memToUll(v)
		if !ok {
			return nil, "argument must be a memory value"
		}
		if n > uint64(hi) {
			return nil, "argument must be between 0 and " + itoa(hi) + " inclusive"
		}
		return func(context.Context) error { set(s, int64(n)); return nil }, ""
	}
}

// memToUll is Redis's memtoull: digits then an optional unit (b, k, kb,
// m, mb, g, gb, any case); no sign. Like C, the digits saturate at the
// largest uint64 and the unit's multiplication wraps.
func memToUll(v string) (uint64, bool) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	var mul uint64
	switch unit := v[i:]; {
	case unit == "" || equalFoldASCII(unit, "b"):
		mul = 1
	case equalFoldASCII(unit, "k"):
		mul = 1000
	case equalFoldASCII(unit, "kb"):
		mul = 1024
	case equalFoldASCII(unit, "m"):
		mul = 1000 * 1000
	case equalFoldASCII(unit, "mb"):
		mul = 1024 * 1024
	case equalFoldASCII(unit, "g"):
		mul = 1000 * 1000 * 1000
	case equalFoldASCII(unit, "gb"):
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	var n uint64
	if i > 0 {
		var err error
		if n, err = strconv.ParseUint(v[:i], 10, 64); err != nil {
			n = math.MaxUint64
		}
	}
	return n * mul, true
}

// equalFoldASCII reports whether s equals the lower-case ASCII word w,
// ignoring case.
func equalFoldASCII(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
