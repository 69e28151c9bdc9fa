package kevy_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/kevydb/kevy/shard"
)

// The differential fuzzer's generator: a seeded source of command
// sequences over small pools of keys, members, fields and numbers, valid
// and invalid (wrong arity, wrong types, bad numbers, option soup). A
// program depends on its seed and length only, never on replies, so any
// subsequence of it can be replayed (the minimiser relies on that).
//
// Pools. Every data type has three home keys, two of them sharing the
// hash tag {t} so that multi-key commands run on one shard as well as
// across shards; a generator uses a home key of its own type most of the
// time and any key of the pool otherwise (WRONGTYPE paths). SORT's BY and
// GET patterns read the auxiliary keys w_<member> (strings) and
// o_<member> (hashes).
//
// Safety. Redis runs every sequence for real, so the generator never
// produces a command that could hang or exhaust either side: blocking
// commands only ever get a timeout of 0.01 s or an invalid one (never 0);
// relative expiries are at least 1000 s or not in the future at all, and
// absolute ones are far in the past or in 2100 (SET's only in 2100, see
// safeExpiry), so no key expires while a sequence runs; random-count commands never get a large negative count;
// SETRANGE offsets stay small unless they are over Redis's 512 MB limit.

var (
	fzStrKeys  = []string{"s", "{t}s", "s\x00\xff"}
	fzListKeys = []string{"l", "{t}l", "l2"}
	fzHashKeys = []string{"h", "{t}h", "h2"}
	fzSetKeys  = []string{"S", "{t}S", "S2"}
	fzZsetKeys = []string{"z", "{t}z", "z2"}
	// fzAllKeys is every key of the pool, for cross-type picks.
	fzAllKeys = concat(fzStrKeys, fzListKeys, fzHashKeys, fzSetKeys, fzZsetKeys, fzBitKeys, fzGeoKeys, []string{"", "{t}x"})

	fzIntMembers = []string{"1", "-2", "0", "9223372036854775807"}
	fzStrMembers = []string{"a", "b", "", "\x00\xff\r\n"}
	// fzOddMembers are rare members at encoding edges: not int-encodable
	// numbers, int64's minimum, a float, and strings around the 64-byte
	// listpack limit.
	fzOddMembers = []string{"07", "-0", "-9223372036854775808", "1.5", strings.Repeat("m", 64), strings.Repeat("m", 65)}
	// fzFields are hash fields: five short ones, and rarely one at or just
	// past the 64-byte listpack limit.
	fzFields = []string{"f1", "f2", "f3", "", "f\x00\xff", strings.Repeat("F", 64), strings.Repeat("F", 65)}
	fzValues = []string{"v", "", "0", "-1", "10", "9223372036854775807", "-9223372036854775808",
		"1.5", "inf", "-inf", "nan", " 1", "0x10", "1e3", "3.0", "\x00\xff\r\n", "+5", "-0", "01",
		strings.Repeat("x", 63), strings.Repeat("y", 65)}
	// fzEdgeInts are integer arguments at and past int64's limits and
	// things that are not integers. No large negative value other than
	// int64's minimum: a count of -2^63+1 would make SRANDMEMBER reply
	// with 2^63 elements.
	fzEdgeInts = []string{"9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"", "x", "1.5", " 1", "+1", "-0", "0x10", "1e3", "100"}
	fzFloats = []string{"0", "1", "-1", "1.5", "0.1", "2", "3", "-2.5", "inf", "-inf", "+inf",
		"1e300", "-1e300", "1e-320", "9223372036854775807", "-0", "nan", "", "x", "0x10", " 1", "1e", "(1"}
	fzScoreBounds = []string{"-inf", "+inf", "inf", "0", "(0", "1", "(1", "1.5", "(1.5", "2", "-1", "(-1",
		"(inf", "(-inf", "x", "(", "nan", "((1", "", "3"}
	fzLexBounds = []string{"-", "+", "[a", "(a", "[b", "(b", "[", "(", "[1", "(0", "a", "", "[\x00", "[a\xff"}
	fzPatterns  = []string{"*", "s*", "*l", "{t}*", "[a-h]*", "?", "\\*", "*\x00*", "[^s]*", "h?", "", "[", "f*", "*1*", "a", "*[0-9]"}
	fzTypes     = []string{"string", "list", "hash", "set", "zset", "stream", "STRING", "nosuch"}
	// fzSoup are option words thrown into commands that do not take them.
	fzSoup = []string{"NX", "XX", "GT", "LT", "CH", "INCR", "WITHSCORES", "LIMIT", "COUNT", "MATCH",
		"REV", "BYSCORE", "BYLEX", "KEEPTTL", "GET", "EX", "PX", "EXAT", "PXAT", "PERSIST", "REPLACE",
		"DB", "TYPE", "STORE", "ALPHA", "ASC", "DESC", "BY", "WEIGHTS", "AGGREGATE", "MIN", "MAX",
		"SUM", "LEFT", "RIGHT", "BEFORE", "AFTER", "RANK", "MAXLEN", "WITHVALUES", "ASYNC", "SYNC",
		"SAMPLES", "x", "0", "-1", "1"}
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// fzGen generates one program. It tracks only what its own output
// implies (whether a MULTI it emitted is open), never server replies.
type fzGen struct {
	r       *rand.Rand
	inMulti bool
	txLeft  int // commands still to queue before EXEC/DISCARD
	// The seed's profile, so that seeds differ in more than their luck:
	// how often a command is broken (per cent, for each of the three
	// mutations) and how often a key is one of the family's home keys.
	mutatePct, homePct int
	secondPct          int // commands sent by the second connection
}

func newFzGen(seed uint64) *fzGen {
	g := &fzGen{r: rand.New(rand.NewPCG(seed, 0x6b657679667a7a))}
	// seed%4 picks the engine variant (fuzzOptions.variant): the profile
	// uses the next digits, so that every variant meets every profile.
	g.homePct = []int{82, 82, 65, 95}[seed/4%4]
	g.mutatePct = []int{2, 2, 5, 10}[seed/16%4]
	g.secondPct = []int{5, 0, 10, 20}[seed/64%4]
	return g
}

// fzOp is one command of a program and the connection that sends it.
type fzOp struct {
	conn int // 0: the main connection; 1: a second one, which never opens a transaction
	args []string
}

// String renders the op as a redis-cli line, marking the second
// connection's with [2].
func (op fzOp) String() string {
	if op.conn == 1 {
		return "[2] " + cliLine(op.args)
	}
	return cliLine(op.args)
}

// fuzzProgram returns the first n commands of seed's program.
func fuzzProgram(seed uint64, n int) []fzOp {
	g := newFzGen(seed)
	prog := make([]fzOp, 0, n)
	for len(prog) < n {
		prog = append(prog, g.nextOp())
	}
	return prog
}

// nextOp returns the next command of the program and its connection. The
// second connection sends a few commands of any data family: writes that
// another client's WATCH must see, commands in its own selected
// database, and commands between the main connection's MULTI and EXEC.
func (g *fzGen) nextOp() fzOp {
	if g.pct(g.secondPct) {
		return fzOp{1, g.mutate(dataFamilies[g.r.IntN(len(dataFamilies))](g))}
	}
	return fzOp{0, g.next()}
}

// family is a weighted command generator.
type family struct {
	name   string
	weight int
	gen    func(g *fzGen) []string
}

// families are the command families and their weights.
var families = []family{
	{"strings", 13, (*fzGen).genString},
	{"keys", 12, (*fzGen).genKeys},
	{"lists", 13, (*fzGen).genList},
	{"hashes", 12, (*fzGen).genHash},
	{"sets", 12, (*fzGen).genSet},
	{"zsets", 16, (*fzGen).genZset},
	{"sort", 3, (*fzGen).genSort},
	{"bitmaps", 8, (*fzGen).genBitmap},
	{"hyperloglog", 7, (*fzGen).genHLL},
	{"geo", 8, (*fzGen).genGeo},
	{"lcs", 1, (*fzGen).genLCS},
	{"server", 3, (*fzGen).genServer},
	{"fill", 1, (*fzGen).genFill},
}

var familyTotal = func() int {
	n := 0
	for _, f := range families {
		n += f.weight
	}
	return n
}()

// next returns the next command of the program.
func (g *fzGen) next() []string {
	if g.inMulti {
		if g.txLeft <= 0 {
			g.inMulti = false
			if g.pct(15) {
				return []string{g.name("DISCARD")}
			}
			return []string{g.name("EXEC")}
		}
		g.txLeft--
	} else if g.pct(3) {
		return g.genTx()
	}
	return g.mutate(g.pickFamily())
}

func (g *fzGen) pickFamily() []string {
	n := g.r.IntN(familyTotal)
	for _, f := range families {
		if n < f.weight {
			return f.gen(g)
		}
		n -= f.weight
	}
	panic("unreachable")
}

// genTx opens a transaction (perhaps after a WATCH) or emits a stray
// transaction command.
func (g *fzGen) genTx() []string {
	switch g.r.IntN(10) {
	case 0, 1:
		return append([]string{g.name("WATCH")}, g.keys(fzAllKeys, 1+g.r.IntN(3))...)
	case 2:
		return []string{g.name("UNWATCH")}
	case 3:
		return []string{g.pick("EXEC", "DISCARD", "UNWATCH", "WATCH")}
	}
	g.inMulti, g.txLeft = true, 1+g.r.IntN(6)
	return []string{g.name("MULTI")}
}

// mutate occasionally breaks a well-formed command: drops an argument,
// appends an option word, or replaces an argument with an edge value.
// Blocking commands keep a safe timeout whatever happens.
func (g *fzGen) mutate(args []string) []string {
	orig := slices.Clone(args)
	m := g.mutatePct
	switch n := g.r.IntN(100); {
	case n < m && len(args) > 1:
		i := 1 + g.r.IntN(len(args)-1)
		args = append(args[:i:i], args[i+1:]...)
	case n < 2*m:
		args = append(args, g.opt(g.pick(fzSoup...)))
	case n < 3*m && len(args) > 1:
		args[1+g.r.IntN(len(args)-1)] = g.pick(fzEdgeInts...)
	}
	if strings.EqualFold(args[0], "COMMAND") && (len(args) < 2 || len(args) < 3 && strings.EqualFold(args[1], "INFO")) {
		// COMMAND and COMMAND INFO alone list every command: kevy
		// implements a subset, by design.
		args = orig
	}
	// A mutation may append ALPHA to a SORT ... BY ... STORE: safeSort
	// again (found by seed 5047).
	return safeSort(safeExpiry(safeTimeouts(args)))
}

// safeExpiry rewrites, whatever a mutation did, a relative expiry short
// enough to pass while a sequence runs (under 1000 s) to 1000 s, and a
// SET EXAT/PXAT in the past (which Redis keeps until its active expiry
// cycle, on its own timing) to year 2100.
func safeExpiry(args []string) []string {
	fix := func(i int, limit int64, to string) {
		if i < len(args) {
			if n, ok := shard.ParseInt(args[i]); ok && n > 0 && n < limit {
				args[i] = to
			}
		}
	}
	name := strings.ToUpper(args[0])
	switch name {
	case "SETEX", "EXPIRE":
		fix(2, 1000, "1000")
	case "PSETEX", "PEXPIRE":
		fix(2, 1000000, "1000000")
	case "SET", "GETEX":
		for i := 2; i < len(args); i++ {
			switch strings.ToUpper(args[i]) {
			case "EX":
				fix(i+1, 1000, "1000")
			case "PX":
				fix(i+1, 1000000, "1000000")
			case "EXAT":
				if name == "SET" {
					fix(i+1, 4102444800, "4102444800")
				}
			case "PXAT":
				if name == "SET" {
					fix(i+1, 4102444800000, "4102444800000")
				}
			}
		}
	}
	return args
}

// safeTimeouts rewrites the timeout of a blocking command to 0.01 s
// unless it is one of the known-invalid ones, so that no command can
// block for long, whatever a mutation did to it.
func safeTimeouts(args []string) []string {
	i := -1
	switch strings.ToUpper(args[0]) {
	case "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX", "BLMOVE", "BRPOPLPUSH":
		i = len(args) - 1
	case "BLMPOP", "BZMPOP":
		i = 1
	}
	if i < 1 || i >= len(args) {
		return args
	}
	switch args[i] {
	case "0.01", "-1", "-0.01", "x", "", "inf", "-inf", "nan", "1e30", "0.01x":
		return args
	}
	args[i] = "0.01"
	return args
}

// Pickers.

func (g *fzGen) pct(p int) bool { return g.r.IntN(100) < p }

func (g *fzGen) pick(list ...string) string { return list[g.r.IntN(len(list))] }

// name returns a command name in a random case now and then: Redis's
// names and options are case-insensitive.
func (g *fzGen) name(s string) string {
	if g.pct(8) {
		return g.mixCase(s)
	}
	return s
}

// opt is name for option words.
func (g *fzGen) opt(s string) string { return g.name(s) }

func (g *fzGen) mixCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if g.r.IntN(2) == 0 {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			} else if 'a' <= c && c <= 'z' {
				b[i] = c - 'a' + 'A'
			}
		}
	}
	return string(b)
}

