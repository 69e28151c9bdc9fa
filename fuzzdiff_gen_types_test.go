package kevy_test

import (
	"strconv"
)

// Command families of the differential fuzzer: strings, generic key
// commands, lists, hashes and sets. (Sorted sets, SORT, server commands
// and fills are in fuzzdiff_gen_more_test.go.)

func (g *fzGen) genString() []string {
	k := g.key(fzStrKeys)
	switch g.r.IntN(24) {
	case 0, 1, 2:
		args := []string{g.name("SET"), k, g.value()}
		for range g.r.IntN(3) {
			switch n := g.r.IntN(8); n {
			case 0:
				args = append(args, g.opt("NX"))
			case 1:
				args = append(args, g.opt("XX"))
			case 2:
				args = append(args, g.opt("GET"))
			case 7:
				args = append(args, g.opt("KEEPTTL"))
			default:
				args = append(args, g.expiry(n-3, true)...)
			}
		}
		return args
	case 3:
		return []string{g.name("GET"), k}
	case 4:
		return []string{g.name("GETSET"), k, g.value()}
	case 5:
		return []string{g.name("GETDEL"), k}
	case 6:
		args := []string{g.name("GETEX"), k}
		switch n := g.r.IntN(6); n {
		case 0, 1, 2, 3:
			args = append(args, g.expiry(n, false)...)
		case 4:
			args = append(args, g.opt("PERSIST"))
		}
		return args
	case 7:
		return []string{g.name("SETNX"), k, g.value()}
	case 8:
		return []string{g.name("SETEX"), k, g.ttlSec(), g.value()}
	case 9:
		return []string{g.name("PSETEX"), k, g.ttlMs(), g.value()}
	case 10:
		args := []string{g.name(g.pick("MSET", "MSETNX"))}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.key(fzStrKeys), g.value())
		}
		return args
	case 11:
		return append([]string{g.name("MGET")}, g.keys(fzStrKeys, 1+g.r.IntN(4))...)
	case 12:
		return []string{g.name("APPEND"), k, g.value()}
	case 13:
		return []string{g.name("STRLEN"), k}
	case 14, 15:
		return []string{g.name(g.pick("INCR", "DECR")), k}
	case 16, 17:
		return []string{g.name(g.pick("INCRBY", "DECRBY")), k, g.count()}
	case 18:
		return []string{g.name("INCRBYFLOAT"), k, g.float()}
	case 19, 20:
		return []string{g.name(g.pick("GETRANGE", "SUBSTR")), k, g.index(), g.index()}
	case 21:
		off := g.pick("0", "1", "3", "7", "64", "1000", "-1", "536870912", "9223372036854775807", "x")
		return []string{g.name("SETRANGE"), k, off, g.value()}
	case 22:
		// The weights and objects SORT's patterns read.
		return []string{g.name("SET"), "w_" + g.member(), g.float()}
	}
	return []string{g.name("HSET"), "o_" + g.member(), g.pick("f1", "f2"), g.float()}
}

// expiry returns SET's or GETEX's expiry option i (0 EX, 1 PX, 2 EXAT,
// 3 PXAT) with its value; SET's absolute ones are never in the past.
func (g *fzGen) expiry(i int, set bool) []string {
	switch i {
	case 0:
		return []string{g.opt("EX"), g.ttlSec()}
	case 1:
		return []string{g.opt("PX"), g.ttlMs()}
	case 2:
		if set {
			return []string{g.opt("EXAT"), g.atSecSet()}
		}
		return []string{g.opt("EXAT"), g.atSec()}
	}
	if set {
		return []string{g.opt("PXAT"), g.atMsSet()}
	}
	return []string{g.opt("PXAT"), g.atMs()}
}

