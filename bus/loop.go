package bus

import "slices"

// run is the bus goroutine: the only code that reads or writes the tables
// and the bus-owned fields of subscribers, and the only sender on (and
// closer of) subscriber channels. It exits when quit is closed.
func (b *Bus) run() {
	defer close(b.done)
	batch := make([]*request, 0, maxBatch)
	for {
		select {
		case <-b.quit:
			b.shutdown()
			return
		default:
		}
		select {
		case <-b.quit:
			b.shutdown()
			return
		case r := <-b.reqs:
			batch = append(batch[:0], r)
		drain:
			for len(batch) < maxBatch {
				select {
				case r := <-b.reqs:
					batch = append(batch, r)
				default:
					break drain
				}
			}
			for _, r := range batch {
				b.serve(r)
			}
			clear(batch)
		}
	}
}

// serve applies one request, drops the subscribers it cut off, publishes
// the new subscription total, and only then answers, so the caller observes
// every effect of its request.
func (b *Bus) serve(r *request) {
	t := b.t
	var res result
	switch r.op {
	case opPublish:
		res.n = b.publish(r.channel, r.payload)
	case opPublishBatch:
		for _, p := range r.pubs {
			b.publish(p.Channel, p.Payload)
		}
	case opRegister:
		t.subs[r.sub] = struct{}{}
	case opSubscribe, opPSubscribe, opUnsubscribe, opPUnsubscribe:
		res.n, res.err = b.change(r.op, r.sub, r.names)
	case opCloseSub:
		if !r.sub.dead {
			end(r.sub, ErrSubscriberClosed)
			t.dropAll(r.sub)
			delete(t.subs, r.sub)
		}
	case opChannels:
		res.strs = t.channelList(r.names)
	case opNumSub:
		res.ints = make([]int, len(r.names))
		for i, ch := range r.names {
			if e := t.channels[ch]; e != nil {
				res.ints[i] = len(e.subs)
			}
		}
	case opNumPat:
		res.n = len(t.patterns)
	case opInspect:
		r.fn(t)
	}
	for _, s := range t.cut {
		t.dropAll(s)
		delete(t.subs, s)
	}
	clear(t.cut)
	t.cut = t.cut[:0]
	if int64(t.size) != b.live.Load() {
		b.live.Store(int64(t.size))
	}
	if r.op == opPublishBatch {
		b.put(r) // nobody waits for r
		return
	}
	r.reply <- res
}

// publish delivers one message and returns its receiver count, as Redis's
// pubsubPublishMessage: channel subscribers first, then every pattern that
// matches, in the order the patterns were first subscribed.
func (b *Bus) publish(channel, payload string) int {
	t := b.t
	n := 0
	if e := t.channels[channel]; e != nil {
		m := Message{Kind: KindMessage, Channel: channel, Payload: payload}
		for _, s := range e.subs {
			b.deliver(s, m)
		}
		n += len(e.subs)
	}
	for _, e := range t.patList {
		if !e.pat.Match(channel) {
			continue
		}
		m := Message{Kind: KindPMessage, Pattern: e.pat.String(), Channel: channel, Payload: payload}
		for _, s := range e.subs {
			b.deliver(s, m)
		}
		n += len(e.subs)
	}
	return n
}

// deliver puts m in s's stream, or cuts s off if its bounds are reached. A
// subscriber cut off earlier in the same request is skipped (Redis, too,
// counts a receiver whose output buffer overflowed and writes nothing more
// to it).
func (b *Bus) deliver(s *Subscriber, m Message) {
	if s.dead {
		return
	}
	if !s.push(m) {
		end(s, slowError(s))
		b.t.cut = append(b.t.cut, s) // serve drops its subscriptions
	}
}

// confirm sends a confirmation unless s asked to go without them.
func (b *Bus) confirm(s *Subscriber, m Message) {
	if !s.omit {
		b.deliver(s, m)
	}
}

// end marks s finished with err, which its Err and methods report from now
// on, and wakes its readers. Dropping its subscriptions is the caller's
// job.
func end(s *Subscriber, err error) {
	s.dead = true
	s.err.Store(&err)
	s.signal()
}

// confirmKind names the confirmation of a subscription change.
func confirmKind(o op) string {
	switch o {
	case opSubscribe:
		return KindSubscribe
	case opPSubscribe:
		return KindPSubscribe
	case opUnsubscribe:
		return KindUnsubscribe
	}
	return KindPUnsubscribe
}

// change applies a (P)SUBSCRIBE or (P)UNSUBSCRIBE for s, sending one
// confirmation per name, and returns s's subscription count afterwards.
func (b *Bus) change(o op, s *Subscriber, names []string) (int, error) {
	if s.dead {
		return 0, s.Err()
	}
	t := b.t
	kind := confirmKind(o)
	if len(names) == 0 && (o == opUnsubscribe || o == opPUnsubscribe) {
		if o == opUnsubscribe {
			names = s.channelNames()
		} else {
			names = slices.Clone(s.patterns)
		}
		if len(names) == 0 {
			b.confirm(s, Message{Kind: kind, Count: s.count(), NilChannel: true})
		}
	}
	for _, name := range names {
		switch o {
		case opSubscribe:
			t.addChannel(s, name)
		case opPSubscribe:
			t.addPattern(s, name)
		case opUnsubscribe:
			t.dropChannel(s, name)
		case opPUnsubscribe:
			t.dropPattern(s, name)
		}
		b.confirm(s, Message{Kind: kind, Channel: name, Count: s.count()})
		if s.dead {
			return 0, s.Err()
		}
	}
	return s.count(), nil
}

// shutdown runs once, when quit is closed: it marks the bus closed for the
// fast paths, answers every queued request, and closes every subscriber's
// channel.
func (b *Bus) shutdown() {
	b.live.Store(-1)
queued:
	for {
		select {
		case r := <-b.reqs:
			if r.op != opPublishBatch {
				r.reply <- result{err: ErrClosed}
			}
		default:
			break queued
		}
	}
	for s := range b.t.subs {
		if !s.dead {
			end(s, ErrClosed)
		}
	}
	b.t = newTables()
}
