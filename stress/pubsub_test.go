package stress

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kevydb/kevy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestSlowSubscribers: publishers publish while some subscribers read
// everything (by channel and by pattern) and others never read.
// Publishers must never block on a subscriber that does not read (they
// all finish; they only pace themselves on the readers); a subscriber that
// falls behind is cut off with ErrSlowSubscriber and can read the
// messages it held, in order, first; every reader receives each
// publisher's messages in order with no gap, and all of them.
func TestSlowSubscribers(t *testing.T) {
	k, _ := setup(t)
	k.schedule(len(k.engines), func(r, i int) bool {
		return t.Run(fmt.Sprintf("%s/round=%d", engineName(k.engines[i]), r), func(t *testing.T) {
			pubsubRound(t, k.engines[i])
		})
	})
}

const (
	publishers     = 4
	pubMessages    = 3000 // per publisher
	pubChannels    = 3
	subBuffer      = 256
	fastSubs       = 3
	neverReadSubs  = 2
	slowPatternSub = 1
)

func pubsubRound(t *testing.T, e kevy.Engine) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	db, err := kevy.Open(kevy.Config{Engine: e, Shards: 4, PubSubBuffer: subBuffer})
	require.NoError(t, err)
	defer db.Close()
	ctx := context.Background()
	channels := make([]string, pubChannels)
	for i := range channels {
		channels[i] = "news:" + strconv.Itoa(i)
	}

	type sub struct {
		name string
		ps   *kevy.PubSub
		read bool
	}
	var subs []sub
	for i := 0; i < fastSubs; i++ {
		if i == 0 {
			subs = append(subs, sub{"fast-pattern", db.PSubscribe(ctx, "news:*"), true})
			continue
		}
		subs = append(subs, sub{"fast-" + strconv.Itoa(i), db.Subscribe(ctx, channels...), true})
	}
	for i := 0; i < neverReadSubs; i++ {
		subs = append(subs, sub{"never-" + strconv.Itoa(i), db.Subscribe(ctx, channels...), false})
	}
	for i := 0; i < slowPatternSub; i++ {
		subs = append(subs, sub{"never-pattern", db.PSubscribe(ctx, "news:*"), false})
	}
	for _, s := range subs {
		require.NoError(t, s.ps.Err())
		defer s.ps.Close()
		// The subscription's confirmation comes first.
		v, err := s.ps.Receive(ctx)
		require.NoError(t, err)
		require.IsType(t, &kevy.Subscription{}, v)
	}
	// Readers: each returns how many messages of each publisher it saw and
	// why it stopped.
	type result struct {
		got map[int]int
		err error
		bad string
	}
	results := make([]result, len(subs))
	// Credit: a publisher stays at most pubWindow messages ahead of each
	// reading subscriber, so that those keep up (4 x 48 < the buffer) and
	// must never be cut off; the ones that never read get no say.
	const pubWindow = 48
	var progMu sync.Mutex
	progress := sync.NewCond(&progMu)
	seen := make([][publishers]int, len(subs))
	var rw sync.WaitGroup
	for i, s := range subs {
		if !s.read {
			continue
		}
		rw.Go(func() {
			res := result{got: map[int]int{}}
			done := 0
			for done < publishers {
				m, err := s.ps.ReceiveMessage(ctx)
				if err != nil {
					res.err = err
					break
				}
				p, seq, ok := parsePayload(m.Payload)
				if !ok {
					res.bad = "bad payload " + m.Payload
					break
				}
				if seq == pubMessages {
					done++
				}
				if seq != res.got[p]+1 {
					res.bad = fmt.Sprintf("publisher %d: message %d after %d", p, seq, res.got[p])
					break
				}
				res.got[p] = seq
				progMu.Lock()
				seen[i][p] = seq
				progress.Broadcast()
				progMu.Unlock()
			}
			progMu.Lock()
			seen[i] = [publishers]int{pubMessages, pubMessages, pubMessages, pubMessages} // stopped: no more credit needed
			progress.Broadcast()
			progMu.Unlock()
			results[i] = res
		})
	}

	start := time.Now()
	var pw sync.WaitGroup
	var maxPublish [publishers]time.Duration
	for p := 0; p < publishers; p++ {
		pw.Go(func() {
			for seq := 1; seq <= pubMessages; seq++ {
				progMu.Lock()
				for i, s := range subs {
					for s.read && seen[i][p] < seq-pubWindow {
						progress.Wait()
					}
				}
				progMu.Unlock()
				t0 := time.Now()
				if _, err := db.Publish(ctx, channels[seq%pubChannels], strconv.Itoa(p)+":"+strconv.Itoa(seq)); err != nil {
					t.Errorf("publish: %v", err)
					return
				}
				maxPublish[p] = max(maxPublish[p], time.Since(t0))
			}
		})
	}
	pw.Wait()
	elapsed := time.Since(start)
	rw.Wait()

	cut := 0
	for i, s := range subs {
		if !s.read {
			// Never read: once its buffer overflowed it is cut off; the
			// messages it holds are in order, then ErrSlowSubscriber.
			got := map[int]int{}
			var err error
			for err == nil {
				var m *kevy.Message
				m, err = s.ps.ReceiveMessage(ctx)
				if err == nil {
					p, seq, ok := parsePayload(m.Payload)
					require.True(t, ok)
					require.Equal(t, got[p]+1, seq, "%s: publisher %d's messages in order", s.name, p)
					got[p] = seq
				}
			}
			require.ErrorIs(t, err, kevy.ErrSlowSubscriber, "%s, which never read, is cut off", s.name)
			require.ErrorIs(t, s.ps.Err(), kevy.ErrSlowSubscriber)
			cut++
			continue
		}
		r := results[i]
		assert.Empty(t, r.bad, "%s", s.name)
		require.NoError(t, r.err, "%s, which kept up, stopped", s.name)
		for p := 0; p < publishers; p++ {
			assert.Equal(t, pubMessages, r.got[p], "%s received all of publisher %d's messages", s.name, p)
		}
	}
	fig.pubsubMsgs.Add(publishers * pubMessages)
	var worst time.Duration
	for _, d := range maxPublish {
		worst = max(worst, d)
	}
	t.Logf("%d messages published in %s (slowest PUBLISH %s); %d of %d subscribers cut off",
		publishers*pubMessages, elapsed.Round(time.Millisecond), worst, cut, len(subs))
}

// parsePayload splits "publisher:seq".
func parsePayload(s string) (p, seq int, ok bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(a)
	seq, err2 := strconv.Atoi(b)
	return p, seq, err1 == nil && err2 == nil
}
