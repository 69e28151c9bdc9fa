package actor

import (
	"sync"
	"time"
)

// Supervisor owns time and the lifetime of background goroutines: it runs
// periodic jobs and joins every goroutine it started when stopped. Its
// methods are safe for concurrent use.
type Supervisor struct {
	quit chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

// NewSupervisor returns a running supervisor with no jobs.
func NewSupervisor() *Supervisor {
	return &Supervisor{quit: make(chan struct{})}
}

// Every runs fn every d on a goroutine of its own until Stop. fn must not
// block for long: it typically posts ticks with [Actor.Tick].
func (s *Supervisor) Every(d time.Duration, fn func()) {
	s.wg.Go(func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn()
			case <-s.quit:
				return
			}
		}
	})
}

// Go runs fn on a goroutine that Stop joins; fn must return once quit is
// closed.
func (s *Supervisor) Go(fn func(quit <-chan struct{})) {
	s.wg.Go(func() { fn(s.quit) })
}

// Quit is closed when the supervisor stops.
func (s *Supervisor) Quit() <-chan struct{} { return s.quit }

// Stop ends every job and waits for their goroutines. It is idempotent.
func (s *Supervisor) Stop() {
	s.once.Do(func() { close(s.quit) })
	s.wg.Wait()
}
