// Package obs holds the store-wide observability state that every shard
// writes to: the slow log (SLOWLOG) and the error statistics (INFO
// errorstats). Unlike a keyspace, which one shard owns, these are shared by
// all shards of a store, so they are safe for concurrent use; they are
// touched only by slow commands and error replies, and each takes its own
// short lock. Keeping them here keeps actor/ and shard/ free of mutexes.
package obs

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The slow log, Redis's SLOWLOG: the most recent commands whose execution
// (on the shard, queueing excluded) took at least a threshold.

// Slowlog limits, as Redis's SLOWLOG_ENTRY_MAX_ARGC and _STRING.
const (
	slowlogMaxArgs   = 32
	slowlogMaxString = 128
)

// SlowlogEntry is one logged command.
type SlowlogEntry struct {
	ID         int64         // increasing from 0
	Time       int64         // unix seconds when it was logged
	Duration   time.Duration // execution time
	Args       []string      // the command line, shortened as Redis does
	ClientAddr string        // "" for embedded callers
	ClientName string
}

// Slowlog is a bounded log of slow commands. It is safe for concurrent
// use; only slow commands take its lock.
type Slowlog struct {
	threshold atomic.Int64 // nanoseconds; negative: disabled
	maxLen    atomic.Int64

	mu      sync.Mutex
	entries []SlowlogEntry // oldest first
	nextID  int64
}

// NewSlowlog returns a slow log with Redis's defaults: 10 ms, 128 entries.
func NewSlowlog() *Slowlog {
	l := &Slowlog{}
	l.threshold.Store(int64(10 * time.Millisecond))
	l.maxLen.Store(128)
	return l
}

// SetThreshold sets the execution time from which commands are logged; a
// negative value disables the log (and command timing), zero logs every
// command.
func (l *Slowlog) SetThreshold(d time.Duration) { l.threshold.Store(int64(d)) }

// Threshold returns the threshold; negative when disabled.
func (l *Slowlog) Threshold() time.Duration { return time.Duration(l.threshold.Load()) }

// SetMaxLen sets the number of entries kept (the oldest go first).
func (l *Slowlog) SetMaxLen(n int64) {
	l.maxLen.Store(max(n, 0))
	l.mu.Lock()
	l.trimLocked()
	l.mu.Unlock()
}

// MaxLen returns the number of entries kept.
func (l *Slowlog) MaxLen() int64 { return l.maxLen.Load() }

func (l *Slowlog) trimLocked() {
	if n := int64(len(l.entries)) - l.maxLen.Load(); n > 0 {
		clear(l.entries[:n])
		l.entries = append(l.entries[:0], l.entries[n:]...)
	}
}

// Add logs a command that took d, if d reaches the threshold.
func (l *Slowlog) Add(args []string, d time.Duration, clientName string) {
	t := l.threshold.Load()
	if t < 0 || int64(d) < t {
		return
	}
	e := SlowlogEntry{Time: time.Now().Unix(), Duration: d, Args: slowlogArgs(args), ClientName: clientName}
	l.mu.Lock()
	defer l.mu.Unlock()
	e.ID = l.nextID
	l.nextID++
	if l.maxLen.Load() == 0 {
		return
	}
	l.entries = append(l.entries, e)
	l.trimLocked()
}

// slowlogArgs copies args, keeping at most 32 (the last one says how many
// more there were) and at most 128 bytes of each.
func slowlogArgs(args []string) []string {
	n := min(len(args), slowlogMaxArgs)
	out := make([]string, n)
	for i := range n {
		if n != len(args) && i == n-1 {
			out[i] = "... (" + strconv.Itoa(len(args)-n+1) + " more arguments)"
			break
		}
		a := args[i]
		if len(a) > slowlogMaxString {
			a = a[:slowlogMaxString] + "... (" + strconv.Itoa(len(a)-slowlogMaxString) + " more bytes)"
		} else {
			a = string([]byte(a)) // do not pin a large buffer the argument may share
		}
		out[i] = a
	}
	return out
}

// Get returns up to n entries, newest first (n < 0: all).
func (l *Slowlog) Get(n int) []SlowlogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n < 0 || n > len(l.entries) {
		n = len(l.entries)
	}
	out := make([]SlowlogEntry, 0, n)
	for i := len(l.entries) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, l.entries[i])
	}
	return out
}

// Len returns the number of entries.
func (l *Slowlog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Reset empties the log (entry IDs keep increasing).
func (l *Slowlog) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.entries)
	l.entries = l.entries[:0]
}
