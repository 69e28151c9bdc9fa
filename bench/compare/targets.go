// Package compare runs kevy's workloads (internal/benchkit) against its
// peers as well as kevy's own engines: miniredis through its direct Go API
// (an embedded Redis-like map with no network), and go-redis against a
// real redis-server over loopback. It lives in the bench module so that
// those peers never enter the library's go.mod.
package compare

import (
	"context"
	"fmt"
	"strconv"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/kevydb/kevy/internal/benchkit"
)

// Miniredis is a target on miniredis's direct API (no network, no RESP:
// the fairest embedded comparison it offers).
func Miniredis() benchkit.Target {
	return benchkit.Target{Name: "miniredis", Setup: func(keys []string) (benchkit.Runner, error) {
		m := miniredis.NewMiniRedis()
		for i, k := range keys {
			if err := m.Set(k, "value-"+strconv.Itoa(i)); err != nil {
				return nil, err
			}
		}
		for j := 0; j < 64; j++ {
			for i := 0; i < 1024; i++ {
				f := benchkit.Field(i)
				m.HSet(benchkit.CollectionKey("h", j), f, "v")
				if _, err := m.Push(benchkit.CollectionKey("l", j), f); err != nil {
					return nil, err
				}
				if _, err := m.ZAdd(benchkit.CollectionKey("z", j), float64(i), f); err != nil {
					return nil, err
				}
			}
		}
		return &miniRunner{m: m, keys: keys}, nil
	}}
}

type miniRunner struct {
	m    *miniredis.Miniredis
	keys []string
}

func (r *miniRunner) key(i int) string { return r.keys[i%len(r.keys)] }

func (r *miniRunner) Op(_ context.Context, w string, _ int, i int) error {
	m := r.m
	switch w {
	case "GET":
		_, err := m.Get(r.key(i))
		return err
	case "SET":
		return m.Set(r.key(i), "v")
	case "MIX":
		if i%10 == 0 {
			return m.Set(r.key(i), "v")
		}
		_, err := m.Get(r.key(i))
		return err
	case "INCR":
		_, err := m.Incr("counter:"+strconv.Itoa(i&63), 1)
		return err
	case "HSET":
		m.HSet(benchkit.CollectionKey("h", i), benchkit.Field(i), "w")
		return nil
	case "HGET":
		m.HGet(benchkit.CollectionKey("h", i), benchkit.Field(i))
		return nil
	case "LPUSH":
		_, err := m.Lpush(benchkit.CollectionKey("lp", i), "x")
		return err
	case "LPOP":
		key := benchkit.CollectionKey("l", i)
		if _, err := m.Lpop(key); err != nil {
			_, err = m.Push(key, "x", "y", "z")
			return err
		}
		return nil
	case "ZADD":
		_, err := m.ZAdd(benchkit.CollectionKey("z", i), float64(i&4095), benchkit.Field(i))
		return err
	case "ZSCORE":
		_, err := m.ZScore(benchkit.CollectionKey("z", i), benchkit.Field(i))
		return err
	case "MGET10":
		for j := 0; j < 10; j++ {
			if _, err := m.Get(r.key(i*10 + j)); err != nil {
				return err
			}
		}
		return nil
	case "PIPE64":
		for j := 0; j < 64; j++ {
			if _, err := m.Get(r.key(i*64 + j)); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown workload %s", w)
}

func (r *miniRunner) Close() error {
	r.m.Close()
	return nil
}

// GoRedis is a target on go-redis talking to a redis-server at addr over
// loopback: what an application pays to keep its data in a separate
// server process.
func GoRedis(addr string) benchkit.Target {
	return benchkit.Target{Name: "go-redis+redis-server", Setup: func(keys []string) (benchkit.Runner, error) {
		c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 128})
		ctx := context.Background()
		if err := c.FlushAll(ctx).Err(); err != nil {
			return nil, err
		}
		p := c.Pipeline()
		for i, k := range keys {
			p.Set(ctx, k, "value-"+strconv.Itoa(i), 0)
			if p.Len() == 1024 {
				if _, err := p.Exec(ctx); err != nil {
					return nil, err
				}
			}
		}
		for j := 0; j < 64; j++ {
			for i := 0; i < 1024; i++ {
				f := benchkit.Field(i)
				p.HSet(ctx, benchkit.CollectionKey("h", j), f, "v")
				p.RPush(ctx, benchkit.CollectionKey("l", j), f)
				p.ZAdd(ctx, benchkit.CollectionKey("z", j), redis.Z{Score: float64(i), Member: f})
			}
			if _, err := p.Exec(ctx); err != nil {
				return nil, err
			}
		}
		if _, err := p.Exec(ctx); err != nil && err != redis.Nil {
			return nil, err
		}
		return &goRedisRunner{c: c, keys: keys}, nil
	}}
}

type goRedisRunner struct {
	c    *redis.Client
	keys []string
}

func (r *goRedisRunner) key(i int) string { return r.keys[i%len(r.keys)] }

func (r *goRedisRunner) Op(ctx context.Context, w string, _ int, i int) error {
	c := r.c
	var err error
	switch w {
	case "GET":
		err = c.Get(ctx, r.key(i)).Err()
	case "SET":
		err = c.Set(ctx, r.key(i), "v", 0).Err()
	case "MIX":
		if i%10 == 0 {
			err = c.Set(ctx, r.key(i), "v", 0).Err()
		} else {
			err = c.Get(ctx, r.key(i)).Err()
		}
	case "INCR":
		err = c.Incr(ctx, "counter:"+strconv.Itoa(i&63)).Err()
	case "HSET":
		err = c.HSet(ctx, benchkit.CollectionKey("h", i), benchkit.Field(i), "w").Err()
	case "HGET":
		err = c.HGet(ctx, benchkit.CollectionKey("h", i), benchkit.Field(i)).Err()
	case "LPUSH":
		err = c.LPush(ctx, benchkit.CollectionKey("lp", i), "x").Err()
	case "LPOP":
		key := benchkit.CollectionKey("l", i)
		if err = c.LPop(ctx, key).Err(); err == redis.Nil {
			err = c.RPush(ctx, key, "x", "y", "z").Err()
		}
	case "ZADD":
		err = c.ZAdd(ctx, benchkit.CollectionKey("z", i), redis.Z{Score: float64(i & 4095), Member: benchkit.Field(i)}).Err()
	case "ZSCORE":
		err = c.ZScore(ctx, benchkit.CollectionKey("z", i), benchkit.Field(i)).Err()
	case "MGET10":
		var a [10]string
		for j := range a {
			a[j] = r.key(i*10 + j)
		}
		err = c.MGet(ctx, a[:]...).Err()
	case "PIPE64":
		p := c.Pipeline()
		for j := 0; j < 64; j++ {
			p.Get(ctx, r.key(i*64+j))
		}
		_, err = p.Exec(ctx)
	default:
		return fmt.Errorf("unknown workload %s", w)
	}
	if err == redis.Nil {
		err = nil
	}
	return err
}

func (r *goRedisRunner) Close() error { return r.c.Close() }
