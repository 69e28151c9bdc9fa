package stress

import "strings"

// Strings and counters: GET/SET (NX, XX, GET, PXAT), SETNX, GETSET,
// APPEND, STRLEN, GETDEL, GETRANGE, INCR/DECR/INCRBY/DECRBY.

func init() {
	addFamily(&family{
		name:   "strings",
		prefix: "s",
		needs:  []string{"get", "set", "setnx", "getset", "append", "strlen", "getdel", "getrange"},
		gen:    genString,
		write:  writeString,
	})
	addFamily(&family{
		name:   "counters",
		prefix: "n",
		needs:  []string{"incr", "decr", "incrby", "decrby", "get", "set", "append"},
		gen:    genCounter,
		write:  writeCounter,
	})
	register(func(m *mstep) []outcome {
		switch m.st.T {
		case tNone:
			return m.same(rNil)
		case tString:
			return m.same(rBulk(m.st.V))
		}
		return m.wrongType()
	}, "get")
	register(modelSet, "set")
	register(func(m *mstep) []outcome {
		if m.st.T != tNone {
			return m.same(rInt(0))
		}
		return one(kstate{T: tString, V: m.args[2]}, rInt(1))
	}, "setnx")
	register(func(m *mstep) []outcome {
		next := kstate{T: tString, V: m.args[2]}
		switch m.st.T {
		case tNone:
			return one(next, rNil)
		case tString:
			return one(next, rBulk(m.st.V))
		}
		return m.wrongType()
	}, "getset")
	register(func(m *mstep) []outcome {
		switch m.st.T {
		case tNone:
			return one(kstate{T: tString, V: m.args[2]}, rInt(int64(len(m.args[2]))))
		case tString:
			v := m.st.V + m.args[2]
			return one(m.keep(tString, v), rInt(int64(len(v))))
		}
		return m.wrongType()
	}, "append")
	register(func(m *mstep) []outcome {
		switch m.st.T {
		case tNone:
			return m.same(rInt(0))
		case tString:
			return m.same(rInt(int64(len(m.st.V))))
		}
		return m.wrongType()
	}, "strlen")
	register(func(m *mstep) []outcome {
		switch m.st.T {
		case tNone:
			return m.same(rNil)
		case tString:
			return one(none, rBulk(m.st.V))
		}
		return m.wrongType()
	}, "getdel")
	register(func(m *mstep) []outcome {
		switch m.st.T {
		case tNone:
			return m.same(rBulk(""))
		case tString:
			return m.same(rBulk(redisRange(m.st.V, atoi(m.args[2]), atoi(m.args[3]))))
		}
		return m.wrongType()
	}, "getrange")
	register(modelIncr, "incr", "decr", "incrby", "decrby")
}

// modelSet handles SET key value [NX|XX] [GET] [PXAT ms].
func modelSet(m *mstep) []outcome {
	var nx, xx, get bool
	var exp int64
	for i := 3; i < len(m.args); i++ {
		switch strings.ToLower(m.args[i]) {
		case "nx":
			nx = true
		case "xx":
			xx = true
		case "get":
			get = true
		case "pxat":
			i++
			exp = atoi(m.args[i])
		}
	}
	reply := rOK
	if get {
		switch m.st.T {
		case tNone:
			reply = rNil
		case tString:
			reply = rBulk(m.st.V)
		default:
			return m.wrongType()
		}
	}
	found := m.st.T != tNone
	if (nx && found) || (xx && !found) {
		if get {
			return m.same(reply)
		}
		return m.same(rNil)
	}
	return one(kstate{T: tString, V: m.args[2], Exp: exp}, reply)
}

// modelIncr handles INCR, DECR, INCRBY and DECRBY.
func modelIncr(m *mstep) []outcome {
	var by int64
	switch strings.ToLower(m.args[0]) {
	case "incr":
		by = 1
	case "decr":
		by = -1
	case "incrby":
		by = atoi(m.args[2])
	case "decrby":
		by = -atoi(m.args[2])
	}
	var cur int64
	switch m.st.T {
	case tNone:
	case tString:
		n, ok := parseInt(m.st.V)
		if !ok {
			return m.same(rErr(msgNotInt))
		}
		cur = n
	default:
		return m.wrongType()
	}
	if addOverflows(cur, by) {
		return m.same(rErr(msgOverflow))
	}
	v := cur + by
	return one(m.keep(tString, itoa(v)), rInt(v))
}

// redisRange applies Redis's GETRANGE index rules to s.
func redisRange(s string, start, end int64) string {
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		return ""
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	end = min(end, n-1)
	if n == 0 || start > end {
		return ""
	}
	return s[start : end+1]
}

func genString(g *gen, key string) []string {
	switch g.r.IntN(12) {
	case 0, 1, 2:
		return []string{"GET", key}
	case 3, 4:
		return []string{"SET", key, g.token()}
	case 5:
		return []string{"SET", key, g.token(), "NX"}
	case 6:
		return []string{"SET", key, g.token(), "XX", "GET"}
	case 7:
		return []string{"SET", key, g.token(), "PXAT", g.expireAt()}
	case 8:
		return []string{"GETSET", key, g.token()}
	case 9:
		return []string{"APPEND", key, g.pick("+", "-x")}
	case 10:
		switch g.r.IntN(3) {
		case 0:
			return []string{"STRLEN", key}
		case 1:
			return []string{"GETDEL", key}
		}
		return []string{"SETNX", key, g.token()}
	}
	return []string{"GETRANGE", key, g.ns(-3, 2), g.ns(-2, 4)}
}

func writeString(g *gen, key string) []string {
	switch g.r.IntN(5) {
	case 0:
		return []string{"SET", key, g.token()}
	case 1:
		return []string{"SET", key, g.token(), "PXAT", g.farExpireAt()}
	case 2:
		return []string{"APPEND", key, g.token()}
	case 3:
		return []string{"GETDEL", key}
	}
	return []string{"SET", key, g.token(), "XX", "GET"}
}

func genCounter(g *gen, key string) []string {
	switch g.r.IntN(10) {
	case 0, 1, 2:
		return []string{"INCR", key}
	case 3:
		return []string{"DECR", key}
	case 4, 5:
		return []string{"INCRBY", key, g.ns(-50, 50)}
	case 6:
		return []string{"DECRBY", key, g.ns(-5, 5)}
	case 7:
		return []string{"GET", key}
	case 8:
		if g.chance(0.1) {
			return []string{"APPEND", key, "x"} // no longer an integer
		}
		return []string{"SET", key, g.ns(-100, 100)}
	}
	return []string{"INCRBY", key, g.pick("9223372036854775807", "-9223372036854775808", "1")}
}

func writeCounter(g *gen, key string) []string {
	switch g.r.IntN(4) {
	case 0:
		return []string{"INCR", key}
	case 1:
		return []string{"INCRBY", key, g.ns(-50, 50)}
	case 2:
		return []string{"DECR", key}
	}
	return []string{"SET", key, g.ns(-100, 100)}
}
