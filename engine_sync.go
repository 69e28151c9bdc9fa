package kevy

import (
	"sync/atomic"

	"github.com/kevydb/kevy/aof"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Pipelined group commit (FsyncAlways on the actor engine). Redis answers
// nothing before the fsync that makes it durable; a shard that fsynced
// inside its loop would also stop executing for the length of every fsync,
// so its batches would alternate between small (the one fsynced) and large
// (everything that queued meanwhile). Instead, the shard writes each
// batch's effects with one write(2) and hands the batch to its syncer
// goroutine, then goes on with the next batch; the syncer takes every batch
// that queued up, fsyncs once — covering all of them — and answers them in
// order. A batch that wrote nothing still goes through the syncer while
// earlier ones are pending, since its reads may have seen their writes.

// syncBatch is a batch waiting for durability.
type syncBatch struct {
	reqs   []*request
	served shard.Served // blocked callers served by the batch
}

// syncer fsyncs and answers the batches of one shard.
type syncer struct {
	log     *aof.Log
	in      chan syncBatch // closed by the shard's Stop
	done    chan struct{}
	pending atomic.Int64 // batches handed over and not yet answered
	s       *shardActor
}

func newSyncer(s *shardActor) *syncer {
	y := &syncer{log: s.log, in: make(chan syncBatch, 64), done: make(chan struct{}), s: s}
	go y.run()
	return y
}

func (y *syncer) run() {
	defer close(y.done)
	var group []syncBatch
	for b := range y.in {
		group = append(group[:0], b)
	drain:
		for {
			select {
			case b, ok := <-y.in:
				if !ok {
					break drain
				}
				group = append(group, b)
			default:
				break drain
			}
		}
		err := y.log.SyncIfDirty()
		if err != nil {
			y.s.eng.logger.Error("kevy: AOF fsync failed; writes refused until it recovers", "shard", y.s.id, "err", err)
		}
		for i := range group {
			answer(group[i], err)
			group[i] = syncBatch{}
		}
		y.pending.Add(-int64(len(group)))
	}
}

// answer completes a batch once it is durable (or its fsync failed: its
// writes then get Redis's MISCONF error).
func answer(b syncBatch, err error) {
	if err != nil {
		misconf(b.reqs, err)
	}
	b.served.Deliver()
	for _, r := range b.reqs {
		r.Complete()
	}
}

// misconf replaces the replies of the write commands among reqs with the
// MISCONF error for err.
func misconf(reqs []*request, err error) {
	m := resp.Err(aof.MisconfText(err))
	for _, r := range reqs {
		switch {
		case r.kind == reqExec && r.cmd.Flags&shard.FlagWrite != 0:
			r.reply = m
		case r.kind == reqBatch:
			for i := range r.items {
				if r.items[i].Cmd.Flags&shard.FlagWrite != 0 {
					r.items[i].Reply = m
				}
			}
		}
	}
}

// stop waits for every pending batch to be answered.
func (y *syncer) stop() {
	close(y.in)
	<-y.done
}