// key returns a home key of the family most of the time, any key of the
// pool otherwise.
func (g *fzGen) key(home []string) string {
	if g.pct(g.homePct) {
		return g.pick(home...)
	}
	return g.pick(fzAllKeys...)
}

func (g *fzGen) keys(home []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.key(home)
	}
	return out
}

func (g *fzGen) member() string {
	switch n := g.r.IntN(100); {
	case n < 44:
		return g.pick(fzIntMembers...)
	case n < 88:
		return g.pick(fzStrMembers...)
	case n < 92:
		return strconv.Itoa(g.r.IntN(20))
	}
	return g.pick(fzOddMembers...)
}

func (g *fzGen) members(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.member()
	}
	return out
}

// field returns a hash field: a short one mostly, the long one rarely.
func (g *fzGen) field() string {
	if g.pct(4) {
		return g.pick(fzFields[5:]...)
	}
	return g.pick(fzFields[:5]...)
}

func (g *fzGen) value() string {
	if g.pct(30) {
		return g.member()
	}
	return g.pick(fzValues...)
}

// small returns a small integer, the usual count or index.
func (g *fzGen) small() string { return strconv.Itoa(g.r.IntN(9) - 3) }

// count returns a count: small mostly, an edge value sometimes.
func (g *fzGen) count() string {
	if g.pct(8) {
		return g.pick(fzEdgeInts...)
	}
	return g.small()
}

