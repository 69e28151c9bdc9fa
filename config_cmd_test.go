package kevy_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CONFIG against redis-server: the same SETs get the same replies (errors
// included, byte for byte) and the same GETs afterwards.

var configScript = []string{
	"CONFIG SET maxmemory 100mb",
	"CONFIG GET maxmemory",
	"CONFIG SET maxmemory 3GB",
	"CONFIG GET maxmemory",
	"CONFIG SET maxmemory 12345",
	"CONFIG GET MAXMEMORY",
	"CONFIG SET maxmemory 10x",
	"CONFIG SET maxmemory -1",
	"CONFIG SET maxmemory 1.5gb",
	"CONFIG SET maxmemory 0",
	"CONFIG SET maxmemory-policy allkeys-lru",
	"CONFIG GET maxmemory-policy",
	"CONFIG SET maxmemory-policy VOLATILE-TTL",
	"CONFIG GET maxmemory-policy",
	"CONFIG SET maxmemory-policy foo",
	"CONFIG SET maxmemory-policy noeviction",
	"CONFIG SET maxmemory-samples 7",
	"CONFIG GET maxmemory-samples",
	"CONFIG SET maxmemory-samples 0",
	"CONFIG SET maxmemory-samples x",
	"CONFIG SET maxmemory-samples 99999999999",
	"CONFIG SET lfu-log-factor 20",
	"CONFIG SET lfu-decay-time 5",
	"CONFIG GET lfu-log-factor",
	"CONFIG GET lfu-decay-time",
	"CONFIG SET lfu-log-factor -1",
	"CONFIG SET hz 1000",
	"CONFIG GET hz",
	"CONFIG SET hz 0",
	"CONFIG GET hz",
	"CONFIG SET hz 10",
	"CONFIG SET hz -5",
	"CONFIG SET slowlog-log-slower-than 5000",
	"CONFIG GET slowlog-log-slower-than",
	"CONFIG SET slowlog-log-slower-than -1",
	"CONFIG GET slowlog-log-slower-than",
	"CONFIG SET slowlog-log-slower-than -2",
	"CONFIG SET slowlog-max-len 64",
	"CONFIG GET slowlog-max-len",
	"CONFIG SET slowlog-max-len -1",
	"CONFIG SET appendfsync always",
	"CONFIG GET appendfsync",
	"CONFIG SET appendfsync NO",
	"CONFIG GET appendfsync",
	"CONFIG SET appendfsync sometimes",
	"CONFIG SET appendfsync everysec",
	"CONFIG SET notify-keyspace-events KEA",
	"CONFIG GET notify-keyspace-events",
	"CONFIG SET notify-keyspace-events Kgx",
	"CONFIG GET notify-keyspace-events",
	"CONFIG SET notify-keyspace-events gx",
	"CONFIG GET notify-keyspace-events",
	"CONFIG SET notify-keyspace-events Q",
	"CONFIG SET notify-keyspace-events <empty>",
	"CONFIG GET notify-keyspace-events",
	"CONFIG SET nosuch 1",
	"CONFIG SET maxmemory 1 maxmemory 2",
	"CONFIG SET maxmemory 1 MAXMEMORY 2",
	"CONFIG SET databases 3",
	"CONFIG SET dir /tmp",
	"CONFIG SET maxmemory 5mb maxmemory-samples 0",
	"CONFIG GET maxmemory",
	"CONFIG SET maxmemory 5mb nosuch 1",
	"CONFIG SET databases 1 nosuch 1",
	"CONFIG SET nosuch 1 databases 1",
	"CONFIG SET maxmemory 0 foo",
	"CONFIG SET maxmemory",
	"CONFIG SET maxmemory 7mb hz 20 maxmemory-samples 9",
	"CONFIG GET maxmemory",
	"CONFIG GET hz",
	"CONFIG GET maxmemory-samples",
	"CONFIG SET maxmemory 0",
	"CONFIG GET nosuch",
	"CONFIG GET databases",
	"CONFIG GET",
	"CONFIG RESETSTAT",
	"CONFIG RESETSTAT x",
	"CONFIG HELP",
	"CONFIG REWRITE",
	"CONFIG NOSUCH",
}

func TestConfigMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			db := mustOpen(t, v.cfg)
			c := db.Conn()
			defer c.Close()
			ctx := context.Background()
			for _, line := range configScript {
				args := fields(line)
				want := show(fromRedis(cl.MustDo(t, args...)))
				got := show(c.Exec(ctx, args...))
				assert.Equal(t, want, got, line)
			}
		})
	}
}

