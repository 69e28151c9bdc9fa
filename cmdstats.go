package kevy

import (
	"sync"
	"time"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Command statistics kept by the Store itself, for what never reaches a
// shard: connection commands (CONFIG, MULTI, EXEC, SUBSCRIBE...) and
// commands refused before running (unknown, wrong arity). The shards count
// the rest (shard.CmdStat); INFO commandstats adds the two.

// storeCmdStats are the Store's per-command counters. Connection commands
// run on their callers' goroutines, so a mutex guards them.
type storeCmdStats struct {
	mu sync.Mutex
	m  map[*shard.Command]*cmdTotals
}

func (s *storeCmdStats) update(cmd *shard.Command, fn func(t *cmdTotals)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[*shard.Command]*cmdTotals{}
	}
	t := s.m[cmd]
	if t == nil {
		t = &cmdTotals{}
		s.m[cmd] = t
	}
	fn(t)
}

// addTo adds the counters into totals.
func (s *storeCmdStats) addTo(totals map[*shard.Command]*cmdTotals) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for cmd, t := range s.m {
		acc := totals[cmd]
		if acc == nil {
			acc = &cmdTotals{}
			totals[cmd] = acc
		}
		acc.calls += t.calls
		acc.nanos += t.nanos
		acc.rejected += t.rejected
		acc.failed += t.failed
	}
}

func (s *storeCmdStats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = nil
}

// runConnCommand runs a connection command's handler, timed when the slow
// log is on, and counts it.
func (o *observer) runConnCommand(cmd *shard.Command, args []string, cl *shard.Client, h func() resp.Reply) resp.Reply {
	thr := o.rt.Slowlog.Threshold()
	if thr < 0 {
		rep := h()
		if rep.Kind == resp.Error {
			o.rt.Errors.Count(rep.Str)
			o.cmds.update(cmd, func(t *cmdTotals) { t.failed++ })
		}
		return rep
	}
	start := time.Now()
	rep := h()
	d := time.Since(start)
	o.cmds.update(cmd, func(t *cmdTotals) {
		t.calls++
		t.nanos += int64(d)
		if rep.Kind == resp.Error {
			t.failed++
		}
	})
	if rep.Kind == resp.Error {
		o.rt.Errors.Count(rep.Str)
	}
	if d >= thr && cmd.Flags&shard.FlagSkipSlowlog == 0 {
		o.rt.Slowlog.Add(redacted(cmd, args), d, cl.NameOrEmpty()) // access.go
	}
	return rep
}

// rejected counts a command refused before it ran (Redis's
// rejected_calls): unknown, or the wrong number of arguments.
func (o *observer) rejected(args []string, rep resp.Reply) {
	o.rt.Errors.Count(rep.Str)
	if len(args) == 0 {
		return
	}
	cmd := shard.Lookup(args[0])
	if cmd == nil {
		return
	}
	if cmd.Subs != nil && len(args) >= 2 {
		for name, sub := range cmd.Subs {
			if shard.EqualFold(args[1], name) {
				cmd = sub
				break
			}
		}
	}
	o.cmds.update(cmd, func(t *cmdTotals) { t.rejected++ })
}
