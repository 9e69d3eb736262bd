//go:build unix

package netbench

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// services is how many services every route checks; each has one TLS chat target.
const services = 4

// bed is the delayed test bed: a TLS server answering for every service name, and a SOCKS5
// and an HTTP CONNECT proxy that resolve those names to it, each proxy behind a delay relay.
type bed struct {
	oneWay    time.Duration
	rtt       time.Duration // the relay's round trip as measured in this run
	tlsPort   string
	socks     string // relay in front of the SOCKS5 proxy
	connect   string // relay in front of the CONNECT proxy
	echo      string // relay in front of an echo server, for calibration
	caFile    string
	dir       string
	firstSeen *acceptClock // a bare listener for the start-up measurement
}

// serviceName is the host name of service i (1-based).
func serviceName(i int) string { return fmt.Sprintf("s%d.bench.test", i) }

func newBed(b *testing.B, oneWay time.Duration) *bed {
	var names []string
	for i := 1; i <= services; i++ {
		names = append(names, serviceName(i))
	}
	srv := fixture.StartTLS(b, fixture.TLSOptions{Cert: fixture.Leaf(b, names...)})
	hosts := map[string]string{}
	for _, n := range names {
		hosts[n] = srv.Addr
	}
	bd := &bed{oneWay: oneWay, tlsPort: srv.Port(), dir: b.TempDir()}
	bd.socks = fixture.DelayRelay(b, fixture.NewSOCKS5(b, fixture.SOCKS5Options{Hosts: hosts}).Addr, oneWay)
	bd.connect = fixture.DelayRelay(b, fixture.NewConnect(b, fixture.ConnectOptions{Hosts: hosts}).Addr, oneWay)
	bd.echo = fixture.DelayRelay(b, fixture.Echo(b), oneWay)
	bd.caFile = filepath.Join(bd.dir, "ca.pem")
	if err := os.WriteFile(bd.caFile, fixture.CA().PEM(), 0o600); err != nil {
		b.Fatal(err)
	}
	bd.firstSeen = newAcceptClock(b)
	return bd
}

// calibrate measures the relay's round trip: one byte written through it to the echo server
// and read back, runs times over one connection; the median is the floor's unit.
func (bd *bed) calibrate(b *testing.B, runs int) (median, p90 time.Duration) {
	c, err := net.Dial("tcp", bd.echo)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var rtts []time.Duration
	buf := []byte{0}
	for range runs {
		start := time.Now()
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Read(buf); err != nil {
			b.Fatal(err)
		}
		rtts = append(rtts, time.Since(start))
	}
	bd.rtt = quantile(rtts, 0.5)
	return bd.rtt, quantile(rtts, 0.9)
}

// route is one way out of the bed: its kind, its relay, and the round trips its proxy
// exchange costs before the TLS handshake can start.
type route struct {
	kind       string // socks5 or http
	relay      string
	connectRTT int
}

func (bd *bed) routes() []route {
	return []route{
		{"socks5", bd.socks, 2}, // greeting, then CONNECT
		{"http", bd.connect, 1}, // CONNECT and its answer
	}
}

// floor is what a route's connect and TLS handshake cost on this path at the least.
func (bd *bed) floor(r route) (connect, tls time.Duration) {
	return time.Duration(r.connectRTT) * bd.rtt, bd.rtt
}

// target is host:port of service i.
func (bd *bed) target(i int) string { return net.JoinHostPort(serviceName(i), bd.tlsPort) }

// slowestFloor is the floor of the slowest single check: the route with the most round trips.
func (bd *bed) slowestFloor() time.Duration {
	rs := bd.routes()
	r := slices.MaxFunc(rs, func(a, b route) int { return a.connectRTT - b.connectRTT })
	c, t := bd.floor(r)
	return c + t
}

// watchRTT pings the echo server through its relay every 20 ms until the returned function is
// called, which returns the round trips seen: how the bed itself fares under the load of a
// sweep (the relay and proxies share the machine with lifeline).
func (bd *bed) watchRTT(b *testing.B) func() []time.Duration {
	c, err := net.Dial("tcp", bd.echo)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	var rtts []time.Duration
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		buf := []byte{0}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			start := time.Now()
			if _, err := c.Write(buf); err != nil {
				return
			}
			if _, err := c.Read(buf); err != nil {
				return
			}
			rtts = append(rtts, time.Since(start))
		}
	}()
	return func() []time.Duration {
		close(done)
		<-finished
		c.Close()
		return rtts
	}
}