func (g *fzGen) genKeys() []string {
	k := g.pick(fzAllKeys...)
	switch g.r.IntN(30) {
	case 0, 1:
		return append([]string{g.name(g.pick("DEL", "UNLINK"))}, g.keys(fzAllKeys, 1+g.r.IntN(3))...)
	case 2, 3:
		return append([]string{g.name(g.pick("EXISTS", "TOUCH"))}, g.keys(fzAllKeys, 1+g.r.IntN(3))...)
	case 4:
		return []string{g.name("TYPE"), k}
	case 5, 6:
		return []string{g.name(g.pick("RENAME", "RENAMENX")), k, g.pick(fzAllKeys...)}
	case 7:
		args := []string{g.name("COPY"), k, g.pick(fzAllKeys...)}
		if g.pct(40) {
			args = append(args, g.opt("DB"), g.db())
		}
		if g.pct(40) {
			args = append(args, g.opt("REPLACE"))
		}
		return args
	case 8:
		return []string{g.name("MOVE"), k, g.db()}
	case 9, 10:
		if g.pct(50) {
			return g.expireFlags([]string{g.name("EXPIRE"), k, g.ttlSec()})
		}
		return g.expireFlags([]string{g.name("PEXPIRE"), k, g.ttlMs()})
	case 11:
		if g.pct(50) {
			return g.expireFlags([]string{g.name("EXPIREAT"), k, g.atSec()})
		}
		return g.expireFlags([]string{g.name("PEXPIREAT"), k, g.atMs()})
	case 12, 13:
		return []string{g.name(g.pick("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME")), k}
	case 14:
		return []string{g.name("PERSIST"), k}
	case 15, 16:
		return []string{g.name("OBJECT"), g.opt(g.pick("ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ")), k}
	case 17:
		return []string{g.name("RANDOMKEY")}
	case 18:
		return []string{g.name("KEYS"), g.pattern()}
	case 19, 20:
		return g.scanTail([]string{g.name("SCAN"), g.cursor()}, true)
	case 21:
		return []string{g.name("DBSIZE")}
	case 22:
		args := []string{g.name("MEMORY"), g.opt("USAGE"), k}
		if g.pct(30) {
			args = append(args, g.opt("SAMPLES"), g.pick("0", "5", "-1", "x"))
		}
		return args
	case 23, 24:
		return []string{g.name("SELECT"), g.db()}
	case 25:
		return []string{g.name("SWAPDB"), g.db(), g.db()}
	case 26:
		if g.pct(30) {
			return []string{g.name(g.pick("FLUSHDB", "FLUSHALL")), g.opt(g.pick("ASYNC", "SYNC", "x"))}
		}
		return []string{g.name("FLUSHDB")}
	case 27:
		if g.pct(20) {
			return []string{g.name("FLUSHALL")}
		}
		return []string{g.name("DBSIZE")}
	}
	return []string{g.name("EXISTS"), k}
}

func (g *fzGen) expireFlags(args []string) []string {
	if g.pct(35) {
		args = append(args, g.opt(g.pick("NX", "XX", "GT", "LT")))
	}
	if g.pct(5) {
		args = append(args, g.opt(g.pick("NX", "XX", "GT", "LT", "x")))
	}
	return args
}

// db is a database index: the first three mostly, then edges.
func (g *fzGen) db() string {
	if g.pct(90) {
		return strconv.Itoa(g.r.IntN(3))
	}
	return g.pick("15", "16", "-1", "x", "9223372036854775807", "")
}

func (g *fzGen) end() string  { return g.opt(g.pick("LEFT", "RIGHT")) }
func (g *fzGen) elem() string { return g.member() }

func (g *fzGen) genList() []string {
	k := g.key(fzListKeys)
	switch g.r.IntN(30) {
	case 0, 1, 2, 3, 4:
		args := []string{g.name(g.pick("LPUSH", "RPUSH")), k}
		return append(args, g.members(1+g.r.IntN(4))...)
	case 5:
		args := []string{g.name(g.pick("LPUSHX", "RPUSHX")), k}
		return append(args, g.members(1+g.r.IntN(3))...)
	case 6, 7:
		args := []string{g.name(g.pick("LPOP", "RPOP")), k}
		if g.pct(50) {
			args = append(args, g.count())
		}
		return args
	case 8:
		return []string{g.name("LLEN"), k}
	case 9, 10:
		return []string{g.name("LRANGE"), k, g.index(), g.index()}
	case 11:
		return []string{g.name("LINDEX"), k, g.index()}
	case 12:
		return []string{g.name("LSET"), k, g.index(), g.elem()}
	case 13:
		return []string{g.name("LINSERT"), k, g.opt(g.pick("BEFORE", "AFTER", "x")), g.elem(), g.elem()}
	case 14:
		return []string{g.name("LREM"), k, g.count(), g.elem()}
	case 15:
		return []string{g.name("LTRIM"), k, g.index(), g.index()}
	case 16, 17:
		args := []string{g.name("LPOS"), k, g.elem()}
		for range g.r.IntN(3) {
			switch g.r.IntN(3) {
			case 0:
				args = append(args, g.opt("RANK"), g.pick("1", "-1", "2", "-2", "0", "9223372036854775807", "-9223372036854775808"))
			case 1:
				args = append(args, g.opt("COUNT"), g.pick("0", "1", "2", "-1"))
			case 2:
				args = append(args, g.opt("MAXLEN"), g.pick("0", "1", "3", "-1"))
			}
		}
		return args
	case 18, 19:
		return []string{g.name("LMOVE"), k, g.key(fzListKeys), g.end(), g.end()}
	case 20:
		return []string{g.name("RPOPLPUSH"), k, g.key(fzListKeys)}
	case 21, 22:
		return g.mpop("LMPOP", fzListKeys, "LEFT", "RIGHT")
	case 23:
		return append(append([]string{g.name(g.pick("BLPOP", "BRPOP"))}, g.keys(fzListKeys, 1+g.r.IntN(3))...), g.timeout())
	case 24:
		return []string{g.name("BLMOVE"), k, g.key(fzListKeys), g.end(), g.end(), g.timeout()}
	case 25:
		return []string{g.name("BRPOPLPUSH"), k, g.key(fzListKeys), g.timeout()}
	case 26:
		return append([]string{g.name("BLMPOP"), g.timeout()}, g.mpop("LMPOP", fzListKeys, "LEFT", "RIGHT")[1:]...)
	}
	args := []string{g.name("RPUSH"), k}
	return append(args, g.members(1+g.r.IntN(4))...)
}

