package bus

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by every error-returning method of a [Bus] and of
// its subscribers once [Bus.Close] has run, and it is what [Subscriber.Err]
// reports for a subscriber whose message channel the closing bus closed.
var ErrClosed = errors.New("bus: closed")

// ErrSubscriberClosed is returned by the methods of a [Subscriber] after its
// owner called [Subscriber.Close], and reported by its Err.
var ErrSubscriberClosed = errors.New("bus: subscriber closed")

// ErrSlowSubscriber is why a subscriber was cut off: a message or a
// confirmation found its buffer full, so the bus dropped all its
// subscriptions and closed its message channel rather than wait for it or
// buffer without bound. The error a cut-off subscriber's Err and methods
// return wraps ErrSlowSubscriber and names the buffer size; test for it with
// errors.Is.
var ErrSlowSubscriber = errors.New("bus: subscriber too slow, disconnected")

// slowError is the error a subscriber with a buffer of n messages gets when
// it is cut off.
func slowError(n int) error {
	return fmt.Errorf("%w (buffer of %d messages full)", ErrSlowSubscriber, n)
}
