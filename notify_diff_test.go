package kevy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notifyScript exercises every command family that emits keyspace events.
var notifyScript = []string{
	"SET s v", "SET s v2 EX 100", "APPEND s x", "SETRANGE s 0 y", "INCR n", "INCRBYFLOAT n 1.5",
	"MSET m1 a m2 b", "GETDEL m1", "GETEX m2 PX 100000", "GETEX m2 PERSIST",
	"EXPIRE s 100", "PERSIST s", "RENAME s s2", "COPY s2 s3", "MOVE s3 1", "DEL s2 nosuch",
	"RPUSH l a b c d", "LPUSH l z", "LPOP l", "RPOP l 2", "LINSERT l BEFORE a q", "LSET l 0 w",
	"LREM l 0 w", "LTRIM l 0 0", "LMOVE l l2 LEFT RIGHT", "RPOPLPUSH l2 l3",
	"HSET h f v g w", "HSETNX h x 1", "HINCRBY h x 2", "HINCRBYFLOAT h x 1.5", "HDEL h f g x",
	"SADD st a b c", "SREM st a", "SMOVE st st2 b", "SPOP st", "SADD sa 1 2 3", "SADD sb 2 3 4",
	"SINTERSTORE sx sa sb", "SUNIONSTORE su sa sb", "SDIFFSTORE sd sa sb", "SDIFFSTORE sd sa sa",
	"ZADD z 1 a 2 b 3 c 4 d", "ZINCRBY z 5 a", "ZREM z b", "ZPOPMIN z", "ZREMRANGEBYSCORE z 0 3",
	"ZADD z2 1 x", "ZUNIONSTORE zu 2 z z2", "ZINTERSTORE zi 2 z z2", "ZREMRANGEBYRANK zu 0 0",
	"SORT l3 ALPHA STORE sorted",
	"SETBIT b 7 1", "SETBIT b 7 1", "SETBIT b 100 0", "BITFIELD bf SET u8 0 1 GET u8 0", "BITFIELD bf SET u8 0 1",
	"BITFIELD bf OVERFLOW FAIL INCRBY u8 0 300", "BITFIELD_RO bf GET u8 0", "BITOP OR bo b bf", "BITOP AND bo nosuch",
	"PFADD p a b", "PFADD p a", "PFCOUNT p", "PFMERGE pm p", "PFDEBUG TODENSE p",
	"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g XX CH 13.4 38.1 Palermo",
	"GEORADIUS g 15 37 200 km STORE gs", "GEOSEARCHSTORE gs2 g FROMLONLAT 15 37 BYRADIUS 200 km", "GEORADIUS g 0 0 1 m STORE gs",
	"GEOSEARCHSTORE gs2 nosuch FROMLONLAT 15 37 BYRADIUS 200 km", "FLUSHDB",
}

// TestKeyspaceNotificationsMatchRedis subscribes to every keyspace event on
// a real redis-server and on kevy, runs the same commands, and compares the
// notifications message by message.
func TestKeyspaceNotificationsMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	cmd := srv.Client(t)
	cmd.MustDo(t, "CONFIG", "SET", "notify-keyspace-events", "KEA")
	sub := srv.Client(t)
	require.NoError(t, sub.Send("PSUBSCRIBE", "__key*__:*"))
	_, err := sub.Receive(5 * time.Second)
	require.NoError(t, err)
	for _, line := range notifyScript {
		cmd.MustDo(t, fields(line)...)
	}
	cmd.MustDo(t, "PUBLISH", "__keyevent@0__:end", "end")
	var want []string
	for {
		v, err := sub.Receive(5 * time.Second)
		require.NoError(t, err)
		m := fmt.Sprintf("%s %s", v.Array[2].Str, v.Array[3].Str)
		if m == "__keyevent@0__:end end" {
			break
		}
		want = append(want, m)
	}
	require.Greater(t, len(want), 100, "the script must produce notifications")

	ctx := context.Background()
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			cfg := v.cfg
			cfg.NotifyKeyspaceEvents = "KEA"
			db := mustOpen(t, cfg)
			ps := db.PSubscribe(ctx, "__key*__:*")
			defer ps.Close()
			_, err := ps.Receive(ctx)
			require.NoError(t, err)
			c := db.Conn()
			defer c.Close()
			for _, line := range notifyScript {
				c.Exec(ctx, fields(line)...)
			}
			_, err = db.Publish(ctx, "__keyevent@0__:end", "end")
			require.NoError(t, err)
			var got []string
			for {
				rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				m, err := ps.ReceiveMessage(rctx)
				cancel()
				require.NoError(t, err)
				s := m.Channel + " " + m.Payload
				if s == "__keyevent@0__:end end" {
					break
				}
				got = append(got, s)
			}
			assert.Equal(t, want, got)
		})
	}
}
