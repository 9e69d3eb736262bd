package engine

import (
	"context"
	"net"
	"runtime"
	"sync"
	"time"
)

// CPUGate paces TLS handshakes, the CPU-heavy phase of a probe (key generation, key
// agreement, certificate verification), so that the handshakes of a large sweep never ask
// for more CPU than the machine can give without queueing. A probe waits at the gate before
// its handshake clock starts, never inside it; dials, proxy exchanges and the network waits
// of admitted handshakes overlap freely, within the concurrency limits.
//
// The gate admits handshakes at evenly spaced instants, one every cost ÷ (cores × share):
// cost is a running estimate of the CPU one handshake takes, learnt from the wall time of
// each handshake's CPU-bound stretches (before the ClientHello leaves, after the server's
// last flight arrives). When the machine is busy, by lifeline or anything else, those
// stretches last longer, the estimate grows and the pace slows down, so reported handshake
// times stay network times.
type CPUGate struct {
	mu    sync.Mutex
	next  time.Time     // the earliest instant the next handshake may start
	cost  time.Duration // running estimate of one handshake's CPU time
	cores int
	// ready, when set, is closed once what every handshake needs is in place (the system
	// trust store read); a handshake waits for it before its turn. Set before the first
	// sweep's probes start.
	ready <-chan struct{}
	// probes is the adaptive limit on probes in flight that this gate's measurements drive.
	probes  *adaptiveLimit
	ceiling func() int // the configured concurrency
}

const (
	// gateShare is the share of the cores the gate plans handshakes to use: the rest is
	// headroom for everything else (dials, proxies, the runtime) and for bursts, so that a
	// probe whose answer arrives finds a core free.
	gateShare = 0.5
	// gateInitialCost is the estimate before any handshake has been measured: about what a
	// TLS 1.3 handshake with an ECDSA certificate costs a client on a laptop core.
	gateInitialCost = 400 * time.Microsecond
	// gateMinCost and gateMaxCost bound the estimate, so one odd measurement can neither
	// open the gate wide nor close it for long.
	gateMinCost = 50 * time.Microsecond
	gateMaxCost = 20 * time.Millisecond
)

// NewCPUGate makes a gate for the cores Go runs on.
func NewCPUGate() *CPUGate {
	return &CPUGate{cost: gateInitialCost, cores: max(runtime.GOMAXPROCS(0), 1), probes: newAdaptiveLimit(),
		ceiling: func() int { return limitStart }}
}

// Enter waits for the handshake's turn (and first, if set, for ready). The turn never costs
// a probe more than a quarter of the time left before ctx's deadline: past that the
// handshake starts anyway, so the gate can make a measurement less exact but never a check
// fail. A nil gate admits at once.
func (g *CPUGate) Enter(ctx context.Context) error {
	if g == nil {
		return ctx.Err()
	}
	if g.ready != nil {
		select {
		case <-g.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	now := time.Now()
	wait := g.reserve(now).Sub(now)
	if deadline, ok := ctx.Deadline(); ok {
		wait = min(wait, deadline.Sub(now)/4)
	}
	if wait <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve books the next free turn at or after now and returns it.
func (g *CPUGate) reserve(now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	at := g.next
	if at.Before(now) {
		at = now
	}
	g.next = at.Add(time.Duration(float64(g.cost) / (float64(g.cores) * gateShare)))
	return at
}

// observe folds one handshake's CPU-bound time into the estimate (a running mean weighted
// 1/8 to the newest).
func (g *CPUGate) observe(cpu time.Duration) {
	if g == nil || cpu <= 0 {
		return
	}
	g.probes.observe(cpu, g.ceiling())
	cpu = min(max(cpu, gateMinCost), gateMaxCost)
	g.mu.Lock()
	g.cost += (cpu - g.cost) / 8
	g.mu.Unlock()
}

// Cost is the current estimate of one handshake's CPU time.
func (g *CPUGate) Cost() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cost
}

// cpuStretchConn notes, during a handshake, when the first byte was written (the ClientHello
// left: key generation is done) and when the last read returned (the server's flight
// arrived: what follows until the handshake ends is verification and key agreement).
type cpuStretchConn struct {
	net.Conn
	watching             bool
	firstWrite, lastRead time.Time
}

func (c *cpuStretchConn) Write(b []byte) (int, error) {
	if c.watching && c.firstWrite.IsZero() {
		c.firstWrite = time.Now()
	}
	return c.Conn.Write(b)
}

func (c *cpuStretchConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if c.watching {
		c.lastRead = time.Now()
	}
	return n, err
}

// cpuTime is the handshake's CPU-bound wall time, from start to the ClientHello and from the
// last read to end; 0 when the handshake did not go that way.
func (c *cpuStretchConn) cpuTime(start, end time.Time) time.Duration {
	c.watching = false
	if c.firstWrite.IsZero() || c.lastRead.Before(c.firstWrite) {
		return 0
	}
	return c.firstWrite.Sub(start) + end.Sub(c.lastRead)
}
