package serveconn_test

import (
	"net"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
)

// The memory a connection holds of its input, measured on the Go heap:
// a large argument is read into one allocation of its size and stored
// without a copy, and a pipeline of large commands is not parsed ahead
// of its execution.

// rawServe serves a connection of db over a plain net.Pipe (no buffering
// client end, whose queue would count on the heap) and returns the
// client end.
func rawServe(t *testing.T, cfg *serveconn.Config) net.Conn {
	t.Helper()
	db := testStore(t)
	client, server := net.Pipe()
	c := serveconn.New(server, db.Conn(), cfg)
	done := make(chan struct{})
	go func() {
		_ = c.Serve()
		close(done)
	}()
	t.Cleanup(func() {
		_ = client.Close()
		<-done
	})
	return client
}

// heapObjects returns the bytes of heap objects, live or not yet swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestLargeArgumentOneAllocation: a 32 MB SET costs the server one
// allocation of 32 MB (the value, read into its own buffer and stored
// as it is), not a doubling read buffer and a copy.
func TestLargeArgumentOneAllocation(t *testing.T) {
	const size = 32 << 20
	nc := rawServe(t, nil)
	cmd := resp.AppendCommand(nil, "SET", "k", strings.Repeat("v", size))
	rd := resp.NewReader(nc, resp.ReaderOptions{})
	require.NoError(t, nc.SetDeadline(time.Now().Add(30*time.Second)))
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	go func() { _, _ = nc.Write(cmd) }()
	r, err := rd.ReadReply()
	require.NoError(t, err)
	require.Equal(t, resp.OK, r)
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MB for a %d MB value", float64(allocated)/(1<<20), size>>20)
	assert.Less(t, allocated, uint64(size+size/4))
}

// TestPipelineHeapBound: eight pipelined SETs of 16 MB to one key keep
// the heap within a few values of the one stored, where parsing the
// whole pipeline ahead of its execution held all eight at once.
func TestPipelineHeapBound(t *testing.T) {
	const size, n = 16 << 20, 8
	defer debug.SetGCPercent(debug.SetGCPercent(10)) // garbage goes quickly: the heap tracks what is held
	nc := rawServe(t, nil)
	cmd := resp.AppendCommand(nil, "SET", "k", strings.Repeat("v", size))
	rd := resp.NewReader(nc, resp.ReaderOptions{})
	require.NoError(t, nc.SetDeadline(time.Now().Add(60*time.Second)))
	runtime.GC()
	base := heapObjects()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if h := heapObjects(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	go func() {
		for range n {
			if _, err := nc.Write(cmd); err != nil {
				return
			}
		}
	}()
	for range n {
		r, err := rd.ReadReply()
		require.NoError(t, err)
		require.Equal(t, resp.OK, r)
	}
	close(stop)
	<-sampled
	growth := int64(peak.Load()) - int64(base)
	t.Logf("peak heap growth %.1f MB for %d pipelined SETs of %d MB", float64(growth)/(1<<20), n, size>>20)
	assert.Less(t, growth, int64(5*size), "at most a few values held at once")
}

// TestQueryBufferCountsParsedCommands: what a client pipelines behind a
// blocking command counts against client-query-buffer-limit, the commands
// already parsed included: over the limit the client is closed, as Redis
// closes a blocked client whose query buffer passes it.
func TestQueryBufferCountsParsedCommands(t *testing.T) {
	cfg := withLimits(func(l *serveconn.Limits) { l.QueryBuffer = 1 << 20 })
	db := testStore(t)
	s := serve(t, db, cfg)
	var buf []byte
	buf = resp.AppendCommand(buf, "BLPOP", "q", "0")
	buf = resp.AppendCommand(buf, "SET", "a", strings.Repeat("a", 700<<10)) // parsed with BLPOP, waiting
	s.sendRaw(string(buf))
	waitBlocked(t, cfg.Registry, 1)
	s.send("SET", "b", strings.Repeat("b", 400<<10)) // 1.1 MB held in all
	assert.Equal(t, "", s.waitClosed())
	assert.ErrorContains(t, s.err, "query buffer")
	assert.Equal(t, resp.NilReply, db.Exec(ctxT(t), "GET", "a"))
}
