package kevy_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The encoding parameters against redis-server: CONFIG SET and GET of
// every name and alias, with Redis's errors, and then OBJECT ENCODING step
// by step as collections cross the limits set (both ways where Redis
// converts back: the *STORE results of sorted sets).

// encodingDefaults restores Redis 7.0's limits.
var encodingDefaults = []string{
	"CONFIG SET hash-max-listpack-entries 512 hash-max-listpack-value 64 set-max-intset-entries 512",
	"CONFIG SET zset-max-listpack-entries 128 zset-max-listpack-value 64 list-max-listpack-size -2",
}

var encodingConfigScript = []string{
	"CONFIG GET hash-max-listpack-entries",
	"CONFIG GET hash-max-ziplist-entries",
	"CONFIG GET HASH-MAX-ZIPLIST-VALUE",
	"CONFIG GET set-max-intset-entries",
	"CONFIG GET zset-max-listpack-entries",
	"CONFIG GET zset-max-ziplist-value",
	"CONFIG GET list-max-listpack-size",
	"CONFIG GET list-max-ziplist-size",
	"CONFIG GET set-max-listpack-entries",
	"CONFIG SET hash-max-ziplist-entries 7",
	"CONFIG GET hash-max-listpack-entries",
	"CONFIG SET hash-max-listpack-entries 0",
	"CONFIG GET hash-max-ziplist-entries",
	"CONFIG SET hash-max-listpack-entries -1",
	"CONFIG SET hash-max-listpack-entries abc",
	"CONFIG SET hash-max-listpack-entries 1kb",
	"CONFIG SET hash-max-listpack-entries 9223372036854775807",
	"CONFIG GET hash-max-listpack-entries",
	"CONFIG SET hash-max-listpack-entries 9223372036854775808",
	"CONFIG SET hash-max-listpack-entries +5",
	"CONFIG SET hash-max-listpack-entries <empty>",
	"CONFIG SET hash-max-listpack-value 1kb",
	"CONFIG GET hash-max-listpack-value",
	"CONFIG SET hash-max-ziplist-value 3M",
	"CONFIG GET hash-max-ziplist-value",
	"CONFIG SET hash-max-listpack-value -1",
	"CONFIG SET hash-max-listpack-value 1.5",
	"CONFIG SET hash-max-listpack-value 10x",
	"CONFIG SET hash-max-listpack-value 99999999999999999999",
	"CONFIG SET hash-max-listpack-value 9999999999gb",
	"CONFIG SET hash-max-listpack-value 9223372036854775807",
	"CONFIG GET hash-max-listpack-value",
	"CONFIG SET hash-max-listpack-value <empty>",
	"CONFIG GET hash-max-listpack-value",
	"CONFIG SET set-max-intset-entries 3",
	"CONFIG GET set-max-intset-entries",
	"CONFIG SET set-max-intset-entries -3",
	"CONFIG SET set-max-listpack-entries 3",
	"CONFIG SET zset-max-ziplist-entries 5 zset-max-ziplist-value 2gb",
	"CONFIG GET zset-max-listpack-entries",
	"CONFIG GET zset-max-listpack-value",
	"CONFIG SET zset-max-listpack-value 0kb",
	"CONFIG GET zset-max-ziplist-value",
	"CONFIG SET list-max-listpack-size -5",
	"CONFIG GET list-max-ziplist-size",
	"CONFIG SET list-max-ziplist-size 2147483647",
	"CONFIG GET list-max-listpack-size",
	"CONFIG SET list-max-listpack-size -2147483648",
	"CONFIG GET list-max-listpack-size",
	"CONFIG SET list-max-listpack-size 2147483648",
	"CONFIG SET list-max-listpack-size -2147483649",
	"CONFIG SET list-max-listpack-size 1k",
	"CONFIG SET list-max-listpack-size 0",
	"CONFIG GET list-max-listpack-size",
	"CONFIG SET hash-max-listpack-entries 1 hash-max-ziplist-entries 2",
	"CONFIG GET hash-max-listpack-entries",
	"CONFIG SET hash-max-listpack-entries 3 hash-max-listpack-entries 4",
	"CONFIG SET hash-max-listpack-entries 5 zset-max-listpack-value x",
	"CONFIG GET hash-max-listpack-entries",
}

