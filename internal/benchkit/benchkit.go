// Package benchkit measures kevy's engines side by side: the workloads, a
// runner that interleaves engines round by round (so both see the same
// machine state), and the table and chart that report medians and ratios.
// cmd/kevy bench and the bench module use it.
package benchkit

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy"
)

// Target is something a workload runs against: a kevy engine, or a floor.
type Target struct {
	Name  string
	Setup func(keys []string) (Runner, error)
}

// Runner runs one operation of a workload; worker identifies the calling
// goroutine, i counts its operations.
type Runner interface {
	Op(ctx context.Context, workload string, worker, i int) error
	Close() error
}

// Workload is an operation mix.
type Workload struct {
	Name string
	Desc string
}

// Workloads every target supports. Per-operation figures: PIPE64 is
// reported per command of the pipeline, the others per call.
var Workloads = []Workload{
	{"GET", "GET of an existing key"},
	{"SET", "SET overwriting a key"},
	{"MIX", "90% GET, 10% SET"},
	{"INCR", "INCR of a counter"},
	{"HSET", "HSET of a field in one of the hashes"},
	{"HGET", "HGET of a field"},
	{"LPUSH", "LPUSH onto one of the lists"},
	{"LPOP", "LPOP from one of the lists (refilled)"},
	{"ZADD", "ZADD of a member with a new score"},
	{"ZSCORE", "ZSCORE of a member"},
	{"MGET10", "MGET of 10 keys, per call"},
	{"PIPE64", "64 GETs in one pipeline, per command"},
}

// Cell is one measurement.
type Cell struct {
	Target, Workload string
	Goroutines       int
	NsPerOp          []float64 // one per round
}

// Median returns the median ns/op over the rounds.
func (c Cell) Median() float64 {
	s := slices.Clone(c.NsPerOp)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// Options control a run.
type Options struct {
	Targets    []Target
	Workloads  []string
	Goroutines []int
	Duration   time.Duration // per cell and round
	Rounds     int
	Keys       int
	Progress   func(done, total int, what string)
}

// KeyNames returns n key names.
func KeyNames(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = "key:" + strconv.Itoa(i)
	}
	return k
}

// Run measures every (target, workload, goroutines) cell for opts.Rounds
// rounds, interleaving targets within each round.
func Run(ctx context.Context, opts Options) ([]*Cell, error) {
	keys := KeyNames(opts.Keys)
	runners := make([]Runner, len(opts.Targets))
	for i, t := range opts.Targets {
		r, err := t.Setup(keys)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		runners[i] = r
	}
	defer func() {
		for _, r := range runners {
			r.Close()
		}
	}()
	var cells []*Cell
	index := map[string]*Cell{}
	total := opts.Rounds * len(opts.Targets) * len(opts.Workloads) * len(opts.Goroutines)
	done := 0
	for round := 0; round < opts.Rounds; round++ {
		for _, w := range opts.Workloads {
			for _, g := range opts.Goroutines {
				for ti, t := range opts.Targets {
					if opts.Progress != nil {
						opts.Progress(done, total, fmt.Sprintf("round %d/%d %s %s x%d", round+1, opts.Rounds, t.Name, w, g))
					}
					ns, err := measure(ctx, runners[ti], w, g, opts.Duration)
					if err != nil {
						return nil, fmt.Errorf("%s %s: %w", t.Name, w, err)
					}
					id := t.Name + "|" + w + "|" + strconv.Itoa(g)
					c := index[id]
					if c == nil {
						c = &Cell{Target: t.Name, Workload: w, Goroutines: g}
						index[id] = c
						cells = append(cells, c)
					}
					c.NsPerOp = append(c.NsPerOp, ns)
					done++
				}
			}
		}
	}
	if opts.Progress != nil {
		opts.Progress(done, total, "done")
	}
	return cells, nil
}

