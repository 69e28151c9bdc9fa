package stress

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/shard"
)

// The child role of the crash tests: the test binary, re-executed with
// childEnv set to a childConfig, opens the data directory and runs
// writers that own their keys, announcing each operation on stdout before
// it starts (an intent) and after it was acknowledged (an ack), until the
// parent kills it with SIGKILL. One write(2) per line: a line the parent
// reads was written whole.

// childEnv carries the child's configuration (JSON).
const childEnv = "KEVY_STRESS_CHILD"

type childConfig struct {
	Dir     string `json:"dir"`
	Engine  int    `json:"engine"`
	Shards  int    `json:"shards"`
	Fsync   int    `json:"fsync"`
	Seed    uint64 `json:"seed"`
	Cycle   int    `json:"cycle"`
	Workers int    `json:"workers"`
}

// event is one line of the child's output.
type event struct {
	E string   `json:"e"`           // "I" intent, "A" ack, "R" ready
	W int      `json:"w,omitempty"` // writer
	S int      `json:"s,omitempty"` // the writer's sequence number
	A []string `json:"a,omitempty"` // intent: the operation (crashOp's form)
	R string   `json:"r,omitempty"` // ack: the canonical reply
	T int64    `json:"t,omitempty"` // wall clock, unix ms: just before the call (intent), just after it (ack)
}

// crashKeys is the keyspace of one crash writer: keys of every family,
// three accounts and a three-key MSET group, all in database db.
type crashKeys struct {
	db    int
	keys  []lkey // single keys, each of family fam
	accts []string
	group []string
}

// crashLayout gives every writer its own keys, spread over the shards.
func crashLayout(nshards, writers int, fams []*family) []crashKeys {
	r := shard.NewRouter(nshards)
	out := make([]crashKeys, writers)
	for w := range out {
		ck := crashKeys{db: dbs[w%2]}
		for _, f := range fams {
			for i := 0; i < 2; i++ {
				name := f.prefix + ":c" + strconv.Itoa(w) + ":" + strconv.Itoa(i)
				ck.keys = append(ck.keys, lkey{db: ck.db, name: name, fam: f, obj: keyObj + strconv.Itoa(ck.db) + "/" + name})
			}
		}
		for j := 0; j < 3; j++ {
			ck.accts = append(ck.accts, keyOn(r, "x"+strconv.Itoa(w)+":"+strconv.Itoa(j)+":", (w+j*nshards/3)%nshards))
			ck.group = append(ck.group, keyOn(r, "y"+strconv.Itoa(w)+":"+strconv.Itoa(j)+":", (w+1+j*nshards/3)%nshards))
		}
		out[w] = ck
	}
	return out
}

// crashChild runs the child role; it returns the exit code.
func crashChild() int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "child: config:", err)
		return 2
	}
	db, err := kevy.Open(kevy.Config{Dir: cfg.Dir, Engine: kevy.Engine(cfg.Engine), Shards: cfg.Shards,
		Fsync: kevy.FsyncPolicy(cfg.Fsync)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		return 2
	}
	fams, _ := activeFamilies()
	layout := crashLayout(cfg.Shards, cfg.Workers, fams)
	var mu sync.Mutex
	emit := func(ev event) {
		b, _ := json.Marshal(ev)
		mu.Lock()
		defer mu.Unlock()
		if _, err := os.Stdout.Write(append(b, '\n')); err != nil {
			os.Exit(3) // the parent is gone
		}
	}
	emit(event{E: "R"})
	var wg sync.WaitGroup
	for w := 0; w < cfg.Workers; w++ {
		wg.Go(func() {
			if err := childWriter(db, cfg, w, layout[w], emit); err != nil {
				fmt.Fprintf(os.Stderr, "child: writer %d: %v\n", w, err)
				os.Exit(4)
			}
		})
	}
	// The parent kills the child; this is a backstop if it does not.
	time.Sleep(2 * time.Minute)
	fmt.Fprintln(os.Stderr, "child: not killed after 2 minutes")
	return 5
}

