package actor

import "context"

// Call is the completion half of a request: embed it in a request struct
// and call Init once when the struct is created. The actor calls Complete
// exactly once per use; the caller calls Wait. A Call can be reused after a
// Wait that returned nil (the completion was consumed) — never after a Wait
// that returned an error.
type Call struct {
	done chan struct{}
}

// Init makes the completion channel (capacity 1: Complete never blocks).
func (c *Call) Init() { c.done = make(chan struct{}, 1) }

// Done returns the completion channel, for callers that must select on
// it themselves. Receiving from it consumes the completion.
func (c *Call) Done() <-chan struct{} { return c.done }

// Complete signals the waiting caller. It must be called once per use,
// after the reply was written into the request.
func (c *Call) Complete() { c.done <- struct{}{} }

// Waitable is the actor a Call was sent to, as Wait needs it.
type Waitable interface {
	// Sealed reports whether the actor started stopping.
	Sealed() bool
	// Done is closed when the actor has stopped.
	Done() <-chan struct{}
}

// Wait waits for Complete, after the message was sent to a. It returns
// ctx.Err() if ctx ends first, and ErrClosed if the actor stopped without
// completing the message; a completion that raced with either is still
// taken. While the actor runs normally and ctx cannot end, this is a plain
// channel receive — the cheapest wait there is — because every message
// queued before the actor started stopping is completed (see Actor.seal).
func (c *Call) Wait(ctx context.Context, a Waitable) error {
	d := ctx.Done()
	if d == nil && !a.Sealed() {
		<-c.done
		return nil
	}
	select {
	case <-c.done:
		return nil
	case <-d:
		select {
		case <-c.done:
			return nil
		default:
			return ctx.Err()
		}
	case <-a.Done():
		select {
		case <-c.done:
			return nil
		default:
			return ErrClosed
		}
	}
}
