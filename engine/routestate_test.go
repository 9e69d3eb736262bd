package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// A direct route with a control and the domestic references, as the embedded default has.
func directWithRefs(services ...checks.Service) (checks.Plan, []Route) {
	control := &checks.Target{Role: checks.RoleControl, Kind: checks.KindHTTPS, Addr: "https://control.example/"}
	plan := checks.Plan{
		Services: services,
		Domestic: []checks.Target{{Role: checks.RoleControl, Kind: checks.KindHTTPS, Addr: "https://ya.example/"}},
	}
	return plan, []Route{fakeRoute{spec: checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect, Control: control}}}
}

func named(addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: "https://" + addr + "/"}
}

func domestic(s checks.Service) checks.Service { s.Domestic = true; return s }

func TestNoNetworkIsOfflineNotBlocked(t *testing.T) {
	nx := fails(checks.FailDNSNXDomain, checks.OpResolve)
	for name, tc := range map[string]struct {
		behaviour map[string]func(ctx context.Context) checks.TargetResult
		want      string
	}{
		// Every name fails alike; an address that something local answers proves nothing.
		"every name NXDOMAIN": {map[string]func(ctx context.Context) checks.TargetResult{
			"https://control.example/": nx, "https://ya.example/": nx, "https://wa.example/": nx,
			"https://max.example/": nx, "149.154.167.51:443": fails(checks.FailHTTPStatus, checks.OpHTTPRoundTrip),
		}, "offline: no network — every name fails (DNS: NXDOMAIN), the control's included"},
		"network unreachable": {map[string]func(ctx context.Context) checks.TargetResult{
			"https://control.example/": fails(checks.FailNetworkUnreachable, checks.OpResolve),
			"https://ya.example/":      fails(checks.FailNetworkUnreachable, checks.OpResolve),
			"https://wa.example/":      fails(checks.FailNetworkUnreachable, checks.OpResolve),
			"https://max.example/":     fails(checks.FailNetworkUnreachable, checks.OpResolve),
			"149.154.167.51:443":       fails(checks.FailNetworkUnreachable, checks.OpConnect),
		}, "offline: no network"},
	} {
		t.Run(name, func(t *testing.T) {
			fp := newFakeProbe()
			for k, v := range tc.behaviour {
				fp.behaviour[k] = v
			}
			tg := checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "149.154.167.51:443"}
			plan, routes := directWithRefs(service("wa", named("wa.example")), service("tg", tg), domestic(service("max", named("max.example"))))
			s, _ := newScheduler(plan, routes, fp.probe)
			events := collect(t, s)
			route, cells := routesOf(events)["direct"], checksOf(events)
			if route.StateOf() != checks.RouteOffline || route.OK || !strings.HasPrefix(route.Reason, tc.want) {
				t.Fatalf("route: state %s ok=%v reason %q; want offline with %q", route.StateOf(), route.OK, route.Reason, tc.want)
			}
			for key, c := range cells {
				if c.Verdict != checks.VerdictRouteDown || c.Reason != route.Reason {
					t.Errorf("%s = %s (%q), want route-down with the route's reason, never blocked", key, c.Verdict, c.Reason)
				}
			}
			if len(cells) != 3 {
				t.Fatalf("got %d cells, want 3", len(cells))
			}
		})
	}
}

