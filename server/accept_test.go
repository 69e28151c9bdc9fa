package server_test

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/server"
)

// emfileListener fails every Accept with EMFILE (out of file descriptors)
// until its deadline, then blocks until closed.
type emfileListener struct {
	until   time.Time
	mu      sync.Mutex
	accepts int
	closed  chan struct{}
	once    sync.Once
}

func (l *emfileListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	l.accepts++
	l.mu.Unlock()
	if time.Now().Before(l.until) {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	<-l.closed
	return nil, net.ErrClosed
}

func (l *emfileListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *emfileListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestAcceptFailuresBackOff: running out of file descriptors neither spins
// nor floods the log: Accept is retried at most once a second, and the
// failure logged once a minute.
func TestAcceptFailuresBackOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := kevy.Open(kevy.Config{Shards: 1})
		require.NoError(t, err)
		defer db.Close()
		var logs bytes.Buffer
		var mu sync.Mutex
		log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
		srv := server.New(db, server.Config{Logger: log})
		l := &emfileListener{until: time.Now().Add(150 * time.Second), closed: make(chan struct{})}
		done := make(chan error, 1)
		go func() { done <- srv.Serve(l) }()
		time.Sleep(200 * time.Second)
		synctest.Wait()
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, 3, strings.Count(logs.String(), "accept failed"), logs.String()) // at 0, 60 and 120 s
		assert.LessOrEqual(t, l.accepts, 170, "at most about one attempt a second")
	})
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
