package stress

// The commands on keys of any type: DEL, EXISTS, TYPE, and expiry.

func init() {
	register(func(m *mstep) []outcome {
		if m.st.T == tNone {
			return m.same(rInt(0))
		}
		return one(none, rInt(1))
	}, "del", "unlink")
	register(func(m *mstep) []outcome {
		if m.st.T == tNone {
			return m.same(rInt(0))
		}
		return m.same(rInt(1))
	}, "exists")
	register(func(m *mstep) []outcome { return m.same(rStatus(typeNames[m.st.T])) }, "type")
	register(modelPExpireAt, "pexpireat")
	register(func(m *mstep) []outcome {
		if m.st.T == tNone || m.st.Exp == 0 {
			return m.same(rInt(0))
		}
		next := m.st
		next.Exp = 0
		return one(next, rInt(1))
	}, "persist")
	register(modelPTTL, "pttl")
	register(func(m *mstep) []outcome {
		switch {
		case m.st.T == tNone:
			return m.same(rInt(-2))
		case m.st.Exp == 0:
			return m.same(rInt(-1))
		}
		return m.same(rInt(m.st.Exp))
	}, "pexpiretime")
}

// modelPExpireAt: a time at or before the command's own deletes the key
// (Redis's checkAlreadyExpired); the command's time is only known to lie
// in [lo, hi], so both may happen when at falls inside.
func modelPExpireAt(m *mstep) []outcome {
	if m.st.T == tNone {
		return m.same(rInt(0))
	}
	at := atoi(m.args[2])
	var out []outcome
	if at <= m.hi {
		out = append(out, outcome{next: none, reply: rInt(1)})
	}
	if at > m.lo {
		next := m.st
		next.Exp = at
		out = append(out, outcome{next: next, reply: rInt(1)})
	}
	return out
}

// modelPTTL: the remaining time depends on when the command ran.
func modelPTTL(m *mstep) []outcome {
	switch {
	case m.st.T == tNone:
		return m.same(rInt(-2))
	case m.st.Exp == 0:
		return m.same(rInt(-1))
	}
	lo, hi := max(0, m.st.Exp-m.hi), max(0, m.st.Exp-m.lo)
	return []outcome{{next: m.st, match: func(reply string) bool {
		if len(reply) < 2 || reply[0] != ':' {
			return false
		}
		n, ok := parseInt(reply[1:])
		return ok && n >= lo && n <= hi
	}}}
}