func TestCensorshipIsNotTakenForOffline(t *testing.T) {
	nx := fails(checks.FailDNSNXDomain, checks.OpResolve)
	for name, b := range map[string]map[string]func(ctx context.Context) checks.TargetResult{
		// Names fail in different ways: a censor, not an outage.
		"different failures": {"https://control.example/": nx, "https://ya.example/": fails(checks.FailGenericTimeout, checks.OpTLSHandshake),
			"https://wa.example/": nx, "https://max.example/": fails(checks.FailConnectionReset, checks.OpTLSHandshake)},
	} {
		t.Run(name, func(t *testing.T) {
			fp := newFakeProbe()
			for k, v := range b {
				fp.behaviour[k] = v
			}
			plan, routes := directWithRefs(service("wa", named("wa.example")), domestic(service("max", named("max.example"))))
			s, _ := newScheduler(plan, routes, fp.probe)
			route := routesOf(collect(t, s))["direct"]
			if route.StateOf() != checks.RouteDown || !strings.HasPrefix(route.Reason, "control and every service fail") {
				t.Fatalf("route: state %s reason %q; want down, not offline", route.StateOf(), route.Reason)
			}
		})
	}
	// Offline describes the user's own network: a proxy whose names all fail is down.
	fp := newFakeProbe()
	fp.behaviour["https://control.example/"] = nx
	fp.behaviour["https://wa.example/"] = nx
	control := &checks.Target{Role: checks.RoleControl, Kind: checks.KindHTTPS, Addr: "https://control.example/"}
	s, _ := newScheduler(checks.Plan{Services: []checks.Service{service("wa", named("wa.example"))}},
		[]Route{fakeRoute{spec: checks.RouteSpec{Name: "ss", Kind: checks.RouteSOCKS5, Control: control}}}, fp.probe)
	if st := routesOf(collect(t, s))["ss"].StateOf(); st != checks.RouteDown {
		t.Fatalf("proxy route state %s, want down", st)
	}
}

