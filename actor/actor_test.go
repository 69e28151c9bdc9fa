package actor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// msg is a test message: a call plus a value and an outcome.
type msg struct {
	Call
	v        int
	handled  bool
	rejected bool
}

func newMsg(v int) *msg {
	m := &msg{v: v}
	m.Init()
	return m
}

// counter is a handler that sums values and records batch sizes.
type counter struct {
	sum     int
	batches []int
	ticks   int
	stopped bool
	park    chan *Hold
}

func (c *counter) Handle(batch []*msg) {
	c.batches = append(c.batches, len(batch))
	for _, m := range batch {
		if m.v < 0 && c.park != nil {
			h := <-c.park
			h.Park()
		}
		c.sum += m.v
		m.handled = true
		m.Complete()
	}
}
func (c *counter) Tick()         { c.ticks++ }
func (c *counter) Reject(m *msg) { m.rejected = true; m.Complete() }
func (c *counter) Stop()         { c.stopped = true }

func TestActorHandlesAndBatches(t *testing.T) {
	a := New[*msg](64, 8)
	h := &counter{}
	done := make(chan struct{})
	go func() { a.Run(h); close(done) }()
	ctx := context.Background()
	var msgs []*msg
	for i := 1; i <= 100; i++ {
		m := newMsg(i)
		require.NoError(t, a.Send(ctx, m))
		msgs = append(msgs, m)
	}
	for _, m := range msgs {
		require.NoError(t, m.Wait(ctx, a))
		assert.True(t, m.handled)
	}
	a.Stop()
	a.Stop() // idempotent
	<-done
	assert.Equal(t, 5050, h.sum)
	assert.True(t, h.stopped)
	for _, b := range h.batches {
		assert.LessOrEqual(t, b, 8, "batches are bounded")
	}
	st := a.Stats()
	assert.Equal(t, uint64(100), st.Messages)
	assert.ErrorIs(t, a.Send(ctx, newMsg(1)), ErrClosed)
}

// TestActorStopCompletesEveryAcceptedMessage races many senders with Stop:
// every message Send accepted is completed (handled or rejected) or, if it
// arrived after the actor started stopping, its Wait returns ErrClosed;
// no Wait hangs.
func TestActorStopCompletesEveryAcceptedMessage(t *testing.T) {
	for round := 0; round < 20; round++ {
		a := New[*msg](16, 4)
		h := &counter{}
		go a.Run(h)
		ctx := context.Background()
		var wg sync.WaitGroup
		var accepted, refused, completed, late atomic.Int64
		for g := 0; g < 32; g++ {
			wg.Go(func() {
				for i := 0; i < 50; i++ {
					m := newMsg(1)
					if err := a.Send(ctx, m); err != nil {
						require.ErrorIs(t, err, ErrClosed)
						refused.Add(1)
						continue
					}
					accepted.Add(1)
					if err := m.Wait(ctx, a); err != nil { // must not hang
						require.ErrorIs(t, err, ErrClosed)
						late.Add(1)
						continue
					}
					require.True(t, m.handled || m.rejected)
					completed.Add(1)
				}
			})
		}
		time.Sleep(time.Duration(round) * 50 * time.Microsecond)
		a.Stop()
		wg.Wait()
		<-a.Done()
		assert.Equal(t, accepted.Load(), completed.Load()+late.Load())
		assert.Equal(t, int64(32*50), accepted.Load()+refused.Load())
		assert.Zero(t, a.Queued())
	}
}

func TestActorSendRespectsContextWhenFull(t *testing.T) {
	a := New[*msg](1, 1)
	h := &counter{park: make(chan *Hold, 1)}
	go a.Run(h)
	defer func() { a.Stop(); <-a.Done() }()
	bg := context.Background()
	blocker := newMsg(-1) // parks the actor on a hold
	require.NoError(t, a.Send(bg, blocker))
	hold := NewHold()
	h.park <- hold
	require.NoError(t, hold.Acquire(a.Done()))
	require.NoError(t, a.Send(bg, newMsg(1))) // fills the mailbox
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	err := a.Send(ctx, newMsg(1))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	hold.Release()
	require.NoError(t, blocker.Wait(bg, a))
}

