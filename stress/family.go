package stress

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/kevydb/kevy/shard"
)

// Operation families: each data type contributes a generator of random
// commands on its keys and the model of those commands (model_*.go). A
// family runs only when every command it needs is registered in the
// command table, so families whose commands are still being built join
// the harness as soon as they land.

// family is one operation family.
type family struct {
	name   string   // "strings"
	prefix string   // its keys are named prefix:...
	needs  []string // commands that must exist for it to run
	// gen returns a random command on key, for the linearizability
	// workload: reads and writes.
	gen func(g *gen, key string) []string
	// write returns a random write on key for the crash workload: its
	// effect must not depend on time (no expiry in the near future).
	write func(g *gen, key string) []string
}

// families lists the families in a fixed order (the order of their files'
// init functions does not matter: byName sorts it out).
var families = map[string]*family{}

func addFamily(f *family) { families[f.name] = f }

// familyOrder is the order in which families get keys.
var familyOrder = []string{"strings", "counters", "lists", "hashes", "sets", "zsets"}

// activeFamilies returns the families whose commands are all registered,
// in familyOrder, and the names of those that are not.
func activeFamilies() (active []*family, missing []string) {
	for _, name := range familyOrder {
		f := families[name]
		if f == nil {
			continue
		}
		ok := true
		for _, c := range f.needs {
			if shard.Lookup(c) == nil {
				ok = false
			}
		}
		if ok {
			active = append(active, f)
		} else {
			missing = append(missing, name)
		}
	}
	return active, missing
}

// gen draws random commands for one worker. Values it makes are unique
// tokens ("w3.17": worker 3's 17th), so that a stale or misplaced value is
// recognizable.
type gen struct {
	r      *rand.Rand
	id     int
	seq    int64
	recent []string // tokens this worker pushed lately (LREM, LPOS targets)
	now    func() time.Time
}

func newGen(seed uint64, id int) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, uint64(id)*0x9e3779b97f4a7c15+1)), id: id, now: time.Now}
}

// token returns a fresh unique value.
func (g *gen) token() string {
	g.seq++
	t := "w" + strconv.Itoa(g.id) + "." + strconv.FormatInt(g.seq, 10)
	if len(g.recent) < 8 {
		g.recent = append(g.recent, t)
	} else {
		g.recent[g.r.IntN(len(g.recent))] = t
	}
	return t
}

// old returns a token this worker made recently (or a fresh one).
func (g *gen) old() string {
	if len(g.recent) == 0 {
		return g.token()
	}
	return g.recent[g.r.IntN(len(g.recent))]
}

func (g *gen) pick(ss ...string) string { return ss[g.r.IntN(len(ss))] }

// n returns an integer in [lo, hi].
func (g *gen) n(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *gen) ns(lo, hi int) string { return strconv.Itoa(g.n(lo, hi)) }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// expireAt returns an absolute expiry time in unix ms: mostly within the
// next few hundred milliseconds (keys expire while the workload runs),
// sometimes in the past, sometimes far away.
func (g *gen) expireAt() string {
	now := g.now().UnixMilli()
	switch g.r.IntN(10) {
	case 0:
		return itoa(now - int64(g.n(1, 1000)))
	case 1, 2:
		return itoa(now + 3_600_000 + int64(g.n(0, 1000)))
	}
	return itoa(now + int64(g.n(20, 600)))
}

// farExpireAt is an expiry no run reaches (year 2100), for crash runs.
func (g *gen) farExpireAt() string { return itoa(4102444800000 + int64(g.n(0, 1_000_000))) }

// genericCmd returns a random command valid on a key of any type: the
// keys family of commands (DEL, EXISTS, TYPE, expiry).
func genericCmd(g *gen, key string) []string {
	switch g.r.IntN(9) {
	case 0:
		return []string{"DEL", key}
	case 1:
		return []string{"EXISTS", key}
	case 2:
		return []string{"TYPE", key}
	case 3, 4:
		return []string{"PEXPIREAT", key, g.expireAt()}
	case 5:
		return []string{"PERSIST", key}
	case 6:
		return []string{"PTTL", key}
	case 7:
		return []string{"PEXPIRETIME", key}
	}
	return []string{"TYPE", key}
}
