package kevy_test

import (
	"strings"
	"testing"
)

// TestLCSMatchRedis compares LCS with redis-server: the string, LEN, IDX
// with MINMATCHLEN and WITHMATCHLEN, missing keys, wrong types, option
// errors and the input-size limit.
func TestLCSMatchRedis(t *testing.T) {
	cases := []diffCase{
		{"lcs", lines(
			"MSET a ohmytext b mynewtext", "LCS a b", "LCS a b LEN", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 4",
			"LCS a b IDX WITHMATCHLEN", "LCS a b IDX MINMATCHLEN 2 WITHMATCHLEN", "LCS a b idx minmatchlen -5",
			"LCS a b LEN IDX", "LCS a b IDX LEN", "LCS a b MINMATCHLEN", "LCS a b MINMATCHLEN x", "LCS a b FOO",
			"LCS a nokey", "LCS nokey nokey2 IDX", "LCS a a IDX WITHMATCHLEN", "LCS a b WITHMATCHLEN",
			"LPUSH l x", "LCS a l", "LCS l nokey FOO", "SET e <empty>", "LCS e a IDX", "SET n 12345", "SET m 2349", "LCS n m IDX WITHMATCHLEN",
			"MSET x abcabcabcxyz y xyzabcabcabc", "LCS x y IDX WITHMATCHLEN", "LCS y x IDX MINMATCHLEN 3 WITHMATCHLEN",
			"MSET p \x00\xffab\x00 q ab\x00\xff", "LCS p q", "LCS p q IDX",
		)},
		{"lcs-limit", [][]string{
			{"SET", "big1", strings.Repeat("a", 12000)}, {"SET", "big2", strings.Repeat("b", 12000)},
			{"LCS", "big1", "big2", "LEN"}, {"SET", "mid", strings.Repeat("ab", 500)}, {"LCS", "mid", "big1", "LEN"},
		}},
	}
	runDiff(t, cases)
}