// encodingSteps sets small limits, then watches OBJECT ENCODING as each
// type grows past them and shrinks back.
var encodingSteps = []string{
	"FLUSHALL",
	"CONFIG SET hash-max-listpack-entries 3 hash-max-listpack-value 5",
	"HSET h a 1", "OBJECT ENCODING h",
	"HSET h b 2 c 3", "OBJECT ENCODING h",
	"HSET h d 4", "OBJECT ENCODING h",
	"HDEL h a b c", "OBJECT ENCODING h", "HLEN h",
	"HSET h2 a 12345", "OBJECT ENCODING h2",
	"HSET h2 b 123456", "OBJECT ENCODING h2",
	"HSET h3 abcdef x", "OBJECT ENCODING h3",
	"HSETNX h4 f 123456", "OBJECT ENCODING h4",
	"HSET h5 f 1", "HINCRBYFLOAT h5 f 0.000001", "OBJECT ENCODING h5",
	"HSET h6 f 99", "HINCRBY h6 f 1000000", "OBJECT ENCODING h6",
	"CONFIG SET hash-max-listpack-entries 0",
	"HSET h7 a 1", "OBJECT ENCODING h7",
	"CONFIG SET hash-max-listpack-entries 512 hash-max-listpack-value 64",
	"HSET h8 a 1", "OBJECT ENCODING h8", "OBJECT ENCODING h",

	"CONFIG SET set-max-intset-entries 3",
	"SADD s 1 2", "OBJECT ENCODING s",
	"SADD s 3", "OBJECT ENCODING s",
	"SADD s 4", "OBJECT ENCODING s",
	"SREM s 1 2 3", "OBJECT ENCODING s",
	"SADD s2 1 2 3", "SADD s3 3 4 5",
	"SUNIONSTORE u s2 s3", "OBJECT ENCODING u",
	"SINTERSTORE i s2 s3", "OBJECT ENCODING i",
	"SDIFFSTORE d s2 s3", "OBJECT ENCODING d",
	"SMOVE s2 s3 1", "OBJECT ENCODING s3",
	"CONFIG SET set-max-intset-entries 0",
	"SADD s4 7", "OBJECT ENCODING s4",
	"SADD s5 x", "OBJECT ENCODING s5",
	"CONFIG SET set-max-intset-entries 512",

	"CONFIG SET zset-max-listpack-entries 3 zset-max-listpack-value 4",
	"ZADD z 1 a 2 b", "OBJECT ENCODING z",
	"ZADD z 3 c", "OBJECT ENCODING z",
	"ZADD z 4 d", "OBJECT ENCODING z",
	"ZREM z a b c", "OBJECT ENCODING z", "ZCARD z",
	"ZADD z2 1 abcde", "OBJECT ENCODING z2",
	"ZADD z3 1 abcd", "OBJECT ENCODING z3",
	"ZADD z3 2 abcdefg", "OBJECT ENCODING z3",
	"ZADD z4 1 a 2 b 3 c 4 d 5 e",
	"ZUNIONSTORE zu 1 z4", "OBJECT ENCODING zu",
	"ZRANGESTORE zr z4 0 1", "OBJECT ENCODING zr",
	"ZRANGESTORE zr2 z4 0 3", "OBJECT ENCODING zr2",
	"ZRANGESTORE zr3 z4 1 3 BYSCORE", "OBJECT ENCODING zr3",
	"ZINTERSTORE zi 2 z4 z", "OBJECT ENCODING zi",
	"ZDIFFSTORE zd 1 z4", "OBJECT ENCODING zd",
	"ZREMRANGEBYRANK z4 0 2", "OBJECT ENCODING z4",
	"ZUNIONSTORE zu2 1 z4", "OBJECT ENCODING zu2",
	"ZINCRBY z5 1 abcdefgh", "OBJECT ENCODING z5",
	"CONFIG SET zset-max-listpack-entries 0",
	"ZADD z6 1 a", "OBJECT ENCODING z6",
	"ZUNIONSTORE z7 1 z6", "OBJECT ENCODING z7",
	"ZRANGESTORE z8 z6 0 -1 BYSCORE", "OBJECT ENCODING z8",
	"CONFIG SET zset-max-listpack-entries 128 zset-max-listpack-value 64",
	"ZUNIONSTORE z9 1 z6", "OBJECT ENCODING z9",

	"CONFIG SET list-max-listpack-size 2",
	"RPUSH l a b c d e", "OBJECT ENCODING l", "LRANGE l 0 -1",
	"LINSERT l BEFORE c x", "LRANGE l 0 -1",
	"LPUSH l y", "LSET l 3 z", "LREM l 0 d", "LRANGE l 0 -1", "LLEN l",
	"CONFIG SET list-max-listpack-size -5",
	"RPUSH l2 a", "OBJECT ENCODING l2",
}

func TestEncodingConfigMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			c := db.Conn()
			defer c.Close()
			ctx := context.Background()
			for _, line := range append(append(append([]string{}, encodingDefaults...), encodingConfigScript...), encodingSteps...) {
				args := fields(line)
				want := show(fromRedis(cl.MustDo(t, args...)))
				got := show(c.Exec(ctx, args...))
				assert.Equal(t, want, got, line)
			}
			for _, line := range encodingDefaults {
				cl.MustDo(t, fields(line)...)
			}
		})
	}
}

// TestEncodingConfigGetPatterns: CONFIG GET with patterns finds names and
// aliases, each under its own name, as Redis does.
func TestEncodingConfigGetPatterns(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	db := mustOpen(t, kevy.Config{})
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	sorted := func(r kevy.Reply) []string {
		require.Equal(t, kevy.ReplyArray, r.Kind)
		var out []string
		for i := 0; i+1 < len(r.Elems); i += 2 {
			out = append(out, r.Elems[i].Str+"="+r.Elems[i+1].Str)
		}
		sort.Strings(out)
		return out
	}
	for _, pat := range []string{"*-max-*list*", "hash-max-*", "*ziplist*", "*listpack*", "set-max-*", "list-max-*-size", "zset-*"} {
		want := sorted(fromRedis(cl.MustDo(t, "CONFIG", "GET", pat)))
		got := sorted(c.Exec(ctx, "CONFIG", "GET", pat))
		require.NotEmpty(t, got, pat)
		for _, g := range got {
			assert.Contains(t, want, g, pat)
		}
		for _, w := range want {
			if name, _, _ := strings.Cut(w, "="); strings.Contains(name, "list") || strings.Contains(name, "intset") {
				assert.Contains(t, got, w, "%s: kevy misses %s", pat, name)
			}
		}
	}
}

// TestEncodingConfigApplies: the limits set through CONFIG apply to every
// shard, on both engines.
func TestEncodingConfigApplies(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.Equal(t, kevy.ReplyStatus, c.Exec(ctx, "CONFIG", "SET", "hash-max-ziplist-entries", "2").Kind)
		for i := range 20 {
			k := "h" + strconv.Itoa(i)
			c.Exec(ctx, "HSET", k, "a", "1", "b", "2")
			assert.Equal(t, "listpack", c.Exec(ctx, "OBJECT", "ENCODING", k).Str, k)
			c.Exec(ctx, "HSET", k, "c", "3")
			assert.Equal(t, "hashtable", c.Exec(ctx, "OBJECT", "ENCODING", k).Str, k)
		}
	})
}
