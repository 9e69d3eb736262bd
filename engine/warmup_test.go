package engine

import (
	"context"
	"crypto/x509"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// The first TLS check of a process must not carry the cost of reading the system trust
// store while later ones do not: the scheduler loads it once, before any handshake starts
// its clock (the fake probe stands at the CPU gate as a handshake does), and only when some
// target verifies against the system roots.
func TestSystemRootsAreLoadedOnceBeforeTheFirstProbe(t *testing.T) {
	events := []string{}
	loadRoots := func() { events = append(events, "roots") }
	probe := func(ctx context.Context, r Route, tg checks.Target, opt ProbeOptions) checks.TargetResult {
		if tg.Kind == checks.KindTLS {
			opt.CPU.Enter(ctx) // where the handshake's clock would start
		}
		events = append(events, "probe") // per_route 1 and concurrency 1; the store is read before Enter returns
		return checks.TargetResult{Target: tg, OK: true}
	}
	route := []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}
	settings := checks.Settings{Concurrency: 1, PerRoute: 1}
	systemTLS := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.example.test:443"}
	ownPool := systemTLS
	ownPool.RootCAs = x509.NewCertPool()
	anchored := systemTLS
	anchored.Anchors = []*x509.Certificate{{Raw: []byte("anchor")}}

	cases := []struct {
		name   string
		target checks.Target
		want   string
	}{
		{"system roots", systemTLS, "roots probe probe"},
		{"system roots and an anchor", anchored, "roots probe probe"},
		{"own trust store", ownPool, "probe probe"},
		{"plain TCP", checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "chat.example.test:443"}, "probe probe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events = events[:0]
			s, err := newScheduler(checks.Plan{Settings: settings, Services: []checks.Service{service("chat", c.target)}}, route, probe)
			if err != nil {
				t.Fatal(err)
			}
			s.loadRoots = loadRoots
			for range 2 {
				s.Sweep(context.Background(), nil, func(checks.Event) {})
			}
			if got := strings.Join(events, " "); got != c.want {
				t.Errorf("two sweeps did %q, want %q", got, c.want)
			}
		})
	}
}

// Reading the system trust store must not hold up what needs no certificate: a tcp probe
// and a TLS probe's dial go out while the store is still being read, and the TLS handshake
// waits for it.
func TestSystemRootsAreReadBesideProbesThatDoNotNeedThem(t *testing.T) {
	// The store is read only once the tcp probe and the TLS dial have both gone out: if
	// either waited for it, the sweep would never end.
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	var out sync.WaitGroup
	out.Add(2)
	go func() {
		out.Wait()
		once.Do(func() { close(release) })
	}()
	var mu sync.Mutex
	var events []string
	note := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	loadRoots := func() {
		<-release
		note("roots read")
	}
	probe := func(ctx context.Context, r Route, tg checks.Target, opt ProbeOptions) checks.TargetResult {
		if tg.Kind == checks.KindTLS {
			note("dial tls") // a TLS probe connects before it needs the store
			out.Done()
			opt.CPU.Enter(ctx)
		}
		note("probe " + tg.Kind)
		if tg.Kind == checks.KindTCP {
			out.Done()
		}
		return checks.TargetResult{Target: tg, OK: true}
	}
	route := []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}
	plan := checks.Plan{Settings: checks.Settings{Concurrency: 4, PerRoute: 4}, Services: []checks.Service{
		service("secure", checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.example.test:443"}),
		service("plain", checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "chat.example.test:5222"}),
	}}
	s, err := newScheduler(plan, route, probe)
	if err != nil {
		t.Fatal(err)
	}
	s.loadRoots = loadRoots
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Sweep(context.Background(), nil, func(checks.Event) {})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the sweep never ended: the tcp probe or the TLS dial waited for the trust store")
	}
	mu.Lock()
	defer mu.Unlock()
	got := strings.Join(events, ", ")
	if got != "dial tls, probe tcp, roots read, probe tls" && got != "probe tcp, dial tls, roots read, probe tls" {
		t.Errorf("the sweep did %q, want the tcp probe and the TLS dial without waiting, the TLS handshake after the store was read", got)
	}
}
