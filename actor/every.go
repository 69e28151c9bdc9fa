package actor

import "time"

// EveryFunc is Every with an interval that may change while the job runs:
// interval is called at the start and after each run of fn, and a new
// value takes effect from the next period. The interval must be positive.
func (s *Supervisor) EveryFunc(interval func() time.Duration, fn func()) {
	s.wg.Go(func() {
		d := interval()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn()
				if nd := interval(); nd != d {
					d = nd
					t.Reset(d)
				}
			case <-s.quit:
				return
			}
		}
	})
}