// posCount is a count where Redis wants a positive number.
func (g *fzGen) posCount() string {
	if g.pct(8) {
		return g.pick(append([]string{"0", "-1"}, fzEdgeInts...)...)
	}
	return strconv.Itoa(1 + g.r.IntN(4))
}

// index returns a list or rank index.
func (g *fzGen) index() string {
	if g.pct(6) {
		return g.pick(fzEdgeInts...)
	}
	return strconv.Itoa(g.r.IntN(13) - 6)
}

func (g *fzGen) float() string {
	if g.pct(25) {
		f := g.pick(fzFloats...)
		if g.inMulti && f == "1e-320" {
			// A subnormal leaves ERANGE in Redis's errno, which a later
			// SORT in the same transaction would read (see fzRun.step).
			f = "1e-300"
		}
		return f
	}
	return strconv.Itoa(g.r.IntN(7) - 2)
}

// ttlSec is a relative expiry in seconds: long, or not in the future.
func (g *fzGen) ttlSec() string {
	if g.pct(75) {
		return g.pick("1000", "5000", "100000", "2000000")
	}
	return g.pick("0", "-1", "-100", "9223372036854775807", "9223372036854775", "92233720368547758",
		"-9223372036854775808", "x", "1.5", "")
}

// ttlMs is a relative expiry in milliseconds.
func (g *fzGen) ttlMs() string {
	if g.pct(75) {
		return g.pick("1000000", "5000000", "100000000")
	}
	return g.pick("0", "-1", "9223372036854775807", "-9223372036854775808", "x", "1.5")
}

