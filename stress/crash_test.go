package stress

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/require"
)

// TestCrashRecovery: kill -9 cycles. A child process (this test binary,
// see crash_child_test.go) writes through several writers, each owning
// its keys; the parent kills it with SIGKILL after a random number of
// acknowledgements, damages the log tail on some cycles (tails_test.go),
// reopens the directory (with the other engine every other cycle) and
// checks that every key holds exactly what the model says: every
// acknowledged write, plus, for each writer, possibly the one it had in
// flight (a multi-key one possibly on some of its shards only: each shard
// logs its own part). Under FsyncAlways and FsyncEverySec alike a process
// crash must lose nothing acknowledged: kevy writes to the OS before it
// acknowledges.
func TestCrashRecovery(t *testing.T) {
	k, fams := setup(t)
	type cfg struct {
		e      kevy.Engine
		fsync  kevy.FsyncPolicy
		shards int
	}
	all := []cfg{{kevy.EngineActor, kevy.FsyncAlways, 7}, {kevy.EngineActor, kevy.FsyncEverySec, 2},
		{kevy.EngineLocked, kevy.FsyncAlways, 64}, {kevy.EngineLocked, kevy.FsyncEverySec, 1}}
	var cfgs []cfg
	for _, c := range all {
		for _, e := range k.engines {
			if c.e == e {
				cfgs = append(cfgs, c)
			}
		}
	}
	k.schedule(len(cfgs), func(r, i int) bool {
		c := cfgs[i]
		fsync := map[kevy.FsyncPolicy]string{kevy.FsyncAlways: "always", kevy.FsyncEverySec: "everysec"}[c.fsync]
		return t.Run(fmt.Sprintf("%s/fsync=%s/shards=%d/round=%d", engineName(c.e), fsync, c.shards, r), func(t *testing.T) {
			cr := &crashRun{t: t, k: k, fams: fams, dir: t.TempDir(), engine: c.e, fsync: c.fsync, shards: c.shards,
				seed: k.roundSeed(r), model: map[string]kstate{}, writers: 4}
			cr.layout = crashLayout(c.shards, cr.writers, fams)
			t.Cleanup(cr.saveOnFailure)
			for cycle := 0; cycle < k.crashCycles; cycle++ {
				cr.cycle(cycle)
			}
		})
	})
}

// crashRun is one directory's series of kill -9 cycles.
type crashRun struct {
	t       *testing.T
	k       knobs
	fams    []*family
	dir     string
	engine  kevy.Engine
	fsync   kevy.FsyncPolicy
	shards  int
	seed    uint64
	writers int
	layout  []crashKeys
	model   map[string]kstate // obj -> state, as last verified
	last    []writerLog       // the last cycle's logs, kept for failure reports
}

// saveOnFailure keeps the data directory and the last cycle's writer
// logs under failDir when the test failed.
func (cr *crashRun) saveOnFailure() {
	if !cr.t.Failed() {
		return
	}
	base := filepath.Join(failDir(), fmt.Sprintf("%s-seed%d-%s", sanitize(cr.t.Name()), cr.seed, time.Now().Format("20060102-150405")))
	if err := copyTree(cr.dir, base+".data"); err != nil {
		cr.t.Logf("could not keep the data directory: %v", err)
		return
	}
	b, err := json.MarshalIndent(map[string]any{"last": cr.last, "model": cr.model}, "", " ")
	if err == nil {
		err = os.WriteFile(base+".json", b, 0o644)
	}
	if err != nil {
		cr.t.Logf("could not save the writer logs: %v", err)
		return
	}
	cr.t.Logf("kept the data directory in %s.data and the writers' operations in %s.json", base, base)
}

// writerLog is what the parent heard from one writer in one cycle.
type writerLog struct {
	Intents [][]string       `json:"intents"` // by sequence number - 1
	Acks    map[int]string   `json:"acks"`    // sequence number -> canonical reply
	Times   map[int][2]int64 `json:"times"`   // sequence number -> [intent, ack] wall clock, unix ms
}