// TestConfigGetGlob checks CONFIG GET's patterns: what kevy returns for a
// pattern is what Redis returns for it, restricted to the parameters kevy
// knows.
func TestConfigGetGlob(t *testing.T) {
	srv := redistest.Start(t)
	cl := srv.Client(t)
	db := mustOpen(t, kevy.Config{SlowlogThreshold: 10 * time.Millisecond}) // Redis's default
	c := db.Conn()
	defer c.Close()
	ctx := context.Background()
	pairs := func(r kevy.Reply) map[string]string {
		require.Equal(t, kevy.ReplyArray, r.Kind)
		m := map[string]string{}
		for i := 0; i+1 < len(r.Elems); i += 2 {
			m[r.Elems[i].Str] = r.Elems[i+1].Str
		}
		return m
	}
	for _, line := range []string{
		"CONFIG GET maxmemory*", "CONFIG GET *memory*", "CONFIG GET lfu-*", "CONFIG GET slowlog*",
		"CONFIG GET MAXMEMORY-P*", "CONFIG GET maxmemory-[ps]*", "CONFIG GET hz maxmemory h?",
		"CONFIG GET maxmemory maxmemory", "CONFIG GET append*", "CONFIG GET client-*-buffer-limit",
	} {
		args := fields(line)
		want := pairs(fromRedis(cl.MustDo(t, args...)))
		got := pairs(c.Exec(ctx, args...))
		require.NotEmpty(t, got, line)
		for name, val := range got {
			if name == "dir" {
				continue
			}
			rv, ok := want[name]
			if assert.True(t, ok, "%s: %s not in Redis's reply", line, name) {
				assert.Equal(t, rv, val, "%s: %s", line, name)
			}
		}
	}
}

func TestConfigSetApplies(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, db *kevy.Store) {
		c := db.Conn()
		defer c.Close()
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "maxmemory", "64kb", "maxmemory-policy", "allkeys-lru")))
		st := stats(t, db)
		assert.Equal(t, int64(64<<10), st.MaxMemory)
		assert.Equal(t, kevy.AllKeysLRU, st.MaxMemoryPolicy)
		for i := range 2000 {
			require.Equal(t, "+OK", show(c.Exec(ctx, "SET", "k"+strconv.Itoa(i), strings.Repeat("x", 100))))
		}
		st = stats(t, db)
		assert.Positive(t, st.EvictedKeys)
		assert.LessOrEqual(t, st.UsedMemory, int64(64<<10)+evictSlack(4))
		// Policy switches change what OBJECT reports.
		c.Exec(ctx, "SET", "obj", "v")
		assert.Equal(t, kevy.ReplyInt, c.Exec(ctx, "OBJECT", "IDLETIME", "obj").Kind)
		assert.True(t, strings.HasPrefix(c.Exec(ctx, "OBJECT", "FREQ", "obj").Str, "ERR An LFU maxmemory policy is not selected"))
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")))
		assert.Equal(t, kevy.ReplyInt, c.Exec(ctx, "OBJECT", "FREQ", "obj").Kind)
		assert.True(t, strings.HasPrefix(c.Exec(ctx, "OBJECT", "IDLETIME", "obj").Str, "ERR An LFU maxmemory policy is selected"))
		// notify-keyspace-events takes effect.
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "notify-keyspace-events", "KA")))
		sub := db.Subscribe(ctx, "__keyspace@0__:note")
		_, err := sub.Receive(ctx)
		require.NoError(t, err)
		c.Exec(ctx, "SET", "note", "v")
		msg, err := sub.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, "set", msg.Payload)
		require.NoError(t, sub.Close())
		// Removing the limit lets writes grow again.
		require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "maxmemory", "0")))
	})
}

func TestConfigSetAppendfsync(t *testing.T) {
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			db := mustOpen(t, kevy.Config{Engine: e.e, Dir: t.TempDir(), Shards: 2})
			c := db.Conn()
			defer c.Close()
			for _, p := range []string{"always", "no", "everysec"} {
				require.Equal(t, "+OK", show(c.Exec(ctx, "CONFIG", "SET", "appendfsync", p)))
				require.Equal(t, "[\"appendfsync\" \""+p+"\"]", show(c.Exec(ctx, "CONFIG", "GET", "appendfsync")))
				require.Equal(t, "+OK", show(c.Exec(ctx, "SET", "k-"+p, "v")))
				st := stats(t, db)
				assert.Equal(t, p, st.Persistence.Fsync.String())
			}
			assert.Equal(t, "[\"appendonly\" \"yes\"]", show(c.Exec(ctx, "CONFIG", "GET", "appendonly")))
		})
	}
}

// FuzzConfigMemoryValue fuzzes the parser of memory values (CONFIG SET
// maxmemory): it never panics, accepts exactly Redis's memtoull grammar
// (digits, then nothing or one of b k kb m mb g gb in any case), and what
// it accepts reads back as a decimal byte count.
func FuzzConfigMemoryValue(f *testing.F) {
	for _, s := range []string{"0", "100", "100mb", "1GB", "5k", "7kB", "3b", "", "-1", "1.5gb", "10x",
		"99999999999999999999999", "18446744073709551615gb", "mb", " 1", "1 ", "0x10"} {
		f.Add(s)
	}
	db, err := kevy.Open(kevy.Config{Shards: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, v string) {
		r := db.Exec(ctx, "CONFIG", "SET", "maxmemory", v)
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		unit := strings.ToLower(v[i:])
		valid := unit == "" || unit == "b" || unit == "k" || unit == "kb" || unit == "m" || unit == "mb" ||
			unit == "g" || unit == "gb"
		if !valid {
			require.Equal(t, "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", show(r), "%q", v)
			return
		}
		require.Equal(t, "+OK", show(r), "%q", v)
		got := db.Exec(ctx, "CONFIG", "GET", "maxmemory")
		require.Len(t, got.Elems, 2)
		n, err := strconv.ParseInt(got.Elems[1].Str, 10, 64)
		require.NoError(t, err)
		require.GreaterOrEqual(t, n, int64(0))
		db.Exec(ctx, "CONFIG", "SET", "maxmemory", "0")
	})
}