func TestAnAllowlistIsNamedOnTheRouteAndNotCalledIPBlocking(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["https://control.example/"] = fails(checks.FailGenericTimeout, checks.OpTLSHandshake)
	fp.behaviour["https://ya.example/"] = works(time.Millisecond)
	fp.behaviour["https://max.example/"] = works(time.Millisecond)
	fp.behaviour["https://wa.example/"] = func(ctx context.Context) checks.TargetResult {
		return checks.TargetResult{Err: checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, ""),
			Contrast: &checks.SNIContrast{Outcome: checks.ContrastIPBlocked, Name: "x.example.net",
				Err: checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")}}
	}
	plan, routes := directWithRefs(service("wa", named("wa.example")), domestic(service("max", named("max.example"))))
	s, _ := newScheduler(plan, routes, fp.probe)
	events := collect(t, s)
	route, cells := routesOf(events)["direct"], checksOf(events)

	want := "allowlist: only allowlisted services reach (ya.example answers; control control.example and every foreign service fail)"
	if route.StateOf() != checks.RouteAllowlist || !route.OK || route.Reason != want {
		t.Fatalf("route: state %s ok=%v reason %q; want allowlist %q", route.StateOf(), route.OK, route.Reason, want)
	}
	if len(route.Domestic) != 1 || !route.Domestic[0].OK {
		t.Fatalf("route carries domestic results %+v, want the one working reference", route.Domestic)
	}
	if got := cells["direct/max"].Verdict; got != checks.VerdictOK {
		t.Errorf("max = %s, want ok", got)
	}
	wa := cells["direct/wa"]
	if wa.Verdict != checks.VerdictBlocked || strings.Contains(wa.Reason, "IP-blocked") || !strings.Contains(wa.Reason, "allowlist") {
		t.Errorf("wa = %s %q; want blocked, read as an allowlist, never IP-blocked", wa.Verdict, wa.Reason)
	}
	if got := wa.Targets[0].Contrast.Outcome; got != checks.ContrastAllowlist {
		t.Errorf("wa contrast = %s, want allowlist", got)
	}
	if j := route.JSON(checks.RouteSpec{Kind: checks.RouteDirect}); j.State != checks.RouteAllowlist || len(j.Domestic) != 1 {
		t.Errorf("route JSON state %q with %d domestic results, want allowlist and 1", j.State, len(j.Domestic))
	}
}

func TestAForeignServiceThatWorksIsNoAllowlist(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["https://control.example/"] = fails(checks.FailGenericTimeout, checks.OpTLSHandshake)
	fp.behaviour["https://ya.example/"] = works(time.Millisecond)
	fp.behaviour["https://wa.example/"] = works(time.Millisecond)
	fp.behaviour["https://tg.example/"] = fails(checks.FailConnectionReset, checks.OpTLSHandshake)
	plan, routes := directWithRefs(service("wa", named("wa.example")), service("tg", named("tg.example")))
	s, _ := newScheduler(plan, routes, fp.probe)
	events := collect(t, s)
	route, cells := routesOf(events)["direct"], checksOf(events)
	if route.StateOf() != checks.RouteUp || !strings.HasPrefix(route.Reason, "control failed") {
		t.Fatalf("route: state %s reason %q; want up with a failed control", route.StateOf(), route.Reason)
	}
	if cells["direct/wa"].Verdict != checks.VerdictOK || cells["direct/tg"].Verdict != checks.VerdictBlocked {
		t.Fatalf("wa %s, tg %s; want ok and blocked", cells["direct/wa"].Verdict, cells["direct/tg"].Verdict)
	}
	// The references ran only because the control failed.
	fp2 := newFakeProbe()
	fp2.behaviour["https://control.example/"] = works(time.Millisecond)
	fp2.behaviour["https://wa.example/"] = works(time.Millisecond)
	fp2.behaviour["https://ya.example/"] = func(ctx context.Context) checks.TargetResult {
		t.Error("a domestic reference was checked although the control works")
		return checks.TargetResult{OK: true}
	}
	plan, routes = directWithRefs(service("wa", named("wa.example")))
	s, _ = newScheduler(plan, routes, fp2.probe)
	if route := routesOf(collect(t, s))["direct"]; len(route.Domestic) != 0 || route.StateOf() != checks.RouteUp {
		t.Fatalf("route %+v, want up with no domestic results", route)
	}
}

// An allowlist that drops foreign traffic makes every foreign probe hang until the deadline,
// holding the route's slots: the domestic reference still runs after them, within one step,
// the route is named an allowlist, and it is named within timeout + one step_timeout. No
// foreign service reads ok; those the queue kept from their time are not measured.
func TestAnAllowlistThatDropsForeignTrafficIsNamedWithinTheTimeoutAndAStep(t *testing.T) {
	fp := newFakeProbe()
	fp.behaviour["https://control.example/"] = hangs
	fp.behaviour["https://ya.example/"] = works(time.Millisecond)
	var services []checks.Service
	for i := range 6 {
		name := fmt.Sprintf("svc%d", i)
		fp.behaviour["https://"+name+".example/"] = hangs
		fp.behaviour["https://"+name+"-media.example/"] = hangs
		services = append(services, service(name, named(name+".example"), named(name+"-media.example")))
	}
	plan, routes := directWithRefs(services...)
	plan.Settings = checks.Settings{Timeout: 300 * time.Millisecond, StepTimeout: 300 * time.Millisecond}
	// Baseline: the same sweep with every probe answering at once.
	quick := newFakeProbe()
	for addr := range fp.behaviour {
		quick.behaviour[addr] = works(time.Millisecond)
	}
	b, _ := newScheduler(plan, routes, quick.probe)
	start := time.Now()
	collect(t, b)
	baseline := time.Since(start)

	s, _ := newScheduler(plan, routes, fp.probe)
	start = time.Now()
	events := collect(t, s)
	took := time.Since(start)
	route, cells := routesOf(events)["direct"], checksOf(events)
	if route.StateOf() != checks.RouteAllowlist {
		t.Fatalf("route: state %s (%s), want allowlist", route.StateOf(), route.Reason)
	}
	bound := plan.Settings.Timeout + plan.Settings.StepTimeout + max(plan.Settings.StepTimeout/2, 3*baseline)
	if took > bound {
		t.Errorf("the sweep took %v, want within timeout + step and a margin (%v; baseline %v)", took, bound, baseline)
	}
	measured := 0
	for name, c := range cells {
		switch {
		case c.Verdict == checks.VerdictPending && c.Cause.NotMeasured():
		case c.Verdict == checks.VerdictBlocked:
			measured++
		default:
			t.Errorf("%s is %s (%s), want blocked or not measured", name, c.Verdict, c.Reason)
		}
	}
	if measured == 0 {
		t.Errorf("no foreign service was measured")
	}
}
