// Package actor is kevy's actor runtime: goroutines that own their state
// outright and are reached only by messages.
//
// # Model
//
// An [Actor] is one goroutine looping over its mailbox, a buffered channel
// of messages. It blocks for the first message, then drains whatever else
// is already waiting, up to a bound, and hands the whole batch to its
// [Handler] at once. Batching is how an actor amortises the cost of a
// wake-up (a goroutine hop costs about 0.35–0.45 µs on the machines kevy is
// measured on; a map lookup costs 20 ns): one hop carries every request that
// queued up meanwhile, and one append-only-file write and fsync serve them
// all (group commit).
//
// Callers embed a [Call] in their request structs: a capacity-1 signal
// channel the actor completes exactly once. The actor never blocks on a
// caller that has gone away, and a request struct can be pooled and reused
// once its completion has been received; with a per-store pool the request
// path makes no allocation.
//
// # Cancellation
//
// [Call.Wait] returns early when the caller's context ends, with
// ctx.Err(). That abandons the wait, not the request: a request that was
// already in the mailbox may still be applied (etcd's raft has the same
// rule). Its struct must not be reused, since the actor may still complete
// it.
//
// # Holds
//
// A coordinator that must run one command atomically over several actors
// sends each a [Hold], in ascending actor order. An actor that meets a hold
// in its batch first finishes the messages before it, then parks: it grants
// the hold and waits for its release, leaving its state to the coordinator
// meanwhile. Ownership moves by message, so no mutex guards the state. Since
// every coordinator acquires in the same order, two coordinators cannot
// deadlock.
//
// # Time and shutdown
//
// A [Supervisor] owns time and shutdown. It runs periodic jobs (reaper
// ticks, fsync ticks) that post to actors with [Actor.Tick]: a tick is a
// control envelope in the mailbox, sent without blocking and only when none
// is pending, so ticks never pile up (a dropped tick is counted). [Actor.Stop]
// queues a stop envelope behind the messages already waiting (the mailbox
// channel itself is never closed, so a late sender can never panic); when
// the loop reaches it, it marks itself sealed, rejects whatever arrived
// after the stop, runs its handler's Stop, and closes its done channel. A
// caller that, after sending, finds the actor not sealed knows its message
// will be completed, so with a context that cannot be cancelled it waits
// with a plain channel receive — no select on the hot path; otherwise it
// also watches the done channel. Because ticks and stop share the mailbox
// with messages, the loop blocks on one channel with a plain receive.
//
// # The cost of a hop
//
// On the machines kevy is measured on, a request/reply through channels
// costs about 0.25–0.45 µs whichever way it is built. Three things measured
// worth keeping: draining the mailbox into a batch per wake-up; yielding
// (runtime.Gosched) after each batch, so that woken callers run at once and
// their next request finds the actor runnable instead of parked; and plain
// channel operations instead of select where correctness allows (a blocking
// select costs 20–50 ns more than a plain send or receive).
package actor