// childWriter runs one writer's operations forever.
func childWriter(db *kevy.Store, cfg childConfig, w int, ck crashKeys, emit func(event)) error {
	ctx := context.Background()
	c := db.Conn()
	if err := c.Select(ctx, ck.db); err != nil {
		return err
	}
	g := newGen(cfg.Seed, w)
	g.id = cfg.Cycle*100 + w // tokens unique across cycles
	for seq := 1; ; seq++ {
		op := crashOp(g, ck)
		emit(event{E: "I", W: w, S: seq, A: op, T: time.Now().UnixMilli()})
		rep := runCrashOp(ctx, c, ck, op)
		if classify(rep) != fateReply {
			return fmt.Errorf("%q: %s", op, rep.Str)
		}
		emit(event{E: "A", W: w, S: seq, R: canon(rep), T: time.Now().UnixMilli()})
		switch {
		case w == 0 && seq%150 == 0:
			c.Exec(ctx, "BGREWRITEAOF") // kills land in rewrites too; "already in progress" is fine
		case w == 1 && seq%150 == 75:
			c.Exec(ctx, "BGSAVE") // and in snapshots
		}
	}
}

// crashOp draws a writer's next operation: a write on one of its keys
// (the family's write generator), a transfer between two of its accounts,
// or an MSET of its group. Multi-key operations are written XFER i j x
// and MSET token.
func crashOp(g *gen, ck crashKeys) []string {
	switch x := g.r.IntN(10); {
	case x == 0:
		i := g.r.IntN(len(ck.accts))
		j := (i + 1 + g.r.IntN(len(ck.accts)-1)) % len(ck.accts)
		return []string{"XFER", strconv.Itoa(i), strconv.Itoa(j), g.ns(1, 20)}
	case x == 1:
		return []string{"MSET", g.token()}
	}
	k := ck.keys[g.r.IntN(len(ck.keys))]
	switch g.r.IntN(12) {
	case 0: // an expiry that passes while the child runs, or after the kill
		return []string{"PEXPIREAT", k.name, itoa(time.Now().UnixMilli() + int64(g.n(20, 400)))}
	case 1: // which replay must not apply early: the key outlives it
		return []string{"PERSIST", k.name}
	}
	return k.fam.write(g, k.name)
}

// runCrashOp executes op on c.
func runCrashOp(ctx context.Context, c *kevy.Conn, ck crashKeys, op []string) kevy.Reply {
	switch op[0] {
	case "XFER":
		i, _ := strconv.Atoi(op[1])
		j, _ := strconv.Atoi(op[2])
		c.Exec(ctx, "MULTI")
		c.Exec(ctx, "INCRBY", ck.accts[i], "-"+op[3])
		c.Exec(ctx, "INCRBY", ck.accts[j], op[3])
		return c.Exec(ctx, "EXEC")
	case "MSET":
		args := []string{"MSET"}
		for _, k := range ck.group {
			args = append(args, k, op[1])
		}
		return c.Exec(ctx, args...)
	}
	return c.Exec(ctx, op...)
}

// crashSubOps decomposes an operation into single-key writes, as the
// model applies them: a key name and the command on it.
func crashSubOps(ck crashKeys, op []string) (keys []string, cmds [][]string) {
	switch op[0] {
	case "XFER":
		i, _ := strconv.Atoi(op[1])
		j, _ := strconv.Atoi(op[2])
		return []string{ck.accts[i], ck.accts[j]},
			[][]string{{"INCRBY", ck.accts[i], "-" + op[3]}, {"INCRBY", ck.accts[j], op[3]}}
	case "MSET":
		for _, k := range ck.group {
			keys = append(keys, k)
			cmds = append(cmds, []string{"SET", k, op[1]})
		}
		return keys, cmds
	}
	return []string{op[1]}, [][]string{op}
}