// An ended context sends nothing, even with room in the mailbox: the
// message is never handled.
func TestActorSendEndedContextSendsNothing(t *testing.T) {
	a := New[*msg](64, 8)
	h := &counter{}
	go a.Run(h)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		assert.ErrorIs(t, a.Send(ctx, newMsg(1)), context.Canceled)
	}
	m := newMsg(2)
	require.NoError(t, a.Send(context.Background(), m))
	require.NoError(t, m.Wait(context.Background(), a))
	a.Stop()
	<-a.Done()
	assert.Equal(t, 2, h.sum, "only the message sent with a live context ran")
}

func TestCallWaitCancelled(t *testing.T) {
	a := New[*msg](1, 1)
	m := newMsg(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, m.Wait(ctx, a), context.Canceled)
	m.Complete()
	assert.NoError(t, m.Wait(ctx, a), "a completion already there wins over the cancellation")
}

// holder adapts a test actor to Holder.
type holder struct {
	a    *Actor[*msg]
	park chan *Hold
}

func (h holder) SendHold(x *Hold) error {
	m := newMsg(-1)
	if err := h.a.Send(context.Background(), m); err != nil {
		return err
	}
	h.park <- x
	return nil
}
func (h holder) Done() <-chan struct{} { return h.a.Done() }

// TestHoldsAcquireInOrderWithoutDeadlock runs coordinators that hold
// overlapping sets of actors (always in ascending order) concurrently.
func TestHoldsAcquireInOrderWithoutDeadlock(t *testing.T) {
	const n = 4
	var hs []Holder
	var handlers []*counter
	for i := 0; i < n; i++ {
		h := &counter{park: make(chan *Hold, 16)}
		a := New[*msg](64, 8)
		go a.Run(h)
		handlers = append(handlers, h)
		hs = append(hs, holder{a: a, park: h.park})
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	var inside atomic.Int32
	for c := 0; c < 8; c++ {
		wg.Go(func() {
			for i := 0; i < 50; i++ {
				lo := (c + i) % n
				set := hs[lo:]
				holds, err := AcquireAll(ctx, set)
				if !assert.NoError(t, err) {
					return
				}
				inside.Add(1)
				inside.Add(-1)
				ReleaseAll(holds)
			}
		})
	}
	wg.Wait()
	for _, h := range hs {
		h.(holder).a.Stop()
		<-h.Done()
	}
}

func TestAcquireAllStoppedActor(t *testing.T) {
	h := &counter{park: make(chan *Hold, 1)}
	a := New[*msg](4, 4)
	go a.Run(h)
	a.Stop()
	<-a.Done()
	_, err := AcquireAll(context.Background(), []Holder{holder{a: a, park: h.park}})
	assert.True(t, errors.Is(err, ErrClosed))
}

func TestSupervisorTicksAndStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := New[*msg](4, 4)
		h := &counter{}
		go a.Run(h)
		s := NewSupervisor()
		s.Every(100*time.Millisecond, func() { a.Tick() })
		var ran atomic.Bool
		s.Go(func(quit <-chan struct{}) { <-quit; ran.Store(true) })
		time.Sleep(time.Second + time.Millisecond)
		synctest.Wait()
		s.Stop()
		s.Stop() // idempotent
		assert.True(t, ran.Load())
		a.Stop()
		<-a.Done()
		assert.Equal(t, 10, h.ticks)
	})
}

func TestTickDropsWhenPending(t *testing.T) {
	a := New[*msg](4, 4)
	assert.True(t, a.Tick())
	assert.False(t, a.Tick(), "a tick is already pending")
	assert.Equal(t, uint64(1), a.Stats().DroppedTicks)
	go a.Run(&counter{})
	a.Stop()
	<-a.Done()
}
