package bus

import (
	"slices"

	"github.com/kevydb/kevy/internal/glob"
)

// tables is the subscription state the bus goroutine owns. Nothing else
// touches it.
type tables struct {
	channels map[string]*chanEntry
	patterns map[string]*patEntry
	patList  []*patEntry              // every patEntry, in order of first subscription: what publish scans
	subs     map[*Subscriber]struct{} // every registered subscriber still open
	size     int                      // channel plus pattern subscriptions, over all subscribers
	cut      []*Subscriber            // subscribers cut off during the current request
}

// chanEntry lists a channel's subscribers. Each subscriber records its
// position in its own channels map, so unsubscribing is O(1).
type chanEntry struct {
	subs []*Subscriber
}

// patEntry is one subscribed pattern, compiled once, with its subscribers in
// subscription order.
type patEntry struct {
	pat  glob.Pattern
	subs []*Subscriber
	idx  int // position in tables.patList
}

func newTables() *tables {
	return &tables{
		channels: make(map[string]*chanEntry),
		patterns: make(map[string]*patEntry),
		subs:     make(map[*Subscriber]struct{}),
	}
}

// addChannel subscribes s to ch; a repeated subscription changes nothing.
func (t *tables) addChannel(s *Subscriber, ch string) {
	if _, ok := s.channels[ch]; ok {
		return
	}
	e := t.channels[ch]
	if e == nil {
		e = &chanEntry{}
		t.channels[ch] = e
	}
	s.channels[ch] = len(e.subs)
	e.subs = append(e.subs, s)
	t.size++
}

// dropChannel unsubscribes s from ch, if it was subscribed, and forgets the
// channel once nobody subscribes to it.
func (t *tables) dropChannel(s *Subscriber, ch string) {
	i, ok := s.channels[ch]
	if !ok {
		return
	}
	delete(s.channels, ch)
	e := t.channels[ch]
	last := len(e.subs) - 1
	if i != last {
		moved := e.subs[last]
		e.subs[i] = moved
		moved.channels[ch] = i
	}
	e.subs[last] = nil
	e.subs = e.subs[:last]
	if last == 0 {
		delete(t.channels, ch)
	}
	t.size--
}

// addPattern subscribes s to pattern p; a repeated subscription changes
// nothing.
func (t *tables) addPattern(s *Subscriber, p string) {
	if slices.Contains(s.patterns, p) {
		return
	}
	s.patterns = append(s.patterns, p)
	e := t.patterns[p]
	if e == nil {
		e = &patEntry{pat: glob.Compile(p), idx: len(t.patList)}
		t.patterns[p] = e
		t.patList = append(t.patList, e)
	}
	e.subs = append(e.subs, s)
	t.size++
}

// dropPattern unsubscribes s from pattern p, if it was subscribed, and
// forgets the pattern once nobody subscribes to it.
func (t *tables) dropPattern(s *Subscriber, p string) {
	i := slices.Index(s.patterns, p)
	if i < 0 {
		return
	}
	s.patterns = slices.Delete(s.patterns, i, i+1)
	e := t.patterns[p]
	j := slices.Index(e.subs, s)
	e.subs = slices.Delete(e.subs, j, j+1)
	t.size--
	if len(e.subs) > 0 {
		return
	}
	delete(t.patterns, p)
	t.patList = slices.Delete(t.patList, e.idx, e.idx+1)
	for j := e.idx; j < len(t.patList); j++ {
		t.patList[j].idx = j
	}
}

// dropAll removes every subscription of s, without confirmations.
func (t *tables) dropAll(s *Subscriber) {
	for ch := range s.channels {
		t.dropChannel(s, ch)
	}
	for len(s.patterns) > 0 {
		t.dropPattern(s, s.patterns[len(s.patterns)-1])
	}
}

// channelList answers PUBSUB CHANNELS [pattern]: the active channels, sorted,
// filtered by the pattern when there is one.
func (t *tables) channelList(pattern []string) []string {
	var p glob.Pattern
	if len(pattern) == 1 {
		p = glob.Compile(pattern[0])
	}
	out := make([]string, 0, len(t.channels))
	for ch := range t.channels {
		if len(pattern) == 0 || p.Match(ch) {
			out = append(out, ch)
		}
	}
	slices.Sort(out)
	return out
}
