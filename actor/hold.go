package actor

import (
	"context"
	"sync"
)

// Hold hands an actor's state to a coordinator for the time of one atomic
// operation across actors. The coordinator sends the hold inside a message;
// the actor, having finished everything before it, calls Park, which grants
// the hold and blocks until the coordinator calls Release. Between Acquire
// returning nil and Release, the coordinator owns the actor's state; the
// happens-before edges are the two channel operations.
//
// A Hold may be used again once Release returned (Release hands its token
// to the parked actor directly, so none is left behind); a [HoldPool]
// recycles them.
type Hold struct {
	granted chan struct{} // capacity 1: Park never waits to grant
	release chan struct{} // unbuffered: Release returns once the actor took it
}

// NewHold returns a hold ready to be sent.
func NewHold() *Hold {
	return &Hold{granted: make(chan struct{}, 1), release: make(chan struct{})}
}

// Park is called by the actor: it grants the hold and waits for its
// release. While parked the actor processes nothing.
func (h *Hold) Park() {
	h.granted <- struct{}{}
	<-h.release
}

// Acquire waits until the actor has parked. It does not watch the caller's
// context on purpose: once a hold is sent it must be granted and released,
// or the actor would park forever; it returns ErrClosed only if the actor
// stopped before reaching the hold.
func (h *Hold) Acquire(actorDone <-chan struct{}) error {
	select {
	case <-h.granted:
		return nil
	case <-actorDone:
		select {
		case <-h.granted:
			return nil
		default:
			return ErrClosed
		}
	}
}

// Release lets the parked actor continue. It returns once the actor has
// taken the release (it is parked waiting for it, so that is at once).
func (h *Hold) Release() { h.release <- struct{}{} }

// Holder is an actor that accepts holds wrapped in its own message type.
type Holder interface {
	// SendHold sends h to the actor, inside a message, without regard to
	// cancellation: once sent, the hold will be granted.
	SendHold(h *Hold) error
	// Done is closed when the actor has stopped.
	Done() <-chan struct{}
}

// AcquireAll holds every actor in order (callers pass them in ascending
// index order: the lock-ordering rule that keeps coordinators from
// deadlocking). On success it returns the holds, to be released with
// ReleaseAll; on failure it releases what it held and returns the error.
// ctx is checked between acquisitions only.
func AcquireAll(ctx context.Context, actors []Holder) ([]*Hold, error) {
	holds := make([]*Hold, 0, len(actors))
	for _, a := range actors {
		if err := ctx.Err(); err != nil {
			ReleaseAll(holds)
			return nil, err
		}
		h := NewHold()
		if err := a.SendHold(h); err != nil {
			ReleaseAll(holds)
			return nil, err
		}
		if err := h.Acquire(a.Done()); err != nil {
			ReleaseAll(holds)
			return nil, err
		}
		holds = append(holds, h)
	}
	return holds, nil
}

// ReleaseAll releases holds in reverse order.
func ReleaseAll(holds []*Hold) {
	for i := len(holds) - 1; i >= 0; i-- {
		holds[i].Release()
	}
}

// HoldPool recycles holds, with their channels. It is safe for concurrent
// use.
type HoldPool struct{ p sync.Pool }

// Get returns a hold ready to be sent.
func (p *HoldPool) Get() *Hold {
	if h, ok := p.p.Get().(*Hold); ok {
		return h
	}
	return NewHold()
}

// Put recycles a hold that was released, or that was never granted
// because its actor stopped.
func (p *HoldPool) Put(h *Hold) { p.p.Put(h) }

// AcquireAll is the package's AcquireAll with holds from the pool,
// appended to dst.
func (p *HoldPool) AcquireAll(ctx context.Context, actors []Holder, dst []*Hold) ([]*Hold, error) {
	holds := dst[:0]
	for _, a := range actors {
		if err := ctx.Err(); err != nil {
			p.ReleaseAll(holds)
			return nil, err
		}
		h := p.Get()
		if err := a.SendHold(h); err != nil {
			p.Put(h)
			p.ReleaseAll(holds)
			return nil, err
		}
		if err := h.Acquire(a.Done()); err != nil {
			p.ReleaseAll(holds)
			return nil, err // h may still be granted to nobody: dropped
		}
		holds = append(holds, h)
	}
	return holds, nil
}

// ReleaseAll releases holds in reverse order and recycles them.
func (p *HoldPool) ReleaseAll(holds []*Hold) {
	for i := len(holds) - 1; i >= 0; i-- {
		holds[i].Release()
		p.Put(holds[i])
		holds[i] = nil
	}
}
