package bus

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kevydb/kevy/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pushConn is a RESP2 connection for a subscribing client: unlike
// redistest.Client it can send a command without reading, and read the
// pushes that follow.
type pushConn struct {
	c net.Conn
	r *bufio.Reader
}

func dialPush(t *testing.T, addr string) *pushConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &pushConn{c: c, r: bufio.NewReader(c)}
}

func (p *pushConn) send(t *testing.T, args ...string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	require.NoError(t, p.c.SetWriteDeadline(time.Now().Add(10*time.Second)))
	_, err := p.c.Write([]byte(b.String()))
	require.NoError(t, err)
}

func (p *pushConn) read(t *testing.T) redistest.Value {
	t.Helper()
	require.NoError(t, p.c.SetReadDeadline(time.Now().Add(10*time.Second)))
	line, err := p.r.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(line, "\r\n") && len(line) >= 3, "bad line %q", line)
	line = line[:len(line)-2]
	v := redistest.Value{Type: line[0]}
	switch line[0] {
	case '+', '-':
		v.Str = line[1:]
	case ':':
		v.Int, err = strconv.ParseInt(line[1:], 10, 64)
		require.NoError(t, err)
	case '$':
		n, err := strconv.Atoi(line[1:])
		require.NoError(t, err)
		if n < 0 {
			v.Null = true
			break
		}
		buf := make([]byte, n+2)
		_, err = io.ReadFull(p.r, buf)
		require.NoError(t, err)
		v.Str = string(buf[:n])
	case '*':
		n, err := strconv.Atoi(line[1:])
		require.NoError(t, err)
		for i := 0; i < n; i++ {
			v.Array = append(v.Array, p.read(t))
		}
	default:
		t.Fatalf("unknown reply %q", line)
	}
	return v
}

// untilPong sends PING and returns the pushes received before its answer,
// which by then are everything Redis had queued for this client.
func (p *pushConn) untilPong(t *testing.T) []Message {
	t.Helper()
	p.send(t, "PING")
	var out []Message
	for {
		v := p.read(t)
		if v.Type == '+' && v.Str == "PONG" {
			return out
		}
		require.Equal(t, byte('*'), v.Type, "push %+v", v)
		require.NotEmpty(t, v.Array)
		kind := v.Array[0].Str
		switch kind {
		case "pong":
			return out
		case KindMessage:
			out = append(out, msg(v.Array[1].Str, v.Array[2].Str))
		case KindPMessage:
			out = append(out, pmsg(v.Array[1].Str, v.Array[2].Str, v.Array[3].Str))
		default:
			out = append(out, Message{Kind: kind, Channel: v.Array[1].Str,
				NilChannel: v.Array[1].Null, Count: int(v.Array[2].Int)})
		}
	}
}

// sameStream compares one step's output. Where Redis walks a hash table
// (UNSUBSCRIBE with no arguments walks the client's channel dict, PUBLISH the
// server's pattern dict) the names may come in another order: then, with
// loose set, the kinds, counts and payloads must still come in the same
// order and the items, without counts, must be the same multiset.
func sameStream(t *testing.T, want, got []Message, loose bool, step string) bool {
	t.Helper()
	if !loose {
		return assert.Equal(t, want, got, step)
	}
	shape := func(ms []Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%s/%d/%s", m.Kind, m.Count, m.Payload))
		}
		return out
	}
	items := func(ms []Message) []string {
		var out []string
		for _, m := range ms {
			m.Count = 0
			out = append(out, fmt.Sprintf("%+v", m))
		}
		slices.Sort(out)
		return out
	}
	return assert.Equal(t, shape(want), shape(got), step) && assert.Equal(t, items(want), items(got), step)
}

