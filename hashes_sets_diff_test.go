package kevy_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/require"
)

// TestHashSetRandomMatchRedis runs the same random sequence of hash and set
// commands (random commands excluded) on redis-server and on a 4-shard
// store and requires the same replies, OBJECT ENCODING included; replies
// whose order Redis leaves unspecified are compared sorted.
func TestHashSetRandomMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	cl.MustDo(t, "FLUSHALL")
	db := mustOpen(t, kevy.Config{Shards: 4})
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(42, 7))
	hkeys := []string{"h1", "h2", "h3", "s1"}
	skeys := []string{"s1", "s2", "s3", "s4", "h1"}
	field := func() string {
		switch r.IntN(10) {
		case 0:
			return strings.Repeat("L", 60+r.IntN(10)) // around the 64-byte limit
		case 1:
			return "-" + strconv.Itoa(r.IntN(100))
		}
		return "f" + strconv.Itoa(r.IntN(40))
	}
	member := func() string {
		switch r.IntN(8) {
		case 0:
			return "m" + strconv.Itoa(r.IntN(30))
		case 1:
			return "0" + strconv.Itoa(r.IntN(9))
		}
		return strconv.Itoa(r.IntN(60) - 10)
	}
	pick := func(keys []string) string { return keys[r.IntN(len(keys))] }
	gen := func() []string {
		switch r.IntN(24) {
		case 0, 1, 2:
			args := []string{"HSET", pick(hkeys)}
			for range 1 + r.IntN(4) {
				args = append(args, field(), strconv.Itoa(r.IntN(1000)))
			}
			return args
		case 3:
			return []string{"HDEL", pick(hkeys), field(), field()}
		case 4:
			return []string{"HINCRBY", pick(hkeys), field(), strconv.Itoa(r.IntN(100) - 50)}
		case 5:
			return []string{"HINCRBYFLOAT", pick(hkeys), field(), "1.5"}
		case 6:
			return []string{"HGETALL", pick(hkeys)}
		case 7:
			return []string{"HMGET", pick(hkeys), field(), field()}
		case 8:
			return []string{"HSETNX", pick(hkeys), field(), "nx"}
		case 9:
			return []string{"HLEN", pick(hkeys)}
		case 10, 11, 12:
			args := []string{"SADD", pick(skeys)}
			for range 1 + r.IntN(5) {
				args = append(args, member())
			}
			return args
		case 13:
			return []string{"SREM", pick(skeys), member(), member()}
		case 14:
			return []string{"SMOVE", pick(skeys), pick(skeys), member()}
		case 15:
			return []string{"SINTERSTORE", pick(skeys), pick(skeys), pick(skeys)}
		case 16:
			return []string{"SUNIONSTORE", pick(skeys), pick(skeys), pick(skeys)}
		case 17:
			return []string{"SDIFFSTORE", pick(skeys), pick(skeys), pick(skeys)}
		case 18:
			return []string{"SINTERCARD", "2", pick(skeys), pick(skeys), "LIMIT", strconv.Itoa(r.IntN(5))}
		case 19:
			return []string{"SMEMBERS", pick(skeys)}
		case 20:
			return []string{"SDIFF", pick(skeys), pick(skeys)}
		case 21:
			return []string{"SMISMEMBER", pick(skeys), member(), member()}
		case 22:
			return []string{"SCARD", pick(skeys)}
		}
		return []string{"OBJECT", "ENCODING", pick(append(hkeys, skeys...))}
	}
	for i := range 3000 {
		args := gen()
		want := show(sortAny(args, normalize(args, fromRedis(cl.MustDo(t, args...)))))
		got := show(sortAny(args, normalize(args, c.Exec(ctx, args...))))
		require.Equal(t, want, got, "command %d: %q", i, args)
	}
}

// sortAny sorts the replies of HGETALL (by pair), HKEYS and HVALS, whose
// order a hash table leaves unspecified.
func sortAny(args []string, r kevy.Reply) kevy.Reply {
	if r.Kind != kevy.ReplyArray {
		return r
	}
	switch strings.ToUpper(args[0]) {
	case "HGETALL":
		pairs := make([][2]kevy.Reply, len(r.Elems)/2)
		for i := range pairs {
			pairs[i] = [2]kevy.Reply{r.Elems[2*i], r.Elems[2*i+1]}
		}
		sort.Slice(pairs, func(i, j int) bool { return pairs[i][0].Str < pairs[j][0].Str })
		out := make([]kevy.Reply, 0, len(r.Elems))
		for _, p := range pairs {
			out = append(out, p[0], p[1])
		}
		r.Elems = out
	case "HKEYS", "HVALS":
		r.Elems = slices.Clone(r.Elems)
		sort.Slice(r.Elems, func(i, j int) bool { return r.Elems[i].Str < r.Elems[j].Str })
	}
	return r
}