// measure runs workload w on g goroutines for about d and returns ns per
// operation (wall time divided by operations completed by all goroutines).
func measure(ctx context.Context, r Runner, w string, g int, d time.Duration) (float64, error) {
	// Warm up briefly so that lazily grown structures are in place.
	for i := 0; i < 1000; i++ {
		if err := r.Op(ctx, w, 0, i); err != nil {
			return 0, err
		}
	}
	runtime.GC()
	var ops atomic.Int64
	var stop atomic.Bool
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for worker := 0; worker < g; worker++ {
		wg.Go(func() {
			n := 0
			for i := worker * 7919; !stop.Load(); i++ {
				for j := 0; j < 64; j++ {
					if err := r.Op(ctx, w, worker, i*64+j); err != nil {
						once.Do(func() { firstErr = err })
						stop.Store(true)
						return
					}
				}
				n += 64
			}
			ops.Add(int64(n))
		})
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	el := time.Since(start)
	if firstErr != nil {
		return 0, firstErr
	}
	n := ops.Load()
	if n == 0 {
		return 0, fmt.Errorf("no operation completed")
	}
	per := float64(el.Nanoseconds()) / float64(n)
	if w == "PIPE64" {
		per /= 64
	}
	return per, nil
}

// Collections the collection workloads use: a small fixed set of hashes,
// lists and sorted sets spread over the shards.
const collections = 64

// CollectionKey names collection j of a kind ("h", "l", "z").
func CollectionKey(kind string, j int) string {
	return kind + ":" + strconv.Itoa(j%collections)
}

// Field names the field (or member) i of a collection.
func Field(i int) string { return "f" + strconv.Itoa(i&1023) }

// KevyTarget returns a target running on a kevy store with the given
// configuration. For durable-write measurements pass a Config with Dir and
// Fsync set; the directory is removed by Close when remove is set.
func KevyTarget(name string, cfg kevy.Config) Target {
	return Target{Name: name, Setup: func(keys []string) (Runner, error) {
		db, err := kevy.Open(cfg)
		if err != nil {
			return nil, err
		}
		if err := Fill(context.Background(), db, keys); err != nil {
			db.Close()
			return nil, err
		}
		return &kevyRunner{db: db, keys: keys, workers: make([]kevyWorker, maxWorkers)}, nil
	}}
}

// maxWorkers bounds the goroutines of one measurement (each gets its own
// connection and pipeline buffers, as an application would keep them).
const maxWorkers = 256

type kevyWorker struct {
	conn *kevy.Conn
	pipe [][]string
}

// Fill loads the keyspace the workloads expect: every key a string, and
// the hashes, lists and sorted sets with 1024 fields each.
func Fill(ctx context.Context, db *kevy.Store, keys []string) error {
	c := db.Conn()
	defer c.Close()
	var batch [][]string
	flush := func() error {
		for _, r := range c.ExecPipeline(ctx, batch...) {
			if r.Kind == kevy.ReplyError {
				return fmt.Errorf("fill: %s", r.Str)
			}
		}
		batch = batch[:0]
		return nil
	}
	for i, k := range keys {
		batch = append(batch, []string{"SET", k, "value-" + strconv.Itoa(i)})
		if len(batch) == 1024 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for j := 0; j < collections; j++ {
		for i := 0; i < 1024; i++ {
			f := Field(i)
			batch = append(batch,
				[]string{"HSET", CollectionKey("h", j), f, "v"},
				[]string{"RPUSH", CollectionKey("l", j), f},
				[]string{"ZADD", CollectionKey("z", j), strconv.Itoa(i), f})
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return flush()
}

type kevyRunner struct {
	db      *kevy.Store
	keys    []string
	workers []kevyWorker
}

func (k *kevyRunner) key(i int) string { return k.keys[i%len(k.keys)] }

func (k *kevyRunner) Op(ctx context.Context, w string, worker int, i int) error {
	db := k.db
	switch w {
	case "GET":
		_, err := db.Get(ctx, k.key(i))
		return err
	case "SET":
		return db.Set(ctx, k.key(i), "v", 0)
	case "MIX":
		if i%10 == 0 {
			return db.Set(ctx, k.key(i), "v", 0)
		}
		_, err := db.Get(ctx, k.key(i))
		return err
	case "INCR":
		_, err := db.Incr(ctx, "counter:"+strconv.Itoa(i&63))
		return err
	case "HSET":
		_, err := db.HSet(ctx, CollectionKey("h", i), Field(i), "w")
		return err
	case "HGET":
		_, err := db.HGet(ctx, CollectionKey("h", i), Field(i))
		return err
	case "LPUSH":
		_, err := db.LPush(ctx, CollectionKey("lp", i), "x")
		return err
	case "LPOP":
		key := CollectionKey("l", i)
		_, err := db.LPop(ctx, key)
		if err == kevy.Nil {
			_, err = db.RPush(ctx, key, "x", "y", "z")
		}
		return err
	case "ZADD":
		_, err := db.ZAdd(ctx, CollectionKey("z", i), kevy.Z{Score: float64(i & 4095), Member: Field(i)})
		return err
	case "ZSCORE":
		_, err := db.ZScore(ctx, CollectionKey("z", i), Field(i))
		return err
	case "MGET10":
		var a [10]string
		for j := range a {
			a[j] = k.key(i*10 + j)
		}
		_, err := db.MGet(ctx, a[:]...)
		return err
	case "PIPE64":
		wk := &k.workers[worker%maxWorkers]
		if wk.conn == nil {
			wk.conn = db.Conn()
			wk.pipe = make([][]string, 64)
			for j := range wk.pipe {
				wk.pipe[j] = []string{"GET", ""}
			}
		}
		for j, cmd := range wk.pipe {
			cmd[1] = k.key(i*64 + j)
		}
		for _, r := range wk.conn.ExecPipeline(ctx, wk.pipe...) {
			if r.Kind == kevy.ReplyError {
				return fmt.Errorf("%s", r.Str)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown workload %s", w)
}

func (k *kevyRunner) Close() error {
	for _, wk := range k.workers {
		if wk.conn != nil {
			wk.conn.Close()
		}
	}
	return k.db.Close()
}

// FloorTargets are the floors: a map behind a sync.RWMutex, and a bare
// channel round trip to a goroutine that owns a map (the cost of any actor
// hop).
func FloorTargets() []Target {
	return []Target{
		{Name: "floor-rwmutex", Setup: func(keys []string) (Runner, error) {
			m := make(map[string]string, len(keys))
			for _, k := range keys {
				m[k] = "v"
			}
			return &mutexRunner{m: m, keys: keys}, nil
		}},
		{Name: "floor-chan", Setup: func(keys []string) (Runner, error) {
			c := &chanRunner{keys: keys, in: make(chan *chanReq, 1024), done: make(chan struct{})}
			m := make(map[string]string, len(keys))
			for _, k := range keys {
				m[k] = "v"
			}
			go func() {
				defer close(c.done)
				for r := range c.in {
					for _, k := range r.keys {
						if r.set {
							m[k] = "v"
						}
						r.val = m[k]
					}
					r.reply <- struct{}{}
				}
			}()
			c.pool.New = func() any { return &chanReq{reply: make(chan struct{}, 1), keys: make([]string, 0, 64)} }
			return c, nil
		}},
	}
}

type mutexRunner struct {
	mu   sync.RWMutex
	m    map[string]string
	keys []string
	sink atomic.Value
}

func (r *mutexRunner) Op(_ context.Context, w string, _ int, i int) error {
	k := r.keys[i%len(r.keys)]
	if isWrite(w, i) {
		r.mu.Lock()
		r.m[k] = "v"
		r.mu.Unlock()
		return nil
	}
	n := 1
	switch w {
	case "MGET10":
		n = 10
	case "PIPE64":
		n = 64
	}
	r.mu.RLock()
	for j := 0; j < n; j++ {
		_ = r.m[r.keys[(i*n+j)%len(r.keys)]]
	}
	r.mu.RUnlock()
	return nil
}

func (r *mutexRunner) Close() error { return nil }

type chanReq struct {
	keys  []string // one key, or a batch (MGET10, PIPE64: one message for all)
	val   string
	set   bool
	reply chan struct{}
}

type chanRunner struct {
	keys []string
	in   chan *chanReq
	done chan struct{}
	pool sync.Pool
}

func (c *chanRunner) Op(_ context.Context, w string, _ int, i int) error {
	n := 1
	switch w {
	case "PIPE64":
		n = 64
	case "MGET10":
		n = 10
	}
	r := c.pool.Get().(*chanReq)
	r.keys = r.keys[:0]
	for j := 0; j < n; j++ {
		r.keys = append(r.keys, c.keys[(i*n+j)%len(c.keys)])
	}
	r.set = isWrite(w, i)
	c.in <- r
	<-r.reply
	c.pool.Put(r)
	return nil
}

func (c *chanRunner) Close() error {
	close(c.in)
	<-c.done
	return nil
}

// isWrite tells the floors which operations write (they model every
// workload as a map read or write of one key).
func isWrite(w string, i int) bool {
	switch w {
	case "SET", "INCR", "HSET", "LPUSH", "LPOP", "ZADD":
		return true
	case "MIX":
		return i%10 == 0
	}
	return false
}
