package kevy

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"io"
	"sync"
	"time"

	"github.com/kevydb/kevy/rdb"
	"github.com/kevydb/kevy/shard"
)

// Snapshots of a running store. Each shard's keyspace produces its own
// point-in-time RDB stream (shard/snapshot.go: epochs, and hooks that write
// a key's old value before it changes), a bounded step at a time. The
// pipeline of one shard has three parts:
//
//	driver goroutine ──step message──▶ shard (serializes ≤ stepKeys keys / stepBytes)
//	                                     │ writes, never blocks
//	                                     ▼
//	                                   spool (chunks in memory)
//	                                     │
//	consumer goroutine ◀─────────────────┘  frames (CRC-64, EOF), writes, fsyncs
//
// The driver sends the next step only when the previous one is done and
// the spool holds less than spoolHigh bytes, so a slow disk slows the
// snapshot, not the shard, and memory stays bounded by spoolHigh plus what
// the hooks write (at most the old values of the keys changed meanwhile).
// Between two steps the shard serves whatever is queued in its mailbox (or,
// in the locked engine, whoever waits for its lock). The checksum and
// every write and fsync happen on the consumer, off the shard.

// Step and spool bounds. A step adds at most about stepTime to the
// latency of the requests queued behind it (more for a single large
// collection, which is written whole). 20 µs rather than 50: rewriting 1M
// keys while one caller GETs (BenchmarkRewrite1M, actor engine) took 24%
// longer (290 -> 360 ms) and halved the GETs' latency meanwhile (p50
// 55-68 -> 30-34 µs, p99 135-157 -> 77-81 µs).
var stepLimits = shard.StepLimits{Keys: 256, Bytes: 128 << 10, Time: 20 * time.Microsecond}

const (
	spoolHigh = 8 << 20
	chunkSize = 64 << 10
)

// rdbCRC is the CRC-64 of RDB files (Jones polynomial, reflected, initial
// value 0, no final xor), from the standard library's table-driven CRC.
var jonesTable = crc64.MakeTable(0x95AC9329AC4BC9B5)

func rdbCRC(crc uint64, p []byte) uint64 { return ^crc64.Update(^crc, jonesTable, p) }

// spool carries one shard's snapshot stream from the shard, which must
// never block on it, to the consumer goroutine.
type spool struct {
	mu      sync.Mutex
	chunks  [][]byte
	free    [][]byte
	n       int64 // bytes queued
	closed  bool  // the producer is done: no more chunks
	err     error // the consumer failed: writes fail
	ready   chan struct{}
	drained chan struct{}
}

