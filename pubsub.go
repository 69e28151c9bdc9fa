package kevy

import (
	"context"
	"sort"
	"sync"

	"github.com/kevydb/kevy/bus"
	"github.com/kevydb/kevy/internal/serveconn"
	"github.com/kevydb/kevy/resp"
	"github.com/kevydb/kevy/shard"
)

// Pub/sub: the Store's bus (package bus) is an actor that owns the channel
// and pattern tables. PUBLISH never blocks on a subscriber; each subscriber
// has a queue bounded in bytes and messages (Config.PubSubBufferBytes and
// PubSubBuffer; for a network connection, the pubsub class of
// client-output-buffer-limit) and is cut off, with ErrSlowSubscriber, when
// it falls that far behind.

// Message is a message received on a subscription.
type Message struct {
	Channel string // the channel it was published to
	Pattern string // the pattern that matched, for pattern subscriptions
	Payload string
}

// Subscription is a confirmation of a subscription change, as Receive
// returns it: Kind is "subscribe", "psubscribe", "unsubscribe" or
// "punsubscribe"; Count the number of subscriptions after the change.
type Subscription struct {
	Kind    string
	Channel string
	Count   int
}

// PubSub is a set of subscriptions, in go-redis's shape. Read messages
// with Channel (messages only) or Receive (confirmations too), not both.
// Its methods are safe for concurrent use. Close it when done.
type PubSub struct {
	s   *Store
	sub *bus.Subscriber
	err error // from creating the subscriber

	chOnce sync.Once
	ch     chan *Message
	ctx    context.Context // ended by Close: stops the Channel goroutine
	stop   context.CancelFunc
	close  sync.Once
}

// Subscribe subscribes to channels and returns the subscription set.
// Errors (a closed Store) are reported by Receive and Err.
func (s *Store) Subscribe(ctx context.Context, channels ...string) *PubSub {
	p := s.newPubSub()
	if len(channels) > 0 && p.err == nil {
		p.err = p.Subscribe(ctx, channels...)
	}
	return p
}

// PSubscribe subscribes to glob-style patterns (*, ?, [a-z], [^x], \
// escapes, as Redis).
func (s *Store) PSubscribe(ctx context.Context, patterns ...string) *PubSub {
	p := s.newPubSub()
	if len(patterns) > 0 && p.err == nil {
		p.err = p.PSubscribe(ctx, patterns...)
	}
	return p
}

func (s *Store) newPubSub() *PubSub {
	p := &PubSub{s: s}
	p.ctx, p.stop = context.WithCancel(context.Background())
	if s.closed.Load() {
		p.err = ErrClosed
		return p
	}
	p.sub, p.err = s.bus.NewSubscriber(s.subscriberConfig(false))
	if p.err != nil {
		p.err = ErrClosed
	}
	return p
}

func (p *PubSub) change(f func(*bus.Subscriber, ...string) (int, error), names []string) error {
	if p.sub == nil {
		return p.err
	}
	_, err := f(p.sub, names...)
	return pubsubErr(err)
}

func pubsubErr(err error) error {
	switch err {
	case nil:
		return nil
	case bus.ErrClosed:
		return ErrClosed
	}
	return err
}

// Subscribe adds channels.
func (p *PubSub) Subscribe(_ context.Context, channels ...string) error {
	return p.change((*bus.Subscriber).Subscribe, channels)
}

// PSubscribe adds patterns.
func (p *PubSub) PSubscribe(_ context.Context, patterns ...string) error {
	return p.change((*bus.Subscriber).PSubscribe, patterns)
}

// Unsubscribe drops channels (none: all of them).
func (p *PubSub) Unsubscribe(_ context.Context, channels ...string) error {
	return p.change((*bus.Subscriber).Unsubscribe, channels)
}

// PUnsubscribe drops patterns (none: all of them).
func (p *PubSub) PUnsubscribe(_ context.Context, patterns ...string) error {
	return p.change((*bus.Subscriber).PUnsubscribe, patterns)
}

