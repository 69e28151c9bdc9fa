package kevy_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Eviction: the memory limit holds for every policy on both engines, the
// policies pick the keys they should, and NoEviction refuses writes with
// Redis's exact error.

const oomText = "OOM command not allowed when used memory > 'maxmemory'."

// evictLimit is the limit the eviction tests fill ten times over.
const evictLimit = 128 << 10

// evictSlack is the slack the tests allow over the limit: one command in
// flight per shard (a SET of the values used here is accounted about 270
// bytes), see docs/memory.md.
func evictSlack(shards int) int64 { return int64(shards) * 512 }

var evictPolicies = []kevy.MaxMemoryPolicy{kevy.AllKeysLRU, kevy.AllKeysLFU, kevy.AllKeysRandom,
	kevy.VolatileLRU, kevy.VolatileLFU, kevy.VolatileRandom, kevy.VolatileTTL}

func stats(t testing.TB, db *kevy.Store) kevy.Stats {
	t.Helper()
	st, err := db.Stats(context.Background())
	require.NoError(t, err)
	return st
}

func TestEvictionKeepsLimit(t *testing.T) {
	ctx := context.Background()
	for _, v := range variants {
		for _, p := range evictPolicies {
			t.Run(v.name+"/policy="+p.String(), func(t *testing.T) {
				t.Parallel()
				cfg := v.cfg
				cfg.MaxMemory, cfg.MaxMemoryPolicy = evictLimit, p
				db := mustOpen(t, cfg)
				shards := db.Config().Shards
				val := fmt.Sprintf("%0100d", 7)
				var maxUsed int64
				writes := 0
				for i := 0; ; i++ {
					// Fill with writers on several goroutines, so that the
					// shards evict concurrently.
					var wg sync.WaitGroup
					for w := range 4 {
						wg.Go(func() {
							for j := range 25 {
								k := "key:" + strconv.Itoa(i*100+w*25+j)
								_, err := db.Do(ctx, "SET", k, val, "EX", 1000+i*100+w*25+j)
								assert.NoError(t, err)
							}
						})
					}
					wg.Wait()
					writes += 100
					st := stats(t, db)
					maxUsed = max(maxUsed, st.UsedMemory)
					if st.UsedMemory+st.EvictedKeys*260 > 10*evictLimit {
						break
					}
				}
				st := stats(t, db)
				assert.LessOrEqual(t, maxUsed, int64(evictLimit)+evictSlack(shards), "used memory over the limit plus slack")
				assert.Positive(t, st.EvictedKeys)
				assert.Zero(t, st.EvictionFailures)
				assert.Greater(t, st.DBs[0].Keys, int64(evictLimit/2/300), "eviction went far below the limit")
				assert.Equal(t, int64(writes), st.DBs[0].Keys+st.EvictedKeys)
			})
		}
	}
}

func TestNoEvictionRefusesWrites(t *testing.T) {
	ctx := context.Background()
	forEachMem(t, kevy.Config{MaxMemory: 64 << 10}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		val := fmt.Sprintf("%0200d", 1)
		n := 0
		for ; ; n++ {
			r := c.Exec(ctx, "SET", "k"+strconv.Itoa(n), val)
			if r.Kind == kevy.ReplyError {
				require.Equal(t, oomText, r.Str)
				break
			}
			require.Less(t, n, 10000, "never refused")
		}
		st := stats(t, db)
		assert.LessOrEqual(t, st.UsedMemory, int64(64<<10)+evictSlack(1))
		assert.Zero(t, st.EvictedKeys)
		assert.Positive(t, st.EvictionFailures)
		// denyoom commands are refused; reads, deletes and other writes work.
		for _, cmd := range [][]string{{"INCR", "counter"}, {"APPEND", "k0", "x"}, {"LPUSH", "l", "x"},
			{"HSET", "h", "f", "v"}, {"SADD", "s", "m"}, {"ZADD", "z", "1", "m"}, {"SETNX", "nx", "1"}} {
			assert.Equal(t, "-"+oomText, show(c.Exec(ctx, cmd...)), cmd)
		}
		assert.Equal(t, fmt.Sprintf("%q", val), show(c.Exec(ctx, "GET", "k0")))
		assert.Equal(t, ":1", show(c.Exec(ctx, "EXPIRE", "k1", "100")))
		assert.Equal(t, ":1", show(c.Exec(ctx, "EXISTS", "k2")))
		assert.Equal(t, ":3", show(c.Exec(ctx, "DEL", "k0", "k1", "k2")))
		// After deletes free memory, writes work again.
		assert.Equal(t, "+OK", show(c.Exec(ctx, "SET", "again", "v")))
		// In MULTI, queueing is refused while out of memory and EXEC aborts.
		for i := 0; c.Exec(ctx, "SET", "fill"+strconv.Itoa(i), val).Kind != kevy.ReplyError; i++ {
		}
		assert.Equal(t, "+OK", show(c.Exec(ctx, "MULTI")))
		assert.Equal(t, "-"+oomText, show(c.Exec(ctx, "GET", "again")))
		assert.Equal(t, "-EXECABORT Transaction discarded because of previous errors.", show(c.Exec(ctx, "EXEC")))
	})
}

