package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// A route that cannot carry UDP makes the calls role n/a — its own state, naming which case
// it is — while the service is judged on the roles the route does carry. A calls-only
// service is n/a as a whole, never blocked.
func TestCallsAreNotApplicableOnRoutesWithoutUDP(t *testing.T) {
	srv := fixture.NewSTUN(t)
	hosts := map[string]string{"stun.test": srv.Addr}
	cases := []struct {
		name  string
		route func(t *testing.T) engine.Route
		why   string
	}{
		{"http proxy", func(t *testing.T) engine.Route {
			return proxyRoute(t, checks.RouteHTTP, fixture.NewConnect(t, fixture.ConnectOptions{}).Addr, "", "")
		}, "an HTTP proxy tunnels TCP only"},
		{"socks5 without UDP ASSOCIATE (microsocks)", func(t *testing.T) engine.Route {
			return proxyRoute(t, checks.RouteSOCKS5, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts}).Addr, "", "")
		}, "the SOCKS5 proxy does not offer UDP ASSOCIATE"},
		{"socks5 closing on UDP ASSOCIATE (ssh -D)", func(t *testing.T) engine.Route {
			return proxyRoute(t, checks.RouteSOCKS5, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts, UDPFault: fixture.UDPFaultClose}).Addr, "", "")
		}, "closed the connection when asked for UDP ASSOCIATE"},
		{"socks5 granting a dead relay (ss-local without -u)", func(t *testing.T) engine.Route {
			return proxyRoute(t, checks.RouteSOCKS5, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts, UDPFault: fixture.UDPFaultDead}).Addr, "", "")
		}, "nothing listens on its relay"},
		{"socks5 granting a silent relay", func(t *testing.T) engine.Route {
			return proxyRoute(t, checks.RouteSOCKS5, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts, UDPFault: fixture.UDPFaultSilent}).Addr, "", "")
		}, "no datagram came back through its relay"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.route(t)
			calls := probeSTUNWithin(t, r, "stun.test:3478")
			if calls.OK || calls.Err == nil || calls.Err.Failure != checks.FailUDPUnsupported {
				t.Fatalf("calls: ok=%v err=%v, want %s", calls.OK, calls.Err, checks.FailUDPUnsupported)
			}
			chat := checks.TargetResult{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "chat.test:443"}, OK: true,
				Phases: checks.Phases{Connect: 20 * time.Millisecond}}
			svc := checks.Service{Name: "wa"}
			v, _, reason, cause := checks.Judge(svc, []checks.TargetResult{chat, calls}, time.Minute)
			if v != checks.VerdictOK || cause != nil {
				t.Errorf("chat working, calls without UDP: %s (%v), want ok", v, cause)
			}
			if !strings.Contains(reason, "calls n/a: this route carries no UDP (") || !strings.Contains(reason, c.why) {
				t.Errorf("reason %q lacks calls n/a and %q", reason, c.why)
			}
			if got := checks.RoleVerdict([]checks.TargetResult{chat, calls}, checks.RoleCalls); got != checks.VerdictNA {
				t.Errorf("calls role verdict %q, want n/a", got)
			}
			c := checks.CheckResult{Route: "r", Service: "wa", Verdict: v, Targets: []checks.TargetResult{chat, calls}}
			if got := c.JSON().NARoles; len(got) != 1 || got[0] != checks.RoleCalls {
				t.Errorf("JSON na_roles = %v, want [calls]", got)
			}
			v, _, reason, _ = checks.Judge(svc, []checks.TargetResult{calls}, time.Minute)
			if v != checks.VerdictNA || !strings.HasPrefix(reason, "calls n/a: this route carries no UDP") {
				t.Errorf("calls only: %s — %q, want n/a", v, reason)
			}
		})
	}
}

// The same service through a route that carries UDP but drops it is a failure of calls: n/a
// is kept for routes that have no UDP at all.
func TestDroppedUDPIsNotNotApplicable(t *testing.T) {
	srv := fixture.NewSTUN(t)
	relay := fixture.NewUDPRelay(t, srv.Addr, fixture.UDPRelayOptions{DropSTUN: true})
	calls := probeSTUNWithin(t, directRoute(t), relay.Addr)
	chat := checks.TargetResult{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "chat.test:443"}, OK: true}
	v, _, reason, _ := checks.Judge(checks.Service{Name: "wa"}, []checks.TargetResult{chat, calls}, time.Minute)
	if v != checks.VerdictPartial || strings.Contains(reason, "n/a") {
		t.Errorf("dropped STUN on the direct route: %s — %q, want partial, not n/a", v, reason)
	}
	if got := checks.RoleVerdict([]checks.TargetResult{chat, calls}, checks.RoleCalls); got == checks.VerdictNA {
		t.Error("dropped STUN judged n/a")
	}
}
