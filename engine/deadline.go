package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/lifeline-app/lifeline/checks"
)

// A check (route × service) has one deadline, `timeout` after its route's sweep began:
//
//  1. The route's checks queue for its per_route slots, the control first, then the services
//     least recently measured first. Waiting here counts against the check: a route whose
//     proxy drips its answers keeps its slots busy, and the whole route still ends within
//     timeout + step_timeout. Waiting for lifeline's own capacity (the global concurrency
//     pool, the CPU limit on TLS handshakes) does not count: the route's clock stops while
//     one of its checks waits there.
//  2. A check whose deadline passes before it gets its slots, or that waited for them behind
//     the route's other checks and was then cut by its deadline, is not measured this sweep:
//     its result says so (pending, not_measured) and is no verdict about the service; it goes
//     first in the route's next sweep. The first in line always runs with what is left, and
//     its timeouts stand.
//  3. Once it has its slots, `timeout` bounds every probe of the check, including a target's
//     wait for one of the check's own slots (more targets than slots) and the SNI contrast
//     that may follow a failed handshake. `step_timeout` bounds each network step.
//  4. The work that follows a route's checks (the DNS comparison after a failure on the direct
//     route, the domestic references after a failed control) gets what is left of the
//     deadline, or one step if that is more: the route ends within timeout + step_timeout.

// routeClock is the deadline of one route's checks in one sweep. It stops while one of the
// route's checks, holding route slots, waits for the global pool or the CPU limit.
type routeClock struct {
	mu      sync.Mutex
	end     time.Time
	moved   chan struct{} // closed and replaced when end moves
	waiting int           // checks now waiting for lifeline's own capacity
	since   time.Time     // when the first of them began waiting
	queued  atomic.Bool   // a check had to wait for the route's slots: those behind it lose time
}

func newRouteClock(timeout time.Duration) *routeClock {
	return &routeClock{end: time.Now().Add(timeout), moved: make(chan struct{})}
}

// deadline is when the route's checks must end, as of now.
func (c *routeClock) deadline() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting > 0 {
		return c.end.Add(time.Since(c.since))
	}
	return c.end
}

// stop stops the clock until the matching start (calls nest).
func (c *routeClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting == 0 {
		c.since = time.Now()
	}
	c.waiting++
}

func (c *routeClock) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting--; c.waiting == 0 {
		c.end = c.end.Add(time.Since(c.since))
		close(c.moved)
		c.moved = make(chan struct{})
	}
}

// until returns a context that ends at the clock's deadline plus extra, following the clock
// while it stops. It is for waiting in the route's queue; probes get a fixed deadline.
func (c *routeClock) until(parent context.Context, extra time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		for {
			c.mu.Lock()
			end, moved, stopped := c.end, c.moved, c.waiting > 0
			c.mu.Unlock()
			if !stopped && !time.Now().Before(end.Add(extra)) {
				cancel()
				return
			}
			var ring <-chan time.Time
			var t *time.Timer
			if !stopped {
				t = time.NewTimer(time.Until(end.Add(extra)))
				ring = t.C
			}
			select {
			case <-ctx.Done():
			case <-moved:
			case <-ring:
				cancel()
			}
			if t != nil {
				t.Stop()
			}
			if ctx.Err() != nil {
				return
			}
		}
	}()
	return ctx, cancel
}

// turn is a check's place in its route's queue: it may ask for slots once ready is closed,
// and lets the next one ask by calling pass (once; later calls do nothing).
type turn struct {
	ready <-chan struct{}
	pass  func()
}

// queueTurns returns n turns taken in order.
func queueTurns(n int) []turn {
	gates := make([]chan struct{}, n+1)
	for i := range gates {
		gates[i] = make(chan struct{})
	}
	close(gates[0])
	turns := make([]turn, n)
	for i := range turns {
		turns[i] = turn{ready: gates[i], pass: sync.OnceFunc(func() { close(gates[i+1]) })}
	}
	return turns
}

// slots are one reservation of probe slots on a route, in the global pool and under the
// adaptive limit (adaptivelimit.go).
type slots struct {
	route, global *semaphore.Weighted
	n             int64
	local         chan struct{}  // the check's own share, handed to its targets in turn
	limit         *adaptiveLimit // nil for a check without TLS handshakes
	ceiling       int
}

// reserve takes n slots on the route (waiting until queue ends), then n global ones, then,
// for a check with TLS handshakes to do (heavy), n places under the adaptive limit, in that
// order so a busy route never holds global slots while it waits. The route's clock stops
// while it waits for the last two. It returns nil if queue or ctx ended first, and whether it
// had to wait for the route's slots (other checks of the route held them).
func (s *Scheduler) reserve(ctx, queue context.Context, clock *routeClock, route string, n int, heavy bool) (*slots, bool) {
	n = max(1, min(n, s.plan.Settings.PerRoute, s.plan.Settings.Concurrency))
	r := &slots{route: s.perRoute[route], global: s.global, n: int64(n), local: make(chan struct{}, n),
		limit: s.cpu.probes, ceiling: s.plan.Settings.Concurrency}
	if !heavy {
		r.limit = nil // network waits overlap freely
	}
	waited := !r.route.TryAcquire(r.n)
	if waited {
		clock.queued.Store(true)
		if r.route.Acquire(queue, r.n) != nil {
			return nil, true
		}
	}
	clock.stop()
	defer clock.start()
	if r.global.Acquire(ctx, r.n) != nil {
		r.route.Release(r.n)
		return nil, waited
	}
	if !r.limit.acquire(ctx, n, r.ceiling) {
		r.global.Release(r.n)
		r.route.Release(r.n)
		return nil, waited
	}
	return r, waited
}

func (r *slots) release() {
	r.limit.release(int(r.n), r.ceiling)
	r.global.Release(r.n)
	r.route.Release(r.n)
}

// run calls f holding one of the reservation's slots; it reports false if ctx ended first.
func (r *slots) run(ctx context.Context, f func()) bool {
	select {
	case r.local <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-r.local }()
	if ctx.Err() != nil { // both were ready: a probe that starts after its deadline only times out
		return false
	}
	f()
	return true
}

// notStarted is the result of a target whose probe never started because the sweep ended
// (the program is stopping) or, once the check had started, because the check's deadline
// passed while its other targets held its slots.
func notStarted(t checks.Target, checkStarted bool) checks.TargetResult {
	detail := "deadline passed before the probe could start"
	if checkStarted {
		detail = "the check's deadline passed while its other targets held its slots"
	}
	return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailGenericTimeout, checks.OpConnect, detail)}
}

// notMeasured is the result of a target whose check did not get its time: the route's other
// checks held its slots until the deadline, or so long that the deadline cut it.
func notMeasured(t checks.Target, perRoute int) checks.TargetResult {
	return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailNotMeasured, checks.OpQueue,
		fmt.Sprintf("the route's %d slots stayed busy until the deadline", perRoute))}
}

// graceAfter is the context of the work that follows a check's probes, until afterDeadline.
func graceAfter(ctx context.Context, deadline time.Time, step time.Duration) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, afterDeadline(deadline, step))
}

// afterDeadline is when work that follows a check's probes must end: the check's deadline,
// or one step from now if that is later, never beyond the deadline plus one step.
func afterDeadline(deadline time.Time, step time.Duration) time.Time {
	end := deadline
	if later := time.Now().Add(step); later.After(end) {
		end = later
		if limit := deadline.Add(step); limit.Before(end) {
			end = limit
		}
	}
	return end
}
