package benchkit

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkHop is the floor of any actor design on this machine: the ways
// of handing a GET to a goroutine that owns a map and getting the answer
// back, with no command table, no keyspace and no engine, against a map
// behind a sync.RWMutex. The variants are the ones the performance work
// weighed (docs/benchmarks.md keeps their figures):
//
//   - chan: a plain send to the owner and a plain receive of the reply.
//   - chan-gosched: the owner yields after answering, so the woken caller
//     runs on the owner's P at once (what actor.Run does after a batch).
//   - select: both sides select over three channels, as a loop that also
//     listens for ticks and stop would.
//   - spin: the caller polls an atomic for the reply, yielding between
//     polls; spin-pure polls without yielding (serial only: with as many
//     spinning callers as Ps the owner runs only when the scheduler
//     preempts one, every 10 ms).
//   - cond: a sync.Cond pair instead of channels.
//   - lockosthread: the owner wired to its own OS thread.
//   - batch64: 64 GETs in one message, per GET.
//   - rwmutex: the lock-based floor; rwmutex-batch64 shares one RLock
//     between 64 GETs.
//
// Each runs serially and with b.RunParallel (GOMAXPROCS callers or
// -cpu); compare them with benchstat.
func BenchmarkHop(b *testing.B) {
	const nkeys = 1 << 16
	keys := make([]string, nkeys)
	m := make(map[string]string, nkeys)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
		m[keys[i]] = "v"
	}
	type req struct {
		key   string
		keys  []string
		val   string
		reply chan struct{}
		ready atomic.Bool
	}
	owner := func(b *testing.B, gosched, lockThread, sel bool) (chan *req, func()) {
		in := make(chan *req, 1024)
		tick := make(chan struct{})
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			if lockThread {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for {
				var r *req
				if sel {
					select {
					case r = <-in:
					case <-tick:
						continue
					case <-stop:
						return
					}
				} else if r = <-in; r == nil {
					return
				}
				if r.keys != nil {
					for _, k := range r.keys {
						r.val = m[k]
					}
				} else {
					r.val = m[r.key]
				}
				if r.reply != nil {
					r.reply <- struct{}{}
				} else {
					r.ready.Store(true)
				}
				if gosched {
					runtime.Gosched()
				}
			}
		}()
		return in, func() {
			if sel {
				close(stop)
			} else {
				in <- nil
			}
			<-done
		}
	}
	// call runs one round trip; wait picks how the caller waits.
	call := func(in chan *req, r *req, sel, pure bool) {
		in <- r
		switch {
		case r.reply == nil:
			for !r.ready.Load() {
				if !pure {
					runtime.Gosched()
				}
			}
			r.ready.Store(false)
		case sel:
			var never chan struct{}
			select {
			case <-r.reply:
			case <-never:
			}
		default:
			<-r.reply
		}
	}
	type variant struct {
		name                     string
		gosched, lockThread, sel bool
		spin, pure               bool
		batch                    int
	}
	variants := []variant{
		{name: "chan"},
		{name: "chan-gosched", gosched: true},
		{name: "select", sel: true},
		{name: "spin", spin: true},
		{name: "spin-pure", spin: true, pure: true},
		{name: "lockosthread", lockThread: true},
		{name: "batch64", batch: 64},
	}
	for _, v := range variants {
		run := func(b *testing.B, parallel bool) {
			in, stop := owner(b, v.gosched, v.lockThread, v.sel)
			defer stop()
			newReq := func() *req {
				r := &req{}
				if !v.spin {
					r.reply = make(chan struct{}, 1)
				}
				if v.batch > 0 {
					r.keys = make([]string, v.batch)
				}
				return r
			}
			per := 1
			if v.batch > 0 {
				per = v.batch
			}
			op := func(r *req, i int) {
				if r.keys != nil {
					for j := range r.keys {
						r.keys[j] = keys[(i*per+j)&(nkeys-1)]
					}
				} else {
					r.key = keys[i&(nkeys-1)]
				}
				call(in, r, v.sel, v.pure)
			}
			b.ReportAllocs()
			if !parallel {
				r := newReq()
				for i := 0; b.Loop(); i++ {
					op(r, i)
				}
			} else {
				var seed atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					r := newReq()
					i := int(seed.Add(7919))
					for pb.Next() {
						i++
						op(r, i)
					}
				})
			}
			if per > 1 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per), "ns/get")
			}
		}
		b.Run("op="+v.name+"/serial", func(b *testing.B) { run(b, false) })
		if !v.pure {
			b.Run("op="+v.name+"/parallel", func(b *testing.B) { run(b, true) })
		}
	}

	b.Run("op=cond/serial", func(b *testing.B) {
		var mu sync.Mutex
		cond := sync.NewCond(&mu)
		var key, val string
		pending, answered, quit := false, false, false
		done := make(chan struct{})
		go func() {
			defer close(done)
			mu.Lock()
			defer mu.Unlock()
			for {
				for !pending && !quit {
					cond.Wait()
				}
				if quit {
					return
				}
				val, pending, answered = m[key], false, true
				cond.Broadcast()
			}
		}()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			mu.Lock()
			key, pending = keys[i&(nkeys-1)], true
			cond.Broadcast()
			for !answered {
				cond.Wait()
			}
			answered = false
			mu.Unlock()
		}
		mu.Lock()
		quit = true
		cond.Broadcast()
		mu.Unlock()
		<-done
		_ = val
	})

	for _, batch := range []int{1, 64} {
		name := "op=rwmutex"
		if batch > 1 {
			name += "-batch64"
		}
		rw := func(mu *sync.RWMutex, i int) string {
			var v string
			mu.RLock()
			for j := 0; j < batch; j++ {
				v = m[keys[(i*batch+j)&(nkeys-1)]]
			}
			mu.RUnlock()
			return v
		}
		report := func(b *testing.B) {
			if batch > 1 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/get")
			}
		}
		b.Run(name+"/serial", func(b *testing.B) {
			var mu sync.RWMutex
			var sink string
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				sink = rw(&mu, i)
			}
			_ = sink
			report(b)
		})
		b.Run(name+"/parallel", func(b *testing.B) {
			var mu sync.RWMutex
			var seed atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := int(seed.Add(7919))
				var sink string
				for pb.Next() {
					i++
					sink = rw(&mu, i)
				}
				_ = sink
			})
			report(b)
		})
	}
}
