package kevy

import (
	"context"
	"math"
	"sync"

	"github.com/kevydb/kevy/internal/serveconn"
)

// The settings of network connections (package server, Dialer) that
// CONFIG GET and SET reach: client-output-buffer-limit and
// client-query-buffer-limit. They live in the store's connection registry
// (serveconn.Registry), which servers and dialers of the store share, and
// which the store holds from the first CONFIG call until it closes, so a
// setting made before any server starts applies to it.

// netState is the store's hold on its connection registry.
type netState struct {
	mu     sync.Mutex
	reg    *serveconn.Registry
	drop   func()
	closed bool
}

// registry returns the registry of s's connections, taking a hold on it on
// first use; nil once the store closed.
func (n *netState) registry(s *Store) *serveconn.Registry {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.reg == nil && !n.closed {
		n.reg, n.drop = serveconn.Acquire(s)
	}
	return n.reg
}

// release drops the store's hold on the registry (Store.Close).
func (n *netState) release() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	if n.drop != nil {
		n.drop()
		n.reg, n.drop = nil, nil
	}
}

// netLimits returns the current limits of s's connections.
func (s *Store) netLimits() serveconn.Limits {
	if reg := s.obs.net.registry(s); reg != nil {
		return reg.Limits()
	}
	return serveconn.DefaultLimits()
}

// setNetLimits changes them with change.
func (s *Store) setNetLimits(change func(*serveconn.Limits)) {
	if reg := s.obs.net.registry(s); reg != nil {
		l := reg.Limits()
		change(&l)
		reg.SetLimits(l)
	}
}

func init() {
	configParams = append(configParams,
		&configParam{name: "client-output-buffer-limit",
			get: func(s *Store) string { return serveconn.FormatOutputLimits(s.netLimits()) },
			parse: func(s *Store, v string) (func(context.Context) error, string) {
				if _, errText := serveconn.ParseOutputLimits(s.netLimits(), v); errText != "" {
					return nil, errText
				}
				return func(context.Context) error {
					s.setNetLimits(func(l *serveconn.Limits) { *l, _ = serveconn.ParseOutputLimits(*l, v) })
					return nil
				}, ""
			}},
		&configParam{name: "client-query-buffer-limit",
			get: func(s *Store) string { return itoa(s.netLimits().QueryBuffer) },
			parse: func(s *Store, v string) (func(context.Context) error, string) {
				n, ok := parseMemory(v)
				if !ok {
					return nil, "argument must be a memory value"
				}
				if n < serveconn.MinQueryBufferLimit {
					return nil, "argument must be between " + itoa(serveconn.MinQueryBufferLimit) + " and " +
						itoa(math.MaxInt64) + " inclusive"
				}
				return func(context.Context) error {
					s.setNetLimits(func(l *serveconn.Limits) { l.QueryBuffer = n })
					return nil
				}, ""
			}},
	)
}
