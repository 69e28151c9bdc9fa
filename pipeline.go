package kevy

import (
	"context"

	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Pipelines: a batch of commands run in order, non-atomically, as a Redis
// pipeline. Consecutive commands whose keys each live on one shard form a
// segment: it is sorted by shard and sent as one message per shard (the
// shards run their parts in parallel, each in the pipeline's order), so
// one hop carries many commands. Commands that span shards, block, or
// change the connection end the segment and run alone, in their place.
// Per-key order is preserved: a key's commands all go to its one shard, in
// order.

// pipeScratch holds a Conn's pipeline buffers between calls, so that a
// pipeline allocates little besides its replies.
type pipeScratch struct {
	items  []shard.BatchItem // the segment, sorted by shard
	origin []int             // items[j] is command origin[j] of the pipeline
	segCmd []*shard.Command  // the segment in pipeline order
	segIdx []int
	segSh  []int
	counts []int // per shard, then the bounds of each shard's run
	next   []int // the next free slot of each shard's run
	reqs   []*request
}

// ExecPipeline runs cmds as a pipeline on the connection and returns their
// replies in command order. Errors of individual commands are error
// replies; engine failures (ErrClosed, a context's error) become error
// replies for the commands they prevented.
func (c *Conn) ExecPipeline(ctx context.Context, cmds ...[]string) []Reply {
	replies := make([]Reply, len(cmds))
	p := &c.pipe
	s := c.s
	p.segCmd, p.segIdx, p.segSh = p.segCmd[:0], p.segIdx[:0], p.segSh[:0]
	for i, args := range cmds {
		cmd, errRep := shard.Resolve(args)
		if cmd == nil {
			if c.tx.active {
				c.tx.dirty = true
			}
			replies[i] = errRep
			continue
		}
		sh, single := 0, false
		if !c.closed && !c.tx.active && !c.subscribed() && cmd.Route == shard.RouteKeys &&
			cmd.Flags&shard.FlagBlocking == 0 {
			sh, single = s.router.SingleShard(cmd, args)
		}
		if single {
			if r, ok := c.permit(ctx, cmd, args); !ok { // conn_acl.go
				if c.closed {
					r = resp.Err(connClosedReply)
				}
				replies[i] = r
				continue
			}
		}
		if !single {
			c.flushSegment(ctx, cmds, replies)
			rep, err := c.run(ctx, cmd, args)
			if err != nil {
				rep = resp.Err("ERR " + err.Error())
			}
			replies[i] = rep
			continue
		}
		p.segCmd = append(p.segCmd, cmd)
		p.segIdx = append(p.segIdx, i)
		p.segSh = append(p.segSh, sh)
	}
	c.flushSegment(ctx, cmds, replies)
	return replies
}

// flushSegment runs the pending segment: a counting sort by shard, one
// engine batch, the replies scattered back to pipeline order.
func (c *Conn) flushSegment(ctx context.Context, cmds [][]string, replies []Reply) {
	p := &c.pipe
	n := len(p.segIdx)
	if n == 0 {
		return
	}
	s := c.s
	nsh := s.cfg.Shards
	if cap(p.counts) < nsh+1 {
		p.counts = make([]int, nsh+1)
		p.next = make([]int, nsh)
		p.reqs = make([]*request, nsh)
	}
	counts := p.counts[:nsh+1]
	clear(counts)
	for _, sh := range p.segSh {
		counts[sh+1]++
	}
	for i := 1; i <= nsh; i++ {
		counts[i] += counts[i-1]
	}
	if cap(p.items) < n {
		p.items = make([]shard.BatchItem, n)
		p.origin = make([]int, n)
	}
	items, origin := p.items[:n], p.origin[:n]
	next := p.next[:nsh] // the next free slot of each shard's run
	copy(next, counts[:nsh])
	for j, sh := range p.segSh {
		k := next[sh]
		next[sh]++
		items[k] = shard.BatchItem{Cmd: p.segCmd[j], Args: cmds[p.segIdx[j]]}
		origin[k] = p.segIdx[j]
	}
	err := s.execBatch(ctx, c.db, &c.client, items, counts, p.reqs[:nsh])
	if err != nil {
		// A shard whose wait was abandoned may still be running its items:
		// leave the buffers to it, never read or reuse them.
		p.items, p.origin = nil, nil
		rep := resp.Err("ERR " + err.Error())
		for _, i := range p.segIdx {
			replies[i] = rep
		}
	} else {
		for k := range items {
			replies[origin[k]] = items[k].Reply
			items[k] = shard.BatchItem{}
		}
	}
	p.segCmd, p.segIdx, p.segSh = p.segCmd[:0], p.segIdx[:0], p.segSh[:0]
}

// execBatch runs a sorted pipeline segment in the engine.
func (s *Store) execBatch(ctx context.Context, db int, cl *shard.Client, items []shard.BatchItem, bounds []int, reqs []*request) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.actor != nil {
		return s.actor.execBatch(ctx, db, cl, items, bounds, reqs)
	}
	return lockedErr(s.locked.ExecBatch(ctx, db, cl, items, bounds))
}

// ExecPipeline runs cmds as a pipeline on database 0 (see
// [Conn.ExecPipeline]).
func (s *Store) ExecPipeline(ctx context.Context, cmds ...[]string) []Reply {
	c := s.Conn()
	defer c.Close()
	return c.ExecPipeline(ctx, cmds...)
}
