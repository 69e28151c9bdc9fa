package stress

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kevydb/kevy"
)

// knobs are the harness's settings, read from the environment (see
// doc.go for the list).
type knobs struct {
	long         bool
	budget       time.Duration // per test; 0: one round per configuration
	round        time.Duration // length of one workload round
	seed         uint64
	workers      int
	shards       []int
	engines      []kevy.Engine
	crashCycles  int // kill -9 cycles per configuration when there is no budget
	checkTimeout time.Duration
}

func loadKnobs() (knobs, error) {
	k := knobs{
		round:        2 * time.Second,
		seed:         uint64(time.Now().UnixNano()),
		workers:      8,
		shards:       []int{1, 2, 7, 64},
		engines:      []kevy.Engine{kevy.EngineActor, kevy.EngineLocked},
		crashCycles:  3,
		checkTimeout: 2 * time.Minute,
	}
	var err error
	if v := os.Getenv("KEVY_STRESS_LONG"); v != "" && v != "0" {
		k.long = true
		k.budget = 10 * time.Minute
		k.round = 10 * time.Second
	}
	if k.budget, err = envDuration("KEVY_STRESS_DURATION", k.budget); err != nil {
		return k, err
	}
	if k.round, err = envDuration("KEVY_STRESS_ROUND", k.round); err != nil {
		return k, err
	}
	if k.checkTimeout, err = envDuration("KEVY_STRESS_CHECK_TIMEOUT", k.checkTimeout); err != nil {
		return k, err
	}
	if v := os.Getenv("KEVY_STRESS_SEED"); v != "" {
		if k.seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return k, fmt.Errorf("KEVY_STRESS_SEED=%q: %w", v, err)
		}
	}
	if k.workers, err = envInt("KEVY_STRESS_WORKERS", k.workers); err != nil {
		return k, err
	}
	if k.crashCycles, err = envInt("KEVY_STRESS_CRASH_CYCLES", k.crashCycles); err != nil {
		return k, err
	}
	if v := os.Getenv("KEVY_STRESS_SHARDS"); v != "" {
		k.shards = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return k, fmt.Errorf("KEVY_STRESS_SHARDS=%q: want shard counts like 1,2,7,64", v)
			}
			k.shards = append(k.shards, n)
		}
	}
	if v := os.Getenv("KEVY_STRESS_ENGINES"); v != "" {
		k.engines = nil
		for _, f := range strings.Split(v, ",") {
			switch strings.TrimSpace(f) {
			case "actor":
				k.engines = append(k.engines, kevy.EngineActor)
			case "locked":
				k.engines = append(k.engines, kevy.EngineLocked)
			default:
				return k, fmt.Errorf("KEVY_STRESS_ENGINES=%q: want actor,locked", v)
			}
		}
	}
	return k, nil
}

func envDuration(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q: want a duration like 90s or 1h", name, v)
	}
	return d, nil
}

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive integer", name, v)
	}
	return n, nil
}

// schedule runs rounds over configs: once through them when there is no
// budget, else round after round, cycling through the configurations,
// until the budget is spent. fn returns false to stop early.
func (k knobs) schedule(n int, fn func(round, cfg int) bool) {
	start := time.Now()
	for r := 0; ; r++ {
		if k.budget == 0 && r >= n {
			return
		}
		if k.budget > 0 && r > 0 && time.Since(start) >= k.budget {
			return
		}
		if !fn(r, r%n) {
			return
		}
	}
}

// roundSeed derives round r's seed.
func (k knobs) roundSeed(r int) uint64 { return k.seed + uint64(r)*7919 }
