package engine

import (
	"context"
	"sync"
	"testing"
	"time"
)

// The gate may delay a handshake but never fail one: when a probe's turn would come late in
// its deadline, the probe starts anyway with most of its time left.
func TestCPUGateNeverSpendsAProbesDeadline(t *testing.T) {
	g := NewCPUGate()
	for range 64 {
		g.observe(gateMaxCost) // a machine so busy that turns are far apart
	}
	const probes = 200 // turns reach far past the deadline below
	var wg sync.WaitGroup
	errs := make(chan string, probes)
	for range probes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			deadline, _ := ctx.Deadline()
			if err := g.Enter(ctx); err != nil {
				errs <- "Enter: " + err.Error()
				return
			}
			if left := time.Until(deadline); left < 0 {
				errs <- "admitted after the deadline"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// Longer CPU-bound stretches (a busier machine, slower crypto) space handshakes further
// apart; a quiet machine gets them closer together than the initial guess.
func TestCPUGatePaceFollowsMeasuredCost(t *testing.T) {
	spacing := func(stretch time.Duration) time.Duration {
		g := NewCPUGate()
		for range 64 {
			g.observe(stretch)
		}
		now := time.Now()
		first, second := g.reserve(now), g.reserve(now) // two handshakes asking at once
		return second.Sub(first)
	}
	quiet, initial, busy := spacing(100*time.Microsecond), spacing(gateInitialCost), spacing(5*time.Millisecond)
	if !(quiet < initial && initial < busy) {
		t.Errorf("spacing quiet %s, initial %s, busy %s: want it to grow with the measured cost", quiet, initial, busy)
	}
}
