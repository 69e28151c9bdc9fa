package kevy_test

import (
	"strconv"
	"testing"
)

// TestHyperLogLogMatchRedis compares PFADD PFCOUNT PFMERGE PFDEBUG with
// redis-server, the HLL strings byte for byte (GET): the header, the
// sparse and dense encodings, the promotion at hll-sparse-max-bytes, the
// cached cardinality, and corrupt HLLs.
func TestHyperLogLogMatchRedis(t *testing.T) {
	elems := func(prefix string, n int) []string {
		return repeatArg([]string{"PFADD", prefix}, n, func(i int) string { return prefix + ":" + strconv.Itoa(i) })
	}
	var growth [][]string
	for i := 0; i < 40; i++ {
		// 40 rounds of 50 elements: sparse, then dense past 3000 bytes.
		growth = append(growth, repeatArg([]string{"PFADD", "g"}, 50, func(j int) string { return strconv.Itoa(i*50 + j) }))
		growth = append(growth, []string{"PFDEBUG", "ENCODING", "g"}, []string{"STRLEN", "g"}, []string{"PFCOUNT", "g"}, []string{"GET", "g"})
	}
	cases := []diffCase{
		{"pfadd-pfcount", lines(
			"PFADD h a b c d e f g", "GET h", "PFCOUNT h", "GET h", "PFADD h a b", "PFCOUNT h", "PFADD h z", "GET h", "PFCOUNT h",
			"PFADD empty", "GET empty", "PFCOUNT empty", "PFADD empty", "PFCOUNT nokey", "PFADD h <empty>", "PFCOUNT h",
			"OBJECT ENCODING h", "SET s notanhll", "PFADD s a", "PFCOUNT s", "LPUSH l a", "PFADD l a", "PFCOUNT l", "PFCOUNT h l",
			"SET short HYLL", "PFADD short a", "PFCOUNT short",
		)},
		{"promotion", growth},
		{"big-adds", [][]string{
			elems("x", 300), {"GET", "x"}, {"PFCOUNT", "x"}, elems("y", 3000), {"PFDEBUG", "ENCODING", "y"}, {"PFCOUNT", "y"}, {"GET", "y"},
			{"PFCOUNT", "x", "y"}, {"PFCOUNT", "x", "nokey", "y"}, {"PFMERGE", "m", "x", "y"}, {"GET", "m"}, {"PFCOUNT", "m"},
			{"PFMERGE", "m2", "x"}, {"GET", "m2"}, {"PFDEBUG", "ENCODING", "m2"}, {"PFMERGE", "x", "m2", "nokey"}, {"GET", "x"},
			{"PFMERGE", "only"}, {"GET", "only"}, {"PFMERGE", "x"}, {"GET", "x"}, {"PFCOUNT", "x"},
		}},
		{"pfdebug", lines(
			"PFADD h a b c", "PFDEBUG ENCODING h", "PFDEBUG DECODE h", "PFDEBUG GETREG nokey", "PFDEBUG TODENSE h", "GET h",
			"PFDEBUG ENCODING h", "PFDEBUG DECODE h", "PFDEBUG TODENSE h", "PFCOUNT h", "PFDEBUG FOO h", "PFDEBUG FOO nokey",
			"PFADD h2 x y", "PFDEBUG GETREG h2", "PFDEBUG ENCODING h2", "GET h2", "SET s x", "PFDEBUG ENCODING s",
			"PFDEBUG DECODE h h", "PFDEBUG",
		)},
		{"corrupt", [][]string{
			{"PFADD", "h", "a", "b", "c"}, {"PFCOUNT", "h"}, {"SETRANGE", "h", "4", "\x02"}, {"PFCOUNT", "h"}, {"PFADD", "h", "q"},
			{"SETRANGE", "h", "4", "\x01"}, {"PFCOUNT", "h"}, {"APPEND", "h", "\x7f"}, {"PFCOUNT", "h"}, {"PFADD", "h", "x1", "x2"},
			{"GET", "h"}, {"PFDEBUG", "DECODE", "h"}, {"PFDEBUG", "TODENSE", "h"}, {"PFMERGE", "d", "h"}, {"EXISTS", "d"},
			{"PFCOUNT", "h", "h"},
			// A sparse body whose runs fall short of 16384 registers.
			{"SET", "short", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80"}, {"PFCOUNT", "short"},
			{"PFADD", "short", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, {"GET", "short"}, {"PFDEBUG", "GETREG", "short"},
			// A dense header on a short string, a bad magic, a bad encoding.
			{"SET", "d1", "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, {"PFCOUNT", "d1"}, {"PFADD", "d1", "a"},
			{"SET", "bad", "HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"}, {"PFCOUNT", "bad"},
			{"SET", "enc", "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"}, {"PFCOUNT", "enc"},
			// A tampered cache: PFCOUNT trusts a valid cache.
			{"PFADD", "c", "1", "2", "3"}, {"PFCOUNT", "c"}, {"SETRANGE", "c", "8", "\x09"}, {"PFCOUNT", "c"}, {"PFADD", "c", "4"},
			{"PFCOUNT", "c"},
			// A VAL run past the last register, and values over 32 in a VAL.
			{"SET", "over", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x83"}, {"PFCOUNT", "over"}, {"PFDEBUG", "TODENSE", "over"},
			{"PFMERGE", "m", "over"},
		}},
		{"sparse-edges", [][]string{
			// A register at index 0 and at 16383, splits of XZERO into
			// ZERO/XZERO, VAL runs that merge.
			{"PFADD", "e", "a"}, {"PFDEBUG", "DECODE", "e"},
			repeatArg([]string{"PFADD", "e"}, 200, func(i int) string { return "m" + strconv.Itoa(i) }), {"PFDEBUG", "DECODE", "e"}, {"GET", "e"},
			{"SET", "v", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x80\x80\x80\x7f\xfc"}, {"PFDEBUG", "DECODE", "v"}, {"PFCOUNT", "v"},
			repeatArg([]string{"PFADD", "v"}, 50, func(i int) string { return "v" + strconv.Itoa(i) }), {"GET", "v"}, {"PFDEBUG", "DECODE", "v"},
		}},
		{"notifications-and-types", lines(
			"PFADD h a", "TYPE h", "STRLEN h", "OBJECT ENCODING h", "APPEND h x", "PFCOUNT h",
		)},
	}
	runDiff(t, cases)
}
