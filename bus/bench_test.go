package bus

import (
	"fmt"
	"sync"
	"testing"
)

// readAll starts a goroutine per subscriber that reads until the stream
// closes, and returns a function that waits for them.
func readAll(subs []*Subscriber) (wait func()) {
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() { readToEnd(s) })
	}
	return wg.Wait
}

// BenchmarkPublish measures a synchronous Publish to a channel with 0, 1
// and 100 subscribers, each drained by its own reader goroutine.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{0, 1, 100} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			bus := New(Config{})
			var subs []*Subscriber
			for i := 0; i < n; i++ {
				s, err := bus.NewSubscriber(SubscriberConfig{Buffer: 1 << 16, OmitConfirmations: true})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Subscribe("ch"); err != nil {
					b.Fatal(err)
				}
				subs = append(subs, s)
			}
			wait := readAll(subs)
			b.ReportAllocs()
			for b.Loop() {
				if k, err := bus.Publish("ch", "payload"); k != n || err != nil {
					b.Fatal(k, err)
				}
			}
			b.StopTimer()
			bus.Close()
			wait()
		})
	}
}

// BenchmarkPublishParallel is BenchmarkPublish with one subscriber and
// publishers on every P, where the bus goroutine drains batches.
func BenchmarkPublishParallel(b *testing.B) {
	bus := New(Config{})
	s, err := bus.NewSubscriber(SubscriberConfig{Buffer: 1 << 16, OmitConfirmations: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Subscribe("ch"); err != nil {
		b.Fatal(err)
	}
	wait := readAll([]*Subscriber{s})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := bus.Publish("ch", "payload"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	bus.Close()
	wait()
}

// BenchmarkPublishBatch measures the fire-and-forget path shards use for
// keyspace notifications: batches of 64 publications, one subscriber on a
// pattern matching all of them.
func BenchmarkPublishBatch(b *testing.B) {
	bus := New(Config{})
	s, err := bus.NewSubscriber(SubscriberConfig{Buffer: 1 << 16, OmitConfirmations: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.PSubscribe("__keyspace@0__:*"); err != nil {
		b.Fatal(err)
	}
	wait := readAll([]*Subscriber{s})
	const per = 64
	b.ReportAllocs()
	for b.Loop() {
		pubs := make([]Publication, per)
		for i := range pubs {
			pubs[i] = Publication{"__keyspace@0__:key", "set"}
		}
		if err := bus.PublishBatch(pubs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := bus.NumPat(); err != nil { // wait for the last batch
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per), "ns/publication")
	bus.Close()
	wait()
}

// BenchmarkPatterns measures the cost patterns add to a Publish: the bus
// tests every subscribed pattern against the channel. None of these match,
// so the cost is matching alone.
func BenchmarkPatterns(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("patterns=%d", n), func(b *testing.B) {
			bus := New(Config{})
			s, err := bus.NewSubscriber(SubscriberConfig{OmitConfirmations: true})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < n; i++ {
				if _, err := s.PSubscribe(fmt.Sprintf("user:%d:*:[a-f]?", i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if k, err := bus.Publish("user:12345:session:x1", "payload"); k != 0 || err != nil {
					b.Fatal(k, err)
				}
			}
			b.StopTimer()
			bus.Close()
		})
	}
}
