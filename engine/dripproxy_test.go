package engine_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// A SOCKS5 proxy that answers its greeting and every CONNECT one byte a second holds the
// route's slots until the deadline. The whole route still ends within timeout + one
// step_timeout (not one timeout per wave of checks, as when a check's clock started at its
// slots): the checks first in line are cut at the proxy's step and named a timeout, and the
// ones queued behind them are not measured — no verdict about their services.
func TestARouteWhoseProxyDripsEndsWithinTheTimeoutAndAStep(t *testing.T) {
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: fixture.SOCKSSlowDrip})
	route := checks.RouteSpec{Name: "drip", Kind: checks.RouteSOCKS5, Proxy: proxy.URL()}
	// The greeting (two bytes) passes the route's own check within a step; a CONNECT
	// (greeting and a ten-byte reply) takes twelve seconds.
	settings := checks.Settings{Timeout: 2500 * time.Millisecond, StepTimeout: 2500 * time.Millisecond, PerRoute: 4}
	var services []checks.Service
	for i := range 5 {
		var targets []checks.Target
		for j := range 4 {
			targets = append(targets, checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS,
				Addr: fmt.Sprintf("127.0.0.1:%d", 1+j), SNI: "svc.lifeline.test"})
		}
		services = append(services, checks.Service{Name: fmt.Sprintf("s%d", i), Targets: targets})
	}

	// Baseline: the same plan through a proxy that answers at once (and a refused target).
	quick := route
	quick.Proxy = fixture.NewSOCKS5(t, fixture.SOCKS5Options{}).URL()
	baseline, _ := sweepTimed(t, checks.Plan{Settings: settings, Routes: []checks.RouteSpec{quick}, Services: services})
	bound := settings.Timeout + settings.StepTimeout + 3*baseline
	took, results := sweepTimed(t, checks.Plan{Settings: settings, Routes: []checks.RouteSpec{route}, Services: services})
	t.Logf("baseline %v; dripping proxy: sweep %v, bound %v", baseline, took, bound)
	if took > bound {
		t.Errorf("the sweep took %v, want within timeout %v + step %v (+ margin: bound %v)", took, settings.Timeout, settings.StepTimeout, bound)
	}
	if len(results) != len(services) {
		t.Fatalf("%d results, want %d", len(results), len(services))
	}
	measured := 0
	for _, c := range results {
		t.Logf("%s: %s (%s)", c.Service, c.Verdict, c.Reason)
		if c.Verdict == checks.VerdictPending {
			if !c.Cause.NotMeasured() || len(c.Targets) != 0 {
				t.Errorf("%s: pending with %v and %d targets, want not measured and none", c.Service, c.Cause, len(c.Targets))
			}
			continue
		}
		measured++
		if c.Verdict.Works() {
			t.Errorf("%s: %s through a proxy that never finishes a CONNECT", c.Service, c.Verdict)
		}
		for _, r := range c.Targets {
			if r.Err == nil || r.Err.Failure != checks.FailGenericTimeout ||
				!slices.Contains([]string{checks.OpProxyGreeting, checks.OpProxyConnect}, r.Err.Operation) {
				t.Errorf("%s × %s: %v, want a timeout in the proxy's handshake", c.Service, r.Target.Addr, r.Err)
			}
		}
	}
	if measured == 0 {
		t.Errorf("no check was measured: the first in line must run with what is left of the deadline")
	}
}
