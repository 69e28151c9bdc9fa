package kevy

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Events for push-style metrics (Config.OnEvent), delivered by a
// dispatcher goroutine so that no shard ever waits for the callback.

// EventKind says what an Event reports.
type EventKind uint8

// The event kinds.
const (
	// EventAOFLoaded: Open finished replaying the append-only files.
	// Keys is the number of keys loaded, Duration the time it took.
	EventAOFLoaded EventKind = iota + 1
	// EventRewriteDone: a rewrite of the append-only files finished
	// (BGREWRITEAOF or automatic). Err is set when it failed.
	EventRewriteDone
	// EventSnapshotSaved: an RDB snapshot (SAVE, BGSAVE) finished. Err is
	// set when it failed; Path names the file.
	EventSnapshotSaved
	// EventKeysEvicted: keys were evicted to stay within MaxMemory. Keys
	// and Bytes total the evictions since the previous such event (they
	// are coalesced, so none is ever dropped).
	EventKeysEvicted
	// EventAOFDamaged: Open found damage in a shard's append-only file
	// and, as the default policy says (Config.StrictAOF unset), cut the
	// log before the damaged record and opened with everything before it
	// (see docs/formats.md). Shard is the shard, Path the damaged file,
	// Bytes the bytes removed from the log (every one copied aside first),
	// Err the *aof.CorruptError: errors.As gives the offset, the cause and
	// the name of the copy.
	EventAOFDamaged
)

// String returns the kind's name ("keys-evicted").
func (k EventKind) String() string {
	switch k {
	case EventAOFLoaded:
		return "aof-loaded"
	case EventRewriteDone:
		return "rewrite-done"
	case EventSnapshotSaved:
		return "snapshot-saved"
	case EventKeysEvicted:
		return "keys-evicted"
	case EventAOFDamaged:
		return "aof-damaged"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one occurrence reported to Config.OnEvent.
type Event struct {
	Kind     EventKind
	Time     time.Time     // when it happened
	Shard    int           // the shard concerned; -1 for the whole store
	Keys     int64         // keys loaded, saved or evicted
	Bytes    int64         // bytes written or freed
	Duration time.Duration // how long the work took
	Path     string        // the file written, if any
	Err      error         // the failure, if the work failed
}

// eventQueue is the number of events waiting for OnEvent before new ones
// are dropped.
const eventQueue = 1024

// dispatcher runs OnEvent on its own goroutine. It exits when stopped,
// after delivering what was queued.
type dispatcher struct {
	fn      func(Event)
	ch      chan Event
	evicted chan struct{} // cap 1: evictions are pending
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Int64

	evictKeys  atomic.Int64 // evictions not yet reported
	evictBytes atomic.Int64
}

func newDispatcher(fn func(Event)) *dispatcher {
	d := &dispatcher{fn: fn, ch: make(chan Event, eventQueue), evicted: make(chan struct{}, 1),
		quit: make(chan struct{}), done: make(chan struct{})}
	go d.run()
	return d
}

// emit queues ev without blocking; a full queue drops it.
func (d *dispatcher) emit(ev Event) {
	if d == nil {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	select {
	case d.ch <- ev:
	default:
		d.dropped.Add(1)
	}
}

// evictedKeys records evictions, reported as one coalesced event.
func (d *dispatcher) evictedKeys(keys int, bytes int64) {
	if d == nil {
		return
	}
	d.evictKeys.Add(int64(keys))
	d.evictBytes.Add(bytes)
	select {
	case d.evicted <- struct{}{}:
	default:
	}
}

func (d *dispatcher) run() {
	defer close(d.done)
	for {
		select {
		case ev := <-d.ch:
			d.fn(ev)
		case <-d.evicted:
			d.flushEvicted()
		case <-d.quit:
			for {
				select {
				case ev := <-d.ch:
					d.fn(ev)
					continue
				default:
				}
				break
			}
			d.flushEvicted()
			return
		}
	}
}

func (d *dispatcher) flushEvicted() {
	keys := d.evictKeys.Swap(0)
	bytes := d.evictBytes.Swap(0)
	if keys > 0 {
		d.fn(Event{Kind: EventKeysEvicted, Time: time.Now(), Shard: -1, Keys: keys, Bytes: bytes})
	}
}

// stop delivers the queued events and waits for the goroutine to exit.
func (d *dispatcher) stop() {
	if d == nil {
		return
	}
	d.once.Do(func() { close(d.quit) })
	<-d.done
}

// Dropped returns the number of events dropped because the queue was full.
func (d *dispatcher) droppedEvents() int64 {
	if d == nil {
		return 0
	}
	return d.dropped.Load()
}

// Hooks for the persistence jobs (persist_jobs.go): each reports the end
// of one job to Config.OnEvent, without blocking.

// emitSnapshotSaved reports an RDB save (SAVE, BGSAVE) that finished.
func (s *Store) emitSnapshotSaved(path string, keys, bytes int64, took time.Duration, err error) {
	s.obs.emit(Event{Kind: EventSnapshotSaved, Shard: -1, Path: path, Keys: keys, Bytes: bytes, Duration: took, Err: err})
}

// emitRewriteDone reports an AOF rewrite that finished (shard -1: every
// shard's).
func (s *Store) emitRewriteDone(shard int, bytes int64, took time.Duration, err error) {
	s.obs.emit(Event{Kind: EventRewriteDone, Shard: shard, Bytes: bytes, Duration: took, Err: err})
}
