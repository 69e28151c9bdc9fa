package kevy_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
)

// TestFuzzDiff is the differential fuzzer: for every seed, a random
// program of commands (fuzzdiff_gen*_test.go) runs on redis-server and on
// kevy side by side; every reply is compared under the rules of
// fuzzdiff_norm_test.go and the whole keyspace is compared every
// KEVY_FUZZ_DIGEST commands and at the end. A divergence is minimised by
// delta debugging and printed with its seed as redis-cli lines.
//
// Seeds rotate over the engine variants (seed % 4 picks actor/locked ×
// 1/4 shards). The environment tunes it:
//
//	KEVY_FUZZ_SEEDS=n      seeds to run (default 4; 2 with -short)
//	KEVY_FUZZ_FIRST=s      first seed of the range (default 1)
//	KEVY_FUZZ_SEED=s       replay this one seed
//	KEVY_FUZZ_OPS=n        commands per seed (default 5000; 1000 with -short)
//	KEVY_FUZZ_VARIANT=v    run every seed on the variant whose name contains v
//	KEVY_FUZZ_PARALLEL=n   redis-servers and workers (default 2)
//	KEVY_FUZZ_DIGEST=n     commands between keyspace digests (default 100)
//	KEVY_FUZZ_MINIMIZE=d   time budget of the minimiser (default 2m; 0 turns it off)
//	KEVY_FUZZ_KEEPGOING=1  run every seed even after a divergence, report them all
//	KEVY_FUZZ_VERBOSE=1    name every seed on stderr as it starts (a panic on a shard
//	                       goroutine kills the process before the test can report)
//
// A long local session: KEVY_FUZZ_SEEDS=200 KEVY_FUZZ_OPS=5000
// KEVY_FUZZ_KEEPGOING=1 go test -run 'TestFuzzDiff$' -timeout 0 .
func TestFuzzDiff(t *testing.T) {
	o := fuzzOptionsFromEnv(t)
	seeds := o.seedList()
	servers := make([]*redistest.Server, min(o.parallel, len(seeds)))
	for i := range servers {
		servers[i] = redistest.Start(t)
	}
	var (
		mu       sync.Mutex
		total    fzStats
		failures []seedFailure
		stop     atomic.Bool
		wg       sync.WaitGroup
	)
	start := time.Now()
	work := make(chan uint64)
	for _, srv := range servers {
		wg.Go(func() {
			for seed := range work {
				if stop.Load() {
					continue
				}
				v := o.variant(seed)
				if o.verbose {
					// Straight to stderr: a panic on a shard goroutine ends
					// the process before any test log is printed.
					fmt.Fprintf(os.Stderr, "fuzzdiff: seed %d (%s)\n", seed, v.name)
				}
				prog := fuzzProgram(seed, o.ops)
				st, f, err := runFz(srv.Addr, v.cfg, prog, nil, o.digest, true)
				mu.Lock()
				total.Ops += st.Ops
				total.Digests += st.Digests
				if err != nil {
					t.Errorf("fuzzdiff: seed %d: %v", seed, err)
					stop.Store(true)
				}
				if f != nil {
					failures = append(failures, seedFailure{seed: seed, variant: v.name, cfg: v.cfg, prog: prog, f: f, addr: srv.Addr})
					if !o.keepGoing {
						stop.Store(true)
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, s := range seeds {
		work <- s
	}
	close(work)
	wg.Wait()
	t.Logf("fuzzdiff: seeds %d..%d (%d seeds × %d commands), %d commands compared, %d keyspace digests, %d divergent seeds, %v",
		seeds[0], seeds[len(seeds)-1], len(seeds), o.ops, total.Ops, total.Digests, len(failures), time.Since(start).Round(time.Millisecond))
	for i, sf := range failures {
		if i >= 5 {
			t.Errorf("fuzzdiff: %d more divergent seeds not minimised", len(failures)-i)
			break
		}
		t.Error(sf.report(o.minimize))
	}
}

// fuzzOptions are TestFuzzDiff's knobs.
type fuzzOptions struct {
	first     uint64
	seeds     int
	ops       int
	variantIs string
	parallel  int
	digest    int
	minimize  time.Duration
	keepGoing bool
	verbose   bool
}

func fuzzOptionsFromEnv(t *testing.T) fuzzOptions {
	o := fuzzOptions{first: 1, seeds: 4, ops: 5000, parallel: 2, digest: 100, minimize: 2 * time.Minute}
	if testing.Short() {
		o.seeds, o.ops = 2, 1000
	}
	num := func(name string, dst *int) {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				t.Fatalf("%s=%q: want a non-negative integer", name, s)
			}
			*dst = n
		}
	}
	num("KEVY_FUZZ_SEEDS", &o.seeds)
	num("KEVY_FUZZ_OPS", &o.ops)
	num("KEVY_FUZZ_PARALLEL", &o.parallel)
	num("KEVY_FUZZ_DIGEST", &o.digest)
	if s := os.Getenv("KEVY_FUZZ_FIRST"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KEVY_FUZZ_FIRST=%q: %v", s, err)
		}
		o.first = n
	}
	if s := os.Getenv("KEVY_FUZZ_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KEVY_FUZZ_SEED=%q: %v", s, err)
		}
		o.first, o.seeds = n, 1
	}
	if s := os.Getenv("KEVY_FUZZ_MINIMIZE"); s != "" {
		d, err := time.ParseDuration(s)
		if s == "0" {
			d, err = 0, nil
		}
		if err != nil {
			t.Fatalf("KEVY_FUZZ_MINIMIZE=%q: %v", s, err)
		}
		o.minimize = d
	}
	o.variantIs = os.Getenv("KEVY_FUZZ_VARIANT")
	o.keepGoing = os.Getenv("KEVY_FUZZ_KEEPGOING") == "1"
	o.verbose = os.Getenv("KEVY_FUZZ_VERBOSE") == "1"
	if o.seeds < 1 || o.ops < 1 {
		t.Skip("fuzzdiff: nothing to run (KEVY_FUZZ_SEEDS or KEVY_FUZZ_OPS is 0)")
	}
	o.parallel = max(o.parallel, 1)
	return o
}

func (o fuzzOptions) seedList() []uint64 {
	out := make([]uint64, o.seeds)
	for i := range out {
		out[i] = o.first + uint64(i)
	}
	return out
}

// fzVariant is a store configuration to fuzz.
type fzVariant struct {
	name string
	cfg  kevy.Config
}

// variant picks the seed's store configuration.
func (o fuzzOptions) variant(seed uint64) fzVariant {
	if o.variantIs != "" {
		for _, v := range variants {
			if strings.Contains(v.name, o.variantIs) {
				return fzVariant{v.name, v.cfg}
			}
		}
	}
	v := variants[seed%uint64(len(variants))]
	return fzVariant{v.name, v.cfg}
}

// seedFailure is a divergent seed, to be minimised and reported.
type seedFailure struct {
	seed    uint64
	variant string
	cfg     kevy.Config
	prog    []fzOp
	f       *fzFailure
	addr    string
}

// report minimises the failure (within budget) and renders it.
func (sf seedFailure) report(budget time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fuzzdiff: seed %d (%s): %s\n", sf.seed, sf.variant, sf.f)
	if budget > 0 {
		m := minimizeFz(sf.addr, sf.cfg, sf.prog, sf.f, budget)
		fmt.Fprintf(&b, "minimised to %d of %d commands (%d runs, %v%s); on an empty redis-server, redis-cli\n"+
			"(lines marked [2] go to a second connection):\n",
			len(m.idx), sf.f.Op+1, m.runs, m.took.Round(time.Millisecond), m.note)
		for j, i := range m.idx {
			mark := "   "
			if !sf.f.State && j == len(m.idx)-1 {
				mark = "=> "
			}
			fmt.Fprintf(&b, "  %s%s\n", mark, clip(sf.prog[i].String()))
		}
		if m.f != nil {
			fmt.Fprintf(&b, "the minimised program: %s\n", m.f)
		}
	}
	fmt.Fprintf(&b, "replay: KEVY_FUZZ_SEED=%d KEVY_FUZZ_OPS=%d KEVY_FUZZ_VARIANT=%s go test -run 'TestFuzzDiff$' .",
		sf.seed, sf.f.Op+1, sf.variant)
	return b.String()
}
