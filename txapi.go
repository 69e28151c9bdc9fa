package kevy

import (
	"context"
)

// Tx is the connection a Watch function works with: its methods run
// immediately on that connection (reads that decide what to write), and
// TxPipelined queues the writes that EXEC applies only if no watched key
// changed. Like a Conn, a Tx is used by one goroutine: the one running
// the Watch function.
type Tx struct {
	cmdable
	c *Conn
}

// Watch adds keys to the transaction's watch list.
func (t *Tx) Watch(ctx context.Context, keys ...string) error {
	return t.c.watch(ctx, keys)
}

// Select changes the database of the transaction's connection.
func (t *Tx) Select(ctx context.Context, db int) error {
	return t.c.Select(ctx, db)
}

// Unwatch forgets every watched key.
func (t *Tx) Unwatch(ctx context.Context) error {
	t.c.unwatchAll(ctx)
	return nil
}

// Watch runs fn in a transaction in go-redis's shape: it watches keys on
// a fresh connection, calls fn with it, and ends the connection (dropping
// the watches). Inside fn, read with the Tx's methods and write with
// tx.TxPipelined, which fails with TxFailedErr if a watched key changed in
// between; Watch returns fn's error. Retry loops check for TxFailedErr.
func (s *Store) Watch(ctx context.Context, fn func(*Tx) error, keys ...string) error {
	c := s.Conn()
	defer c.Close()
	if len(keys) > 0 {
		if err := c.watch(ctx, keys); err != nil {
			return err
		}
	}
	return fn(&Tx{cmdable: cmdable{s: s, c: c}, c: c})
}
