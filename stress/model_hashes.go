package stress

import (
	"maps"
	"slices"
)

// Hashes: HSET, HSETNX, HGET, HMGET, HDEL, HLEN, HEXISTS, HSTRLEN,
// HGETALL, HKEYS, HVALS, HINCRBY. Fields are f0..f4 plus the counter
// field n.

func init() {
	addFamily(&family{
		name:   "hashes",
		prefix: "h",
		needs: []string{"hset", "hsetnx", "hget", "hmget", "hdel", "hlen", "hexists", "hstrlen",
			"hgetall", "hkeys", "hvals", "hincrby"},
		gen:   genHash,
		write: writeHash,
	})
	register(func(m *mstep) []outcome {
		v, ok := m.orNew(tHash)
		if !ok {
			return m.wrongType()
		}
		h := decHash(v)
		added := int64(0)
		for i := 2; i+1 < len(m.args); i += 2 {
			if _, ok := h[m.args[i]]; !ok {
				added++
			}
			h[m.args[i]] = m.args[i+1]
		}
		return one(m.keep(tHash, encHash(h)), rInt(added))
	}, "hset")
	register(func(m *mstep) []outcome {
		v, ok := m.orNew(tHash)
		if !ok {
			return m.wrongType()
		}
		h := decHash(v)
		if _, ok := h[m.args[2]]; ok {
			return m.same(rInt(0))
		}
		h[m.args[2]] = m.args[3]
		return one(m.keep(tHash, encHash(h)), rInt(1))
	}, "hsetnx")
	register(func(m *mstep) []outcome {
		return m.onHash(rNil, func(h map[string]string) []outcome {
			if v, ok := h[m.args[2]]; ok {
				return m.same(rBulk(v))
			}
			return m.same(rNil)
		})
	}, "hget")
	register(func(m *mstep) []outcome {
		fields := m.args[2:]
		return m.onHash(rArr(repeat(rNil, len(fields))...), func(h map[string]string) []outcome {
			out := make([]string, len(fields))
			for i, f := range fields {
				out[i] = rNil
				if v, ok := h[f]; ok {
					out[i] = rBulk(v)
				}
			}
			return m.same(rArr(out...))
		})
	}, "hmget")
	register(func(m *mstep) []outcome {
		return m.onHash(rInt(0), func(h map[string]string) []outcome {
			n := int64(0)
			for _, f := range m.args[2:] {
				if _, ok := h[f]; ok {
					delete(h, f)
					n++
				}
			}
			return one(m.keep(tHash, encHash(h)), rInt(n))
		})
	}, "hdel")
	register(func(m *mstep) []outcome {
		return m.onHash(rInt(0), func(h map[string]string) []outcome { return m.same(rInt(int64(len(h)))) })
	}, "hlen")
	register(func(m *mstep) []outcome {
		return m.onHash(rInt(0), func(h map[string]string) []outcome {
			_, ok := h[m.args[2]]
			return m.same(rInt(int64(boolN(ok))))
		})
	}, "hexists")
	register(func(m *mstep) []outcome {
		return m.onHash(rInt(0), func(h map[string]string) []outcome { return m.same(rInt(int64(len(h[m.args[2]])))) })
	}, "hstrlen")
	register(func(m *mstep) []outcome {
		return m.onHash(rArr(), func(h map[string]string) []outcome {
			var out []string
			for _, f := range slices.Sorted(maps.Keys(h)) {
				out = append(out, rBulk(f), rBulk(h[f]))
			}
			return m.same(rArr(out...))
		})
	}, "hgetall")
	register(func(m *mstep) []outcome {
		return m.onHash(rArr(), func(h map[string]string) []outcome {
			return m.same(rBulks(slices.Sorted(maps.Keys(h))))
		})
	}, "hkeys")
	register(func(m *mstep) []outcome {
		return m.onHash(rArr(), func(h map[string]string) []outcome {
			return m.same(rBulks(slices.Sorted(maps.Values(h))))
		})
	}, "hvals")
	register(func(m *mstep) []outcome {
		v, ok := m.orNew(tHash)
		if !ok {
			return m.wrongType()
		}
		h := decHash(v)
		var cur int64
		if v, ok := h[m.args[2]]; ok {
			n, ok := parseInt(v)
			if !ok {
				return m.same(rErr(msgHashInt))
			}
			cur = n
		}
		by := atoi(m.args[3])
		if addOverflows(cur, by) {
			return m.same(rErr(msgOverflow))
		}
		h[m.args[2]] = itoa(cur + by)
		return one(m.keep(tHash, encHash(h)), rInt(cur+by))
	}, "hincrby")
}

// onHash runs fn on a copy of the key's hash.
func (m *mstep) onHash(missing string, fn func(h map[string]string) []outcome) []outcome {
	switch m.st.T {
	case tNone:
		return m.same(missing)
	case tHash:
		return fn(decHash(m.st.V))
	}
	return m.wrongType()
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func boolN(b bool) int {
	if b {
		return 1
	}
	return 0
}

func genField(g *gen) string { return "f" + g.ns(0, 4) }

func genHash(g *gen, key string) []string {
	switch g.r.IntN(16) {
	case 0, 1, 2:
		return []string{"HSET", key, genField(g), g.token()}
	case 3:
		return []string{"HSET", key, genField(g), g.token(), genField(g), g.token()}
	case 4:
		return []string{"HSETNX", key, genField(g), g.token()}
	case 5, 6:
		return []string{"HGET", key, genField(g)}
	case 7:
		return []string{"HMGET", key, genField(g), "n", genField(g)}
	case 8, 9:
		return []string{"HDEL", key, genField(g)}
	case 10:
		return []string{g.pick("HLEN", "HGETALL", "HKEYS", "HVALS"), key}
	case 11:
		return []string{g.pick("HEXISTS", "HSTRLEN"), key, genField(g)}
	case 12:
		return []string{"HGETALL", key}
	case 13:
		if g.chance(0.2) {
			return []string{"HINCRBY", key, genField(g), "1"} // not an integer
		}
		return []string{"HINCRBY", key, "n", g.ns(-5, 5)}
	}
	return []string{"HINCRBY", key, "n", g.ns(-5, 5)}
}

func writeHash(g *gen, key string) []string {
	switch g.r.IntN(4) {
	case 0, 1:
		return []string{"HSET", key, genField(g), g.token()}
	case 2:
		return []string{"HDEL", key, genField(g)}
	}
	return []string{"HINCRBY", key, "n", g.ns(-5, 5)}
}
