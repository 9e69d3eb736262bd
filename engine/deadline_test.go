package engine_test

import (
	"context"
	"net"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// deadlineRoutes are one route of every kind, plus proxies that drip their own answers.
func deadlineRoutes(t *testing.T) []checks.RouteSpec {
	socks := func(mode fixture.SOCKSMode) *url.URL {
		return &url.URL{Scheme: "socks5", Host: fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: mode, UDPAssociate: true}).Addr}
	}
	connect := func(mode fixture.ConnectMode) *url.URL {
		return &url.URL{Scheme: "http", Host: fixture.NewConnect(t, fixture.ConnectOptions{Mode: mode}).Addr}
	}
	return []checks.RouteSpec{
		{Name: "direct", Kind: checks.RouteDirect},
		{Name: "lo", Kind: checks.RouteInterface, Interface: "lo", DNS: fixture.NewDNS(t, nil).Addr},
		{Name: "socks5", Kind: checks.RouteSOCKS5, Proxy: socks(fixture.SOCKSNormal)},
		{Name: "connect", Kind: checks.RouteHTTP, Proxy: connect(fixture.ConnectNormal)},
		{Name: "socks5-drip", Kind: checks.RouteSOCKS5, Proxy: socks(fixture.SOCKSSlowDrip)},
		{Name: "connect-drip-status", Kind: checks.RouteHTTP, Proxy: connect(fixture.ConnectDripStatus)},
		{Name: "connect-drip-header", Kind: checks.RouteHTTP, Proxy: connect(fixture.ConnectDripHeader)},
	}
}

// drippingTargets are one target of every probe kind, each at a peer that never finishes:
// TCP accepted and held, a TLS handshake record, HTTP bodies one byte every 50 ms, a data
// centre and a WhatsApp chat server that send their valid answers (resPQ, ServerHello) one
// byte every 50 ms, and a STUN server that never answers. Every read a drip allows succeeds
// well within a step.
func drippingTargets(t *testing.T) []checks.Target {
	silentUDP, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silentUDP.Close() })
	dripHTTPS := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, hostilelab.Name, "127.0.0.1"), Handler: fixture.DripBodyHandler()})
	dripHTTP := fixture.StartHTTP(t, fixture.DripBodyHandler())
	host := func(u string) string { p, _ := url.Parse(u); return p.Host }
	dripDC := fixture.FakeDC(t, fixture.DCOptions{Drip: 50 * time.Millisecond})
	dripNoise := fixture.NoiseServer(t, fixture.NoiseOptions{Drip: 50 * time.Millisecond})
	return []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: fixture.NewSwitch(t, fixture.HoldSilent()).Addr()},
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: fixture.NewSwitch(t, fixture.DripTLSHandshake()).Addr(), SNI: hostilelab.Name, RootCAs: fixture.Pool()},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: dripHTTPS.URL + "/", SNI: hostilelab.Name, RootCAs: fixture.Pool()},
		{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: host(dripHTTP.URL)},
		{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: silentUDP.LocalAddr().String()},
		{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: dripHTTP.URL + "/blob"},
		{Role: checks.RoleMedia, Kind: checks.KindUpload, Addr: dripHTTPS.URL + "/", SNI: hostilelab.Name, RootCAs: fixture.Pool()},
		{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: dripDC},
		{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: dripDC},
		{Role: checks.RoleChat, Kind: checks.KindNoise, Addr: dripNoise},
		{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: "wss://" + fixture.NewSwitch(t, fixture.DripTLSHandshake()).Addr() + "/ws", SNI: hostilelab.Name, RootCAs: fixture.Pool()},
	}
}

// sweepTimed runs one sweep of plan and returns its wall time and check results.
func sweepTimed(t *testing.T, plan checks.Plan) (time.Duration, []checks.CheckResult) {
	t.Helper()
	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	var got []checks.CheckResult
	start := time.Now()
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone {
			got = append(got, e.Check)
		}
	})
	return time.Since(start), got
}

