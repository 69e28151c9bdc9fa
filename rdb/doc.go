// Package rdb reads and writes Redis RDB snapshot files: the format of
// dump.rdb and of the base file of a Redis 7 multi-part AOF.
//
// The package is self-contained (standard library only) and works on a
// neutral model of the keyspace, [Entry], rather than on any store's data
// structures.
//
// # Basics
//
// [Writer] encodes a version 10 file, the version Redis 7.0 writes, using the
// plain value types (string, list, set, hash, sorted set with binary
// scores); redis-server 7.0 loads it and re-encodes values as its
// configuration dictates. The Writer streams: a collection is announced
// with its length and then written one element at a time, so a snapshot of
// a huge collection never has to be copied.
//
//	w := rdb.NewWriter(f, rdb.WriterOptions{})
//	w.SelectDB(0)
//	w.WriteStringKey("greeting", "hello", 0)
//	w.BeginList("queue", 2, expireAtMs)
//	w.WriteItem("job-1")
//	w.WriteItem("job-2")
//	err := w.Close() // EOF opcode + checksum; check this error (sticky)
//
// [Reader] decodes any file Redis 7.0 loads that holds only strings, lists,
// sets, hashes and sorted sets, in every encoding Redis has ever written
// them, RDB versions 1 to 10:
//
//	r := rdb.NewReader(f)
//	for {
//		e, err := r.Next()
//		if err == io.EOF {
//			break // checksum verified
//		}
//		if err != nil {
//			return err // *CorruptError, *UnsupportedError or an I/O error
//		}
//		load(e)
//	}
//
// # File layout
//
// An RDB file is a magic string, a sequence of records each introduced by
// one type byte, and a checksum:
//
//	+-----------+------------------------------------------+-----+----------+
//	| REDIS0010 | record record record ...                 | 255 | CRC64 le |
//	+-----------+------------------------------------------+-----+----------+
//	  9 bytes     opcodes (245-254) and key/value records   EOF   8 bytes
//
// The magic is "REDIS" and four ASCII digits, the format version (Redis
// 7.0: 0010). Records are:
//
//	byte   name           operands                           meaning
//	250    AUX            string key, string value          header field ("redis-ver" = "7.0.15")
//	254    SELECTDB       length db                          keys that follow belong to database db
//	251    RESIZEDB       length keys, length expires        sizing hint for the current database
//	252    EXPIRETIME_MS  int64 little-endian, Unix ms        expiry of the next key (RDB >= 3)
//	253    EXPIRETIME     int32 little-endian, Unix seconds   expiry of the next key (old files)
//	248    IDLE           length seconds                     LRU idle time of the next key
//	249    FREQ           1 byte                             LFU counter of the next key
//	247    MODULE_AUX     module data                        not supported: *UnsupportedError
//	245    FUNCTION2      string library code                not supported: *UnsupportedError
//	(246   FUNCTION       7.0 release candidates             not supported: *UnsupportedError)
//	255    EOF            -                                  end of data; the checksum follows
//	0-19   a value type   string key, value                  one key (see Value types)
//
// A key record is therefore
//
//	[EXPIRETIME_MS t] [IDLE s] [FREQ f] <type> <key string> <value>
//
// where the optional prefixes may come in any order and apply only to that
// key. Redis 7.0 writes, in order: the AUX fields redis-ver, redis-bits,
// ctime, used-mem (and repl-stream-db, repl-id, repl-offset on replication),
// aof-base; then FUNCTION2 records; then for each non-empty database a
// SELECTDB, a RESIZEDB and its keys; then EOF and the checksum. Readers
// must ignore AUX fields they do not know.
//
// # Length encoding
//
// Counts and sizes are variable-length integers, told apart by the top two
// bits of the first byte:
//
//	00xxxxxx                      6-bit length (0-63)
//	01xxxxxx xxxxxxxx             14-bit length, big-endian (64-16383)
//	10000000 + 4 bytes            32-bit length, big-endian
//	10000001 + 8 bytes            64-bit length, big-endian (RDB >= 9)
//	11xxxxxx                      not a length: a special string encoding,
//	                              numbered by the low 6 bits (see below)
//
// Redis always uses the shortest form; other bytes 10xxxxxx are invalid.
//
// # String encoding
//
// Keys, values, elements and AUX fields are strings, stored one of four
// ways:
//
//	<length> <bytes>                                raw
//	11000000 <int8>                                 integer, 1 byte
//	11000001 <int16 little-endian>                  integer, 2 bytes
//	11000010 <int32 little-endian>                  integer, 4 bytes
//	11000011 <length clen> <length len> <clen bytes> LZF-compressed, len bytes once expanded
//
// An integer encoding stands for the decimal text of the number. Redis
// (and Writer) uses one exactly when the string is the canonical decimal
// form of a number that fits in 32 bits ("-12" yes; "012", "+1", "-0" and
// "4294967296" no), choosing the narrowest. Otherwise, with rdbcompression
// on, a string longer than 20 bytes is stored LZF-compressed when that
// saves at least 4 bytes; else raw.
//
// LZF (liblzf) is a byte-oriented LZ77: a sequence of chunks, each led by
// a control byte c:
//
//	c = 000LLLLL                  literal run: the next L+1 bytes (1-32) are copied
//	c = LLLOOOOO [l] o            back-reference (LLL != 0): copy n bytes from
//	                              distance d before the output position, where
//	                              n = LLL+2, or 7+l+2 when LLL = 7 (extra byte l),
//	                              d = (OOOOO<<8 | o) + 1   (1-8192); n is 3-264
//
// A reference may overlap its own output (a run repeats). The package has
// its own compressor and decompressor; the decompressor refuses references
// before the start, truncated input and any output length but the one
// recorded.
//
// # Value types
//
// The type byte of a key record says how its value is encoded:
//
//	type  name               value
//	0     string             a string
//	1     list               length n, n strings (head to tail)
//	2     set                length n, n strings
//	3     zset               length n, n × (string member, text score)
//	4     hash               length n, n × (string field, string value)
//	5     zset_2             length n, n × (string member, float64 little-endian score)
//	6, 7  module, module_2   not supported: *UnsupportedError
//	9     hash_zipmap        string holding a zipmap
//	10    list_ziplist       string holding a ziplist of elements
//	11    set_intset         string holding an intset
//	12    zset_ziplist       string holding a ziplist: member, score, member, score...
//	13    hash_ziplist       string holding a ziplist: field, value, field, value...
//	14    list_quicklist     length n, n strings each holding a ziplist
//	15    stream_listpacks   not supported: *UnsupportedError
//	16    hash_listpack      string holding a listpack: field, value...
//	17    zset_listpack      string holding a listpack: member, score...
//	18    list_quicklist_2   length n, n × (length container, string): container 2
//	                         (PACKED) holds a listpack, container 1 (PLAIN) one element
//	19    stream_listpacks_2 not supported: *UnsupportedError
//	20-25 (Redis 7.2+, RDB 11+: listpack sets, newer streams, hashes with
//	      field expiries) not supported: *UnsupportedError
//
// Redis 7.0 writes types 0, 2, 4, 5, 11, 16, 17 and 18 (and 15/19 for
// streams, 7 for modules); it still loads all of the others. Writer writes
// 0, 1, 2, 4 and 5 only. A text score (type 3) is one length byte then that
// many bytes of decimal text, except that the lengths 253, 254 and 255 mean
// NaN, +Inf and -Inf with no text. A NaN score is invalid in any encoding.
//
// Sets, hashes and sorted sets never repeat a member or field. Redis skips
// keys whose collection is empty (they came from old bugs), and so does
// Reader; Writer refuses to write them.
//
// # Compact encodings
//
// The encoded types store a value as one string blob in Redis's in-memory
// layout. All integers in them are little-endian unless stated.
//
// A listpack (types 16, 17, 18):
//
//	+-------------+--------------+-------+-------+-----+------+
//	| total u32   | count u16    | entry | entry | ... | 0xFF |
//	+-------------+--------------+-------+-------+-----+------+
//	count 65535 means "count the entries"
//
//	entry = encoding [data] backlen
//	  0xxxxxxx                     7-bit unsigned integer
//	  10LLLLLL <L bytes>           string of up to 63 bytes
//	  110xxxxx yyyyyyyy            13-bit signed integer (x high bits)
//	  1110LLLL LLLLLLLL <bytes>    string of up to 4095 bytes
//	  11110000 <u32 len> <bytes>   longer string
//	  11110001/0010/0011/0100      16/24/32/64-bit signed integer follows
//	backlen = size of encoding+data in 1-5 bytes, 7 bits per byte, the most
//	          significant group first; every byte but the first has bit 7 set,
//	          so it can be parsed right to left
//
// A ziplist (types 10, 12, 13, 14; RDB <= 9):
//
//	+-------------+-------------+-----------+-------+-----+------+
//	| zlbytes u32 | zltail u32  | zllen u16 | entry | ... | 0xFF |
//	+-------------+-------------+-----------+-------+-----+------+
//	zltail: offset of the last entry; zllen 65535: count the entries
//
//	entry = prevlen encoding [data]
//	  prevlen: size of the previous entry, 1 byte if < 254, else 0xFE + u32
//	  00LLLLLL                     string of up to 63 bytes
//	  01LLLLLL LLLLLLLL            string of up to 16383 bytes (big-endian)
//	  10xxxxxx <u32 big-endian>    longer string
//	  11000000 / 11010000 / 11100000   int16 / int32 / int64 follows
//	  11110000 / 11111110          int24 / int8 follows
//	  1111xxxx (0001-1101)         immediate integer xxxx-1, 0 to 12
//
// An intset (type 11):
//
//	+----------------+-------------+----------------------------------+
//	| width u32      | count u32   | count signed ints of width bytes |
//	+----------------+-------------+----------------------------------+
//	width 2, 4 or 8; members strictly ascending; count >= 1
//
// A zipmap (type 9, Redis < 2.6):
//
//	<count u8, 254 = unknown> ( <len> field <len> <free u8> value <free bytes> )... 0xFF
//	len = 1 byte if < 254, else 0xFE + u32
//
// Reader validates every blob completely before using it: declared sizes
// and counts against the actual ones, each entry inside its container,
// prevlen and backlen links, terminators, intset order, even field/value
// counts. Any mismatch is a [*CorruptError].
//
// # Checksum
//
// From version 5 on, the 8 bytes after EOF are a CRC-64 of everything
// before them (magic included), little-endian: CRC-64/Jones (polynomial
// 0xad93d23594c935a9, reflected, initial value 0, no final xor); the check
// value for "123456789" is 0xe9c6d914c4b8d9ca. A stored 0 means the file
// was written with rdbchecksum off and is not verified. Files of versions
// 1-4 end at the EOF byte.
//
// # Errors and limits
//
// Malformed input yields a [*CorruptError] carrying the byte offset of the
// problem; it matches [ErrCorrupt] with errors.Is, as well as its cause
// (io.ErrUnexpectedEOF for a truncated file, [ErrChecksum] for a checksum
// mismatch). Valid content the package does not decode — streams, module
// values and aux data, functions, versions above 10 — yields an
// [*UnsupportedError] (matching [ErrUnsupported]) rather than being skipped.
// Nothing panics, and no length read from the file is trusted for an
// allocation: buffers grow only as data actually arrives (an LZF string
// cannot claim more than 88 times its compressed size).
//
// # Caveats
//
//   - The checksum can only be verified at the end. A caller that applies
//     entries as it reads them must discard them all unless Next ends with
//     io.EOF.
//   - Reader does not detect a key repeated within a database (that would
//     need memory proportional to the keyspace); Redis refuses such files.
//   - Version 1-8 files stored EXPIRETIME_MS in host byte order; Reader
//     assumes little-endian, as every Redis host in practice is.
//   - Reader buffers; input that follows the RDB data (an AOF tail after an
//     RDB preamble) is available from [Reader.Rest].
//   - Redis refuses to load a file with a SELECTDB beyond its "databases"
//     setting (16 by default); Writer does not check this.
package rdb
