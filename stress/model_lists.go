package stress

import (
	"slices"
	"strings"
)

// Lists: pushes, pops (LPOP with a count, BLPOP/BRPOP with a short
// timeout), LRANGE, LINDEX, LSET, LREM, LTRIM, LPOS, and LMOVE/RPOPLPUSH
// of a list onto itself (a rotation: one key).

func init() {
	addFamily(&family{
		name:   "lists",
		prefix: "l",
		needs: []string{"lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex",
			"lset", "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "blpop", "brpop"},
		gen:   genList,
		write: writeList,
	})
	register(modelPush, "lpush", "rpush", "lpushx", "rpushx")
	register(modelPop, "lpop", "rpop")
	register(modelBPop, "blpop", "brpop")
	register(func(m *mstep) []outcome {
		return m.onList(rInt(0), func(l []string) []outcome { return m.same(rInt(int64(len(l)))) })
	}, "llen")
	register(func(m *mstep) []outcome {
		return m.onList(rArr(), func(l []string) []outcome {
			s, e, ok := listRange(len(l), atoi(m.args[2]), atoi(m.args[3]))
			if !ok {
				return m.same(rArr())
			}
			return m.same(rBulks(l[s : e+1]))
		})
	}, "lrange")
	register(func(m *mstep) []outcome {
		return m.onList(rNil, func(l []string) []outcome {
			i := listIndex(len(l), atoi(m.args[2]))
			if i < 0 {
				return m.same(rNil)
			}
			return m.same(rBulk(l[i]))
		})
	}, "lindex")
	register(func(m *mstep) []outcome {
		return m.onList(rErr(msgNoSuchKey), func(l []string) []outcome {
			i := listIndex(len(l), atoi(m.args[2]))
			if i < 0 {
				return m.same(rErr(msgIndex))
			}
			l = slices.Clone(l)
			l[i] = m.args[3]
			return one(m.keep(tList, encList(l)), rOK)
		})
	}, "lset")
	register(modelLRem, "lrem")
	register(func(m *mstep) []outcome {
		return m.onList(rOK, func(l []string) []outcome {
			s, e, ok := listRange(len(l), atoi(m.args[2]), atoi(m.args[3]))
			if !ok {
				return one(none, rOK)
			}
			return one(m.keep(tList, encList(l[s:e+1])), rOK)
		})
	}, "ltrim")
	register(func(m *mstep) []outcome {
		return m.onList(rNil, func(l []string) []outcome {
			if i := slices.Index(l, m.args[2]); i >= 0 {
				return m.same(rInt(int64(i)))
			}
			return m.same(rNil)
		})
	}, "lpos")
	register(modelRotate, "lmove", "rpoplpush")
}

// onList runs fn on the key's list; a missing key answers missing, another
// type WRONGTYPE.
func (m *mstep) onList(missing string, fn func(l []string) []outcome) []outcome {
	switch m.st.T {
	case tNone:
		return m.same(missing)
	case tList:
		return fn(decList(m.st.V))
	}
	return m.wrongType()
}

// listIndex converts a Redis list index; -1 when out of range.
func listIndex(n int, i int64) int {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return -1
	}
	return int(i)
}

// listRange applies LRANGE/LTRIM's index rules; ok is false for an empty
// range.
func listRange(n int, start, end int64) (s, e int, ok bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if end < 0 {
		end += ln
	}
	start = max(start, 0)
	if start > end || start >= ln {
		return 0, 0, false
	}
	end = min(end, ln-1)
	return int(start), int(end), true
}

func modelPush(m *mstep) []outcome {
	cmd := strings.ToLower(m.args[0])
	var l []string
	switch m.st.T {
	case tNone:
		if strings.HasSuffix(cmd, "x") {
			return m.same(rInt(0))
		}
	case tList:
		l = decList(m.st.V)
	default:
		return m.wrongType()
	}
	for _, e := range m.args[2:] {
		if cmd[0] == 'l' {
			l = append([]string{e}, l...)
		} else {
			l = append(l, e)
		}
	}
	next := m.keep(tList, encList(l))
	if m.st.T == tNone {
		next.Exp = 0
	}
	return one(next, rInt(int64(len(l))))
}

func modelPop(m *mstep) []outcome {
	left := strings.EqualFold(m.args[0], "lpop")
	counted := len(m.args) > 2
	missing := rNil
	if counted {
		missing = rNilArr
	}
	return m.onList(missing, func(l []string) []outcome {
		n := 1
		if counted {
			n = int(min(atoi(m.args[2]), int64(len(l))))
		}
		var got []string
		if left {
			got, l = l[:n], l[n:]
		} else {
			got, l = slices.Clone(l[len(l)-n:]), l[:len(l)-n]
			slices.Reverse(got)
		}
		next := m.keep(tList, encList(l))
		if counted {
			return one(next, rBulks(got))
		}
		return one(next, rBulk(got[0]))
	})
}

