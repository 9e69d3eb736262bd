package checks

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
)

// The first TLS check of a process must not carry the cost of reading the system trust
// store while later ones do not: the scheduler loads it once, before any probe starts its
// clock, and only when some target verifies against the system roots.
func TestSystemRootsAreLoadedOnceBeforeTheFirstProbe(t *testing.T) {
	events := []string{}
	orig := loadSystemRoots
	loadSystemRoots = func() { events = append(events, "roots") }
	t.Cleanup(func() { loadSystemRoots = orig })
	probe := func(ctx context.Context, r Route, tg Target, opt ProbeOptions) TargetResult {
		events = append(events, "probe") // per_route 1 and concurrency 1: no race
		return TargetResult{Target: tg, OK: true}
	}
	route := []Route{fakeRoute{spec: RouteSpec{Name: "direct", Kind: RouteDirect}}}
	settings := Settings{Concurrency: 1, PerRoute: 1}
	systemTLS := Target{Role: RoleChat, Kind: KindTLS, Addr: "chat.example.test:443"}
	ownPool := systemTLS
	ownPool.RootCAs = x509.NewCertPool()

	cases := []struct {
		name   string
		target Target
		want   string
	}{
		{"system roots", systemTLS, "roots probe probe"},
		{"own trust store", ownPool, "probe probe"},
		{"plain TCP", Target{Role: RoleChat, Kind: KindTCP, Addr: "chat.example.test:443"}, "probe probe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events = events[:0]
			s, err := newScheduler(Plan{Settings: settings, Services: []Service{service("chat", c.target)}}, route, probe)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				s.Sweep(context.Background(), nil, func(Event) {})
			}
			if got := strings.Join(events, " "); got != c.want {
				t.Errorf("two sweeps did %q, want %q", got, c.want)
			}
		})
	}
}