// cycle runs one child to its death and checks the directory after.
func (cr *crashRun) cycle(n int) {
	t := cr.t
	rng := rand.New(rand.NewPCG(cr.seed, uint64(n)))
	logs := cr.runChild(n, 50+rng.IntN(400))
	cr.last = logs
	switch n % 3 {
	case 1:
		tearTail(t, cr.dir, cr.shards, rng)
	case 2:
		corruptMiddle(t, cr.dir, cr.shards, rng, kevy.Config{Engine: cr.engine, Shards: cr.shards})
	}
	engine := cr.engine
	if n%2 == 1 { // the other engine reads what this one wrote
		engine = kevy.EngineActor + kevy.EngineLocked - cr.engine
	}
	db, err := kevy.Open(kevy.Config{Dir: cr.dir, Engine: engine, Shards: cr.shards, Fsync: cr.fsync})
	require.NoError(t, err, "reopen after kill -9 (cycle %d)", n)
	defer func() { require.NoError(t, db.Close()) }()
	acked := cr.verify(db, logs, n)
	fig.crashCycles.Add(1)
	fig.ackedVerified.Add(int64(acked))
	t.Logf("cycle %d: %d acknowledged writes verified after kill -9", n, acked)
}

// runChild starts a child, kills it after target acknowledgements, and
// returns what each writer announced.
func (cr *crashRun) runChild(n, target int) []writerLog {
	t := cr.t
	cfg, err := json.Marshal(childConfig{Dir: cr.dir, Engine: int(cr.engine), Shards: cr.shards, Fsync: int(cr.fsync),
		Seed: cr.seed + uint64(n), Cycle: n, Workers: cr.writers})
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(cfg))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// A watchdog, not coordination: a child that stops acknowledging is a
	// hang, reported as a failure rather than left to the test timeout.
	var hung bool
	watchdog := time.AfterFunc(2*time.Minute, func() { hung = true; _ = cmd.Process.Kill() })
	defer watchdog.Stop()

	logs := make([]writerLog, cr.writers)
	for i := range logs {
		logs[i].Acks = map[int]string{}
		logs[i].Times = map[int][2]int64{}
	}
	acks, killed := 0, false
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("child said %q: %v", sc.Text(), err)
		}
		switch ev.E {
		case "I":
			require.Equal(t, len(logs[ev.W].Intents)+1, ev.S, "intents in order")
			logs[ev.W].Intents = append(logs[ev.W].Intents, ev.A)
			logs[ev.W].Times[ev.S] = [2]int64{ev.T, math.MaxInt64}
		case "A":
			logs[ev.W].Acks[ev.S] = ev.R
			logs[ev.W].Times[ev.S] = [2]int64{logs[ev.W].Times[ev.S][0], ev.T}
			acks++
		}
		if acks >= target && !killed {
			killed = true
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		}
	}
	err = cmd.Wait()
	require.False(t, hung, "the child stopped acknowledging (cycle %d); stderr:\n%s", n, stderr.String())
	require.True(t, killed, "the child exited by itself (%v); stderr:\n%s", err, stderr.String())
	return logs
}