func newSpool() *spool {
	return &spool{ready: make(chan struct{}, 1), drained: make(chan struct{}, 1)}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Write queues a copy of p. It never blocks; it fails once the consumer
// has failed.
func (sp *spool) Write(p []byte) (int, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err != nil {
		return 0, sp.err
	}
	n := len(p)
	for len(p) > 0 {
		var c []byte
		if k := len(sp.chunks); k > 0 && cap(sp.chunks[k-1])-len(sp.chunks[k-1]) > 0 {
			c = sp.chunks[k-1]
			sp.chunks = sp.chunks[:k-1]
		} else if k := len(sp.free); k > 0 {
			c = sp.free[k-1][:0]
			sp.free = sp.free[:k-1]
		} else {
			c = make([]byte, 0, chunkSize)
		}
		m := min(cap(c)-len(c), len(p))
		c = append(c, p[:m]...)
		p = p[m:]
		sp.chunks = append(sp.chunks, c)
	}
	sp.n += int64(n)
	signal(sp.ready)
	return n, nil
}

// queued returns the bytes waiting for the consumer.
func (sp *spool) queued() int64 {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.n
}

// closeWrite marks the end of the stream.
func (sp *spool) closeWrite() {
	sp.mu.Lock()
	sp.closed = true
	sp.mu.Unlock()
	signal(sp.ready)
}

// fail makes later writes fail with err and drops what is queued.
func (sp *spool) fail(err error) {
	sp.mu.Lock()
	if sp.err == nil {
		sp.err = err
	}
	sp.chunks, sp.free, sp.n = nil, nil, 0
	sp.mu.Unlock()
	signal(sp.drained)
	signal(sp.ready)
}

// take returns the queued chunks, whether the stream has ended, and the
// error that failed the spool.
func (sp *spool) take(into [][]byte) ([][]byte, bool, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	into = append(into, sp.chunks...)
	clear(sp.chunks)
	sp.chunks = sp.chunks[:0]
	sp.n = 0
	signal(sp.drained)
	return into, sp.closed, sp.err
}

// recycle returns consumed chunks for reuse.
func (sp *spool) recycle(chunks [][]byte) {
	sp.mu.Lock()
	for _, c := range chunks {
		if len(sp.free) < 8 && cap(c) == chunkSize {
			sp.free = append(sp.free, c)
		}
	}
	sp.mu.Unlock()
}

// waitRoom blocks while the spool holds spoolHigh bytes or more.
func (sp *spool) waitRoom(ctx context.Context) error {
	for {
		sp.mu.Lock()
		n, err := sp.n, sp.err
		sp.mu.Unlock()
		if err != nil {
			return err
		}
		if n < spoolHigh {
			return nil
		}
		select {
		case <-sp.drained:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// copyTo writes the stream to out, dropping its first skip bytes, until
// the producer closes it. On error the spool is failed so the producer's
// next write fails too.
func (sp *spool) copyTo(ctx context.Context, out io.Writer, skip int64) error {
	var batch [][]byte
	for {
		if err := ctx.Err(); err != nil {
			sp.fail(err)
			return err
		}
		var ended bool
		var err error
		batch, ended, err = sp.take(batch[:0])
		if err != nil {
			return err
		}
		for _, c := range batch {
			p := c
			if skip > 0 {
				k := min(skip, int64(len(p)))
				p, skip = p[k:], skip-k
			}
			if len(p) == 0 {
				continue
			}
			if _, err := out.Write(p); err != nil {
				sp.fail(err)
				return err
			}
		}
		sp.recycle(batch)
		clear(batch)
		if ended {
			return nil
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-sp.ready:
		case <-ctx.Done():
			sp.fail(ctx.Err())
			return ctx.Err()
		}
	}
}

// rdbOut frames snapshot streams into one RDB file: it checksums what it
// writes, and finish appends the EOF opcode and the CRC-64 trailer.
type rdbOut struct {
	w   io.Writer
	crc uint64
	n   int64
}

func (o *rdbOut) Write(p []byte) (int, error) {
	o.crc = rdbCRC(o.crc, p)
	n, err := o.w.Write(p)
	o.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}

// finish writes the EOF opcode and the checksum.
func (o *rdbOut) finish() error {
	var t [9]byte
	t[0] = 0xff // RDB_OPCODE_EOF
	o.crc = rdbCRC(o.crc, t[:1])
	binary.LittleEndian.PutUint64(t[1:], o.crc)
	n, err := o.w.Write(t[:])
	o.n += int64(n)
	if err == nil && n < len(t) {
		err = io.ErrShortWrite
	}
	return err
}

// errSnapshotStopped is what a driver returns when its context ends.
var errSnapshotStopped = errors.New("kevy: snapshot stopped")

// driveSnapshot steps shard i's snapshot until it is complete, waiting for
// room in the spool between steps, then closes the spool. On error or
// cancellation it aborts the snapshot on the shard (the abort message is
// sent whatever ctx says, so the shard never keeps a dead snapshot).
func (s *Store) driveSnapshot(ctx context.Context, i int, snap *shard.Snapshot, sp *spool) error {
	err := func() error {
		for {
			if err := sp.waitRoom(ctx); err != nil {
				return err
			}
			var done bool
			var serr error
			if err := s.onShard(ctx, i, func(*shard.Keyspace) { done, serr = snap.Step(stepLimits) }); err != nil {
				return err
			}
			if serr != nil {
				return serr
			}
			if done {
				sp.closeWrite()
				return nil
			}
		}
	}()
	if err != nil {
		sp.fail(err)
		_ = s.onShard(context.Background(), i, func(*shard.Keyspace) { snap.Abort() }) // the engine outlives every job
	}
	return err
}

// beginAll starts a snapshot on every shard at one instant (all shards
// held), each writing to its own new spool; before, if set, runs on each
// held keyspace first. On error no snapshot is left running.
func (s *Store) beginAll(ctx context.Context, opts rdb.WriterOptions, before func(i int, ks *shard.Keyspace)) ([]*shard.Snapshot, []*spool, error) {
	n := s.cfg.Shards
	snaps := make([]*shard.Snapshot, n)
	spools := make([]*spool, n)
	for i := range spools {
		spools[i] = newSpool()
	}
	var berr error
	err := s.withAllShards(ctx, func(kss []*shard.Keyspace) {
		for i, ks := range kss {
			if before != nil {
				before(i, ks)
			}
			snap, err := ks.BeginSnapshot(spools[i], opts)
			if err != nil {
				berr = err
				for _, sn := range snaps[:i] {
					sn.Abort()
				}
				return
			}
			snaps[i] = snap
		}
	})
	if err == nil {
		err = berr
	}
	if err != nil {
		return nil, nil, err
	}
	return snaps, spools, nil
}

// streamAll drives the snapshots of every shard in parallel and writes
// them to out as ONE RDB file: the header of shard 0, the keys of every
// shard in shard order, the EOF opcode and the checksum.
func (s *Store) streamAll(ctx context.Context, snaps []*shard.Snapshot, spools []*spool, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(snaps))
	var wg sync.WaitGroup
	for i := range snaps {
		wg.Go(func() {
			if errs[i] = s.driveSnapshot(ctx, i, snaps[i], spools[i]); errs[i] != nil {
				cancel()
			}
		})
	}
	o := &rdbOut{w: out}
	var cerr error
	for i, sp := range spools {
		var skip int64
		if i > 0 {
			skip = snaps[i].HeaderLen()
		}
		if cerr = sp.copyTo(ctx, o, skip); cerr != nil {
			cancel()
			for _, rest := range spools[i+1:] {
				rest.fail(cerr)
			}
			break
		}
	}
	if cerr == nil {
		cerr = o.finish()
	}
	wg.Wait()
	return firstError(append(errs, cerr)...)
}

// firstError returns the first non-nil error, preferring one that is not
// a context's or a stop (the cause over its consequences).
func firstError(errs ...error) error {
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) && !errors.Is(err, errSnapshotStopped) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
