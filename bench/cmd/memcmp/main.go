// Command memcmp compares the memory kevy serve and redis-server need for
// the same data (see package memcmp): one fresh pair of processes per
// dataset, a Markdown table of RSS growth, used_memory growth and MEMORY
// USAGE side by side with kevy ÷ redis.
//
//	cd bench && go run ./cmd/memcmp [-data strings,ints,...] [-kevy bin] [-kevy-args "--engine locked"]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/bench/memcmp"
)

func main() {
	data := flag.String("data", "", "datasets, comma-separated (default: all)")
	kevyBin := flag.String("kevy", "", "kevy binary (default: build ../cmd/kevy)")
	kevyArgs := flag.String("kevy-args", "", "extra flags for kevy serve")
	redisBin := flag.String("redis", "redis-server", "redis-server binary")
	n := flag.Int("n", 0, "keys of the string datasets (default 1000000)")
	small := flag.Int("small", 0, "keys of the small-collection datasets (default 20000)")
	elems := flag.Int("elems", 0, "elements per small collection (default 50)")
	large := flag.Int("large", 0, "elements of the large collections (default 1000000)")
	settle := flag.Duration("settle", 2*time.Second, "wait after loading before measuring")
	heap := flag.String("heapprofile", "", "instead: load each dataset into kevy in this process and write a heap profile to <this>.<dataset>.pb.gz")
	flag.Parse()

	if *heap != "" {
		if err := profile(*data, *heap, *n, *small, *elems, *large); err != nil {
			fmt.Fprintln(os.Stderr, "memcmp:", err)
			os.Exit(1)
		}
		return
	}

	if err := run(*data, *kevyBin, *kevyArgs, *redisBin, *n, *small, *elems, *large, *settle); err != nil {
		fmt.Fprintln(os.Stderr, "memcmp:", err)
		os.Exit(1)
	}
}

func pick(data string, n, small, elems, large int) ([]memcmp.Dataset, error) {
	all := memcmp.Datasets(n, small, elems, large)
	if data == "" {
		return all, nil
	}
	var sets []memcmp.Dataset
	for _, name := range strings.Split(data, ",") {
		i := slices.IndexFunc(all, func(d memcmp.Dataset) bool { return d.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("unknown dataset %q", name)
		}
		sets = append(sets, all[i])
	}
	return sets, nil
}

// profile writes an in-use heap profile of each dataset loaded in process.
func profile(data, prefix string, n, small, elems, large int) error {
	sets, err := pick(data, n, small, elems, large)
	if err != nil {
		return err
	}
	for _, ds := range sets {
		path := prefix + "." + ds.Name + ".pb.gz"
		db, err := memcmp.Profile(kevy.Config{}, ds, path)
		if err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", path)
		if err := db.Close(); err != nil {
			return err
		}
	}
	return nil
}

func run(data, kevyBin, kevyArgs, redisBin string, n, small, elems, large int, settle time.Duration) error {
	sets, err := pick(data, n, small, elems, large)
	if err != nil {
		return err
	}
	if kevyBin == "" {
		dir, err := os.MkdirTemp("", "kevy-memcmp-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		kevyBin = filepath.Join(dir, "kevy")
		build := exec.Command("go", "build", "-o", kevyBin, "github.com/kevydb/kevy/cmd/kevy")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building kevy: %w", err)
		}
	}
	extra := strings.Fields(kevyArgs)
	o := memcmp.Options{Settle: settle, Log: os.Stderr}
	descs := map[string]string{}
	var rs, ks []memcmp.Measurement
	for _, ds := range sets {
		descs[ds.Name] = ds.Desc
		r, err := memcmp.Measure("redis-server", func() (*memcmp.Server, error) {
			return memcmp.StartRedis(redisBin)
		}, ds, o)
		if err != nil {
			return err
		}
		k, err := memcmp.Measure("kevy", func() (*memcmp.Server, error) {
			return memcmp.StartKevy(kevyBin, extra...)
		}, ds, o)
		if err != nil {
			return err
		}
		rs, ks = append(rs, r), append(ks, k)
	}
	memcmp.Table(os.Stdout, descs, rs, ks)
	return nil
}
