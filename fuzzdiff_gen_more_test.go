package kevy_test

import (
	"strconv"
	"strings"
)

// Command families of the differential fuzzer: sorted sets, SORT, server
// and connection commands, and fills that push collections past Redis's
// encoding thresholds.

// score is a sorted-set score: 0 often (so that the lex commands see equal
// scores), a small integer or an edge value otherwise.
func (g *fzGen) score() string {
	if g.pct(30) {
		return "0"
	}
	return g.scoreFloat()
}

// scoreFloat is float without subnormals: Redis's listpack re-reads a
// score it stores as text with strtod, which leaves ERANGE in errno for a
// subnormal one, and SORT (which never clears errno) then fails with "One
// or more scores can't be converted into double" depending on what ran
// before: behaviour no implementation can reproduce.
func (g *fzGen) scoreFloat() string {
	f := g.float()
	for f == "1e-320" {
		f = g.float()
	}
	return f
}

func (g *fzGen) scoreBound() string {
	if g.pct(70) {
		return g.pick("-inf", "+inf", "0", "(0", "1", "(1", "2", "(2", "-1", "1.5")
	}
	return g.pick(fzScoreBounds...)
}

func (g *fzGen) lexBound() string { return g.pick(fzLexBounds...) }

func (g *fzGen) limit(args []string) []string {
	return append(args, g.opt("LIMIT"), g.pick("0", "1", "2", "-1", "5", "x"), g.pick("1", "2", "-1", "0", "3", "x", "9223372036854775807"))
}

func (g *fzGen) zsetOrSetKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		if g.pct(20) {
			out[i] = g.key(fzSetKeys)
		} else {
			out[i] = g.key(fzZsetKeys)
		}
	}
	return out
}

