package actor

import "context"

// Hold hands an actor's state to a coordinator for the time of one atomic
// operation across actors. The coordinator sends the hold inside a message;
// the actor, having finished everything before it, calls Park, which grants
// the hold and blocks until the coordinator calls Release. Between Acquire
// returning nil and Release, the coordinator owns the actor's state; the
// happens-before edges are the two channel operations.
//
// A Hold is single-use.
type Hold struct {
	granted chan struct{}
	release chan struct{}
}

// NewHold returns a hold ready to be sent.
func NewHold() *Hold {
	return &Hold{granted: make(chan struct{}, 1), release: make(chan struct{}, 1)}
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

// Release lets the parked actor continue.
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
