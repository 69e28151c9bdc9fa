package stress

import (
	"maps"
	"slices"
)

// Sets: SADD, SREM, SISMEMBER, SMISMEMBER, SMEMBERS, SCARD, SPOP and
// SRANDMEMBER (random: every member is a possible answer). Members are
// m0..m7.

func init() {
	addFamily(&family{
		name:   "sets",
		prefix: "t",
		needs:  []string{"sadd", "srem", "sismember", "smismember", "smembers", "scard", "spop", "srandmember"},
		gen:    genSet,
		write:  writeSet,
	})
	register(func(m *mstep) []outcome {
		v, ok := m.orNew(tSet)
		if !ok {
			return m.wrongType()
		}
		s := decSet(v)
		n := int64(0)
		for _, e := range m.args[2:] {
			if !s[e] {
				s[e] = true
				n++
			}
		}
		return one(m.keep(tSet, encSet(s)), rInt(n))
	}, "sadd")
	register(func(m *mstep) []outcome {
		return m.onSet(rInt(0), func(s map[string]bool) []outcome {
			n := int64(0)
			for _, e := range m.args[2:] {
				if s[e] {
					delete(s, e)
					n++
				}
			}
			return one(m.keep(tSet, encSet(s)), rInt(n))
		})
	}, "srem")
	register(func(m *mstep) []outcome {
		return m.onSet(rInt(0), func(s map[string]bool) []outcome { return m.same(rInt(int64(boolN(s[m.args[2]])))) })
	}, "sismember")
	register(func(m *mstep) []outcome {
		members := m.args[2:]
		return m.onSet(rArr(repeat(rInt(0), len(members))...), func(s map[string]bool) []outcome {
			out := make([]string, len(members))
			for i, e := range members {
				out[i] = rInt(int64(boolN(s[e])))
			}
			return m.same(rArr(out...))
		})
	}, "smismember")
	register(func(m *mstep) []outcome {
		return m.onSet(rArr(), func(s map[string]bool) []outcome { return m.same(rBulks(slices.Sorted(maps.Keys(s)))) })
	}, "smembers")
	register(func(m *mstep) []outcome {
		return m.onSet(rInt(0), func(s map[string]bool) []outcome { return m.same(rInt(int64(len(s)))) })
	}, "scard")
	register(func(m *mstep) []outcome {
		return m.onSet(rNil, func(s map[string]bool) []outcome {
			var out []outcome
			for e := range s {
				rest := maps.Clone(s)
				delete(rest, e)
				out = append(out, outcome{next: m.keep(tSet, encSet(rest)), reply: rBulk(e)})
			}
			return out
		})
	}, "spop")
	register(func(m *mstep) []outcome {
		return m.onSet(rNil, func(s map[string]bool) []outcome {
			var out []outcome
			for e := range s {
				out = append(out, outcome{next: m.st, reply: rBulk(e)})
			}
			return out
		})
	}, "srandmember")
}

// onSet runs fn on a copy of the key's set.
func (m *mstep) onSet(missing string, fn func(s map[string]bool) []outcome) []outcome {
	switch m.st.T {
	case tNone:
		return m.same(missing)
	case tSet:
		return fn(decSet(m.st.V))
	}
	return m.wrongType()
}

func genMember(g *gen) string { return "m" + g.ns(0, 7) }

func genSet(g *gen, key string) []string {
	switch g.r.IntN(14) {
	case 0, 1, 2:
		return []string{"SADD", key, genMember(g)}
	case 3:
		return []string{"SADD", key, genMember(g), genMember(g), genMember(g)}
	case 4, 5:
		return []string{"SREM", key, genMember(g)}
	case 6, 7:
		return []string{"SISMEMBER", key, genMember(g)}
	case 8:
		return []string{"SMISMEMBER", key, genMember(g), genMember(g)}
	case 9, 10:
		return []string{"SMEMBERS", key}
	case 11:
		return []string{"SCARD", key}
	case 12:
		return []string{"SPOP", key}
	}
	return []string{"SRANDMEMBER", key}
}

func writeSet(g *gen, key string) []string {
	if g.chance(0.7) {
		return []string{"SADD", key, genMember(g), genMember(g)}
	}
	return []string{"SREM", key, genMember(g)}
}