// modelBPop: BLPOP/BRPOP on one key. The reply names the key; a timeout
// (null array) is only possible while the list is empty.
func modelBPop(m *mstep) []outcome {
	key := m.args[1]
	return m.onList(rNilArr, func(l []string) []outcome {
		var e string
		if strings.EqualFold(m.args[0], "blpop") {
			e, l = l[0], l[1:]
		} else {
			e, l = l[len(l)-1], l[:len(l)-1]
		}
		return one(m.keep(tList, encList(l)), rArr(rBulk(key), rBulk(e)))
	})
}

func modelLRem(m *mstep) []outcome {
	return m.onList(rInt(0), func(l []string) []outcome {
		count, target := atoi(m.args[2]), m.args[3]
		out := make([]string, 0, len(l))
		removed := int64(0)
		limit := count
		if limit < 0 {
			limit = -limit
		}
		if count < 0 {
			for i := len(l) - 1; i >= 0; i-- {
				if l[i] == target && (limit == 0 || removed < limit) {
					removed++
					continue
				}
				out = append(out, l[i])
			}
			slices.Reverse(out)
		} else {
			for _, e := range l {
				if e == target && (limit == 0 || removed < limit) {
					removed++
					continue
				}
				out = append(out, e)
			}
		}
		return one(m.keep(tList, encList(out)), rInt(removed))
	})
}

// modelRotate: LMOVE key key LEFT|RIGHT LEFT|RIGHT and RPOPLPUSH key key.
func modelRotate(m *mstep) []outcome {
	from, to := "right", "left"
	if strings.EqualFold(m.args[0], "lmove") {
		from, to = strings.ToLower(m.args[3]), strings.ToLower(m.args[4])
	}
	return m.onList(rNil, func(l []string) []outcome {
		var e string
		if from == "left" {
			e, l = l[0], slices.Clone(l[1:])
		} else {
			e, l = l[len(l)-1], slices.Clone(l[:len(l)-1])
		}
		if to == "left" {
			l = append([]string{e}, l...)
		} else {
			l = append(l, e)
		}
		return one(m.keep(tList, encList(l)), rBulk(e))
	})
}

func genList(g *gen, key string) []string {
	switch g.r.IntN(22) {
	case 0, 1, 2:
		return []string{"LPUSH", key, g.token()}
	case 3, 4:
		return []string{"RPUSH", key, g.token(), g.token()}
	case 5:
		return []string{g.pick("LPUSHX", "RPUSHX"), key, g.token()}
	case 6, 7:
		return []string{"LPOP", key}
	case 8:
		return []string{"RPOP", key}
	case 9:
		return []string{g.pick("LPOP", "RPOP"), key, g.ns(1, 3)}
	case 10:
		return []string{"LLEN", key}
	case 11, 12:
		return []string{"LRANGE", key, "0", "-1"}
	case 13:
		return []string{"LRANGE", key, g.ns(-3, 2), g.ns(-2, 3)}
	case 14:
		return []string{"LINDEX", key, g.ns(-3, 3)}
	case 15:
		return []string{"LSET", key, g.ns(-2, 2), g.token()}
	case 16:
		return []string{"LREM", key, g.ns(-1, 1), g.old()}
	case 17:
		return []string{"LTRIM", key, g.ns(0, 1), g.ns(4, 8)}
	case 18:
		return []string{"LPOS", key, g.old()}
	case 19:
		if g.chance(0.5) {
			return []string{"RPOPLPUSH", key, key}
		}
		return []string{"LMOVE", key, key, g.pick("LEFT", "RIGHT"), g.pick("LEFT", "RIGHT")}
	}
	return []string{g.pick("BLPOP", "BRPOP"), key, g.pick("0.01", "0.05")}
}

func writeList(g *gen, key string) []string {
	switch g.r.IntN(6) {
	case 0, 1:
		return []string{"RPUSH", key, g.token(), g.token()}
	case 2:
		return []string{"LPUSH", key, g.token()}
	case 3:
		return []string{"LPOP", key}
	case 4:
		return []string{"LTRIM", key, "0", g.ns(3, 8)}
	}
	return []string{"LMOVE", key, key, "LEFT", "RIGHT"}
}