// forEachMem is forEach with cfg's memory settings.
func forEachMem(t *testing.T, cfg kevy.Config, fn func(t *testing.T, db *kevy.Store)) {
	t.Helper()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			c := v.cfg
			c.MaxMemory, c.MaxMemoryPolicy, c.MaxMemorySamples = cfg.MaxMemory, cfg.MaxMemoryPolicy, cfg.MaxMemorySamples
			c.SlowlogThreshold = cfg.SlowlogThreshold
			fn(t, mustOpen(t, c))
		})
	}
}

func TestExecReservesMemory(t *testing.T) {
	ctx := context.Background()
	// allkeys-random: EXEC evicts before running and the whole
	// transaction runs.
	forEachMem(t, kevy.Config{MaxMemory: 32 << 10, MaxMemoryPolicy: kevy.AllKeysRandom}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		val := fmt.Sprintf("%0200d", 1)
		for i := range 300 {
			require.Equal(t, "+OK", show(c.Exec(ctx, "SET", "k"+strconv.Itoa(i), val)))
		}
		require.Equal(t, "+OK", show(c.Exec(ctx, "MULTI")))
		for i := range 10 {
			require.Equal(t, "+QUEUED", show(c.Exec(ctx, "SET", "tx"+strconv.Itoa(i), val)))
		}
		r := c.Exec(ctx, "EXEC")
		require.Equal(t, kevy.ReplyArray, r.Kind)
		for _, e := range r.Elems {
			assert.Equal(t, "+OK", show(e))
		}
	})
	// volatile-lru with no TTLs: nothing to evict, EXEC is aborted whole.
	forEachMem(t, kevy.Config{MaxMemory: 32 << 10, MaxMemoryPolicy: kevy.VolatileLRU}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		val := fmt.Sprintf("%0200d", 1)
		for i := 0; c.Exec(ctx, "SET", "k"+strconv.Itoa(i), val).Kind != kevy.ReplyError; i++ {
		}
		require.Equal(t, "+OK", show(c.Exec(ctx, "MULTI")))
		require.Equal(t, "+QUEUED", show(c.Exec(ctx, "DEL", "k0")))
		require.Equal(t, "+QUEUED", show(c.Exec(ctx, "SET", "new", "v")))
		assert.Equal(t, "-EXECABORT Transaction discarded because of: "+oomText, show(c.Exec(ctx, "EXEC")))
		assert.Equal(t, ":1", show(c.Exec(ctx, "EXISTS", "k0")), "no command of an aborted EXEC runs")
	})
}

