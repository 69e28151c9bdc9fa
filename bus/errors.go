package bus

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by every error-returning method of a [Bus] and of
// its subscribers once [Bus.Close] has run, and it is what [Subscriber.Err]
// reports for a subscriber whose stream the closing bus ended.
var ErrClosed = errors.New("bus: closed")

// ErrSubscriberClosed is returned by the methods of a [Subscriber] after its
// owner called [Subscriber.Close], and reported by its Err.
var ErrSubscriberClosed = errors.New("bus: subscriber closed")

// ErrSlowSubscriber is why a subscriber was cut off: a message or a
// confirmation found its stream at its bounds, so the bus dropped all its
// subscriptions and ended its stream rather than wait for it or buffer
// without bound. The error a cut-off subscriber's Err and methods
// return wraps ErrSlowSubscriber and names the buffer size; test for it with
// errors.Is.
var ErrSlowSubscriber = errors.New("bus: subscriber too slow, disconnected")

// slowError is the error s gets when it is cut off: it names the bound
// reached.
func slowError(s *Subscriber) error {
	s.mu.Lock()
	waiting := len(s.q) - s.head
	s.mu.Unlock()
	if s.maxMsgs > 0 && waiting >= s.maxMsgs {
		return fmt.Errorf("%w (buffer of %d messages full)", ErrSlowSubscriber, s.maxMsgs)
	}
	return fmt.Errorf("%w (buffer of %d bytes full)", ErrSlowSubscriber, s.maxBytes)
}
