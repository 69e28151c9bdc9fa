// Command compare measures kevy's engines against their peers, side by
// side in one run: kevy's actor engine and its lock-based twin, miniredis
// (direct API), go-redis against a local redis-server (when installed), a
// map behind a sync.RWMutex and a bare channel round trip.
//
//	cd bench && go run ./cmd/compare [-ops GET,SET] [-goroutines 1,64] [-out chart.svg]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/bench/compare"
	"github.com/kevydb/kevy/internal/benchkit"
)

func main() {
	ops := flag.String("ops", "GET,SET,MIX,INCR,HSET,HGET,LPUSH,LPOP,ZADD,ZSCORE,MGET10,PIPE64", "workloads")
	gor := flag.String("goroutines", "1,64", "goroutine counts")
	dur := flag.Duration("duration", 300*time.Millisecond, "measuring time per cell and round")
	rounds := flag.Int("rounds", 3, "rounds (medians are reported)")
	keys := flag.Int("keys", 100000, "keys in the keyspace")
	shards := flag.Int("shards", 0, "kevy shards (0 = GOMAXPROCS)")
	out := flag.String("out", "", "write an SVG chart here")
	flag.Parse()

	targets := []benchkit.Target{
		benchkit.KevyTarget("kevy-actor", kevy.Config{Shards: *shards}),
		benchkit.KevyTarget("kevy-locked", kevy.Config{Shards: *shards, Engine: kevy.EngineLocked}),
		compare.Miniredis(),
	}
	if _, err := exec.LookPath("redis-server"); err == nil {
		srv, err := compare.StartRedis()
		if err != nil {
			fmt.Fprintln(os.Stderr, "redis-server:", err)
		} else {
			defer srv.Stop()
			targets = append(targets, compare.GoRedis(srv.Addr))
		}
	}
	targets = append(targets, benchkit.FloorTargets()...)
	var names []string
	for _, t := range targets {
		names = append(names, t.Name)
	}
	var gs []int
	for _, g := range strings.Split(*gor, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(g))
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "bad goroutine count", g)
			os.Exit(2)
		}
		gs = append(gs, n)
	}
	fmt.Printf("compare: %s, GOMAXPROCS=%d, %d keys, %d rounds of %v per cell; medians, ns/op\n",
		runtime.Version(), runtime.GOMAXPROCS(0), *keys, *rounds, *dur)
	cells, err := benchkit.Run(context.Background(), benchkit.Options{
		Targets: targets, Workloads: strings.Split(*ops, ","), Goroutines: gs,
		Duration: *dur, Rounds: *rounds, Keys: *keys,
		Progress: func(done, total int, what string) {
			fmt.Fprintf(os.Stderr, "\r[%3d/%3d] %-60s", done, total, what)
			if done == total {
				fmt.Fprintln(os.Stderr)
			}
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	benchkit.Table(os.Stdout, cells, names, "kevy-actor")
	if *out != "" {
		f, err := os.Create(*out)
		if err == nil {
			err = benchkit.SVG(f, cells, names, "kevy and peers, median ns/op")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
