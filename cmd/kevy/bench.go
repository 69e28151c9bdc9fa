package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/benchkit"
)

func runBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	ops := fs.String("ops", "GET,SET,MIX,MGET10,PIPE64", "workloads: GET,SET,MIX,INCR,HSET,HGET,LPUSH,LPOP,ZADD,ZSCORE,MGET10,PIPE64")
	gor := fs.String("goroutines", "1,64", "comma-separated goroutine counts")
	engines := fs.String("engines", "actor,locked", "engines to compare: actor,locked")
	floors := fs.Bool("floors", true, "also measure the floors (RWMutex map, bare channel round trip)")
	dur := fs.Duration("duration", 300*time.Millisecond, "measuring time per cell and round")
	durable := fs.Bool("durable", true, "also compare durable writes (SET under FsyncAlways in a temporary directory)")
	rounds := fs.Int("rounds", 3, "rounds (the table shows medians)")
	keys := fs.Int("keys", 100000, "keys in the keyspace")
	shards := fs.Int("shards", 0, "shards (0 = GOMAXPROCS)")
	out := fs.String("out", "", "also write an SVG chart to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var targets []benchkit.Target
	var names []string
	for _, e := range strings.Split(*engines, ",") {
		var eng kevy.Engine
		switch strings.TrimSpace(e) {
		case "actor":
			eng = kevy.EngineActor
		case "locked":
			eng = kevy.EngineLocked
		default:
			return fmt.Errorf("unknown engine %q", e)
		}
		name := "kevy-" + eng.String()
		targets = append(targets, benchkit.KevyTarget(name, kevy.Config{Engine: eng, Shards: *shards}))
		names = append(names, name)
	}
	if *floors {
		for _, t := range benchkit.FloorTargets() {
			targets = append(targets, t)
			names = append(names, t.Name)
		}
	}
	var gs []int
	for _, g := range strings.Split(*gor, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(g))
		if err != nil || n < 1 {
			return fmt.Errorf("bad goroutine count %q", g)
		}
		gs = append(gs, n)
	}
	opts := benchkit.Options{
		Targets:    targets,
		Workloads:  strings.Split(*ops, ","),
		Goroutines: gs,
		Duration:   *dur,
		Rounds:     *rounds,
		Keys:       *keys,
		Progress: func(done, total int, what string) {
			fmt.Fprintf(os.Stderr, "\r\033[K[%3d/%3d] %s", done, total, what)
			if done == total {
				fmt.Fprintln(os.Stderr)
			}
		},
	}
	fmt.Printf("kevy bench: %s, GOMAXPROCS=%d, %d keys, %d rounds of %v per cell; medians\n",
		runtime.Version(), runtime.GOMAXPROCS(0), *keys, *rounds, *dur)
	cells, err := benchkit.Run(context.Background(), opts)
	if err != nil {
		return err
	}
	base := names[len(names)-1]
	for _, n := range names {
		if n == "kevy-locked" {
			base = n
		}
	}
	benchkit.Table(os.Stdout, cells, names, base)
	if *durable {
		if err := benchDurable(opts, *shards); err != nil {
			return err
		}
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		if err := benchkit.SVG(f, cells, names, "kevy engines, median ns/op ("+runtime.Version()+")"); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Println("chart written to", *out)
	}
	return nil
}

// benchDurable compares SET under FsyncAlways: the actor engine's group
// commit (one fsync per batch) against the lock-based twin's fsync per
// write.
func benchDurable(opts benchkit.Options, shards int) error {
	var names []string
	var targets []benchkit.Target
	var dirs []string
	for _, eng := range []kevy.Engine{kevy.EngineActor, kevy.EngineLocked} {
		dir, err := os.MkdirTemp("", "kevy-bench-durable-")
		if err != nil {
			return err
		}
		dirs = append(dirs, dir)
		name := "kevy-" + eng.String() + "-always"
		targets = append(targets, benchkit.KevyTarget(name, kevy.Config{Engine: eng, Shards: shards, Dir: dir, Fsync: kevy.FsyncAlways}))
		names = append(names, name)
	}
	defer func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}()
	opts.Targets = targets
	opts.Workloads = []string{"SET"}
	opts.Keys = 1000
	fmt.Println("\ndurable writes: SET with Fsync: FsyncAlways (each write on disk before it is acknowledged)")
	cells, err := benchkit.Run(context.Background(), opts)
	if err != nil {
		return err
	}
	benchkit.Table(os.Stdout, cells, names, names[1])
	return nil
}
