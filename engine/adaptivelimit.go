package engine

import (
	"context"
	"sync"
	"time"
)

// adaptiveLimit bounds how many probes of checks with TLS handshakes to do are in flight at
// once below the configured concurrency, by what the machine can carry without making probes
// queue for a core (probes without a handshake only wait on the network: they are not
// counted). It
// learns from the CPU gate's measurements: a handshake's CPU-bound stretch that lasts far
// longer than the quickest ones seen (half as long again, and a quarter millisecond) means it
// waited for a core (lifeline's own load, the network stack's, or any other program's), and
// the limit shrinks by a quarter; a stretch close to the quickest lets a limit that is at
// least half in use grow by half a probe. Network waits cost no CPU, so on a
// quiet machine the limit climbs to the configured concurrency and a sweep overlaps them
// all; on a busy one it settles where the reported times stay network times.
type adaptiveLimit struct {
	mu       sync.Mutex
	limit    float64
	inFlight int
	waiting  []waiter      // first come, first served
	quickest time.Duration // a slowly rising floor of the stretches seen
	lastCut  time.Time
}

const (
	// limitStart is where the limit starts: the concurrency lifeline had before it adapted.
	limitStart = 32
	// limitMin is the least it falls to: a busy machine still overlaps a few round trips.
	limitMin = 8
	// queuedSlack is how much longer than one and a half times the quickest stretch one may
	// last before it counts as having queued for a core.
	queuedSlack = 250 * time.Microsecond
	// cutEvery spaces cuts, so that one burst of slow handshakes cuts once.
	cutEvery = 100 * time.Millisecond
)

// waiter is a reservation waiting for n places.
type waiter struct {
	n    int
	turn chan struct{}
}

func newAdaptiveLimit() *adaptiveLimit { return &adaptiveLimit{limit: limitStart} }

// acquire waits until n more probes fit under the limit (never more than ceiling; a
// reservation larger than the limit goes alone) and counts them; it reports false, counting
// nothing, if ctx ends first.
func (l *adaptiveLimit) acquire(ctx context.Context, n, ceiling int) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	if len(l.waiting) == 0 && l.fits(n, ceiling) {
		l.inFlight += n
		l.mu.Unlock()
		return true
	}
	w := waiter{n, make(chan struct{})}
	l.waiting = append(l.waiting, w)
	l.mu.Unlock()
	select {
	case <-w.turn:
		return true
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, other := range l.waiting {
			if other.turn == w.turn {
				l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
				l.wake(ceiling) // those behind it may fit now
				return false
			}
		}
		// The turn came as ctx ended: hand it on.
		l.inFlight -= n
		l.wake(ceiling)
		return false
	}
}

// release ends n probes counted by acquire.
func (l *adaptiveLimit) release(n, ceiling int) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight -= n
	l.wake(ceiling)
}

// fits says whether n more probes may start now. Callers hold mu.
func (l *adaptiveLimit) fits(n, ceiling int) bool {
	return l.inFlight == 0 || l.inFlight+n <= l.allowed(ceiling)
}

// allowed is the limit in force, at least limitMin and at most ceiling. Callers hold mu.
func (l *adaptiveLimit) allowed(ceiling int) int {
	return max(min(int(l.limit), ceiling), min(limitMin, ceiling), 1)
}

// wake lets waiting probes go while the limit allows. Callers hold mu.
func (l *adaptiveLimit) wake(ceiling int) {
	for len(l.waiting) > 0 && l.fits(l.waiting[0].n, ceiling) {
		close(l.waiting[0].turn)
		l.inFlight += l.waiting[0].n
		l.waiting = l.waiting[1:]
	}
}

// observe takes one handshake's CPU-bound stretch and moves the limit. ceiling bounds how far
// it may grow.
func (l *adaptiveLimit) observe(stretch time.Duration, ceiling int) {
	if stretch <= 0 {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quickest == 0 || stretch < l.quickest {
		l.quickest = stretch
	} else {
		l.quickest += (stretch - l.quickest) / 2048 // forget an odd, impossibly quick one, slowly
	}
	if stretch > l.quickest+l.quickest/2+queuedSlack {
		if now.Sub(l.lastCut) >= cutEvery {
			l.limit = max(l.limit*0.75, limitMin)
			l.lastCut = now
		}
		return
	}
	if 2*l.inFlight >= l.allowed(ceiling) { // grow only a limit in use
		l.limit = min(l.limit+0.5, float64(max(ceiling, limitMin)))
		l.wake(ceiling)
	}
}

// current is the limit in force under ceiling.
func (l *adaptiveLimit) current(ceiling int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.allowed(ceiling)
}
