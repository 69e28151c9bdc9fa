package stress

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/require"
)

// TestMain runs the tests, or the child role of the crash tests when the
// environment asks for it (the test binary re-executes itself), and prints
// the figures on the last lines.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(crashChild())
	}
	code := m.Run()
	fig.print(os.Stdout)
	if path := os.Getenv("KEVY_STRESS_FIGURES"); path != "" {
		if err := fig.appendJSON(path); err != nil {
			fmt.Fprintln(os.Stderr, "stress: writing figures:", err)
		}
	}
	os.Exit(code)
}

// setup skips under -short and returns the knobs and active families.
func setup(t *testing.T) (knobs, []*family) {
	t.Helper()
	if testing.Short() {
		t.Skip("stress tests skip under -short")
	}
	k, err := loadKnobs()
	require.NoError(t, err)
	fams, missing := activeFamilies()
	require.NotEmpty(t, fams)
	if len(missing) > 0 {
		t.Logf("families not covered (commands not registered yet): %s", strings.Join(missing, ", "))
	}
	return k, fams
}

// judge checks a finished round: the workers' errors, the invariants seen
// while running, and the history's linearizability. It closes the store
// and returns a description of what failed ("" when nothing did).
func judge(t *testing.T, k knobs, res *roundResult, visual bool) (failure string, check checkResult) {
	t.Helper()
	var b strings.Builder
	if err := res.db.Close(); err != nil {
		fmt.Fprintf(&b, "Close: %v\n", err)
	}
	if res.workErr != nil {
		fmt.Fprintf(&b, "workload: %v\n", res.workErr)
	}
	for i, n := range res.notes {
		if i == 10 {
			fmt.Fprintf(&b, "... and %d more invariant violations\n", len(res.notes)-10)
			break
		}
		fmt.Fprintf(&b, "invariant: %s\n", n)
	}
	check = checkHistory(res.h, k.checkTimeout, visual)
	fig.rounds.Add(1)
	fig.ops.Add(int64(check.Ops))
	fig.objects.Add(int64(check.Objects))
	if check.TimedOut {
		fig.inconclusive.Add(1)
		t.Logf("linearizability check timed out after %s: inconclusive (KEVY_STRESS_CHECK_TIMEOUT)", k.checkTimeout)
	}
	for i, obj := range check.Illegal {
		if i == 3 {
			fmt.Fprintf(&b, "... and %d more objects\n", len(check.Illegal)-3)
			break
		}
		fmt.Fprintf(&b, "not linearizable: %s; its last operations:\n%s", obj, describeObject(res.h, obj, 25))
		if i == 0 && visual {
			fmt.Fprintf(&b, "where it breaks:\n%s", explain(res.h, obj, 8))
		}
	}
	if check.Visual != "" {
		fmt.Fprintf(&b, "visualization: %s\n", check.Visual)
	}
	return b.String(), check
}

// runJudged runs one round and fails t if anything is wrong, saving the
// history (also after a panic) and saying how to replay it.
func runJudged(t *testing.T, k knobs, rc roundConfig, fams []*family) *roundResult {
	t.Helper()
	var res *roundResult
	defer func() {
		if p := recover(); p != nil {
			msg := fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
			if res != nil {
				msg += "\n" + saveNote(res.h)
			}
			t.Fatal(msg)
		}
	}()
	res, err := runRound(rc, fams)
	if err != nil {
		if res != nil {
			res.db.Close()
		}
		t.Fatalf("round: %v", err)
	}
	failure, check := judge(t, k, res, true)
	if failure != "" {
		t.Fatalf("%s%s", failure, saveNote(res.h))
	}
	// A check the caller makes afterwards may still fail: keep the
	// history (and data directory) then too.
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(saveNote(res.h))
		}
	})
	t.Logf("%d ops in %d histories linearizable; %d calls lost to their context; slowest call %s",
		check.Ops, check.Objects, lostCalls(res.h), slowest(res.h))
	return res
}

// slowest returns the longest time a call of h took (a stall shows here).
func slowest(h *History) time.Duration {
	var d int64
	for _, op := range h.Ops {
		if op.Return >= 0 {
			d = max(d, op.Return-op.Call)
		}
	}
	return time.Duration(d).Round(time.Microsecond)
}

// saveNote saves h and returns the replay instructions.
func saveNote(h *History) string {
	path, err := h.save()
	if err != nil {
		return fmt.Sprintf("(could not save the history: %v)", err)
	}
	return h.replayHint(path)
}

// lostCalls counts the calls of h whose engine gave up on them.
func lostCalls(h *History) int {
	n := 0
	for _, op := range h.Ops {
		if op.Return < 0 {
			n++
		}
	}
	return n
}

// engineName is for subtest names.
func engineName(e kevy.Engine) string { return "engine=" + e.String() }
