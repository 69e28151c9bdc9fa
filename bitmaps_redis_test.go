package kevy_test

import (
	"strconv"
	"testing"
)

// TestBitmapsMatchRedis compares SETBIT GETBIT BITCOUNT BITPOS BITOP
// BITFIELD BITFIELD_RO with redis-server: replies, error texts and the
// strings they leave (bytes and encodings).
func TestBitmapsMatchRedis(t *testing.T) {
	cases := []diffCase{
		{"setbit-getbit", lines(
			"SETBIT b 7 1", "SETBIT b 7 1", "SETBIT b 7 0", "SETBIT b 0 1", "GETBIT b 0", "GETBIT b 1", "GETBIT b 100000",
			"SETBIT b 100 1", "STRLEN b", "GETBIT nokey 3", "SETBIT new 0 0", "GET new", "OBJECT ENCODING new",
			"SETBIT b -1 1", "SETBIT b x 1", "SETBIT b 1 2", "SETBIT b 1 -1", "SETBIT b 1 x", "SETBIT b 1.5 1",
			"SETBIT b 4294967296 1", "GETBIT b 4294967296", "GETBIT b -1", "GETBIT b x",
			"SETBIT b 01 1", "SETBIT b +1 1", "SETBIT b 1 01",
			"LPUSH l a", "SETBIT l 0 1", "GETBIT l 0",
		)},
		{"setbit-on-int-and-embstr", lines(
			"SET n 12", "OBJECT ENCODING n", "SETBIT n 3 0", "OBJECT ENCODING n", "GET n",
			"SET s hello", "GETBIT s 1", "SETBIT s 1 1", "GET s", "OBJECT ENCODING s",
			"SET i 255", "GETBIT i 2", "GETBIT i 7", "BITCOUNT i",
		)},
		{"bitcount", lines(
			"SET s foobar", "BITCOUNT s", "BITCOUNT s 0 0", "BITCOUNT s 1 1", "BITCOUNT s 1 -1", "BITCOUNT s -2 -1",
			"BITCOUNT s 5 30 BIT", "BITCOUNT s 5 30 BYTE", "BITCOUNT s 0 -1 bit", "BITCOUNT s -7 -2 BIT",
			"BITCOUNT s -1 -5", "BITCOUNT s -1 -5 nonsense", "BITCOUNT s 10 20", "BITCOUNT s 3 1",
			"BITCOUNT s 0", "BITCOUNT s 0 1 BIT extra", "BITCOUNT s x 1", "BITCOUNT s 0 y", "BITCOUNT s 0 1 bits",
			"BITCOUNT s -100 100", "BITCOUNT s -100 -99 BIT", "BITCOUNT s 9223372036854775807 -9223372036854775808",
			"BITCOUNT nokey", "BITCOUNT nokey 0", "BITCOUNT nokey x y z", "SET e <empty>", "BITCOUNT e", "BITCOUNT e 0 -1 BIT",
			"SADD set a", "BITCOUNT set",
		)},
		{"bitpos", lines(
			"SET s \xff\xf0\x00", "BITPOS s 0", "BITPOS s 1", "BITPOS s 0 1", "BITPOS s 1 2", "BITPOS s 0 2 -1",
			"BITPOS s 1 1 1", "BITPOS s 0 0 -1 BIT", "BITPOS s 0 3 10 BIT", "BITPOS s 1 5 10 bit", "BITPOS s 1 12 -1 BIT",
			"BITPOS s 0 8 11 BIT", "BITPOS s 0 7 7 BIT", "BITPOS s 1 8 8 BIT", "BITPOS s 0 -3 -1 BIT", "BITPOS s 1 -9 -1 bit",
			"SET ones \xff\xff\xff", "BITPOS ones 0", "BITPOS ones 0 0 -1", "BITPOS ones 0 0", "BITPOS ones 0 1 -1 BIT",
			"BITPOS ones 1 3", "SET zeros \x00\x00", "BITPOS zeros 1", "BITPOS zeros 0", "BITPOS zeros 1 0 -1 BIT",
			"BITPOS nokey 0", "BITPOS nokey 1", "BITPOS nokey 1 x", "BITPOS s 2", "BITPOS s x", "BITPOS s -1",
			"BITPOS s 1 x", "BITPOS s 1 0 y", "BITPOS s 1 0 1 BYTES", "BITPOS s 1 0 1 BIT x", "BITPOS s 1 5 2",
			"SET e <empty>", "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0 -1 BIT",
			"SET big \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", "BITPOS big 1", "BITPOS big 1 3 -2",
			"BITPOS big 1 0 -1 BIT", "HSET h f v", "BITPOS h 0",
		)},
		{"bitop", lines(
			"SET a \xff\x0f\xaa", "SET b \xf0\xf0", "SET c \x01",
			"BITOP AND dand a b c", "GET dand", "BITOP OR dor a b c", "GET dor", "BITOP XOR dxor a b", "GET dxor",
			"BITOP NOT dnot a", "GET dnot", "OBJECT ENCODING dnot", "BITOP not dnot2 nokey", "EXISTS dnot2",
			"SET victim x", "EXPIRE victim 1000", "BITOP OR victim nokey1 nokey2", "EXISTS victim",
			"SET victim y", "EXPIRE victim 1000", "BITOP OR victim a", "PTTL victim", "GET victim",
			"BITOP AND a a b", "GET a", "BITOP NOT x a b", "BITOP NAND x a", "BITOP AND x", "LPUSH l 1", "BITOP OR x a l",
			"BITOP AND x nokey a", "GET x", "BITOP OR {t}1 {t}2 {t}3", "SET {t}2 abc", "BITOP OR {t}1 {t}2 {t}3", "GET {t}1",
		)},
		{"bitop-words", [][]string{
			{"SET", "w1", "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEF"},
			{"SET", "w2", "zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUTSRQPONMLKJIHG"},
			{"BITOP", "AND", "r", "w1", "w2"}, {"GET", "r"}, {"BITOP", "XOR", "r", "w1", "w2", "w1"}, {"GET", "r"},
			{"BITOP", "OR", "r", "w2", "w1"}, {"GET", "r"}, {"BITOP", "NOT", "r", "w2"}, {"GET", "r"},
		}},
		{"bitfield", lines(
			"BITFIELD bf SET i8 0 100 GET i8 0 INCRBY i8 0 100", "GET bf",
			"BITFIELD bf OVERFLOW SAT INCRBY i8 0 100 INCRBY u7 8 200", "BITFIELD bf OVERFLOW FAIL INCRBY i8 0 1 GET i8 0",
			"BITFIELD bf OVERFLOW WRAP INCRBY u8 16 300 INCRBY i5 100 -20", "GET bf",
			"BITFIELD bf SET u8 #1 255 GET u8 #1 GET u4 #3 SET i16 #2 -1 GET u16 #2", "GET bf",
			"BITFIELD bf GET i64 0 GET u63 1 SET i64 64 -9223372036854775808 INCRBY i64 64 -1",
			"BITFIELD bf OVERFLOW SAT SET u8 0 -1 SET i8 8 200 SET i8 16 -200 INCRBY u8 0 -300 INCRBY i8 8 9223372036854775807",
			"BITFIELD bf OVERFLOW SAT SET i8 24 -9223372036854775807 SET i8 32 -4611686018427387904 SET i63 40 -9223372036854775808 GET i8 24",
			"BITFIELD bf OVERFLOW FAIL SET u8 0 256 SET i8 8 -129 INCRBY u2 100 4 INCRBY i64 64 -9223372036854775808",
			"BITFIELD bf OVERFLOW WRAP SET u8 0 -1 SET i8 8 200 INCRBY i64 64 -9223372036854775808 INCRBY i64 64 9223372036854775807",
			"GET bf", "BITFIELD bf", "BITFIELD nokey GET u8 0 GET i8 100", "EXISTS nokey",
			"BITFIELD failnew OVERFLOW FAIL INCRBY u8 800 256", "EXISTS failnew", "GET failnew",
			"BITFIELD bf GET u64 0", "BITFIELD bf GET i65 0", "BITFIELD bf GET i0 0", "BITFIELD bf GET x8 0",
			"BITFIELD bf GET I8 0", "BITFIELD bf GET u 0", "BITFIELD bf GET u8 -1", "BITFIELD bf GET u8 #-1",
			"BITFIELD bf GET u8 4294967296", "BITFIELD bf GET u8 #536870912", "BITFIELD bf SET u8 0",
			"BITFIELD bf SET u8 0 x", "BITFIELD bf FOO u8 0", "BITFIELD bf OVERFLOW", "BITFIELD bf OVERFLOW BAD GET u8 0",
			"BITFIELD bf GET u8 0 OVERFLOW FAIL", "BITFIELD bf get u8 0 incrby u8 0 1 set u8 0 7 overflow sat",
			"BITFIELD bf GET i8 #", "BITFIELD bf GET i8 #x", "BITFIELD bf GET u8 1.5",
			"BITFIELD_RO bf GET u8 0 GET i8 #2", "BITFIELD_RO bf SET u8 0 1", "BITFIELD_RO bf INCRBY u8 0 1 GET u8 0",
			"BITFIELD_RO bf OVERFLOW FAIL GET u8 0", "BITFIELD_RO nokey GET u8 0",
			"LPUSH l x", "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 1", "BITFIELD_RO l GET u8 0",
			"SET n 7", "BITFIELD n GET u8 0 SET u8 0 65", "GET n", "OBJECT ENCODING n",
			"BITFIELD same SET u8 0 0", "EXISTS same", "BITFIELD same SET u8 0 0", "GET same",
		)},
		{"huge-offsets", lines(
			"SETBIT h 67108863 1", "STRLEN h", "GETBIT h 67108863", "BITCOUNT h 8388607 8388607", "BITPOS h 1 -1", "BITPOS h 1",
			"SETBIT h 4294967296 1", "BITFIELD h GET u8 67108856 GET u8 67108860 SET u8 4294967288 1", "BITFIELD h SET u1 4294967296 1",
			"SETRANGE h 536870912 x", "BITCOUNT h", "DEL h",
		)},
	}
	var big []string
	for i := 0; i < 64; i++ {
		big = append(big, "SETBIT many "+strconv.Itoa(i*37%4096)+" "+strconv.Itoa(i%2))
	}
	big = append(big, "BITCOUNT many", "BITPOS many 1", "BITPOS many 0", "BITPOS many 1 100 -1 BIT", "GET many")
	cases = append(cases, diffCase{"many-setbits", lines(big...)})
	runDiff(t, cases)
}