// TestRedisDifferential runs random sequences of SUBSCRIBE, PSUBSCRIBE,
// UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB against the bus and against
// a real redis-server, and compares every confirmation, message, receiver
// count and introspection answer.
func TestRedisDifferential(t *testing.T) {
	srv := redistest.Start(t)
	pub := srv.Client(t)
	const nsubs = 5
	b := newBus(t)
	var subs []*Subscriber
	var conns []*pushConn
	for i := 0; i < nsubs; i++ {
		subs = append(subs, newSub(t, b, 0))
		conns = append(conns, dialPush(t, srv.Addr))
	}
	channels := []string{"a", "b", "ab", "", "a*", "news.1"}
	patterns := []string{"*", "a*", "?", "[ab]", "a?", "\\*", "a\\*", "b", "news.*", "[^a]*"}
	pick := func(rng *rand.Rand, from []string, max int) []string {
		var out []string
		for n := rng.IntN(max + 1); n > 0; n-- {
			out = append(out, from[rng.IntN(len(from))])
		}
		return out
	}
	rng := rand.New(rand.NewPCG(11, 12))
	steps := 1500
	if testing.Short() {
		steps = 200
	}
	reached, nils := 0, 0 // coverage: publishes that reached someone, null confirmations
	for step := 0; step < steps; step++ {
		who := rng.IntN(nsubs)
		s, c := subs[who], conns[who]
		var desc string
		loose := false
		switch x := rng.IntN(100); {
		case x < 20:
			names := pick(rng, channels, 3)
			if len(names) == 0 {
				names = channels[:1]
			}
			desc = fmt.Sprintf("sub%d SUBSCRIBE %q", who, names)
			_, err := s.Subscribe(names...)
			require.NoError(t, err)
			c.send(t, append([]string{"SUBSCRIBE"}, names...)...)
		case x < 35:
			names := pick(rng, patterns, 3)
			if len(names) == 0 {
				names = patterns[:1]
			}
			desc = fmt.Sprintf("sub%d PSUBSCRIBE %q", who, names)
			_, err := s.PSubscribe(names...)
			require.NoError(t, err)
			c.send(t, append([]string{"PSUBSCRIBE"}, names...)...)
		case x < 50:
			names := pick(rng, channels, 2)
			desc = fmt.Sprintf("sub%d UNSUBSCRIBE %q", who, names)
			loose = len(names) == 0
			_, err := s.Unsubscribe(names...)
			require.NoError(t, err)
			c.send(t, append([]string{"UNSUBSCRIBE"}, names...)...)
		case x < 60:
			names := pick(rng, patterns, 2)
			desc = fmt.Sprintf("sub%d PUNSUBSCRIBE %q", who, names)
			_, err := s.PUnsubscribe(names...)
			require.NoError(t, err)
			c.send(t, append([]string{"PUNSUBSCRIBE"}, names...)...)
		case x < 90:
			ch := channels[rng.IntN(len(channels))]
			payload := strconv.Itoa(step)
			desc = fmt.Sprintf("PUBLISH %q %s", ch, payload)
			loose = true
			n, err := b.Publish(ch, payload)
			require.NoError(t, err)
			v := pub.MustDo(t, "PUBLISH", ch, payload)
			require.Equal(t, int64(n), v.Int, desc)
			if n > 0 {
				reached++
			}
		default:
			desc = "PUBSUB"
			compareIntrospection(t, b, pub, channels, patterns, rng)
		}
		if step%100 == 0 {
			checkTables(t, b)
		}
		for i := range subs {
			got := drain(subs[i])
			if !sameStream(t, conns[i].untilPong(t), got, loose, fmt.Sprintf("step %d %s: sub%d", step, desc, i)) {
				return
			}
			for _, m := range got {
				if m.NilChannel {
					nils++
				}
			}
		}
	}
	checkTables(t, b)
	assert.Greater(t, reached, steps/10, "too few publishes reached a subscriber")
	assert.Positive(t, nils, "no null confirmation was compared")
	t.Logf("%d steps, %d publishes reached subscribers, %d null confirmations", steps, reached, nils)
}

func compareIntrospection(t *testing.T, b *Bus, pub *redistest.Client, channels, patterns []string, rng *rand.Rand) {
	t.Helper()
	np, err := b.NumPat()
	require.NoError(t, err)
	assert.Equal(t, int64(np), pub.MustDo(t, "PUBSUB", "NUMPAT").Int, "NUMPAT")

	counts, err := b.NumSub(channels...)
	require.NoError(t, err)
	v := pub.MustDo(t, append([]string{"PUBSUB", "NUMSUB"}, channels...)...)
	require.Len(t, v.Array, 2*len(channels))
	for i, ch := range channels {
		assert.Equal(t, ch, v.Array[2*i].Str)
		assert.Equal(t, int64(counts[i]), v.Array[2*i+1].Int, "NUMSUB %q", ch)
	}

	var got []string
	args := []string{"PUBSUB", "CHANNELS"}
	if rng.IntN(2) == 0 {
		got, err = b.Channels()
	} else {
		p := patterns[rng.IntN(len(patterns))]
		args = append(args, p)
		got, err = b.Channels(p)
	}
	require.NoError(t, err)
	var want []string
	for _, e := range pub.MustDo(t, args...).Array {
		want = append(want, e.Str)
	}
	slices.Sort(want)
	if got == nil {
		got = []string{}
	}
	if want == nil {
		want = []string{}
	}
	assert.Equal(t, want, got, "%q", args)
}