func (g *fzGen) genZset() []string {
	k := g.key(fzZsetKeys)
	switch g.r.IntN(40) {
	case 0, 1, 2, 3, 4, 5:
		args := []string{g.name("ZADD"), k}
		for range g.r.IntN(3) {
			args = append(args, g.opt(g.pick("NX", "XX", "GT", "LT", "CH", "INCR", "CH")))
		}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.score(), g.member())
		}
		return args
	case 6:
		return []string{g.name("ZINCRBY"), k, g.scoreFloat(), g.member()}
	case 7, 8:
		return append([]string{g.name("ZREM"), k}, g.members(1+g.r.IntN(2))...)
	case 9:
		if g.pct(85) {
			return []string{g.name("ZCARD"), k}
		}
		return []string{g.name(g.pick("ZCARD", "ZSCORE", "ZRANK", "ZREVRANK")), k, g.member()}[:2+g.r.IntN(2)]
	case 10:
		return append([]string{g.name("ZMSCORE"), k}, g.members(1+g.r.IntN(3))...)
	case 11:
		return []string{g.name(g.pick("ZRANK", "ZREVRANK", "ZSCORE")), k, g.member()}
	case 12:
		return []string{g.name("ZCOUNT"), k, g.scoreBound(), g.scoreBound()}
	case 13:
		return []string{g.name("ZLEXCOUNT"), k, g.lexBound(), g.lexBound()}
	case 14, 15, 16:
		return g.zrange([]string{g.name("ZRANGE"), k}, true)
	case 17:
		args := g.zrange([]string{g.name("ZRANGESTORE"), g.key(fzZsetKeys), k}, false)
		if g.inMulti && lexKey(args) != "" {
			// Lex writes stay out of MULTI: on a skip list with different
			// scores Redis's result is unspecified, and the harness can
			// only reconcile it between commands.
			return []string{g.name("ZRANGESTORE"), g.key(fzZsetKeys), k, "0", "-1"}
		}
		return args
	case 18:
		args := []string{g.name("ZREVRANGE"), k, g.index(), g.index()}
		if g.pct(50) {
			args = append(args, g.opt("WITHSCORES"))
		}
		return args
	case 19, 20:
		args := []string{g.name(g.pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE")), k, g.scoreBound(), g.scoreBound()}
		if g.pct(40) {
			args = append(args, g.opt("WITHSCORES"))
		}
		if g.pct(30) {
			args = g.limit(args)
		}
		return args
	case 21:
		args := []string{g.name(g.pick("ZRANGEBYLEX", "ZREVRANGEBYLEX")), k, g.lexBound(), g.lexBound()}
		if g.pct(30) {
			args = g.limit(args)
		}
		return args
	case 22:
		return []string{g.name("ZREMRANGEBYSCORE"), k, g.scoreBound(), g.scoreBound()}
	case 23:
		return []string{g.name("ZREMRANGEBYRANK"), k, g.index(), g.index()}
	case 24:
		if g.inMulti { // as ZRANGESTORE ... BYLEX
			return []string{g.name("ZREMRANGEBYRANK"), k, g.index(), g.index()}
		}
		return []string{g.name("ZREMRANGEBYLEX"), k, g.lexBound(), g.lexBound()}
	case 25, 26:
		args := []string{g.name(g.pick("ZPOPMIN", "ZPOPMAX")), k}
		if g.pct(50) {
			args = append(args, g.count())
		}
		return args
	case 27:
		return g.mpop("ZMPOP", fzZsetKeys, "MIN", "MAX")
	case 28:
		return append(append([]string{g.name(g.pick("BZPOPMIN", "BZPOPMAX"))}, g.keys(fzZsetKeys, 1+g.r.IntN(3))...), g.timeout())
	case 29:
		return append([]string{g.name("BZMPOP"), g.timeout()}, g.mpop("ZMPOP", fzZsetKeys, "MIN", "MAX")[1:]...)
	case 30, 31:
		return g.zsetop(g.pick("ZUNIONSTORE", "ZINTERSTORE"), true, true)
	case 32:
		return g.zsetop("ZDIFFSTORE", true, false)
	case 33, 34:
		return g.zsetop(g.pick("ZUNION", "ZINTER"), false, true)
	case 35:
		return g.zsetop("ZDIFF", false, false)
	case 36:
		n := 1 + g.r.IntN(3)
		args := append([]string{g.name("ZINTERCARD"), strconv.Itoa(n)}, g.zsetOrSetKeys(n)...)
		if g.pct(40) {
			args = append(args, g.opt("LIMIT"), g.pick("0", "1", "2", "-1", "x"))
		}
		return args
	case 37, 38:
		args := []string{g.name("ZRANDMEMBER"), k}
		if g.pct(70) {
			args = append(args, g.count())
			if g.pct(50) {
				args = append(args, g.opt("WITHSCORES"))
			}
		}
		return args
	}
	return g.scanTail([]string{g.name("ZSCAN"), k, g.cursor()}, false)
}

// zrange appends ZRANGE's or ZRANGESTORE's range and options.
func (g *fzGen) zrange(args []string, withScores bool) []string {
	mode := g.r.IntN(3)
	switch mode {
	case 0:
		args = append(args, g.index(), g.index())
	case 1:
		args = append(args, g.scoreBound(), g.scoreBound(), g.opt("BYSCORE"))
	case 2:
		args = append(args, g.lexBound(), g.lexBound(), g.opt("BYLEX"))
	}
	if g.pct(40) {
		args = append(args, g.opt("REV"))
	}
	if g.pct(30) {
		args = g.limit(args)
	}
	if withScores && g.pct(40) {
		args = append(args, g.opt("WITHSCORES"))
	}
	if g.pct(10) { // options in another order, or doubled
		i := 4 + g.r.IntN(len(args)-3)
		if i > len(args) {
			i = len(args)
		}
		args = append(args[:i:i], append([]string{g.opt(g.pick("REV", "BYSCORE", "BYLEX", "WITHSCORES"))}, args[i:]...)...)
	}
	return args
}

