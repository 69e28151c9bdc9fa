package stress

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/shard"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestBlockingPopsAbandoned: producers push unique elements onto lists on
// different shards while consumers wait on them with BLPOP, BRPOP (on one
// to three lists: multi-shard waits) and BLMOVE, and give up: by their
// timeout, racing the shard that serves them, or by their context ending.
// Afterwards every pushed element must have been popped by exactly one
// consumer or still be in a list: none lost, none duplicated.
//
// One exception is documented behaviour, not a loss in a wait: a call
// whose context ends while its request is still queued at an actor shard
// is abandoned, but the shard may still run it ("cancellation abandons the
// wait, not the command"); a pop run that way finds an element and nobody
// receives it, as with a Redis client that disconnects with its command in
// flight. So under context cancellation on the actor engine, elements
// lost are bounded by the calls cancelled, and counted.
func TestBlockingPopsAbandoned(t *testing.T) {
	k, _ := setup(t)
	if shard.Lookup("blmove") == nil || shard.Lookup("blpop") == nil {
		t.Skip("blocking list commands are not registered yet")
	}
	shards := 7
	if len(k.shards) == 1 {
		shards = k.shards[0]
	}
	type cfg struct {
		e      kevy.Engine
		cancel bool
	}
	var cfgs []cfg
	for _, e := range k.engines {
		cfgs = append(cfgs, cfg{e, false}, cfg{e, true})
	}
	k.schedule(len(cfgs), func(r, i int) bool {
		c := cfgs[i]
		mode := map[bool]string{false: "timeout", true: "cancel"}[c.cancel]
		return t.Run(fmt.Sprintf("%s/shards=%d/abandon=%s/round=%d", engineName(c.e), shards, mode, r), func(t *testing.T) {
			blockRound(t, c.e, shards, c.cancel, k.roundSeed(r), k.round)
		})
	})
}

func blockRound(t *testing.T, e kevy.Engine, shards int, cancel bool, seed uint64, dur time.Duration) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	db, err := kevy.Open(kevy.Config{Engine: e, Shards: shards})
	require.NoError(t, err)
	defer db.Close()
	r := shard.NewRouter(shards)
	lists := make([]string, 6)
	for i := range lists {
		lists[i] = keyOn(r, "bl:"+strconv.Itoa(i)+":", i*shards/len(lists))
	}

	var (
		mu        sync.Mutex
		pushed    = map[string]bool{}
		popped    = map[string]int{}
		cancelled atomic.Int64
		timedOut  atomic.Int64
		stop      atomic.Bool
	)
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := 0; p < 2; p++ {
		wg.Go(func() {
			g := newGen(seed, 100+p)
			for !stop.Load() {
				l := lists[g.r.IntN(len(lists))]
				vals := []any{g.token()}
				if g.chance(0.3) {
					vals = append(vals, g.token())
				}
				_, err := db.RPush(ctx, l, vals...)
				if err != nil {
					t.Errorf("RPUSH: %v", err)
					return
				}
				mu.Lock()
				for _, v := range vals {
					pushed[v.(string)] = true
				}
				mu.Unlock()
				// Pacing, not coordination: keep the lists mostly empty so
				// that consumers wait, time out and give up.
				time.Sleep(time.Duration(g.r.IntN(600)) * time.Microsecond)
			}
		})
	}
	for c := 0; c < 12; c++ {
		wg.Go(func() {
			g := newGen(seed, 200+c)
			for !stop.Load() {
				keys := []string{lists[g.r.IntN(len(lists))]}
				for n := g.r.IntN(3); n > 0; n-- {
					keys = append(keys, lists[g.r.IntN(len(lists))])
				}
				keys = dedupe(keys)
				timeout := time.Duration(g.n(5, 100)) * time.Millisecond
				cctx, stopCtx := ctx, context.CancelFunc(func() {})
				if cancel {
					timeout = 0 // forever: only the context ends the wait
					cctx, stopCtx = context.WithTimeout(ctx, time.Duration(g.r.IntN(20_000))*time.Microsecond)
				}
				var got string
				var err error
				switch g.r.IntN(3) {
				case 0:
					var kv []string
					kv, err = db.BLPop(cctx, timeout, keys...)
					if err == nil {
						got = kv[1]
					}
				case 1:
					var kv []string
					kv, err = db.BRPop(cctx, timeout, keys...)
					if err == nil {
						got = kv[1]
					}
				default: // moved, not popped: still in some list
					_, err = db.BLMove(cctx, keys[0], lists[g.r.IntN(len(lists))], "LEFT", g.pick("LEFT", "RIGHT"), timeout)
				}
				stopCtx()
				switch {
				case err == nil:
				case errors.Is(err, kevy.Nil):
					timedOut.Add(1)
				case errors.Is(err, context.DeadlineExceeded):
					cancelled.Add(1)
				default:
					t.Errorf("blocking pop: %v", err)
					return
				}
				if got != "" {
					mu.Lock()
					popped[got]++
					mu.Unlock()
				}
			}
		})
	}
	time.AfterFunc(dur, func() { stop.Store(true) })
	wg.Wait()

	remaining := map[string]int{}
	for _, l := range lists {
		vals, err := db.LRange(ctx, l, 0, -1)
		require.NoError(t, err)
		for _, v := range vals {
			remaining[v]++
		}
	}
	var lost, dup, unknown int
	for v := range pushed {
		n := popped[v] + remaining[v]
		switch {
		case n == 0:
			lost++
		case n > 1:
			dup++
			t.Errorf("element %s seen %d times (popped %d, in lists %d)", v, n, popped[v], remaining[v])
		}
	}
	for v := range popped {
		if !pushed[v] {
			unknown++
		}
	}
	require.Zero(t, dup, "duplicated elements")
	require.Zero(t, unknown, "popped elements nobody pushed")
	t.Logf("%d elements pushed, %d popped, %d left; %d waits timed out, %d cancelled; %d lost",
		len(pushed), len(popped), len(remaining), timedOut.Load(), cancelled.Load(), lost)
	if cancel && e == kevy.EngineActor {
		require.LessOrEqual(t, int64(lost), cancelled.Load(), "more elements lost than calls cancelled")
		fig.droppedQueued.Add(int64(lost))
	} else {
		require.Zero(t, lost, "elements lost by pops that gave up")
	}
	fig.blockedElems.Add(int64(len(pushed)))
	require.Positive(t, len(popped), "the consumers popped something")
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
