package kevy_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Crash tests: a child process (this test binary, re-executed) writes
// under FsyncAlways from several goroutines and prints every acknowledged
// operation; the parent kills it with SIGKILL at a random moment, reopens
// the directory and checks that the state is exactly a model's: for each
// writer, every acknowledged operation is there, plus at most the one it
// had in flight. The next cycle continues from there. Children also run
// rewrites and saves at random, so kills land in those too.
//
// KEVY_CRASH_CYCLES sets the number of cycles per engine (default 4 in
// -short mode, 10 otherwise); long runs: KEVY_CRASH_CYCLES=500.

const (
	crashChildEnv = "KEVY_CRASH_CHILD"
	crashWriters  = 6
	crashKeys     = 20
)

// crashOp is operation i of writer w: a deterministic function of (w, i).
func crashOp(w, i int) []string {
	k := fmt.Sprintf("w%d:k%d", w, (i*7)%crashKeys)
	r := rand.New(rand.NewPCG(uint64(w), uint64(i)))
	switch r.IntN(8) {
	case 0, 1:
		return []string{"SET", k, "v" + strconv.Itoa(i)}
	case 2:
		return []string{"INCR", fmt.Sprintf("w%d:n", w)}
	case 3:
		return []string{"DEL", k}
	case 4:
		return []string{"HSET", fmt.Sprintf("w%d:h", w), "f" + strconv.Itoa(i%5), strconv.Itoa(i)}
	case 5:
		return []string{"SADD", fmt.Sprintf("w%d:s", w), strconv.Itoa(i % 11)}
	case 6:
		return []string{"SET", k, strings.Repeat("x", i%300), "PXAT", strconv.FormatInt(4102444800000+int64(i), 10)}
	}
	return []string{"APPEND", k, "+"}
}

// crashModel applies writer w's operations 0..n-1 to a model keyspace in
// rdbKeyspace's rendering ("0/key" → canonical value).
func crashModel(w, n int) map[string]string {
	type val struct {
		typ   string
		str   string
		hash  map[string]string
		set   map[string]bool
		expAt int64
	}
	m := map[string]*val{}
	for i := range n {
		op := crashOp(w, i)
		k := op[1]
		switch op[0] {
		case "SET":
			v := &val{typ: "string", str: op[2]}
			if len(op) == 5 {
				v.expAt, _ = strconv.ParseInt(op[4], 10, 64)
			}
			m[k] = v
		case "INCR":
			n := 0
			if v := m[k]; v != nil {
				n, _ = strconv.Atoi(v.str)
			}
			m[k] = &val{typ: "string", str: strconv.Itoa(n + 1)}
		case "DEL":
			delete(m, k)
		case "HSET":
			if m[k] == nil {
				m[k] = &val{typ: "hash", hash: map[string]string{}}
			}
			m[k].hash[op[2]] = op[3]
		case "SADD":
			if m[k] == nil {
				m[k] = &val{typ: "set", set: map[string]bool{}}
			}
			m[k].set[op[2]] = true
		case "APPEND":
			if m[k] == nil {
				m[k] = &val{typ: "string"}
			}
			m[k].str += op[2]
		}
	}
	out := map[string]string{}
	for k, v := range m {
		var elems []string
		switch v.typ {
		case "string":
			elems = []string{v.str}
		case "hash":
			for f, x := range v.hash {
				elems = append(elems, f+"="+x)
			}
		case "set":
			for x := range v.set {
				elems = append(elems, x)
			}
		}
		sortStrings(elems)
		out["0/"+k] = fmt.Sprintf("%s %q exp=%d", v.typ, elems, v.expAt)
	}
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestCrashChild is the child's body; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("run by TestCrashRecovery")
	}
	// spec: dir engine seed start0,start1,...
	f := strings.Fields(spec)
	eng := kevy.EngineActor
	if f[1] == "locked" {
		eng = kevy.EngineLocked
	}
	seed, _ := strconv.ParseUint(f[2], 10, 64)
	starts := strings.Split(f[3], ",")
	db, err := kevy.Open(kevy.Config{Dir: f[0], Engine: eng, Shards: 3, Fsync: kevy.FsyncAlways})
	if err != nil {
		fmt.Println("open error:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	ack := func(w, i int) {
		mu.Lock()
		fmt.Fprintf(out, "ack %d %d\n", w, i)
		out.Flush()
		mu.Unlock()
	}
	go func() { // rewrites and saves at random moments
		r := rand.New(rand.NewPCG(seed, 1))
		for {
			time.Sleep(time.Duration(r.IntN(30)) * time.Millisecond)
			if r.IntN(2) == 0 {
				_ = db.RewriteAOF(ctx)
			} else {
				_ = db.Save(ctx)
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range crashWriters {
		start, _ := strconv.Atoi(starts[w])
		wg.Go(func() {
			for i := start; ; i++ {
				r := db.Exec(ctx, crashOp(w, i)...)
				if r.Kind == kevy.ReplyError {
					fmt.Println("error:", r.Str)
					os.Exit(3)
				}
				ack(w, i)
			}
		})
	}
	wg.Wait()
}

func crashCycles() int {
	if s := os.Getenv("KEVY_CRASH_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err == nil {
			return n
		}
	}
	if testing.Short() {
		return 4
	}
	return 10
}

func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("child")
	}
	for _, e := range engines {
		t.Run("engine="+e.name, func(t *testing.T) {
			dir := t.TempDir()
			applied := make([]int, crashWriters) // operations in the store, per writer
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			for cycle := range crashCycles() {
				acked := runCrashChild(t, dir, e.name, uint64(cycle), applied, 50+rng.IntN(1500))
				db, err := kevy.Open(kevy.Config{Dir: dir, Engine: e.e, Shards: 3})
				require.NoError(t, err, "cycle %d: reopen", cycle)
				got := exportKeyspace(t, db)
				require.NoError(t, db.Close())
				for w := range crashWriters {
					mine := map[string]string{}
					for k, v := range got {
						if strings.HasPrefix(k, fmt.Sprintf("0/w%d:", w)) {
							mine[k] = v
						}
					}
					n := acked[w]
					switch {
					case equalMaps(mine, crashModel(w, n)):
						applied[w] = n
					case equalMaps(mine, crashModel(w, n+1)):
						applied[w] = n + 1 // the operation in flight made it
					default:
						assert.Equal(t, crashModel(w, n), mine, "cycle %d writer %d: %d operations acknowledged", cycle, w, n)
						t.FailNow()
					}
				}
			}
			t.Logf("%d operations survived %d kills", sum(applied), crashCycles())
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// runCrashChild starts a child writing from applied[w] on, kills it after
// kill acknowledgements, and returns the operations acknowledged per
// writer (all of them, counted from 0).
func runCrashChild(t *testing.T, dir, engine string, seed uint64, applied []int, kill int) []int {
	t.Helper()
	starts := make([]string, len(applied))
	for i, n := range applied {
		starts[i] = strconv.Itoa(n)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d %s", crashChildEnv, dir, engine, seed, strings.Join(starts, ",")))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	acked := append([]int(nil), applied...)
	sc := bufio.NewScanner(stdout)
	seen := 0
	var tail []string
	for sc.Scan() {
		line := sc.Text()
		var w, i int
		if _, err := fmt.Sscanf(line, "ack %d %d", &w, &i); err != nil {
			tail = append(tail, line)
			continue
		}
		acked[w] = i + 1
		if seen++; seen == kill {
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		}
	}
	err = cmd.Wait()
	require.Error(t, err, "the child should have been killed")
	require.Contains(t, err.Error(), "killed", "child output: %v", tail)
	return acked
}