// zsetop builds ZUNION/ZINTER/ZDIFF and their STORE forms.
func (g *fzGen) zsetop(name string, store, weights bool) []string {
	args := []string{g.name(name)}
	if store {
		args = append(args, g.key(fzZsetKeys))
	}
	n := 1 + g.r.IntN(3)
	if g.pct(5) {
		args = append(args, g.pick("0", "-1", "x", "9"))
	} else {
		args = append(args, strconv.Itoa(n))
	}
	args = append(args, g.zsetOrSetKeys(n)...)
	if weights && g.pct(30) {
		args = append(args, g.opt("WEIGHTS"))
		for range n {
			args = append(args, g.pick("1", "2", "-1", "0", "0.5", "inf", "-inf", "x", "nan"))
		}
	}
	if weights && g.pct(30) {
		args = append(args, g.opt("AGGREGATE"), g.opt(g.pick("SUM", "MIN", "MAX", "x")))
	}
	if !store && g.pct(50) {
		args = append(args, g.opt("WITHSCORES"))
	}
	return args
}

func (g *fzGen) sortPattern() string {
	return g.pick("w_*", "w_*", "o_*->f1", "o_*->f2", "nosort", "x", "w_*->", "*", "*->f1")
}

func (g *fzGen) genSort() []string {
	var k string
	switch g.r.IntN(3) {
	case 0:
		k = g.key(fzListKeys)
	case 1:
		k = g.key(fzSetKeys)
	default:
		k = g.key(fzZsetKeys)
	}
	ro := g.pct(30)
	args := []string{g.name("SORT"), k}
	if ro {
		args[0] = g.name("SORT_RO")
	}
	if g.pct(40) {
		args = append(args, g.opt("BY"), g.sortPattern())
	}
	if g.pct(25) {
		args = append(args, g.opt("LIMIT"), g.pick("0", "1", "-1", "2"), g.pick("1", "2", "-1", "0", "10"))
	}
	for range g.r.IntN(3) {
		args = append(args, g.opt("GET"), g.pick("#", "w_*", "o_*->f1", "o_*->f2", "nope_*", "w_", "*"))
	}
	if g.pct(30) {
		args = append(args, g.opt(g.pick("ASC", "DESC")))
	}
	if g.pct(40) {
		args = append(args, g.opt("ALPHA"))
	}
	if !ro && g.pct(30) {
		args = append(args, g.opt("STORE"), g.key(fzListKeys))
	}
	return safeSort(args)
}

// safeSort keeps SORT deterministic where it must be: a result STOREd
// after sorting ALPHA by a pattern has Redis's unspecified order for equal
// weights, so such a BY becomes BY nosort.
func safeSort(args []string) []string {
	if !strings.EqualFold(args[0], "SORT") && !strings.EqualFold(args[0], "SORT_RO") {
		return args
	}
	var alpha, store bool
	by := -1
	for i, a := range args {
		switch strings.ToUpper(a) {
		case "ALPHA":
			alpha = true
		case "STORE":
			store = true
		case "BY":
			if i+1 < len(args) && strings.Contains(args[i+1], "*") {
				by = i + 1
			}
		}
	}
	if alpha && store && by > 0 {
		args[by] = "nosort"
	}
	return args
}

// dataFamilies are the families whose commands COMMAND GETKEYS gets.
var dataFamilies = []func(g *fzGen) []string{
	(*fzGen).genString, (*fzGen).genKeys, (*fzGen).genList, (*fzGen).genHash,
	(*fzGen).genSet, (*fzGen).genZset, (*fzGen).genSort,
	(*fzGen).genBitmap, (*fzGen).genHLL, (*fzGen).genGeo, (*fzGen).genLCS,
}