// A check's timeout bounds the whole check, not each probe, on every route kind and for every
// probe kind. With a slot for every target, each probe runs and a dripping peer is cut at its
// step or at the check's deadline, named a timeout at the step it was in. With one slot per
// route, six targets that each hold their probe until a deadline would take six timeouts one
// after the other; the check still ends within timeout + one step_timeout.
func TestTimeoutBoundsAWholeCheckOnEveryRouteKindAndProbeAgainstDrippingPeers(t *testing.T) {
	routes := deadlineRoutes(t)
	if r, err := engine.NewRoute(routes[1]); err == nil {
		if cerr := r.Check(t.Context()); cerr != nil {
			skipIfBindForbidden(t, cerr)
		}
	}
	targets := drippingTargets(t)
	settings := hostilelab.Settings
	// Enough global slots that no check waits for another's: a check's clock starts when it
	// has its slots, and Started..Finished then measures the check alone.
	settings.Concurrency = len(routes) * len(targets)

	// Baseline: the same routes and as many targets, at a peer that answers at once.
	good := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, hostilelab.Name)})
	quick := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: good.Addr, SNI: hostilelab.Name, RootCAs: fixture.Pool()}
	baseline, _ := sweepTimed(t, checks.Plan{Settings: settings, Routes: routes[:4],
		Services: []checks.Service{{Name: "quick", Targets: slices.Repeat([]checks.Target{quick}, len(targets))}}})
	bound := settings.Timeout + settings.StepTimeout + 3*baseline + settings.StepTimeout
	t.Logf("baseline sweep %v; bound %v", baseline, bound)

	// What a target that did not finish may be named: a timeout, or what its own protocol
	// calls running out of time (a STUN server that never answers, a route without UDP).
	timeouts := []string{checks.FailGenericTimeout, checks.FailSTUNNoAnswer, checks.FailUDPUnsupported}
	for _, perRoute := range []int{len(targets), 1} {
		settings.PerRoute = perRoute
		// One sweep per route: no check waits for another's slots (nor under the adaptive
		// limit on TLS probes), so Started..Finished measures the check alone.
		var took time.Duration
		var results []checks.CheckResult
		for _, route := range routes {
			d, got := sweepTimed(t, checks.Plan{Settings: settings, Routes: []checks.RouteSpec{route},
				Services: []checks.Service{{Name: "drip", Targets: targets}}})
			took, results = max(took, d), append(results, got...)
		}
		t.Logf("per_route %d: sweep %v", perRoute, took)
		if took > bound {
			t.Errorf("per_route %d: the sweep took %v, want within timeout %v + step %v + margin (bound %v)",
				perRoute, took, settings.Timeout, settings.StepTimeout, bound)
		}
		if len(results) != len(routes) {
			t.Fatalf("per_route %d: %d results, want one per route (%d)", perRoute, len(results), len(routes))
		}
		for _, c := range results {
			t.Logf("per_route %d, %s: check %v → %v (%s)", perRoute, c.Route, c.Started.Format("05.000"), c.Finished.Format("05.000"), c.Verdict)
			if d := c.Finished.Sub(c.Started); d > bound {
				t.Errorf("per_route %d, %s: the check took %v, bound %v", perRoute, c.Route, d, bound)
			}
			if c.Verdict == checks.VerdictRouteDown {
				if c.Cause == nil || c.Cause.Failure != checks.FailGenericTimeout {
					t.Errorf("per_route %d, %s: route down with %v, want a timeout", perRoute, c.Route, c.Cause)
				}
				continue
			}
			for _, r := range c.Targets {
				if r.Err == nil {
					continue
				}
				if !slices.Contains(timeouts, r.Err.Failure) {
					t.Errorf("per_route %d, %s × %s: %s at %s (%s), want a timeout", perRoute, c.Route, r.Target.Kind, r.Err.Failure, r.Err.Operation, r.Err.Detail)
				}
				t.Logf("per_route %d, %s × %s: %s at %s (%s)", perRoute, c.Route, r.Target.Kind, r.Err.Failure, r.Err.Operation, r.Err.Detail)
			}
		}
	}
}
