package engine

import (
	"context"
	"testing"
	"time"
)

// Quick handshakes let more probes fly while the limit is in use, up to the configured
// concurrency and no further; one that queued for a core cuts the limit, and it never falls
// below the minimum.
func TestAdaptiveLimitFollowsQueueing(t *testing.T) {
	const ceiling = 256
	l := newAdaptiveLimit()
	start := l.current(ceiling)
	for range 100 {
		l.observe(300*time.Microsecond, ceiling)
	}
	if got := l.current(ceiling); got != start {
		t.Fatalf("a limit nobody used grew from %d to %d", start, got)
	}
	l.inFlight = ceiling // every place taken: the limit is what holds probes back
	for range 1000 {
		l.observe(300*time.Microsecond, ceiling)
	}
	if got := l.current(ceiling); got != ceiling {
		t.Fatalf("after quick handshakes the limit is %d (from %d), want the ceiling %d", got, start, ceiling)
	}
	l.observe(20*time.Millisecond, ceiling) // far beyond twice the quickest: it queued
	cut := l.current(ceiling)
	if cut >= ceiling {
		t.Fatalf("a queued handshake left the limit at %d", cut)
	}
	l.observe(20*time.Millisecond, ceiling) // the same burst: no second cut at once
	if got := l.current(ceiling); got != cut {
		t.Errorf("a second slow handshake right after cut the limit again, to %d", got)
	}
	for range 100 {
		l.mu.Lock()
		l.lastCut = time.Time{} // as if each came after a while
		l.mu.Unlock()
		l.observe(20*time.Millisecond, ceiling)
	}
	if got := l.current(ceiling); got != limitMin {
		t.Errorf("a machine that stays busy left the limit at %d, want the minimum %d", got, limitMin)
	}
	l.inFlight = 0
	if got := l.current(4); got != 4 {
		t.Errorf("with concurrency 4 the limit is %d", got)
	}
}

// Probes beyond the limit wait their turn, and one that gives up while waiting takes no
// place from the others.
func TestAdaptiveLimitQueuesProbesInTurn(t *testing.T) {
	const ceiling = limitMin
	l := newAdaptiveLimit()
	for i := range ceiling {
		if !l.acquire(context.Background(), 1, ceiling) {
			t.Fatalf("probe %d did not start", i)
		}
	}
	waiters := func(n int) {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			l.mu.Lock()
			got := len(l.waiting)
			l.mu.Unlock()
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d probes waiting, want %d", got, n)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan bool)
	go func() { gaveUp <- l.acquire(ctx, 1, ceiling) }()
	waiters(1)
	next := make(chan bool)
	go func() { next <- l.acquire(context.Background(), 1, ceiling) }()
	waiters(2)
	cancel()
	if <-gaveUp {
		t.Fatal("a probe whose context ended got a place")
	}
	waiters(1)
	select {
	case <-next:
		t.Fatal("a probe started while the limit was full")
	default:
	}
	l.release(1, ceiling)
	if !<-next {
		t.Fatal("the waiting probe did not start when a place freed up")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight != ceiling {
		t.Errorf("%d probes counted in flight, want %d", l.inFlight, ceiling)
	}
}