func (g *fzGen) genServer() []string {
	switch g.r.IntN(30) {
	case 0:
		if g.pct(50) {
			return []string{g.name("PING")}
		}
		return []string{g.name("PING"), g.value()}
	case 1:
		return []string{g.name("ECHO"), g.value()}
	case 2:
		return []string{g.name("CLIENT"), g.opt("SETNAME"), g.pick("conn1", "c2", "", "a b", "x\n", "\x00")}
	case 3:
		return []string{g.name("CLIENT"), g.opt(g.pick("GETNAME", "GETNAME", "ID", "HELP", "NOPE"))}
	case 4, 5, 6, 7:
		inner := dataFamilies[g.r.IntN(len(dataFamilies))](g)
		return append([]string{g.name("COMMAND"), g.opt("GETKEYS")}, inner...)
	case 8:
		// Always with names: COMMAND INFO alone lists every command, and
		// kevy implements a subset of them.
		args := []string{g.name("COMMAND"), g.opt("INFO")}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.pick("get", "SET", "zadd", "sort", "blmpop", "object", "nosuch", "client|setname", "lpos"))
		}
		return args
	case 9:
		return []string{g.name("COMMAND"), g.opt(g.pick("HELP", "NOPE"))}
	case 10:
		return []string{g.name("OBJECT"), g.opt(g.pick("HELP", "NOPE"))}
	case 11:
		return []string{g.name("MEMORY"), g.opt(g.pick("HELP", "NOPE", "PURGE"))}
	case 12:
		return []string{g.name("PUBLISH"), g.pick("ch", "", "news"), g.value()}
	case 13:
		switch g.r.IntN(4) {
		case 0:
			return []string{g.name("PUBSUB"), g.opt("CHANNELS")}
		case 1:
			return []string{g.name("PUBSUB"), g.opt("CHANNELS"), g.pattern()}
		case 2:
			return []string{g.name("PUBSUB"), g.opt("NUMSUB"), "ch", "news"}
		}
		return []string{g.name("PUBSUB"), g.opt(g.pick("NUMPAT", "HELP", "NOPE"))}
	case 14:
		if g.pct(50) {
			return []string{g.name("AUTH"), g.pick("pw", "")}
		}
		return []string{g.name("AUTH"), g.pick("default", "u"), "pw"}
	case 15:
		switch g.r.IntN(6) {
		case 0:
			return []string{g.name("HELLO")}
		case 1:
			return []string{g.name("HELLO"), "2"}
		case 2:
			return []string{g.name("HELLO"), g.pick("4", "1", "0", "-1", "x", "")}
		case 3:
			return []string{g.name("HELLO"), "2", g.opt("SETNAME"), g.pick("h1", "a b")}
		case 4:
			return []string{g.name("HELLO"), "2", g.opt(g.pick("FOO", "AUTH", "SETNAME"))}
		}
		return []string{g.name("HELLO"), "2", g.opt("AUTH"), "default", "pw"}
	case 16:
		return []string{g.name("RESET")}
	case 17:
		return []string{g.name(g.pick("TIME", "LASTSAVE"))}
	case 18:
		return []string{g.pick("NOSUCHCMD", "GETT", "Z"), g.value()}
	case 19:
		return []string{g.name(g.pick("ECHO", "PING", "DBSIZE", "SELECT", "RANDOMKEY"))}
	}
	return g.genKeys()
}

// genFill builds a big collection on a home key, around Redis's encoding
// thresholds (128 hash/zset entries, 512 intset members) or just large.
func (g *fzGen) genFill() []string {
	switch g.r.IntN(5) {
	case 0:
		args := []string{"HSET", g.pick(fzHashKeys...)}
		for i := range 126 + g.r.IntN(5) {
			args = append(args, "f"+strconv.Itoa(i), strconv.Itoa(i))
		}
		return args
	case 1:
		args := []string{"SADD", g.pick(fzSetKeys...)}
		for i := range 510 + g.r.IntN(5) {
			args = append(args, strconv.Itoa(i-5))
		}
		return args
	case 2:
		args := []string{"ZADD", g.pick(fzZsetKeys...)}
		mod := g.pick("7", "1") // all scores 0 half of the time, for the lex commands
		for i := range 126 + g.r.IntN(5) {
			args = append(args, strconv.Itoa(i%int(mod[0]-'0')), "m"+strconv.Itoa(i))
		}
		return args
	case 3:
		args := []string{"SADD", g.pick(fzSetKeys...)}
		for i := range 20 + g.r.IntN(100) {
			args = append(args, "e"+strconv.Itoa(i))
		}
		return args
	}
	args := []string{g.pick("RPUSH", "LPUSH"), g.pick(fzListKeys...)}
	for i := range 50 + g.r.IntN(150) {
		e := g.pick(fzIntMembers...)
		if g.pct(50) {
			e += strconv.Itoa(i % 9)
		}
		args = append(args, e)
	}
	return args
}
