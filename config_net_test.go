package kevy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
)

// CONFIG GET/SET client-output-buffer-limit and client-query-buffer-limit
// against redis-server: the same replies, errors included, and the same
// values afterwards.
func TestConfigClientLimitsMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	db := mustOpen(t, kevy.Config{})
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	const obl = "client-output-buffer-limit"
	for _, args := range [][]string{
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, "pubsub 1mb 2mb 3"},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, "normal 1 2"},
		{"CONFIG", "SET", obl, "foo 1 2 3"},
		{"CONFIG", "SET", obl, "master 1 2 3"},
		{"CONFIG", "SET", obl, "normal x 2 3"},
		{"CONFIG", "SET", obl, "normal 1 2 -3"},
		{"CONFIG", "SET", obl, "normal 1 2 3x"},
		{"CONFIG", "SET", obl, "normal 1k 2KB 3 pubsub 1 1 1 foo 1 1 1"},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, "replica 1k 2kb 3 SLAVE 5 6 7 Normal 1gb 1g 0"},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, ""},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, `normal "1" '2' 3`},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, `normal "1 2 3`},
		{"CONFIG", "SET", obl, "normal  1 2 3"},
		{"CONFIG", "SET", obl, "normal 1 2 3 "},
		{"CONFIG", "SET", obl, "normal -1 2 3"},
		{"CONFIG", "GET", obl},
		{"CONFIG", "SET", obl, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"},
		{"CONFIG", "GET", obl},
		{"CONFIG", "GET", "client-query-buffer-limit"},
		{"CONFIG", "SET", "client-query-buffer-limit", "1000"},
		{"CONFIG", "SET", "client-query-buffer-limit", "2mb"},
		{"CONFIG", "GET", "client-query-buffer-limit"},
		{"CONFIG", "SET", "client-query-buffer-limit", "x"},
		{"CONFIG", "SET", "client-query-buffer-limit", "1gb"},
	} {
		want := show(fromRedis(cl.MustDo(t, args...)))
		got := show(c.Exec(ctx, args...))
		assert.Equal(t, want, got, "%q", args)
	}
}