// Err returns why the subscription set stopped: ErrSlowSubscriber when it
// was cut off for reading too slowly, ErrClosed after the Store closed, nil
// while it works.
func (p *PubSub) Err() error {
	if p.err != nil {
		return p.err
	}
	switch err := p.sub.Err(); {
	case err == nil:
		return nil
	case isErr(err, bus.ErrSlowSubscriber):
		return err
	case isErr(err, bus.ErrSubscriberClosed):
		return nil
	default:
		return ErrClosed
	}
}

// Receive returns the next item: a *Subscription confirmation or a
// *Message. It returns ctx.Err() when ctx ends first, and Err() once the
// subscription set has stopped.
func (p *PubSub) Receive(ctx context.Context) (any, error) {
	if p.sub == nil {
		return nil, p.err
	}
	m, err := p.sub.Receive(ctx)
	if err != nil {
		if ctx.Err() != nil && p.sub.Err() == nil {
			return nil, err
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		return nil, ErrClosed
	}
	return fromBus(m), nil
}

// ReceiveMessage is Receive skipping confirmations.
func (p *PubSub) ReceiveMessage(ctx context.Context) (*Message, error) {
	for {
		v, err := p.Receive(ctx)
		if err != nil {
			return nil, err
		}
		if m, ok := v.(*Message); ok {
			return m, nil
		}
	}
}

func fromBus(m bus.Message) any {
	switch m.Kind {
	case bus.KindMessage, bus.KindPMessage:
		return &Message{Channel: m.Channel, Pattern: m.Pattern, Payload: m.Payload}
	}
	return &Subscription{Kind: m.Kind, Channel: m.Channel, Count: m.Count}
}

// Channel returns a channel of the messages (confirmations left out). It
// is closed when the PubSub is closed or cut off (see Err). A goroutine
// feeds it; it exits then too.
func (p *PubSub) Channel() <-chan *Message {
	p.chOnce.Do(func() {
		p.ch = make(chan *Message, 100)
		if p.sub == nil {
			close(p.ch)
			return
		}
		go func() {
			defer close(p.ch)
			for {
				m, err := p.sub.Receive(p.ctx)
				if err != nil {
					return
				}
				if m.Kind != bus.KindMessage && m.Kind != bus.KindPMessage {
					continue
				}
				select {
				case p.ch <- &Message{Channel: m.Channel, Pattern: m.Pattern, Payload: m.Payload}:
				case <-p.ctx.Done():
					return
				}
			}
		}()
	})
	return p.ch
}

// Close ends every subscription of the set. It is idempotent.
func (p *PubSub) Close() error {
	p.close.Do(func() {
		p.stop()
		if p.sub != nil {
			p.sub.Close()
		}
	})
	return nil
}

func isErr(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// The commands.

func init() {
	registerConn("publish", (*Conn).cmdPublish)
	registerConn("pubsub", nil)
	registerConn("pubsub|channels", (*Conn).cmdPubSubChannels)
	registerConn("pubsub|numsub", (*Conn).cmdPubSubNumSub)
	registerConn("pubsub|numpat", (*Conn).cmdPubSubNumPat)
	registerConn("pubsub|help", func(*Conn, context.Context, []string) resp.Reply {
		return shard.Help("PUBSUB", []string{
			"CHANNELS [<pattern>]",
			"    Return the currently active channels matching a <pattern> (default: '*').",
			"NUMPAT",
			"    Return number of subscriptions to patterns.",
			"NUMSUB [<channel> ...]",
			"    Return the number of subscribers for the specified channels, excluding",
			"    pattern subscriptions(default: no channels).",
			"SHARDCHANNELS [<pattern>]",
			"    Return the currently active shard level channels matching a <pattern> (default: '*').",
			"SHARDNUMSUB [<shardchannel> ...]",
			"    Return the number of subscribers for the specified shard level channel(s)",
		})
	})
	registerConn("subscribe", (*Conn).cmdSubscribe)
	registerConn("psubscribe", (*Conn).cmdSubscribe)
	registerConn("unsubscribe", (*Conn).cmdSubscribe)
	registerConn("punsubscribe", (*Conn).cmdSubscribe)
}

func (c *Conn) cmdPublish(_ context.Context, args []string) resp.Reply {
	n, err := c.s.bus.Publish(args[1], args[2])
	if err != nil {
		return resp.Err("ERR " + pubsubErr(err).Error())
	}
	return resp.IntReply(int64(n))
}

func (c *Conn) cmdPubSubChannels(_ context.Context, args []string) resp.Reply {
	if len(args) > 3 {
		return resp.Err("ERR unknown subcommand or wrong number of arguments for '" + args[1] + "'. Try PUBSUB HELP.")
	}
	chs, err := c.s.bus.Channels(args[2:]...)
	if err != nil {
		return resp.Err("ERR " + pubsubErr(err).Error())
	}
	return resp.BulkArray(chs)
}

func (c *Conn) cmdPubSubNumSub(_ context.Context, args []string) resp.Reply {
	ns, err := c.s.bus.NumSub(args[2:]...)
	if err != nil {
		return resp.Err("ERR " + pubsubErr(err).Error())
	}
	out := make([]resp.Reply, 0, 2*len(ns))
	for i, n := range ns {
		out = append(out, resp.BulkReply(args[2+i]), resp.IntReply(int64(n)))
	}
	return resp.ArrayReply(out)
}

func (c *Conn) cmdPubSubNumPat(_ context.Context, _ []string) resp.Reply {
	n, err := c.s.bus.NumPat()
	if err != nil {
		return resp.Err("ERR " + pubsubErr(err).Error())
	}
	return resp.IntReply(int64(n))
}

// connSub is a Conn's subscriber mode: its bus subscriber (messages only)
// and the mirror of its subscriptions, from which the Conn writes Redis's
// confirmations itself.
type connSub struct {
	sub      *bus.Subscriber
	channels map[string]bool
	patterns []string
	pending  []resp.Reply // confirmations not yet returned
}

func (cs *connSub) count() int { return len(cs.channels) + len(cs.patterns) }

func confirm(kind, name string, count int) resp.Reply {
	return resp.ArrayReply([]resp.Reply{resp.BulkReply(kind), resp.BulkReply(name), resp.IntReply(int64(count))})
}

// subscriberConfig returns the bounds of an embedded subscriber's queue,
// from the Config. (cmdSubscribe replaces them for a network connection's
// subscriptions by the pubsub class of client-output-buffer-limit, which
// the serving code applies to everything the connection has to write:
// see serveconn.SubscriberLimit.)
func (s *Store) subscriberConfig(omit bool) bus.SubscriberConfig {
	return bus.SubscriberConfig{Buffer: s.cfg.PubSubBuffer, BufferBytes: s.cfg.PubSubBufferBytes, OmitConfirmations: omit}
}

// cmdSubscribe runs SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE and PUNSUBSCRIBE: it
// returns the first confirmation; the others come from Receive.
func (c *Conn) cmdSubscribe(ctx context.Context, args []string) resp.Reply {
	kind := lowerASCII(args[0])
	if c.tx.active {
		// Redis allows it, but a queued subscription has no meaning here.
		return resp.Err("ERR Command not allowed inside a transaction")
	}
	if c.sub == nil {
		if kind == "unsubscribe" || kind == "punsubscribe" {
			return confirmNone(kind, 0)
		}
		cfg := c.s.subscriberConfig(true)
		if hard, ok := serveconn.SubscriberLimit(ctx); ok {
			// A network connection: the pubsub class's hard limit, bytes
			// only (0: none, as in Redis).
			cfg.Buffer, cfg.BufferBytes = 0, hard
			if hard == 0 {
				cfg.BufferBytes = -1
			}
		}
		sub, err := c.s.bus.NewSubscriber(cfg)
		if err != nil {
			return resp.Err("ERR " + pubsubErr(err).Error())
		}
		c.auth.subMu.Lock()
		c.sub = &connSub{sub: sub, channels: map[string]bool{}}
		c.auth.subMu.Unlock()
	}
	cs := c.sub
	names := args[1:]
	var confs []resp.Reply
	var err error
	c.auth.subMu.Lock() // the ACL reads the lists (conn_acl.go)
	switch kind {
	case "subscribe":
		_, err = cs.sub.Subscribe(names...)
		for _, n := range names {
			cs.channels[n] = true
			confs = append(confs, confirm(kind, n, cs.count()))
		}
	case "psubscribe":
		_, err = cs.sub.PSubscribe(names...)
		for _, n := range names {
			if !contains(cs.patterns, n) {
				cs.patterns = append(cs.patterns, n)
			}
			confs = append(confs, confirm(kind, n, cs.count()))
		}
	case "unsubscribe":
		if len(names) == 0 {
			for ch := range cs.channels {
				names = append(names, ch)
			}
			sort.Strings(names)
		}
		_, err = cs.sub.Unsubscribe(names...)
		for _, n := range names {
			delete(cs.channels, n)
			confs = append(confs, confirm(kind, n, cs.count()))
		}
	case "punsubscribe":
		if len(names) == 0 {
			names = append(names, cs.patterns...)
		}
		_, err = cs.sub.PUnsubscribe(names...)
		for _, n := range names {
			cs.patterns = remove(cs.patterns, n)
			confs = append(confs, confirm(kind, n, cs.count()))
		}
	}
	c.auth.subMu.Unlock()
	if err != nil {
		return resp.Err("ERR " + pubsubErr(err).Error())
	}
	if len(confs) == 0 {
		confs = append(confs, confirmNone(kind, cs.count()))
	}
	cs.pending = append(cs.pending, confs[1:]...)
	if cs.count() == 0 && len(cs.pending) == 0 {
		c.leaveSubscribed()
	}
	return confs[0]
}

func confirmNone(kind string, count int) resp.Reply {
	return resp.ArrayReply([]resp.Reply{resp.BulkReply(kind), resp.NilReply, resp.IntReply(int64(count))})
}

// leaveSubscribed ends subscriber mode.
func (c *Conn) leaveSubscribed() {
	if c.sub != nil {
		c.sub.sub.Close()
		c.auth.subMu.Lock()
		c.sub = nil
		c.auth.subMu.Unlock()
	}
}

// subscribed reports whether the connection is in subscriber mode.
func (c *Conn) subscribed() bool { return c.sub != nil && c.sub.count() > 0 }

// subscribedAllows lists what Redis lets a RESP2 connection in subscriber
// mode run.
func subscribedAllows(cmd *shard.Command) bool {
	switch cmd.FullName {
	case "subscribe", "psubscribe", "unsubscribe", "punsubscribe", "ping", "quit", "reset":
		return true
	}
	return false
}

// Receive returns the next pushed reply of a connection in subscriber mode:
// a pending subscription confirmation, or a message as Redis sends it
// (["message", channel, payload] or ["pmessage", pattern, channel,
// payload]). It waits until one arrives or ctx ends.
func (c *Conn) Receive(ctx context.Context) (Reply, error) {
	if c.sub == nil {
		return Reply{}, Error("ERR the connection is not in subscriber mode")
	}
	cs := c.sub
	if !c.subscriptionsAllowed() { // the ACL took a channel away: conn_acl.go
		_ = c.Close()
		return Reply{}, errConnClosed
	}
	if len(cs.pending) > 0 {
		r := cs.pending[0]
		cs.pending = cs.pending[1:]
		if cs.count() == 0 && len(cs.pending) == 0 {
			c.leaveSubscribed()
		}
		return r, nil
	}
	m, err := cs.sub.Receive(ctx)
	if err != nil {
		if ctx.Err() != nil && cs.sub.Err() == nil {
			return Reply{}, err
		}
		err := cs.sub.Err()
		c.leaveSubscribed()
		if isErr(err, bus.ErrSlowSubscriber) {
			return Reply{}, err
		}
		return Reply{}, ErrClosed
	}
	if m.Kind == bus.KindPMessage {
		return resp.ArrayReply([]resp.Reply{resp.BulkReply("pmessage"), resp.BulkReply(m.Pattern),
			resp.BulkReply(m.Channel), resp.BulkReply(m.Payload)}), nil
	}
	return resp.ArrayReply([]resp.Reply{resp.BulkReply("message"), resp.BulkReply(m.Channel),
		resp.BulkReply(m.Payload)}), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	for i, x := range list {
		if x == s {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}

// pingSubscribed is PING's reply in subscriber mode.
func pingSubscribed(args []string) resp.Reply {
	msg := ""
	if len(args) > 1 {
		msg = args[1]
	}
	return resp.ArrayReply([]resp.Reply{resp.BulkReply("pong"), resp.BulkReply(msg)})
}
