package stress

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// Figures: what a run of the harness checked, printed on its last lines
// (TestMain) and, with KEVY_STRESS_FIGURES=path, appended to that file as
// one JSON line.

type figures struct {
	rounds        atomic.Int64 // workload rounds run
	ops           atomic.Int64 // operations checked for linearizability
	objects       atomic.Int64 // per-object histories checked
	inconclusive  atomic.Int64 // histories porcupine gave up on (timeout)
	observations  atomic.Int64 // multi-key invariant observations (totals, all-or-nothing)
	crashCycles   atomic.Int64 // kill -9 cycles survived
	ackedVerified atomic.Int64 // acknowledged writes found after a crash
	tornInFlight  atomic.Int64 // in-flight cross-shard transactions found half-applied after a crash
	tails         atomic.Int64 // torn or corrupted tails reopened
	closeCalls    atomic.Int64 // calls racing Close that returned a result or ErrClosed
	cancelled     atomic.Int64 // calls cut short by their context
	blockedElems  atomic.Int64 // elements conserved through abandoned blocking pops
	droppedQueued atomic.Int64 // elements dropped by pops cancelled while still queued (documented)
	pubsubMsgs    atomic.Int64 // pub/sub messages published under slow subscribers
	diskFaults    atomic.Int64 // writes refused with MISCONF during injected disk faults
	recoveries    atomic.Int64 // logs recovered after a disk fault cleared
	defectsCaught atomic.Int64 // deliberate engine defects the checks caught
	started       time.Time
}

var fig = &figures{started: time.Now()}

// snapshot returns the figures by name, for printing and JSON.
func (f *figures) snapshot() map[string]int64 {
	return map[string]int64{
		"rounds":                   f.rounds.Load(),
		"ops_checked":              f.ops.Load(),
		"histories_checked":        f.objects.Load(),
		"histories_inconclusive":   f.inconclusive.Load(),
		"invariant_observations":   f.observations.Load(),
		"crash_cycles":             f.crashCycles.Load(),
		"acked_writes_verified":    f.ackedVerified.Load(),
		"torn_inflight_tx":         f.tornInFlight.Load(),
		"tails_reopened":           f.tails.Load(),
		"calls_racing_close":       f.closeCalls.Load(),
		"calls_cancelled":          f.cancelled.Load(),
		"blocking_elems_conserved": f.blockedElems.Load(),
		"pops_dropped_queued":      f.droppedQueued.Load(),
		"pubsub_messages":          f.pubsubMsgs.Load(),
		"misconf_writes":           f.diskFaults.Load(),
		"log_recoveries":           f.recoveries.Load(),
		"defects_caught":           f.defectsCaught.Load(),
	}
}

// print writes the figures; the last line is a one-line summary.
func (f *figures) print(w io.Writer) {
	s := f.snapshot()
	fmt.Fprintf(w, "stress figures (%s):\n", time.Since(f.started).Round(time.Second))
	for _, k := range []string{"rounds", "ops_checked", "histories_checked", "histories_inconclusive",
		"invariant_observations", "crash_cycles", "acked_writes_verified", "torn_inflight_tx", "tails_reopened",
		"calls_racing_close", "calls_cancelled", "blocking_elems_conserved", "pops_dropped_queued", "pubsub_messages", "misconf_writes",
		"log_recoveries", "defects_caught"} {
		fmt.Fprintf(w, "  %-26s %d\n", k, s[k])
	}
	fmt.Fprintf(w, "stress: %d ops checked in %d histories, %d crash cycles survived, %d acknowledged writes verified\n",
		s["ops_checked"], s["histories_checked"], s["crash_cycles"], s["acked_writes_verified"])
}

// appendJSON appends the figures as one JSON line to path.
func (f *figures) appendJSON(path string) error {
	s := f.snapshot()
	rec := map[string]any{"time": time.Now().Format(time.RFC3339), "seconds": int(time.Since(f.started).Seconds()), "figures": s}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := file.Write(append(b, '\n')); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