// atSec is an absolute expiry in unix seconds: far past or year 2100.
func (g *fzGen) atSec() string {
	return g.pick("4102444800", "4102444800", "1", "1000000000", "0", "-1", "9223372036854775807",
		"9223372036854775", "x")
}

// atSecSet and atMsSet are SET's EXAT and PXAT: never a valid time in
// the past, with which Redis keeps an expired key until its active expiry
// cycle (timing that DBSIZE would show) where other commands delete it.
func (g *fzGen) atSecSet() string {
	return g.pick("4102444800", "0", "-1", "9223372036854775807", "9223372036854775", "x")
}

func (g *fzGen) atMsSet() string {
	return g.pick("4102444800000", "0", "-1", "9223372036854775807", "x")
}

// atMs is an absolute expiry in unix milliseconds.
func (g *fzGen) atMs() string {
	return g.pick("4102444800000", "4102444800000", "1", "1000000000000", "0", "-1", "9223372036854775807", "x")
}

// timeout is a blocking command's timeout: 0.01 s or an invalid one.
func (g *fzGen) timeout() string {
	if g.pct(85) {
		return "0.01"
	}
	return g.pick("-1", "-0.01", "x", "", "inf", "-inf", "nan", "1e30", "0.01x")
}

func (g *fzGen) pattern() string { return g.pick(fzPatterns...) }

// scanTail appends SCAN's options to args.
func (g *fzGen) scanTail(args []string, withType bool) []string {
	for range g.r.IntN(3) {
		switch g.r.IntN(4) {
		case 0, 1:
			args = append(args, g.opt("MATCH"), g.pattern())
		case 2:
			args = append(args, g.opt("COUNT"), g.pick("1", "2", "10", "100", "0", "-1", "x"))
		case 3:
			if withType {
				args = append(args, g.opt("TYPE"), g.pick(fzTypes...))
			} else {
				args = append(args, g.opt(g.pick(fzSoup...)))
			}
		}
	}
	return args
}

// cursor is a SCAN cursor: 0 mostly (the harness iterates to the end).
func (g *fzGen) cursor() string {
	if g.pct(88) {
		return "0"
	}
	if g.inMulti { // no ERANGE in MULTI, as float
		return g.pick("x", "-1", "5", "18446744073709551615", "")
	}
	return g.pick("x", "-1", "5", "18446744073709551615", "18446744073709551616", "")
}
