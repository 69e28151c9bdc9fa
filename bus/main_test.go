package bus

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newBus starts a bus closed when the test ends.
func newBus(t testing.TB) *Bus {
	t.Helper()
	b := New(Config{})
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	return b
}

// newSub makes a subscriber with the given buffer (0: the default).
func newSub(t testing.TB, b *Bus, buffer int) *Subscriber {
	t.Helper()
	s, err := b.NewSubscriber(SubscriberConfig{Buffer: buffer})
	require.NoError(t, err)
	return s
}

// drain returns what is waiting in s's stream right now. Every bus call
// has delivered its messages before it returns, so after a call this is
// exactly what the call produced.
func drain(s *Subscriber) []Message {
	var out []Message
	for {
		m, ok := s.TryReceive()
		if !ok {
			return out
		}
		out = append(out, m)
	}
}

// readToEnd reads s's stream until it ends.
func readToEnd(s *Subscriber) {
	for {
		if _, err := s.Receive(context.Background()); err != nil {
			return
		}
	}
}

// conf builds an expected confirmation.
func conf(kind, name string, count int) Message {
	return Message{Kind: kind, Channel: name, Count: count}
}

func msg(channel, payload string) Message {
	return Message{Kind: KindMessage, Channel: channel, Payload: payload}
}

func pmsg(pattern, channel, payload string) Message {
	return Message{Kind: KindPMessage, Pattern: pattern, Channel: channel, Payload: payload}
}

// checkTables verifies, on the bus goroutine, that the tables and the
// subscribers' own records agree: every index points back, counts add up,
// nothing empty is kept.
func checkTables(t *testing.T, b *Bus) {
	t.Helper()
	var total int
	r := b.get(opInspect)
	r.fn = func(tb *tables) {
		size := 0
		for ch, e := range tb.channels {
			assert.NotEmpty(t, e.subs, "channel %q kept with no subscribers", ch)
			for i, s := range e.subs {
				assert.Equal(t, i, s.channels[ch], "index of %q", ch)
				assert.Contains(t, tb.subs, s)
			}
			size += len(e.subs)
		}
		assert.Len(t, tb.patList, len(tb.patterns))
		for i, e := range tb.patList {
			assert.Equal(t, i, e.idx)
			assert.Same(t, e, tb.patterns[e.pat.String()])
			assert.NotEmpty(t, e.subs)
			for _, s := range e.subs {
				assert.Contains(t, s.patterns, e.pat.String())
			}
			size += len(e.subs)
		}
		for s := range tb.subs {
			assert.False(t, s.dead)
			for ch := range s.channels {
				assert.Contains(t, tb.channels, ch)
			}
			for _, p := range s.patterns {
				assert.Contains(t, tb.patterns[p].subs, s)
			}
		}
		assert.Equal(t, size, tb.size)
		assert.Empty(t, tb.cut)
		total = size
	}
	_, err := b.call(r)
	require.NoError(t, err)
	assert.Equal(t, int64(total), b.live.Load())
}