// verify compares the reopened store with the model and moves the model
// to the recovered state. It returns the number of acknowledged writes.
// The model keeps, per key, the set of states it may be in (a write at
// the edge of an expiry may go either way); each operation runs between
// its intent's and its acknowledgement's wall-clock times.
func (cr *crashRun) verify(db *kevy.Store, logs []writerLog, n int) int {
	t := cr.t
	ctx := context.Background()
	conns := map[int]*kevy.Conn{}
	for _, d := range dbs[:2] {
		c := db.Conn()
		require.NoError(t, c.Select(ctx, d))
		conns[d] = c
	}
	acked := 0
	lingering := map[string]bool{}
	for w, lg := range logs {
		ck := cr.layout[w]
		obj := func(key string) string { return keyObj + strconv.Itoa(ck.db) + "/" + key }
		states := map[string][]kstate{}
		get := func(key string) []kstate {
			if st, ok := states[key]; ok {
				return st
			}
			return []kstate{cr.model[obj(key)]}
		}
		before := map[string][]kstate{} // keys of the op in flight: their states without it
		var inflight []string
		for i, op := range lg.Intents {
			seq := i + 1
			reply, ok := lg.Acks[seq]
			keys, cmds := crashSubOps(ck, op)
			lo, hi := lg.Times[seq][0], lg.Times[seq][1]
			if !ok {
				require.Equal(t, len(lg.Intents), seq, "only the last operation may be unacknowledged")
				inflight, hi = keys, math.MaxInt64
			} else {
				acked++
			}
			for j, key := range keys {
				var next []kstate
				for _, st := range get(key) {
					outs := apply(st, cmds[j], lo, hi)
					if ok && len(keys) == 1 {
						outs = accepted(outs, reply)
					}
					for _, o := range outs {
						next = addState(next, o.next)
					}
				}
				require.NotEmpty(t, next, "writer %d op %d %q answered %s, which the model does not allow from %v",
					w, seq, op, reply, get(key))
				if !ok {
					before[key] = get(key)
					for _, st := range before[key] {
						next = addState(next, st)
					}
				}
				states[key] = next
			}
		}
		applied := 0
		all := append(append(keyNames(ck.keys), ck.accts...), ck.group...)
		for _, key := range all {
			lo := time.Now().UnixMilli()
			got, err := readState(ctx, conns[ck.db], key)
			require.NoError(t, err)
			hi := time.Now().UnixMilli()
			var want []kstate
			for _, st := range get(key) {
				for _, s := range preStates(st, lo, hi) {
					want = addState(want, s)
				}
				if st.Exp != 0 {
					lingering[obj(key)] = true // expired, perhaps not reaped yet: DBSIZE may count it
				}
			}
			require.Contains(t, want, got, "cycle %d, writer %d, key %s: recovered %s; the model allows %v (in flight: %q)",
				n, w, key, got, want, lastIntent(lg))
			if b, pending := before[key]; pending && !slices.Contains(b, got) {
				applied++
			}
			cr.model[obj(key)] = got
		}
		if len(inflight) > 1 && applied > 0 && applied < len(inflight) {
			fig.tornInFlight.Add(1)
			t.Logf("cycle %d: writer %d's in-flight %q was recovered on %d of its %d keys (each shard logs its own part)",
				n, w, lastIntent(lg), applied, len(inflight))
		}
	}
	cr.checkDBSize(ctx, conns, lingering)
	return acked
}

func addState(set []kstate, s kstate) []kstate {
	if slices.Contains(set, s) {
		return set
	}
	return append(set, s)
}

// checkDBSize: no key exists that the model does not know of. DBSIZE
// counts expired keys not reaped yet, as Redis's does: lingering names the
// keys that may be such. A key read alive whose expiry has passed since
// may be gone (reaped) by the time DBSIZE counts.
func (cr *crashRun) checkDBSize(ctx context.Context, conns map[int]*kevy.Conn, lingering map[string]bool) {
	for d, c := range conns {
		n, err := c.DBSize(ctx)
		require.NoError(cr.t, err)
		now := time.Now().UnixMilli()
		want, maybe, gone := int64(0), int64(0), int64(0)
		for obj, st := range cr.model {
			if !strings.HasPrefix(obj, keyObj+strconv.Itoa(d)+"/") {
				continue
			}
			switch {
			case st.T != tNone && st.Exp != 0 && st.Exp <= now:
				want++
				gone++
			case st.T != tNone:
				want++
			case lingering[obj]:
				maybe++
			}
		}
		require.True(cr.t, n >= want-gone && n <= want+maybe,
			"database %d holds %d keys; the model has %d (%d of them expired since they were read), and %d expired ones may linger",
			d, n, want, gone, maybe)
	}
}

func accepted(outs []outcome, reply string) []outcome {
	var ok []outcome
	for _, o := range outs {
		if o.accepts(reply) {
			ok = append(ok, o)
		}
	}
	return ok
}

func keyNames(ks []lkey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.name
	}
	return out
}

func lastIntent(lg writerLog) []string {
	if len(lg.Intents) == 0 {
		return nil
	}
	return lg.Intents[len(lg.Intents)-1]
}
