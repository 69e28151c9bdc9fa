package stress

import (
	"strconv"
	"strings"
)

// Multi-key objects, checked for linearizability as one object each:
//
//   - an MSET group: keys on different shards that are only ever written
//     together (MSET, MSETNX, DEL of all of them) with one token, and read
//     together (MGET). Its state is the token, or none. All-or-nothing:
//     an MGET that sees two different values, or values and nils, fails.
//   - an account group: keys on different shards holding balances, moved
//     between by transactions (MULTI/INCRBY/INCRBY/EXEC, or WATCH, read,
//     MULTI/SET/SET/EXEC) and observed by MGET, plain or inside MULTI. Its
//     state is the balances; the total never changes.
//
// Ops on them name keys by their index in the group.

// groupObj and acctObj prefix the object names of the two kinds.
const (
	keyObj   = "k/"
	groupObj = "g/"
	acctObj  = "a/"
)

// applyGroup is the MSET group's model. Ops: MSET token, MSETNX token,
// DEL nkeys, MGET nkeys.
func applyGroup(st kstate, args []string) []outcome {
	switch strings.ToLower(args[0]) {
	case "mset":
		return one(kstate{T: tString, V: args[1]}, rOK)
	case "msetnx":
		if st.T != tNone {
			return one(st, rInt(0))
		}
		return one(kstate{T: tString, V: args[1]}, rInt(1))
	case "del":
		if st.T == tNone {
			return one(st, rInt(0))
		}
		return one(none, rInt(atoi(args[1])))
	case "mget":
		n := int(atoi(args[1]))
		if st.T == tNone {
			return one(st, rArr(repeat(rNil, n)...))
		}
		return one(st, rArr(repeat(rBulk(st.V), n)...))
	}
	panic("stress: no group model for " + args[0])
}

// balances decodes an account group's state.
func balances(st kstate) []int64 {
	parts := strings.Split(st.V, ",")
	out := make([]int64, len(parts))
	for i, p := range parts {
		out[i] = atoi(p)
	}
	return out
}

func encBalances(b []int64) kstate {
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = itoa(v)
	}
	return kstate{T: tString, V: strings.Join(parts, ",")}
}

// applyAcct is the account group's model.
func applyAcct(st kstate, args []string) []outcome {
	b := balances(st)
	idx := func(i int) int { n, _ := strconv.Atoi(args[i]); return n }
	switch strings.ToUpper(args[0]) {
	case "XFER": // XFER from to amount; reply: EXEC's [new from, new to]
		from, to, x := idx(1), idx(2), atoi(args[3])
		b[from] -= x
		b[to] += x
		return one(encBalances(b), rArr(rInt(b[from]), rInt(b[to])))
	case "WXFER": // WXFER from to seenFrom seenTo amount; reply: EXEC's [OK OK] or null
		from, to := idx(1), idx(2)
		seenFrom, seenTo, x := atoi(args[3]), atoi(args[4]), atoi(args[5])
		out := []outcome{{next: st, reply: rNilArr}} // a watch may abort
		if b[from] == seenFrom && b[to] == seenTo {
			b[from], b[to] = seenFrom-x, seenTo+x
			out = append(out, outcome{next: encBalances(b), reply: rArr(rOK, rOK)})
		}
		return out
	case "MGET": // MGET i j ...; reply: the balances as bulk strings
		vals := make([]string, 0, len(args)-1)
		for i := 1; i < len(args); i++ {
			vals = append(vals, rBulk(itoa(b[idx(i)])))
		}
		return one(st, rArr(vals...))
	}
	panic("stress: no account model for " + args[0])
}
