package kevy

import (
	"context"

	"github.com/kevydb/kevy/locked"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Pipelines: a batch of commands run in order, non-atomically, as a Redis
// pipeline. Consecutive commands whose keys each live on one shard are sent
// as one message per shard (the shards run their parts in parallel, each in
// the pipeline's order), so one hop carries many commands; commands that
// span shards, block, or change the connection run alone, in their place.

// ExecPipeline runs cmds as a pipeline on the connection and returns their
// replies in command order. Errors of individual commands are error
// replies; engine failures (ErrClosed, a context's error) become error
// replies for the commands they prevented.
func (c *Conn) ExecPipeline(ctx context.Context, cmds ...[]string) []Reply {
	replies := make([]Reply, len(cmds))
	s := c.s
	var (
		segIdx   []int
		segShard []int
		segCmds  []*shard.Command
	)
	flush := func() {
		if len(segIdx) == 0 {
			return
		}
		err := s.execBatch(ctx, c.db, &c.client, segCmds, segIdx, segShard, cmds, replies)
		if err != nil {
			for _, i := range segIdx {
				if replies[i].Kind == 0 {
					replies[i] = resp.Err("ERR " + err.Error())
				}
			}
		}
		segIdx, segShard, segCmds = segIdx[:0], segShard[:0], segCmds[:0]
	}
	var buf [8]int
	for i, args := range cmds {
		cmd, errRep := shard.Resolve(args)
		if cmd == nil {
			if c.tx.active {
				c.tx.dirty = true
			}
			replies[i] = errRep
			continue
		}
		if c.closed || c.tx.active || cmd.Route != shard.RouteKeys || cmd.Flags&shard.FlagBlocking != 0 {
			flush()
			rep, err := c.run(ctx, cmd, args)
			if err != nil {
				rep = resp.Err("ERR " + err.Error())
			}
			replies[i] = rep
			continue
		}
		ids := s.router.Shards(cmd, args, buf[:0])
		if len(ids) > 1 {
			flush()
			rep, err := c.run(ctx, cmd, args)
			if err != nil {
				rep = resp.Err("ERR " + err.Error())
			}
			replies[i] = rep
			continue
		}
		sh := 0
		if len(ids) == 1 {
			sh = ids[0]
		}
		segIdx = append(segIdx, i)
		segShard = append(segShard, sh)
		segCmds = append(segCmds, cmd)
	}
	flush()
	return replies
}

// execBatch runs the pipeline segment: cmds[idx[j]] is a single-shard
// command for shard shardOf[j]; replies go to replies[idx[j]].
func (s *Store) execBatch(ctx context.Context, db int, cl *shard.Client, segCmds []*shard.Command, idx, shardOf []int, all [][]string, replies []Reply) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if s.actor != nil {
		items := make([]batchItem, len(idx))
		for j, i := range idx {
			items[j] = batchItem{cmd: segCmds[j], args: all[i]}
		}
		err := s.actor.execBatch(ctx, db, cl, items, shardOf)
		for j, i := range idx {
			replies[i] = items[j].reply
		}
		return err
	}
	items := make([]locked.Item, len(idx))
	for j, i := range idx {
		items[j] = locked.Item{Cmd: segCmds[j], Args: all[i]}
	}
	err := lockedErr(s.locked.ExecBatch(ctx, db, cl, items, shardOf))
	for j, i := range idx {
		replies[i] = items[j].Reply
	}
	return err
}

// ExecPipeline runs cmds as a pipeline on database 0 (see
// [Conn.ExecPipeline]).
func (s *Store) ExecPipeline(ctx context.Context, cmds ...[]string) []Reply {
	c := s.Conn()
	defer c.Close()
	return c.ExecPipeline(ctx, cmds...)
}
