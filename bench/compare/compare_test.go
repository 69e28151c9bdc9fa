package compare

import (
	"context"
	"fmt"
	"os/exec"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/benchkit"
)

// TestTargetsRunEveryWorkload is a smoke test: every target completes every
// workload without error.
func TestTargetsRunEveryWorkload(t *testing.T) {
	keys := benchkit.KeyNames(1000)
	targets := []benchkit.Target{
		benchkit.KevyTarget("actor", kevy.Config{}),
		benchkit.KevyTarget("locked", kevy.Config{Engine: kevy.EngineLocked}),
		Miniredis(),
	}
	targets = append(targets, benchkit.FloorTargets()...)
	ctx := context.Background()
	for _, tg := range targets {
		r, err := tg.Setup(keys)
		if err != nil {
			t.Fatalf("%s: %v", tg.Name, err)
		}
		for _, w := range benchkit.Workloads {
			for i := 0; i < 200; i++ {
				if err := r.Op(ctx, w.Name, 0, i); err != nil {
					t.Fatalf("%s %s: %v", tg.Name, w.Name, err)
				}
			}
		}
		r.Close()
	}
}

// BenchmarkCompare measures every target side by side, for benchstat:
//
//	go test -run XXX -bench Compare -count 6 ./compare | tee new.txt
func BenchmarkCompare(b *testing.B) {
	keys := benchkit.KeyNames(100000)
	targets := []benchkit.Target{
		benchkit.KevyTarget("kevy-actor", kevy.Config{}),
		benchkit.KevyTarget("kevy-locked", kevy.Config{Engine: kevy.EngineLocked}),
		Miniredis(),
	}
	targets = append(targets, benchkit.FloorTargets()...)
	if _, err := exec.LookPath("redis-server"); err == nil {
		if srv, err := StartRedis(); err == nil {
			b.Cleanup(srv.Stop)
			targets = append(targets, GoRedis(srv.Addr))
		}
	}
	ctx := context.Background()
	for _, tg := range targets {
		r, err := tg.Setup(keys)
		if err != nil {
			b.Fatalf("%s: %v", tg.Name, err)
		}
		for _, w := range benchkit.Workloads {
			for _, g := range []int{1, 64} {
				b.Run(fmt.Sprintf("target=%s/op=%s/goroutines=%d", tg.Name, w.Name, g), func(b *testing.B) {
					b.ReportAllocs()
					if g == 1 {
						for i := 0; b.Loop(); i++ {
							if err := r.Op(ctx, w.Name, 0, i); err != nil {
								b.Fatal(err)
							}
						}
						return
					}
					b.SetParallelism(g / 2)
					b.RunParallel(func(pb *testing.PB) {
						for i := 0; pb.Next(); i++ {
							if err := r.Op(ctx, w.Name, 0, i*7919); err != nil {
								b.Fatal(err)
							}
						}
					})
				})
			}
		}
		r.Close()
	}
}