func TestVolatilePoliciesEvictOnlyKeysWithTTL(t *testing.T) {
	ctx := context.Background()
	for _, p := range []kevy.MaxMemoryPolicy{kevy.VolatileLRU, kevy.VolatileLFU, kevy.VolatileRandom, kevy.VolatileTTL} {
		t.Run(p.String(), func(t *testing.T) {
			forEachMem(t, kevy.Config{MaxMemory: 64 << 10, MaxMemoryPolicy: p}, func(t *testing.T, db *kevy.Store) {
				val := fmt.Sprintf("%0100d", 1)
				// Half the limit in persistent keys, then ten times more with TTLs.
				persistent := 0
				for ; stats(t, db).UsedMemory < 32<<10; persistent++ {
					require.NoError(t, db.Set(ctx, "p"+strconv.Itoa(persistent), val, 0))
				}
				for i := range 2500 {
					require.NoError(t, db.Set(ctx, "v"+strconv.Itoa(i), val, time.Hour))
				}
				st := stats(t, db)
				assert.Positive(t, st.EvictedKeys)
				for i := range persistent {
					n, err := db.Exists(ctx, "p"+strconv.Itoa(i))
					require.NoError(t, err)
					require.Equal(t, int64(1), n, "persistent key evicted")
				}
				// Once only persistent keys are left, writes get OOM.
				for i := range 2500 {
					_, err := db.Persist(ctx, "v"+strconv.Itoa(i))
					require.NoError(t, err)
				}
				_, err := db.Do(ctx, "SET", "one-more", fmt.Sprintf("%04000d", 1))
				for i := 0; err == nil && i < 100; i++ {
					_, err = db.Do(ctx, "SET", "more"+strconv.Itoa(i), fmt.Sprintf("%04000d", 1))
				}
				require.Error(t, err)
				assert.Equal(t, oomText, err.Error())
			})
		})
	}
}

func TestVolatileTTLEvictsSoonestToExpire(t *testing.T) {
	ctx := context.Background()
	forEachMem(t, kevy.Config{MaxMemory: 64 << 10, MaxMemoryPolicy: kevy.VolatileTTL, MaxMemorySamples: 10}, func(t *testing.T, db *kevy.Store) {
		val := fmt.Sprintf("%0100d", 1)
		const n = 2000
		// Key i expires in 1000+i seconds, written in random order.
		perm := make([]int, n)
		for i := range perm {
			perm[i] = (i * 7919) % n
		}
		for _, i := range perm {
			require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), val, time.Duration(1000+i)*time.Second))
		}
		// The survivors should be mostly the latest to expire.
		var early, late int
		for i := range n {
			if ok, _ := db.Exists(ctx, "k"+strconv.Itoa(i)); ok == 1 {
				if i < n/2 {
					early++
				} else {
					late++
				}
			}
		}
		t.Logf("survivors: %d of the first half to expire, %d of the second", early, late)
		assert.Positive(t, late)
		assert.Less(t, early*5, late, "volatile-ttl kept keys that expire sooner")
	})
}

// TestLRUKeepsHotKeys runs in a synctest bubble: the LRU clock counts
// seconds, so time must pass between accesses.
func TestLRUKeepsHotKeys(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := v.cfg
				cfg.MaxMemoryPolicy = kevy.AllKeysLRU
				hotKeep(t, cfg, 5*time.Second, func(db *kevy.Store, hot []string) {
					ctx := context.Background()
					for _, k := range hot {
						_, err := db.Get(ctx, k)
						require.NoError(t, err)
					}
				})
			})
		})
	}
}

func TestLFUKeepsHotKeys(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := v.cfg
				cfg.MaxMemoryPolicy = kevy.AllKeysLFU
				// Three idle minutes decay the cold keys' counters (one
				// per lfu-decay-time) below a new key's initial 5.
				hotKeep(t, cfg, 3*time.Minute, func(db *kevy.Store, hot []string) {
					ctx := context.Background()
					// Accessed many times each, in one burst: frequency,
					// not recency, keeps them.
					for range 20 {
						n, err := db.Touch(ctx, hot...)
						require.NoError(t, err)
						require.Equal(t, int64(len(hot)), n)
					}
				})
			})
		})
	}
}

