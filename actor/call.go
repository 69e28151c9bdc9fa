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

// Wait waits for Complete. It returns ctx.Err() if ctx ends first (a
// completion that raced with it is still taken). An accepted message is
// always completed, even when the actor stops (it is rejected), so Wait
// needs no watch on the actor: with a context that cannot end it is a
// plain channel receive, the cheapest wait there is.
func (c *Call) Wait(ctx context.Context) error {
	d := ctx.Done()
	if d == nil {
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
	}
}
