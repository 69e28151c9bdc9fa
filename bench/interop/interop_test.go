// Package interop checks kevy against go-redis v9: RESP2 and RESP3, over
// TCP to kevy's server and in-process through kevy.Dialer, with every
// result compared with the same call on a real redis-server.
package interop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/server"
)

// pair is a go-redis client on kevy and one on redis-server, configured
// alike.
type pair struct {
	name         string
	kevy, redis  *redis.Client
	kevyFactory  func() *redis.Client
	redisFactory func() *redis.Client
}

func setup(t *testing.T) []pair {
	t.Helper()
	redisAddr := startRedis(t)
	db, err := kevy.Open(kevy.Config{Shards: 4})
	require.NoError(t, err)
	srv := server.New(db, server.Config{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	var clients []*redis.Client
	t.Cleanup(func() {
		for _, c := range clients {
			_ = c.Close()
		}
		require.NoError(t, srv.Close())
		require.NoError(t, db.Close())
	})
	mk := func(o *redis.Options) func() *redis.Client {
		return func() *redis.Client {
			c := redis.NewClient(o)
			clients = append(clients, c)
			return c
		}
	}
	var pairs []pair
	for _, proto := range []int{2, 3} {
		for _, transport := range []string{"tcp", "dialer"} {
			ko := &redis.Options{Addr: l.Addr().String(), Protocol: proto}
			if transport == "dialer" {
				ko = &redis.Options{Dialer: kevy.Dialer(db), Protocol: proto}
			}
			ro := &redis.Options{Addr: redisAddr, Protocol: proto}
			p := pair{name: fmt.Sprintf("%s/resp%d", transport, proto), kevyFactory: mk(ko), redisFactory: mk(ro)}
			p.kevy, p.redis = p.kevyFactory(), p.redisFactory()
			pairs = append(pairs, p)
		}
	}
	return pairs
}

// norm makes a result comparable: elements of unordered replies are
// sorted.
func norm(v any, unordered bool) string {
	if s, ok := v.([]any); ok && unordered {
		parts := make([]string, len(s))
		for i, e := range s {
			parts[i] = fmt.Sprintf("%#v", e)
		}
		sort.Strings(parts)
		return "unordered" + fmt.Sprint(parts)
	}
	return fmt.Sprintf("%#v", v)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

type step struct {
	args      []any
	unordered bool
}

func s(args ...any) step { return step{args: args} }
func u(args ...any) step { return step{args: args, unordered: true} }
func flush(p pair) error {
	return errors.Join(p.kevy.FlushAll(ctx()).Err(), p.redis.FlushAll(ctx()).Err())
}
func ctx() context.Context { return context.Background() }

var table = map[string][]step{
	"strings": {
		s("SET", "k", "v"), s("GET", "k"), s("GET", "missing"), s("SET", "k", "w", "GET"), s("INCR", "n"),
		s("INCRBY", "n", 41), s("DECR", "n"), s("INCRBYFLOAT", "f", 1.25), s("APPEND", "k", "xyz"),
		s("STRLEN", "k"), s("GETRANGE", "k", 1, 2), s("SETRANGE", "k", 1, "AB"), s("MSET", "a", 1, "b", 2),
		s("MGET", "a", "missing", "b"), s("MSETNX", "a", 1, "c", 3), s("SETNX", "c", 3), s("GETSET", "c", 4),
		s("GETDEL", "c"), s("SET", "e", "v", "EX", 100), s("TTL", "e"), s("GETEX", "e", "PERSIST"),
		s("TTL", "e"), s("INCR", "k"), s("SET", "k"), s("SET", "big", strings.Repeat("x", 100000)),
		s("STRLEN", "big"),
	},
	"keys": {
		s("SET", "a", 1), s("SET", "b", 2), s("EXISTS", "a", "b", "zz"), s("TYPE", "a"), s("TYPE", "zz"),
		s("RENAME", "a", "c"), s("RENAMENX", "c", "b"), s("EXPIRE", "b", 100), s("PTTL", "zz"),
		s("PERSIST", "b"), s("DBSIZE"), u("KEYS", "*"), s("DEL", "b", "c", "zz"), s("DBSIZE"),
		s("COPY", "x", "y"), s("SELECT", 0), s("ECHO", "hi"), s("PING"), s("PING", "msg"),
	},
	"hashes": {
		s("HSET", "h", "f1", "v1", "f2", "v2"), s("HGET", "h", "f1"), s("HMGET", "h", "f1", "no", "f2"),
		u("HKEYS", "h"), u("HVALS", "h"), s("HLEN", "h"), s("HEXISTS", "h", "f1"), s("HSTRLEN", "h", "f2"),
		s("HINCRBY", "h", "n", 5), s("HINCRBYFLOAT", "h", "x", 0.5), s("HSETNX", "h", "f1", "z"),
		s("HDEL", "h", "f1", "no"), s("HGETALL", "h1"), s("HSET", "one", "f", "v"), s("HGETALL", "one"),
		s("HRANDFIELD", "one", 1, "WITHVALUES"), s("HGET", "missing", "f"),
	},
	"sets": {
		s("SADD", "s", "a", "b", "c"), s("SADD", "t", "b", "c", "d"), u("SMEMBERS", "s"),
		s("SISMEMBER", "s", "a"), s("SMISMEMBER", "s", "a", "z"), s("SCARD", "s"), u("SINTER", "s", "t"),
		u("SUNION", "s", "t"), u("SDIFF", "s", "t"), s("SINTERSTORE", "d", "s", "t"), s("SMOVE", "s", "t", "a"),
		s("SREM", "s", "b", "zz"), s("SCARD", "t"), u("SMEMBERS", "missing"), s("SADD", "one", "x"),
		s("SMEMBERS", "one"), s("SPOP", "missing"),
	},
	"lists": {
		s("RPUSH", "l", "a", "b", "c"), s("LPUSH", "l", "z"), s("LRANGE", "l", 0, -1), s("LLEN", "l"),
		s("LINDEX", "l", 1), s("LSET", "l", 0, "y"), s("LINSERT", "l", "BEFORE", "b", "x"),
		s("LPOS", "l", "b"), s("LREM", "l", 1, "x"), s("LTRIM", "l", 0, 2), s("LPOP", "l"), s("RPOP", "l"),
		s("LPOP", "l", 5), s("LPOP", "l"), s("RPUSH", "m", 1, 2, 3), s("LMOVE", "m", "n", "LEFT", "RIGHT"),
		s("LRANGE", "n", 0, -1),
	},
	"zsets": {
		s("ZADD", "z", 1.5, "a", 2, "b", 3, "c"), s("ZSCORE", "z", "a"), s("ZSCORE", "z", "zz"),
		s("ZINCRBY", "z", 1, "a"), s("ZADD", "z", "INCR", 1, "b"), s("ZMSCORE", "z", "a", "zz"),
		s("ZRANGE", "z", 0, -1), s("ZRANGE", "z", 0, -1, "WITHSCORES"), s("ZREVRANGE", "z", 0, 1, "WITHSCORES"),
		s("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"), s("ZRANK", "z", "c"), s("ZCARD", "z"),
		s("ZCOUNT", "z", 2, 3), s("ZPOPMIN", "z"), s("ZPOPMAX", "z", 2), s("ZREM", "z", "a", "zz"),
		s("ZADD", "w", "inf", "x"), s("ZSCORE", "w", "x"),
	},
	"errors": {
		s("SET", "s", "v"), s("LPUSH", "s", 1), s("HGET", "s", "f"), s("NOSUCHCOMMAND", 1), s("GET"),
		s("INCR", "s"), s("SELECT", 99), s("EXPIRE", "s", "x"),
	},
	"transactions in Do": {
		s("MULTI"), s("SET", "t", 1), s("INCR", "t"), s("HSET", "th", "f", "v"), s("HGETALL", "th"),
		s("ZADD", "tz", 1, "m"), s("ZSCORE", "tz", "m"), s("EXEC"), s("DISCARD"),
	},
}

func TestCommandTable(t *testing.T) {
	for _, p := range setup(t) {
		t.Run(p.name, func(t *testing.T) {
			names := make([]string, 0, len(table))
			for n := range table {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, group := range names {
				if group == "transactions in Do" {
					continue // Do on a pooled client may change connection; see TestTransactions
				}
				require.NoError(t, flush(p))
				for _, st := range table[group] {
					kv, kerr := p.kevy.Do(ctx(), st.args...).Result()
					rv, rerr := p.redis.Do(ctx(), st.args...).Result()
					if kerr != nil && strings.Contains(kerr.Error(), "unknown command") && rerr == nil {
						t.Logf("%s %v: not in kevy yet", group, st.args)
						continue
					}
					assert.Equal(t, errText(rerr), errText(kerr), "%s %v", group, st.args)
					assert.Equal(t, norm(rv, st.unordered), norm(kv, st.unordered), "%s %v", group, st.args)
				}
			}
		})
	}
}

func TestTypedAPI(t *testing.T) {
	for _, p := range setup(t) {
		t.Run(p.name, func(t *testing.T) {
			require.NoError(t, flush(p))
			for _, c := range []*redis.Client{p.kevy, p.redis} {
				require.NoError(t, c.HSet(ctx(), "h", "a", "1", "b", "2").Err())
				require.NoError(t, c.SAdd(ctx(), "s", "x", "y").Err())
				require.NoError(t, c.ZAdd(ctx(), "z", redis.Z{Score: 1.5, Member: "m"}, redis.Z{Score: -1, Member: "n"}).Err())
				require.NoError(t, c.RPush(ctx(), "l", "1", "2").Err())
				require.NoError(t, c.Set(ctx(), "k", "v", time.Minute).Err())
			}
			same := func(what string, f func(c *redis.Client) (any, error)) {
				kv, kerr := f(p.kevy)
				rv, rerr := f(p.redis)
				assert.Equal(t, errText(rerr), errText(kerr), what)
				assert.Equal(t, rv, kv, what)
			}
			same("HGetAll", func(c *redis.Client) (any, error) { return c.HGetAll(ctx(), "h").Result() })
			same("SMembersMap", func(c *redis.Client) (any, error) { return c.SMembersMap(ctx(), "s").Result() })
			same("ZRangeWithScores", func(c *redis.Client) (any, error) { return c.ZRangeWithScores(ctx(), "z", 0, -1).Result() })
			same("ZScore", func(c *redis.Client) (any, error) { return c.ZScore(ctx(), "z", "m").Result() })
			same("ZPopMin", func(c *redis.Client) (any, error) { return c.ZPopMin(ctx(), "z", 1).Result() })
			same("LRange", func(c *redis.Client) (any, error) { return c.LRange(ctx(), "l", 0, -1).Result() })
			same("Get missing", func(c *redis.Client) (any, error) { return c.Get(ctx(), "nope").Result() })
			same("TTL", func(c *redis.Client) (any, error) { return c.TTL(ctx(), "k").Result() })
			same("Exists", func(c *redis.Client) (any, error) { return c.Exists(ctx(), "k", "h", "nope").Result() })
			same("Type", func(c *redis.Client) (any, error) { return c.Type(ctx(), "z").Result() })
			same("Pipelined", func(c *redis.Client) (any, error) {
				cmds, err := c.Pipelined(ctx(), func(pipe redis.Pipeliner) error {
					for i := range 500 {
						pipe.Incr(ctx(), "counter")
						pipe.Get(ctx(), "k"+strconv.Itoa(i%3))
					}
					return nil
				})
				out := make([]string, len(cmds))
				for i, c := range cmds {
					out[i] = c.String()
				}
				return out, err
			})
		})
	}
}

func TestTransactions(t *testing.T) {
	for _, p := range setup(t) {
		t.Run(p.name, func(t *testing.T) {
			require.NoError(t, flush(p))
			tx := func(c *redis.Client) (any, error) {
				cmds, err := c.TxPipelined(ctx(), func(pipe redis.Pipeliner) error {
					pipe.Set(ctx(), "t", 1, 0)
					pipe.Incr(ctx(), "t")
					pipe.HSet(ctx(), "th", "f", "v")
					pipe.HGetAll(ctx(), "th")
					pipe.ZAdd(ctx(), "tz", redis.Z{Score: 2.5, Member: "m"})
					pipe.ZScore(ctx(), "tz", "m")
					pipe.Get(ctx(), "missing")
					return nil
				})
				out := make([]string, len(cmds))
				for i, c := range cmds {
					out[i] = c.String()
				}
				return out, err
			}
			kv, kerr := tx(p.kevy)
			rv, rerr := tx(p.redis)
			assert.Equal(t, errText(rerr), errText(kerr))
			assert.Equal(t, rv, kv)

			// Optimistic locking: concurrent increments with WATCH.
			for _, c := range []*redis.Client{p.kevy, p.redis} {
				incr := func() error {
					for {
						err := c.Watch(ctx(), func(tx *redis.Tx) error {
							n, err := tx.Get(ctx(), "counter").Int()
							if err != nil && !errors.Is(err, redis.Nil) {
								return err
							}
							_, err = tx.TxPipelined(ctx(), func(pipe redis.Pipeliner) error {
								pipe.Set(ctx(), "counter", n+1, 0)
								return nil
							})
							return err
						}, "counter")
						if !errors.Is(err, redis.TxFailedErr) {
							return err
						}
					}
				}
				var wg sync.WaitGroup
				errs := make(chan error, 50)
				for range 5 {
					wg.Go(func() {
						for range 10 {
							if err := incr(); err != nil {
								errs <- err
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				assert.Equal(t, "50", c.Get(ctx(), "counter").Val())
			}
			// A watched key changed by another client fails the transaction.
			for _, pc := range [][2]*redis.Client{{p.kevy, p.kevyFactory()}, {p.redis, p.redisFactory()}} {
				c, other := pc[0], pc[1]
				err := c.Watch(ctx(), func(tx *redis.Tx) error {
					tx.Get(ctx(), "w")
					require.NoError(t, other.Set(ctx(), "w", "changed", 0).Err())
					_, err := tx.TxPipelined(ctx(), func(pipe redis.Pipeliner) error {
						pipe.Set(ctx(), "w", "mine", 0)
						return nil
					})
					return err
				}, "w")
				assert.ErrorIs(t, err, redis.TxFailedErr)
				assert.Equal(t, "changed", c.Get(ctx(), "w").Val())
			}
		})
	}
}

func TestPubSub(t *testing.T) {
	for _, p := range setup(t) {
		t.Run(p.name, func(t *testing.T) {
			for _, c := range []*redis.Client{p.kevy, p.redis} {
				cctx, cancel := context.WithTimeout(ctx(), 10*time.Second)
				defer cancel()
				sub := c.Subscribe(cctx, "news", "sport")
				v, err := sub.Receive(cctx)
				require.NoError(t, err)
				assert.Equal(t, &redis.Subscription{Kind: "subscribe", Channel: "news", Count: 1}, v)
				v, err = sub.Receive(cctx)
				require.NoError(t, err)
				assert.Equal(t, &redis.Subscription{Kind: "subscribe", Channel: "sport", Count: 2}, v)
				require.NoError(t, sub.PSubscribe(cctx, "w*"))
				v, err = sub.Receive(cctx)
				require.NoError(t, err)
				assert.Equal(t, &redis.Subscription{Kind: "psubscribe", Channel: "w*", Count: 3}, v)
				n, err := c.Publish(cctx, "news", "hello").Result()
				require.NoError(t, err)
				assert.Equal(t, int64(1), n)
				m, err := sub.ReceiveMessage(cctx)
				require.NoError(t, err)
				assert.Equal(t, &redis.Message{Channel: "news", Payload: "hello"}, m)
				c.Publish(cctx, "weather", "rain")
				m, err = sub.ReceiveMessage(cctx)
				require.NoError(t, err)
				assert.Equal(t, &redis.Message{Channel: "weather", Pattern: "w*", Payload: "rain"}, m)
				require.NoError(t, sub.Ping(cctx))
				ch := sub.Channel()
				for i := range 100 {
					c.Publish(cctx, "sport", strconv.Itoa(i))
				}
				for i := range 100 {
					select {
					case m := <-ch:
						assert.Equal(t, strconv.Itoa(i), m.Payload)
					case <-cctx.Done():
						t.Fatal("messages lost")
					}
				}
				chans, err := c.PubSubChannels(cctx, "*").Result()
				require.NoError(t, err)
				sort.Strings(chans)
				assert.Equal(t, []string{"news", "sport"}, chans)
				require.NoError(t, sub.Close())
			}
		})
	}
}
