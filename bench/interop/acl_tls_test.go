package interop

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/testpki"
	"github.com/kevydb/kevy/server"
)

// go-redis against kevy's access control and TLS: a client with a
// tls.Config and a client certificate, over RESP2 and RESP3; users
// authenticated with Options.Username/Password over TCP and through
// kevy.Dialer, which authenticates as any client does.

func TestGoRedisTLS(t *testing.T) {
	dir := t.TempDir()
	ca := testpki.NewCA(t, dir, "test")
	cert, cli := ca.Server("server"), ca.Client("client")
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	srv := server.New(db, server.Config{TLS: &server.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile,
		CACertFile: ca.CertFile}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(l) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.NoError(t, db.Close())
	})
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: l.Addr().String(), Protocol: proto, TLSConfig: ca.ClientConfig(cli)})
		require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
		assert.Equal(t, "v", c.Get(ctx, "k").Val())
		assert.Equal(t, map[string]string{"f": "1"}, func() map[string]string {
			c.HSet(ctx, "h", "f", "1")
			return c.HGetAll(ctx, "h").Val()
		}())
		sub := c.Subscribe(ctx, "news")
		_, err := sub.Receive(ctx)
		require.NoError(t, err)
		require.NoError(t, c.Publish(ctx, "news", "hello").Err())
		m, err := sub.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, "hello", m.Payload)
		require.NoError(t, sub.Close())
		require.NoError(t, c.Close())
	}
	// Without a client certificate: refused.
	c := redis.NewClient(&redis.Options{Addr: l.Addr().String(), TLSConfig: ca.ClientConfig(nil),
		MaxRetries: -1, DialTimeout: 2 * time.Second})
	defer c.Close()
	assert.Error(t, c.Ping(ctx).Err())
}

func TestGoRedisACL(t *testing.T) {
	db, err := kevy.Open(kevy.Config{Shards: 2})
	require.NoError(t, err)
	srv := server.New(db, server.Config{RequirePass: "adminpw"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-done, server.ErrServerClosed)
		require.NoError(t, db.Close())
	})
	ctx := context.Background()
	require.Equal(t, "OK", db.Exec(ctx, "ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@all", "-@dangerous").Str)
	require.NoError(t, db.Set(ctx, "secret", "s", 0))
	for _, transport := range []string{"tcp", "dialer"} {
		t.Run(transport, func(t *testing.T) {
			opts := func(o *redis.Options) *redis.Options {
				if transport == "dialer" {
					o.Dialer = kevy.Dialer(db)
				} else {
					o.Addr = l.Addr().String()
				}
				o.MaxRetries = -1
				return o
			}
			for _, proto := range []int{2, 3} {
				anon := redis.NewClient(opts(&redis.Options{Protocol: proto}))
				assert.ErrorContains(t, anon.Get(ctx, "app:1").Err(), "NOAUTH")
				require.NoError(t, anon.Close())

				admin := redis.NewClient(opts(&redis.Options{Protocol: proto, Password: "adminpw"}))
				assert.Equal(t, "s", admin.Get(ctx, "secret").Val())
				require.NoError(t, admin.Close())

				app := redis.NewClient(opts(&redis.Options{Protocol: proto, Username: "app", Password: "apppw"}))
				require.NoError(t, app.Set(ctx, "app:1", "a", 0).Err())
				assert.Equal(t, "a", app.Get(ctx, "app:1").Val())
				const noKey = "NOPERM this user has no permissions to access one of the keys used as arguments"
				assert.EqualError(t, app.Get(ctx, "secret").Err(), noKey)
				assert.EqualError(t, app.MGet(ctx, "app:1", "secret").Err(), noKey)
				cmds, err := app.Pipelined(ctx, func(p redis.Pipeliner) error {
					p.Get(ctx, "app:1")
					p.Get(ctx, "secret")
					return nil
				})
				assert.EqualError(t, err, noKey)
				assert.Equal(t, "a", cmds[0].(*redis.StringCmd).Val())
				_, err = app.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Get(ctx, "secret")
					return nil
				})
				assert.ErrorContains(t, err, "EXECABORT")
				assert.EqualError(t, app.FlushAll(ctx).Err(), "NOPERM this user has no permissions to run the 'flushall' command")
				assert.Equal(t, "app", app.Do(ctx, "ACL", "WHOAMI").Val())
				require.NoError(t, app.Close())

				bad := redis.NewClient(opts(&redis.Options{Protocol: proto, Username: "app", Password: "nope"}))
				assert.ErrorContains(t, bad.Ping(ctx).Err(), "WRONGPASS")
				require.NoError(t, bad.Close())
			}
		})
	}
}
