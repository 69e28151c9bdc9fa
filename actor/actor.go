package actor

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned for messages sent to, or queued at, an actor that
// has stopped.
var ErrClosed = errors.New("actor: stopped")

// Handler is what an actor runs. All of its methods run on the actor's
// goroutine, one at a time; that goroutine is the sole owner of the
// handler's state (except while a hold has handed it to a coordinator).
type Handler[M any] interface {
	// Handle processes a drained batch of messages. It must complete
	// every one of them.
	Handle(batch []M)
	// Tick runs a periodic job posted by the supervisor.
	Tick()
	// Reject completes a message that will not be processed because the
	// actor is stopping, typically with ErrClosed.
	Reject(m M)
	// Stop runs once, last, after every queued message was rejected:
	// flush, sync, release resources.
	Stop()
}

// Actor is a goroutine with a mailbox. Its methods are safe for concurrent
// use; [Actor.Run] must be called exactly once.
//
// Ticks and the stop request travel through the mailbox too, so the loop
// blocks on one channel with a plain receive: a select over a mailbox, a
// tick channel and a quit channel would lock all three channels on every
// wake-up, which measured as a sixth of a request's round trip.
type Actor[M any] struct {
	in       chan envelope[M]
	done     chan struct{}
	stopOnce sync.Once
	maxBatch int
	sealed   atomic.Bool // set when the actor starts rejecting its mailbox
	ticking  atomic.Bool // a tick is in the mailbox

	dropped atomic.Uint64 // ticks dropped because one was pending
	batches atomic.Uint64 // batches handled
	msgs    atomic.Uint64 // messages handled
}

type envKind uint8

const (
	envMsg envKind = iota
	envTick
	envStop
)

// envelope is a mailbox slot: a message, or a control signal.
type envelope[M any] struct {
	kind envKind
	m    M
}

// New returns an actor whose mailbox holds up to capacity messages and
// whose batches hold up to maxBatch of them.
func New[M any](capacity, maxBatch int) *Actor[M] {
	if maxBatch < 1 {
		maxBatch = 1
	}
	if capacity < 1 {
		capacity = 1
	}
	return &Actor[M]{
		in:       make(chan envelope[M], capacity),
		done:     make(chan struct{}),
		maxBatch: maxBatch,
	}
}

// Run is the actor's loop. It returns after Stop, once every queued message
// was rejected and the handler's Stop has run.
func (a *Actor[M]) Run(h Handler[M]) {
	defer close(a.done)
	batch := make([]M, 0, a.maxBatch)
	for {
		e := <-a.in
		tick, stop := false, false
		batch = batch[:0]
		// Take what else is already waiting, up to a batch.
	collect:
		for {
			switch e.kind {
			case envMsg:
				batch = append(batch, e.m)
			case envTick:
				tick = true
			case envStop:
				stop = true
				break collect
			}
			if len(batch) >= a.maxBatch {
				break
			}
			select {
			case e = <-a.in:
			default:
				break collect
			}
		}
		if len(batch) > 0 {
			a.batches.Add(1)
			a.msgs.Add(uint64(len(batch)))
			h.Handle(batch)
			clear(batch)
		}
		if tick {
			a.ticking.Store(false)
			h.Tick()
		}
		if stop {
			a.seal(h)
			h.Stop()
			return
		}
		// The batch's completions made its callers runnable, the last one
		// in this P's run-next slot. Yielding lets them run now, so their
		// next requests find this goroutine runnable rather than parked: a
		// wake-up saved per hop.
		runtime.Gosched()
	}
}

// seal marks the actor as stopping, then rejects every queued message.
// A sender that finds the mark unset after its send is sure its message was
// queued before the drain began (the mark is a sequentially consistent
// atomic: send, load, store, drain is the only order in which it sees the
// mark unset), so the drain meets the message and completes it; that sender
// may wait with a plain channel receive. A sender that finds the mark set
// waits watching the actor's done channel too (see [Call.Wait]).
func (a *Actor[M]) seal(h Handler[M]) {
	a.sealed.Store(true)
	for {
		select {
		case e := <-a.in:
			if e.kind == envMsg {
				h.Reject(e.m)
			}
		default:
			return
		}
	}
}

// Send puts m in the mailbox. It fails with ErrClosed once the actor has
// stopped, with ctx.Err() if ctx has already ended (m is then never
// sent), or with ctx.Err() if ctx ends while the mailbox is full. A message
// Send accepted is handled or rejected, unless it arrived after the actor
// started stopping — which [Call.Wait] detects.
func (a *Actor[M]) Send(ctx context.Context, m M) error {
	if a.sealed.Load() {
		return ErrClosed
	}
	d := ctx.Done()
	if d != nil {
		select {
		case <-d: // an ended context sends nothing, as the locked engine
			return ctx.Err()
		default:
		}
	}
	e := envelope[M]{m: m}
	select {
	case a.in <- e: // the fast path: room in the mailbox
		return nil
	default:
	}
	if d != nil {
		select {
		case a.in <- e:
			return nil
		case <-a.done:
			return ErrClosed
		case <-d:
			return ctx.Err()
		}
	}
	select {
	case a.in <- e:
		return nil
	case <-a.done:
		return ErrClosed
	}
}

// TrySend puts m in the mailbox if there is room, without blocking.
func (a *Actor[M]) TrySend(m M) bool {
	if a.sealed.Load() {
		return false
	}
	select {
	case a.in <- envelope[M]{m: m}:
		return true
	default:
		return false
	}
}

// Tick posts a tick without blocking. It reports false, and counts a drop,
// when a tick is already pending or the mailbox is full.
func (a *Actor[M]) Tick() bool {
	if !a.ticking.CompareAndSwap(false, true) {
		a.dropped.Add(1)
		return false
	}
	select {
	case a.in <- envelope[M]{kind: envTick}:
		return true
	default:
		a.ticking.Store(false)
		a.dropped.Add(1)
		return false
	}
}

// Stop asks the actor to stop: the request is queued behind the messages
// already in the mailbox (waiting for room if it is full — the actor keeps
// draining it) and the actor stops when it gets there. Stop is idempotent
// and does not wait for the actor's exit (see [Actor.Done]).
func (a *Actor[M]) Stop() {
	a.stopOnce.Do(func() {
		select {
		case a.in <- envelope[M]{kind: envStop}:
		case <-a.done:
		}
	})
}

// Done is closed when the actor's loop has returned.
func (a *Actor[M]) Done() <-chan struct{} { return a.done }

// Sealed reports whether the actor has started rejecting its mailbox (it
// is stopping). See [Call.Wait].
func (a *Actor[M]) Sealed() bool { return a.sealed.Load() }

// Queued returns the number of messages waiting in the mailbox.
func (a *Actor[M]) Queued() int {
	select {
	case <-a.done:
		return 0
	default:
		return len(a.in)
	}
}

// Stats are an actor's counters.
type Stats struct {
	Batches      uint64 // batches handled
	Messages     uint64 // messages handled
	DroppedTicks uint64 // ticks dropped because one was already pending
	Queued       int    // messages waiting now
}

// Stats returns the actor's counters.
func (a *Actor[M]) Stats() Stats {
	return Stats{
		Batches:      a.batches.Load(),
		Messages:     a.msgs.Load(),
		DroppedTicks: a.dropped.Load(),
		Queued:       a.Queued(),
	}
}