// hotKeep fills a store with keys, sets maxmemory a quarter above what
// they take, lets them idle, then, with time passing, accesses a tenth of
// them (the hot ones) and writes as many new keys again; it checks that
// the hot keys survive while most cold ones are evicted.
func hotKeep(t *testing.T, cfg kevy.Config, idle time.Duration, access func(db *kevy.Store, hot []string)) {
	ctx := context.Background()
	db, err := kevy.Open(cfg)
	require.NoError(t, err)
	defer func() { require.NoError(t, db.Close()) }()
	val := fmt.Sprintf("%0100d", 1)
	const n = 400
	var hot, cold []string
	for i := range n {
		k := "key:" + strconv.Itoa(i)
		require.NoError(t, db.Set(ctx, k, val, 0))
		if i%10 == 0 {
			hot = append(hot, k)
		} else {
			cold = append(cold, k)
		}
	}
	_, err = db.Do(ctx, "CONFIG", "SET", "maxmemory", strconv.FormatInt(stats(t, db).UsedMemory*5/4, 10))
	require.NoError(t, err)
	time.Sleep(idle)
	for round := range 20 {
		access(db, hot)
		time.Sleep(time.Second)
		for i := range n / 20 {
			require.NoError(t, db.Set(ctx, "new:"+strconv.Itoa(round*n/20+i), val, 0))
		}
	}
	st := stats(t, db)
	require.Positive(t, st.EvictedKeys)
	count := func(keys []string) int {
		got, err := db.Exists(ctx, keys...)
		require.NoError(t, err)
		return int(got)
	}
	h, c := count(hot), count(cold)
	t.Logf("kept %d/%d hot keys, %d/%d cold keys; evicted %d", h, len(hot), c, len(cold), st.EvictedKeys)
	assert.GreaterOrEqual(t, h*10, len(hot)*9, "fewer than 90% of the hot keys kept")
	assert.Less(t, c*2, len(cold), "most cold keys should be evicted")
}

func TestEvictionEvents(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var evicted int64
	var events int
	cfg := kevy.Config{MaxMemory: 32 << 10, MaxMemoryPolicy: kevy.AllKeysRandom, Shards: 2,
		NotifyKeyspaceEvents: "Ee",
		OnEvent: func(ev kevy.Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.Kind == kevy.EventKeysEvicted {
				evicted += ev.Keys
				events++
			}
		}}
	db, err := kevy.Open(cfg)
	require.NoError(t, err)
	sub := db.Subscribe(ctx, "__keyevent@0__:evicted")
	_, err = sub.Receive(ctx)
	require.NoError(t, err)
	val := fmt.Sprintf("%0100d", 1)
	for i := range 1000 {
		require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), val, 0))
	}
	st := stats(t, db)
	require.Positive(t, st.EvictedKeys)
	msg, err := sub.ReceiveMessage(ctx)
	require.NoError(t, err)
	assert.Equal(t, "__keyevent@0__:evicted", msg.Channel)
	require.NoError(t, sub.Close())
	require.NoError(t, db.Close()) // delivers the events queued
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, st.EvictedKeys, evicted)
	assert.Positive(t, events)
}

func TestEvictionInvalidatesWatch(t *testing.T) {
	ctx := context.Background()
	forEachMem(t, kevy.Config{MaxMemory: 32 << 10, MaxMemoryPolicy: kevy.AllKeysLRU}, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		val := fmt.Sprintf("%0100d", 1)
		require.NoError(t, db.Set(ctx, "watched", val, 0))
		require.Equal(t, "+OK", show(c.Exec(ctx, "WATCH", "watched")))
		for i := 0; ; i++ {
			require.NoError(t, db.Set(ctx, "k"+strconv.Itoa(i), val, 0))
			if n, _ := db.Exists(ctx, "watched"); n == 0 {
				break
			}
			require.Less(t, i, 100000)
		}
		require.Equal(t, "+OK", show(c.Exec(ctx, "MULTI")))
		require.Equal(t, "+QUEUED", show(c.Exec(ctx, "GET", "x")))
		assert.Equal(t, "(nilarray)", show(c.Exec(ctx, "EXEC")), "EXEC ran although a watched key was evicted")
	})
}
