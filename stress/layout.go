package stress

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/shard"
)

// The keyspace a round works on: in each of several databases, keys of
// every active family spread so that every shard owns some (key i lives on
// shard i mod N), MSET groups and account groups whose keys sit on
// different shards.

// dbs are the databases rounds use.
var dbs = []int{0, 3, 15}

const (
	minKeysPerDB = 24 // keys per database when there are few shards
	groupKeys    = 4  // keys per MSET group
	acctKeys     = 5  // accounts per account group
	acctInitial  = 100
)

// lkey is one key of the layout.
type lkey struct {
	db   int
	name string
	fam  *family
	obj  string // k/db/name
}

// multiDef is an MSET group or an account group.
type multiDef struct {
	db   int
	obj  string
	keys []string
}

type layout struct {
	keys   []lkey // all single keys, database by database
	perDB  map[int][]int
	groups []multiDef
	accts  []multiDef
}

// keyOn returns the first of prefix0, prefix1 ... that routes to shard sh.
func keyOn(r shard.Router, prefix string, sh int) string {
	for j := 0; ; j++ {
		k := prefix + strconv.Itoa(j)
		if r.Shard(k) == sh {
			return k
		}
	}
}

// newLayout lays out keys for nshards shards and the given families.
func newLayout(nshards int, fams []*family) *layout {
	r := shard.NewRouter(nshards)
	l := &layout{perDB: map[int][]int{}}
	n := max(minKeysPerDB, nshards)
	n = (n + len(fams) - 1) / len(fams) * len(fams)
	for _, db := range dbs {
		for i := 0; i < n; i++ {
			f := fams[i%len(fams)]
			name := keyOn(r, f.prefix+":"+strconv.Itoa(i)+":", i%nshards)
			l.perDB[db] = append(l.perDB[db], len(l.keys))
			l.keys = append(l.keys, lkey{db: db, name: name, fam: f, obj: keyObj + strconv.Itoa(db) + "/" + name})
		}
	}
	for gi, db := range dbs[:2] {
		g := multiDef{db: db, obj: groupObj + strconv.Itoa(db) + "/mset" + strconv.Itoa(gi)}
		for j := 0; j < groupKeys; j++ {
			g.keys = append(g.keys, keyOn(r, "g"+strconv.Itoa(gi)+":"+strconv.Itoa(j)+":", (j*nshards/groupKeys+gi)%nshards))
		}
		l.groups = append(l.groups, g)
		a := multiDef{db: db, obj: acctObj + strconv.Itoa(db) + "/acct" + strconv.Itoa(gi)}
		for j := 0; j < acctKeys; j++ {
			a.keys = append(a.keys, keyOn(r, "a"+strconv.Itoa(gi)+":"+strconv.Itoa(j)+":", (j*nshards/acctKeys+gi+1)%nshards))
		}
		l.accts = append(l.accts, a)
	}
	return l
}

// init returns the objects' initial states: account groups start with
// acctInitial in every account.
func (l *layout) init() map[string]kstate {
	m := map[string]kstate{}
	for _, a := range l.accts {
		b := make([]int64, len(a.keys))
		for i := range b {
			b[i] = acctInitial
		}
		m[a.obj] = encBalances(b)
	}
	return m
}

// Reading a key's whole state back from a store, as the model encodes
// it: after a crash and reopen, after a disk fault, to compare the store
// with the model.

// readState reads key on c (whose database is selected). The store must
// be quiescent: the reads are separate commands.
func readState(ctx context.Context, c *kevy.Conn, key string) (kstate, error) {
	t := c.Exec(ctx, "TYPE", key)
	if t.Kind != kevy.ReplyStatus {
		return none, fmt.Errorf("stress: TYPE %s: %s", key, canon(t))
	}
	var st kstate
	var r kevy.Reply
	switch t.Str {
	case "none":
		return none, nil
	case "string":
		st.T = tString
		r = c.Exec(ctx, "GET", key)
		st.V = r.Str
	case "list":
		st.T = tList
		r = c.Exec(ctx, "LRANGE", key, "0", "-1")
		st.V = encList(bulks(r))
	case "hash":
		st.T = tHash
		r = c.Exec(ctx, "HGETALL", key)
		h := map[string]string{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			h[r.Elems[i].Str] = r.Elems[i+1].Str
		}
		st.V = encHash(h)
	case "set":
		st.T = tSet
		r = c.Exec(ctx, "SMEMBERS", key)
		s := map[string]bool{}
		for _, m := range bulks(r) {
			s[m] = true
		}
		st.V = encSet(s)
	case "zset":
		st.T = tZSet
		r = c.Exec(ctx, "ZRANGE", key, "0", "-1", "WITHSCORES")
		z := map[string]float64{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			f, err := strconv.ParseFloat(r.Elems[i+1].Str, 64)
			if err != nil {
				return none, fmt.Errorf("stress: score of %s in %s: %q", r.Elems[i].Str, key, r.Elems[i+1].Str)
			}
			z[r.Elems[i].Str] = f
		}
		st.V = encZSet(z)
	default:
		return none, fmt.Errorf("stress: TYPE %s: unexpected %q", key, t.Str)
	}
	if r.Kind == kevy.ReplyError {
		return none, fmt.Errorf("stress: reading %s: %s", key, r.Str)
	}
	e := c.Exec(ctx, "PEXPIRETIME", key)
	if e.Kind != kevy.ReplyInt {
		return none, fmt.Errorf("stress: PEXPIRETIME %s: %s", key, canon(e))
	}
	switch {
	case e.Int == -2:
		return none, nil // it expired while being read
	case e.Int > 0:
		st.Exp = e.Int
	}
	return st, nil
}

func bulks(r kevy.Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}