// mpop builds LMPOP/ZMPOP: numkeys keys... where [COUNT n].
func (g *fzGen) mpop(name string, home []string, where ...string) []string {
	n := 1 + g.r.IntN(3)
	args := []string{g.name(name), strconv.Itoa(n)}
	if g.pct(5) {
		args[1] = g.pick("0", "-1", "x", "5")
	}
	args = append(args, g.keys(home, n)...)
	args = append(args, g.opt(g.pick(where...)))
	if g.pct(3) {
		args[len(args)-1] = g.opt(g.pick("x", "LEFT", "MIN", "MAX", "RIGHT"))
	}
	if g.pct(45) {
		args = append(args, g.opt("COUNT"), g.posCount())
	}
	return args
}

func (g *fzGen) genHash() []string {
	k := g.key(fzHashKeys)
	switch g.r.IntN(24) {
	case 0, 1, 2, 3:
		args := []string{g.name(g.pick("HSET", "HSET", "HMSET")), k}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.field(), g.value())
		}
		return args
	case 4:
		return []string{g.name("HSETNX"), k, g.field(), g.value()}
	case 5, 6:
		return []string{g.name("HGET"), k, g.field()}
	case 7:
		args := []string{g.name("HMGET"), k}
		for range 1 + g.r.IntN(3) {
			args = append(args, g.field())
		}
		return args
	case 8, 9:
		args := []string{g.name("HDEL"), k}
		for range 1 + g.r.IntN(2) {
			args = append(args, g.field())
		}
		return args
	case 10:
		return []string{g.name(g.pick("HLEN", "HKEYS", "HVALS", "HGETALL")), k}
	case 11:
		return []string{g.name(g.pick("HEXISTS", "HSTRLEN")), k, g.field()}
	case 12, 13:
		return []string{g.name("HINCRBY"), k, g.field(), g.count()}
	case 14:
		return []string{g.name("HINCRBYFLOAT"), k, g.field(), g.float()}
	case 15, 16:
		args := []string{g.name("HRANDFIELD"), k}
		if g.pct(70) {
			args = append(args, g.count())
			if g.pct(50) {
				args = append(args, g.opt("WITHVALUES"))
			}
		}
		return args
	case 17, 18:
		return g.scanTail([]string{g.name("HSCAN"), k, g.cursor()}, false)
	case 19:
		return []string{g.name("HGETALL"), k}
	}
	return []string{g.name("HSET"), k, g.field(), g.value()}
}

func (g *fzGen) genSet() []string {
	k := g.key(fzSetKeys)
	switch g.r.IntN(28) {
	case 0, 1, 2, 3, 4:
		return append([]string{g.name("SADD"), k}, g.members(1+g.r.IntN(4))...)
	case 5, 6:
		return append([]string{g.name("SREM"), k}, g.members(1+g.r.IntN(2))...)
	case 7:
		return []string{g.name(g.pick("SCARD", "SMEMBERS")), k}
	case 8:
		return []string{g.name("SISMEMBER"), k, g.member()}
	case 9:
		return append([]string{g.name("SMISMEMBER"), k}, g.members(1+g.r.IntN(3))...)
	case 10, 11:
		args := []string{g.name("SPOP"), k}
		if g.inMulti {
			// Inside MULTI only deterministic SPOPs: the harness cannot
			// reconcile a random pop that later queued commands read.
			return append(args, g.pick("0", "1000", "-1", "x"))
		}
		if g.pct(60) {
			args = append(args, g.count())
		}
		return args
	case 12, 13:
		args := []string{g.name("SRANDMEMBER"), k}
		if g.pct(70) {
			args = append(args, g.count())
		}
		return args
	case 14, 15:
		return []string{g.name("SMOVE"), k, g.key(fzSetKeys), g.member()}
	case 16, 17:
		return append([]string{g.name(g.pick("SINTER", "SUNION", "SDIFF"))}, g.keys(fzSetKeys, 1+g.r.IntN(3))...)
	case 18, 19, 20:
		return append([]string{g.name(g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE")), k}, g.keys(fzSetKeys, 1+g.r.IntN(3))...)
	case 21:
		n := 1 + g.r.IntN(3)
		args := []string{g.name("SINTERCARD"), strconv.Itoa(n)}
		if g.pct(5) {
			args[1] = g.pick("0", "-1", "x", "4")
		}
		args = append(args, g.keys(fzSetKeys, n)...)
		if g.pct(40) {
			args = append(args, g.opt("LIMIT"), g.pick("0", "1", "2", "-1", "x"))
		}
		return args
	case 22, 23:
		return g.scanTail([]string{g.name("SSCAN"), k, g.cursor()}, false)
	}
	return append([]string{g.name("SADD"), k}, g.members(1+g.r.IntN(3))...)
}
