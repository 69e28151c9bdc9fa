package stress

import (
	"slices"
	"strconv"
	"strings"
)

// Sorted sets: ZADD (NX, XX, GT, CH), ZINCRBY, ZREM, ZSCORE, ZCARD,
// ZRANK, ZREVRANK, ZRANGE WITHSCORES, ZRANGEBYSCORE, ZCOUNT, ZPOPMIN,
// ZPOPMAX. Scores are small integers so that their text is exact.

func init() {
	addFamily(&family{
		name:   "zsets",
		prefix: "z",
		needs: []string{"zadd", "zincrby", "zrem", "zscore", "zcard", "zrank", "zrevrank", "zrange",
			"zrangebyscore", "zcount", "zpopmin", "zpopmax"},
		gen:   genZSet,
		write: writeZSet,
	})
	register(modelZAdd, "zadd")
	register(func(m *mstep) []outcome {
		v, ok := m.orNew(tZSet)
		if !ok {
			return m.wrongType()
		}
		z := decZSet(v)
		by, _ := strconv.ParseFloat(m.args[2], 64)
		z[m.args[3]] += by
		return one(m.keep(tZSet, encZSet(z)), rBulk(fmtScore(z[m.args[3]])))
	}, "zincrby")
	register(func(m *mstep) []outcome {
		return m.onZSet(rInt(0), func(z map[string]float64) []outcome {
			n := int64(0)
			for _, e := range m.args[2:] {
				if _, ok := z[e]; ok {
					delete(z, e)
					n++
				}
			}
			return one(m.keep(tZSet, encZSet(z)), rInt(n))
		})
	}, "zrem")
	register(func(m *mstep) []outcome {
		return m.onZSet(rNil, func(z map[string]float64) []outcome {
			if s, ok := z[m.args[2]]; ok {
				return m.same(rBulk(fmtScore(s)))
			}
			return m.same(rNil)
		})
	}, "zscore")
	register(func(m *mstep) []outcome {
		return m.onZSet(rInt(0), func(z map[string]float64) []outcome { return m.same(rInt(int64(len(z)))) })
	}, "zcard")
	register(func(m *mstep) []outcome {
		return m.onZSet(rNil, func(z map[string]float64) []outcome {
			order := zsorted(z)
			i := slices.IndexFunc(order, func(e zm) bool { return e.M == m.args[2] })
			if i < 0 {
				return m.same(rNil)
			}
			if strings.EqualFold(m.args[0], "zrevrank") {
				i = len(order) - 1 - i
			}
			return m.same(rInt(int64(i)))
		})
	}, "zrank", "zrevrank")
	register(func(m *mstep) []outcome {
		return m.onZSet(rArr(), func(z map[string]float64) []outcome {
			var out []string
			for _, e := range zsorted(z) {
				out = append(out, rBulk(e.M), rBulk(fmtScore(e.S)))
			}
			return m.same(rArr(out...))
		})
	}, "zrange")
	register(func(m *mstep) []outcome {
		lo, _ := strconv.ParseFloat(m.args[2], 64)
		hi, _ := strconv.ParseFloat(m.args[3], 64)
		count := strings.EqualFold(m.args[0], "zcount")
		missing := rArr()
		if count {
			missing = rInt(0)
		}
		return m.onZSet(missing, func(z map[string]float64) []outcome {
			var ms []string
			for _, e := range zsorted(z) {
				if e.S >= lo && e.S <= hi {
					ms = append(ms, e.M)
				}
			}
			if count {
				return m.same(rInt(int64(len(ms))))
			}
			return m.same(rBulks(ms))
		})
	}, "zrangebyscore", "zcount")
	register(func(m *mstep) []outcome {
		return m.onZSet(rArr(), func(z map[string]float64) []outcome {
			order := zsorted(z)
			e := order[0]
			if strings.EqualFold(m.args[0], "zpopmax") {
				e = order[len(order)-1]
			}
			delete(z, e.M)
			return one(m.keep(tZSet, encZSet(z)), rArr(rBulk(e.M), rBulk(fmtScore(e.S))))
		})
	}, "zpopmin", "zpopmax")
}

// onZSet runs fn on a copy of the key's sorted set.
func (m *mstep) onZSet(missing string, fn func(z map[string]float64) []outcome) []outcome {
	switch m.st.T {
	case tNone:
		return m.same(missing)
	case tZSet:
		return fn(decZSet(m.st.V))
	}
	return m.wrongType()
}

// modelZAdd handles ZADD key [NX|XX] [GT] [CH] score member ...
func modelZAdd(m *mstep) []outcome {
	var nx, xx, gt, ch bool
	i := 2
	for ; i < len(m.args); i++ {
		switch strings.ToLower(m.args[i]) {
		case "nx":
			nx = true
		case "xx":
			xx = true
		case "gt":
			gt = true
		case "ch":
			ch = true
		default:
			goto pairs
		}
	}
pairs:
	z := map[string]float64{}
	switch m.st.T {
	case tNone:
		if xx {
			return m.same(rInt(0))
		}
	case tZSet:
		z = decZSet(m.st.V)
	default:
		return m.wrongType()
	}
	var added, changed int64
	for ; i+1 < len(m.args); i += 2 {
		s, _ := strconv.ParseFloat(m.args[i], 64)
		e := m.args[i+1]
		cur, exists := z[e]
		switch {
		case exists && (nx || (gt && s <= cur) || s == cur):
		case exists:
			z[e] = s
			changed++
		case !xx:
			z[e] = s
			added++
		}
	}
	n := added
	if ch {
		n += changed
	}
	return one(m.keep(tZSet, encZSet(z)), rInt(n))
}

func genZMember(g *gen) string { return string(rune('a' + g.n(0, 5))) }

func genZSet(g *gen, key string) []string {
	switch g.r.IntN(18) {
	case 0, 1, 2:
		return []string{"ZADD", key, g.ns(-5, 5), genZMember(g)}
	case 3:
		return []string{"ZADD", key, g.ns(-5, 5), genZMember(g), g.ns(-5, 5), "z" + genZMember(g)}
	case 4:
		return []string{"ZADD", key, g.pick("NX", "XX"), "CH", g.ns(-5, 5), genZMember(g)}
	case 5:
		return []string{"ZADD", key, "GT", "CH", g.ns(-5, 5), genZMember(g)}
	case 6, 7:
		return []string{"ZINCRBY", key, g.ns(-3, 3), genZMember(g)}
	case 8:
		return []string{"ZREM", key, genZMember(g)}
	case 9:
		return []string{"ZSCORE", key, genZMember(g)}
	case 10:
		return []string{"ZCARD", key}
	case 11:
		return []string{g.pick("ZRANK", "ZREVRANK"), key, genZMember(g)}
	case 12, 13:
		return []string{"ZRANGE", key, "0", "-1", "WITHSCORES"}
	case 14:
		return []string{g.pick("ZRANGEBYSCORE", "ZCOUNT"), key, g.ns(-5, 0), g.ns(0, 5)}
	}
	return []string{g.pick("ZPOPMIN", "ZPOPMAX"), key}
}

func writeZSet(g *gen, key string) []string {
	switch g.r.IntN(4) {
	case 0, 1:
		return []string{"ZADD", key, g.ns(-5, 5), genZMember(g)}
	case 2:
		return []string{"ZINCRBY", key, g.ns(-3, 3), genZMember(g)}
	}
	return []string{"ZREM", key, genZMember(g)}
}
