package engine

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// The first TLS check of a process must not carry the cost of reading the system trust
// store while later ones do not: the scheduler loads it once, before any probe starts its
// clock, and only when some target verifies against the system roots.
func TestSystemRootsAreLoadedOnceBeforeTheFirstProbe(t *testing.T) {
	events := []string{}
	orig := loadSystemRoots
	loadSystemRoots = func() { events = append(events, "roots") }
	t.Cleanup(func() { loadSystemRoots = orig })
	probe := func(ctx context.Context, r Route, tg checks.Target, opt ProbeOptions) checks.TargetResult {
		events = append(events, "probe") // per_route 1 and concurrency 1: no race
		return checks.TargetResult{Target: tg, OK: true}
	}
	route := []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}}}
	settings := checks.Settings{Concurrency: 1, PerRoute: 1}
	systemTLS := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.example.test:443"}
	ownPool := systemTLS
	ownPool.RootCAs = x509.NewCertPool()

	cases := []struct {
		name   string
		target checks.Target
		want   string
	}{
		{"system roots", systemTLS, "roots probe probe"},
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
			for range 2 {
				s.Sweep(context.Background(), nil, func(checks.Event) {})
			}
			if got := strings.Join(events, " "); got != c.want {
				t.Errorf("two sweeps did %q, want %q", got, c.want)
			}
		})
	}
}
