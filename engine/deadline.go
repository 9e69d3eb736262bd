package engine

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/lifeline-app/lifeline/checks"
)

// A check (route × service) runs in three steps:
//
//  1. It reserves its slots: as many as it has targets to probe, at most the route's
//     per_route and the global concurrency. Waiting here is waiting for other checks, and does
//     not count against the check, so a service queued behind blackholed ones is judged on its
//     own probes.
//  2. Its clock starts: `timeout` bounds every probe of the check from then on, including a
//     target's wait for one of the check's own slots (more targets than slots) and the SNI
//     contrast that may follow a failed handshake. `step_timeout` bounds each network step.
//  3. The DNS comparison that may follow a failure on the direct route gets what is left of
//     the deadline, or one step if that is more: a check ends within timeout + step_timeout.

// slots are one reservation of probe slots on a route, in the global pool and under the
// adaptive limit (adaptivelimit.go).
type slots struct {
	route, global *semaphore.Weighted
	n             int64
	local         chan struct{}  // the check's own share, handed to its targets in turn
	limit         *adaptiveLimit // nil for a check without TLS handshakes
	ceiling       int
}

// reserve takes n slots on the route, then n global ones, then, for a check with TLS
// handshakes to do (heavy), n places under the adaptive limit, in that order so a busy route
// never holds global slots while it waits. It returns nil if ctx ended first.
func (s *Scheduler) reserve(ctx context.Context, route string, n int, heavy bool) *slots {
	n = max(1, min(n, s.plan.Settings.PerRoute, s.plan.Settings.Concurrency))
	r := &slots{route: s.perRoute[route], global: s.global, n: int64(n), local: make(chan struct{}, n),
		limit: s.cpu.probes, ceiling: s.plan.Settings.Concurrency}
	if !heavy {
		r.limit = nil // network waits overlap freely
	}
	if r.route.Acquire(ctx, r.n) != nil {
		return nil
	}
	if r.global.Acquire(ctx, r.n) != nil {
		r.route.Release(r.n)
		return nil
	}
	if !r.limit.acquire(ctx, n, r.ceiling) {
		r.global.Release(r.n)
		r.route.Release(r.n)
		return nil
	}
	return r
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

// notStarted is the result of a target whose probe never started: the check's deadline passed
// while its other targets held its slots, or the sweep ended while the check waited for slots.
func notStarted(t checks.Target, checkStarted bool) checks.TargetResult {
	detail := "deadline passed before the probe could start"
	if checkStarted {
		detail = "the check's deadline passed while its other targets held the route's slots"
	}
	return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailGenericTimeout, checks.OpConnect, detail)}
}

// graceAfter is the context of the work that follows a check's probes: until the check's
// deadline, or one step from now if that is later, never beyond the deadline plus one step.
func graceAfter(ctx context.Context, deadline time.Time, step time.Duration) (context.Context, context.CancelFunc) {
	end := deadline
	if later := time.Now().Add(step); later.After(end) {
		end = later
		if limit := deadline.Add(step); limit.Before(end) {
			end = limit
		}
	}
	return context.WithDeadline(ctx, end)
}
