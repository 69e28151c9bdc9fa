package kevy

import (
	"context"
	"net"

	"github.com/kevydb/kevy/internal/serveconn"
)

// Dialer returns a function with the signature of go-redis's
// Options.Dialer that connects a Redis client to s in-process: each call
// makes an in-memory connection (no TCP, no port) whose server end is
// served by kevy's RESP server code on a fresh [Conn] of s, exactly as
// package server serves a network client (RESP2 and RESP3, transactions,
// pub/sub, CLIENT commands, no password). network and addr are ignored.
//
//	rdb := redis.NewClient(&redis.Options{Dialer: kevy.Dialer(db)})
//
// A connection ends when the client closes it; after s is closed its
// commands get error replies.
func Dialer(s *Store) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.closed.Load() {
			return nil, ErrClosed
		}
		reg, release := serveconn.Acquire(s)
		client, server := serveconn.Pipe()
		c := serveconn.New(server, s.Conn(), &serveconn.Config{Registry: reg, Logger: s.cfg.Logger})
		go func() {
			defer release()
			_ = c.Serve() // its errors are limits, already logged
		}()
		return client, nil
	}
}
