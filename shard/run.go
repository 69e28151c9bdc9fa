package shard

import (
	"sync/atomic"
	"time"

	"github.com/kevydb/kevy/resp"
)

// Running a command the way every engine must: the memory limit checked
// (and keys evicted) before a command that may grow memory, the keyspaces
// re-accounted after a write, the command timed for the slow log and
// INFO commandstats, its errors counted.

// Run runs c.Cmd with c's arguments against the keyspaces c is bound to,
// and returns its reply. Engines call it for every command they run on
// behalf of a caller, instead of calling c.Cmd.Run directly:
//
//   - before a command flagged denyoom, when the store has a memory limit
//     and is over it, keys are evicted from the bound keyspaces as the
//     policy says; if that cannot bring the store under the limit, the
//     command is refused with Redis's OOM error (see evict.go);
//   - a write's effects on each bound keyspace are one MULTI/EXEC group
//     when there are several (see runGroup);
//   - after a write, the bound keyspaces settle their memory accounting;
//   - when the slow log is enabled, the command is timed (two clock reads)
//     and logged if slow, and its per-command statistics updated;
//   - error replies are counted.
func (c *Ctx) Run() resp.Reply {
	cmd := c.Cmd
	ks := c.ks
	if ks == nil {
		if ks = c.firstBound(); ks == nil {
			return cmd.Run(c)
		}
	}
	rt, st := ks.mem.rt, &ks.mem.stats
	ks.Stats.Commands.Add(1)
	if cmd.Flags&FlagDenyOOM != 0 && !c.oomChecked && rt.limit.Load() > 0 {
		if rep, ok := c.ensureMemory(rt); !ok {
			if cs := st.cmds[cmd]; cs != nil {
				cs.Rejected.Add(1)
			}
			rt.Errors.Count(rep.Str)
			return rep
		}
	}
	thr := int64(rt.Slowlog.Threshold())
	var start time.Time
	if thr >= 0 {
		start = time.Now()
	}
	var rep resp.Reply
	switch {
	case cmd.Flags&FlagWrite == 0:
		rep = cmd.Run(c)
	case c.ks != nil:
		// A write's effects are one group: see runGroup.
		m := ks.Mark()
		rep = cmd.Run(c)
		ks.WrapMulti(m)
		c.settleAfterCommand()
	default:
		rep = c.runGroup(cmd)
		c.settleAfterCommand()
	}
	if thr >= 0 {
		d := time.Since(start)
		if cs := st.cmds[cmd]; cs != nil {
			cs.Calls.Add(1)
			cs.Nanos.Add(int64(d))
		}
		if int64(d) >= thr && cmd.Flags&FlagSkipSlowlog == 0 {
			rt.Slowlog.Add(c.Args, d, c.Client.NameOrEmpty())
		}
	}
	if rep.Kind == resp.Error {
		c.countError(rt, st, cmd, rep)
	}
	return rep
}

// runGroup runs the write command cmd across the keyspaces of a group.
// A write's effects on each keyspace are one group (Mark/WrapMulti), so
// that a command that logs several records on a shard (a *STORE's DEL and
// the rebuilt value, a value moved from another shard in chunks) replays
// all or none, as Redis wraps the commands one command propagates in
// MULTI/EXEC.
func (c *Ctx) runGroup(cmd *Command) resp.Reply {
	group := c.group
	var buf [8]EffectMark
	marks := buf[:0]
	if len(group) <= len(buf) {
		marks = buf[:len(group)]
	} else {
		marks = make([]EffectMark, len(group))
	}
	for i, ks := range group {
		if ks != nil {
			marks[i] = ks.Mark()
		}
	}
	rep := cmd.Run(c)
	for i, ks := range group {
		if ks != nil {
			ks.WrapMulti(marks[i])
		}
	}
	return rep
}

func (c *Ctx) countError(rt *Runtime, st *shardStats, cmd *Command, rep resp.Reply) {
	if cs := st.cmds[cmd]; cs != nil {
		cs.Failed.Add(1)
	}
	rt.Errors.Count(rep.Str)
}

// CmdStat are one command's counters on one shard (INFO commandstats).
// Calls and Nanos move only while the slow log is enabled (commands are
// timed only then); Rejected and Failed always do.
type CmdStat struct {
	Calls    atomic.Int64 // completed calls (timed)
	Nanos    atomic.Int64 // total execution time of the timed calls
	Rejected atomic.Int64 // refused before running (OOM)
	Failed   atomic.Int64 // ran and replied with an error
}

// shardStats are a keyspace's command counters. The map is filled when the
// keyspace is created and never changes, so concurrent readers (the
// lock-based engine's) may share it; the counters are atomics.
type shardStats struct {
	cmds map[*Command]*CmdStat
}

func (st *shardStats) init() {
	st.cmds = map[*Command]*CmdStat{}
	for _, c := range Commands() {
		st.cmds[c] = &CmdStat{}
		for _, s := range c.Subs {
			st.cmds[s] = &CmdStat{}
		}
	}
}

// CommandsProcessed returns the number of commands the keyspace ran
// through Ctx.Run.
func (ks *Keyspace) CommandsProcessed() int64 { return ks.Stats.Commands.Load() }

// CommandStats calls fn for every command with a nonzero counter on this
// keyspace.
func (ks *Keyspace) CommandStats(fn func(cmd *Command, st *CmdStat)) {
	for cmd, st := range ks.mem.stats.cmds {
		if st.Calls.Load() != 0 || st.Rejected.Load() != 0 || st.Failed.Load() != 0 {
			fn(cmd, st)
		}
	}
}

// ResetStats zeroes the keyspace's counters (CONFIG RESETSTAT).
func (ks *Keyspace) ResetStats() {
	ks.Stats.Hits.Store(0)
	ks.Stats.Misses.Store(0)
	ks.Stats.Expired.Store(0)
	ks.Stats.Evicted.Store(0)
	ks.Stats.Commands.Store(0)
	for _, st := range ks.mem.stats.cmds {
		st.Calls.Store(0)
		st.Nanos.Store(0)
		st.Rejected.Store(0)
		st.Failed.Store(0)
	}
}
