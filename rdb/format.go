package rdb

import (
	"encoding/binary"
	"hash/crc64"
	"math"
)

// Version is the RDB format version this package writes (Redis 7.0), and
// the newest it reads.
const Version = 10

// Opcodes: a byte in the position of a value type that is not a value type.
const (
	opFunction2 = 245 // function library (Redis 7.0)
	opFunction  = 246 // function library (7.0 release candidates)
	opModuleAux = 247 // module auxiliary data
	opIdle      = 248 // LRU idle seconds of the next key (length encoded)
	opFreq      = 249 // LFU counter of the next key (one byte)
	opAux       = 250 // aux field: two strings
	opResizeDB  = 251 // hash table size hints: two lengths
	opExpireMs  = 252 // expiry of the next key: int64 ms, little-endian
	opExpire    = 253 // expiry of the next key: int32 seconds, little-endian
	opSelectDB  = 254 // database number: a length
	opEOF       = 255 // end of the keyspace; the checksum follows
)

// Value types (the byte before a key).
const (
	typeString          = 0
	typeList            = 1
	typeSet             = 2
	typeZSet            = 3 // scores as length-prefixed text
	typeHash            = 4
	typeZSet2           = 5 // scores as binary float64
	typeModule          = 6
	typeModule2         = 7
	typeHashZipmap      = 9
	typeListZiplist     = 10
	typeSetIntset       = 11
	typeZSetZiplist     = 12
	typeHashZiplist     = 13
	typeListQuicklist   = 14
	typeStreamListpacks = 15
	typeHashListpack    = 16
	typeZSetListpack    = 17
	typeListQuicklist2  = 18
	typeStream2         = 19
	typeSetListpack     = 20 // Redis 7.2, RDB 11
)

// Length encoding: the top two bits of the first byte.
const (
	len6   = 0    // 00xxxxxx
	len14  = 1    // 01xxxxxx xxxxxxxx
	len32  = 0x80 // 10000000 + 4 bytes big-endian
	len64  = 0x81 // 10000001 + 8 bytes big-endian
	lenEnc = 3    // 11xxxxxx: special string encoding in the low 6 bits
)

// Special string encodings (low bits of an 11xxxxxx length byte).
const (
	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// Quicklist 2 node containers.
const (
	containerPlain  = 1
	containerPacked = 2
)

// appendLen appends the length encoding of n.
func appendLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|len14<<6, byte(n))
	case n <= math.MaxUint32:
		b = append(b, len32)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, len64)
		return binary.BigEndian.AppendUint64(b, n)
	}
}

// appendIntEncoded appends v in the smallest of the int8/16/32 string
// encodings. v must fit in an int32.
func appendIntEncoded(b []byte, v int64) []byte {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, lenEnc<<6|encInt8, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(b, lenEnc<<6|encInt16, byte(v), byte(v>>8))
	default:
		return append(b, lenEnc<<6|encInt32, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
}

// encodableInt reports whether s is an integer Redis stores integer encoded:
// canonical decimal (no sign but '-', no leading zeros, not "-0") within the
// int32 range. It returns the value.
func encodableInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 11 {
		return 0, false
	}
	i := 0
	if s[0] == '-' {
		i = 1
		if len(s) == 1 {
			return 0, false
		}
	}
	if s[i] == '0' {
		return 0, len(s) == 1
	}
	var v int64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0') // at most 11 digits: no overflow
	}
	if s[0] == '-' {
		v = -v
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return v, true
}

// jonesTable is the reflected table of the CRC-64/Jones polynomial
// (0xad93d23594c935a9, reversed 0x95ac9329ac4bc9b5) that Redis uses.
var jonesTable = crc64.MakeTable(0x95AC9329AC4BC9B5)

// crcUpdate extends crc, a CRC-64/Jones value as Redis computes it (init 0,
// reflected, no final xor), with p. hash/crc64 inverts the register on entry
// and exit; inverting around the call cancels both.
func crcUpdate(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, jonesTable, p)
}
