package engine

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// fixtureResolver sends every query to a DNS fixture, standing in for the system resolver.
func fixtureResolver(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// tamperLab is a direct route whose "system resolver" is systemDNS and a SOCKS5 route that
// reaches the honest resolver and the service; the service's names are chat.test and web.test.
type tamperLab struct {
	honest *fixture.DNS
	direct *directRoute
	socks  Route
	svc    checks.Service
}

func newTamperLab(t *testing.T, system map[string]string) *tamperLab {
	t.Helper()
	echo := fixture.Echo(t)
	_, port, _ := net.SplitHostPort(echo)
	honest := fixture.NewDNS(t, map[string]string{"chat.test": "127.0.0.1", "web.test": "127.0.0.1"})
	lying := fixture.NewDNS(t, system)
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{"chat.test": echo, "web.test": echo}})
	direct := newDirect(checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect})
	direct.resolver = fixtureResolver(lying.Addr)
	socks, err := newSOCKS5(checks.RouteSpec{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: proxy.URL()})
	if err != nil {
		t.Fatal(err)
	}
	svc := checks.Service{Name: "wa", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "chat.test:" + port},
		{Role: checks.RoleWeb, Kind: checks.KindTCP, Addr: "web.test:" + port},
	}}
	return &tamperLab{honest: honest, direct: direct, socks: socks, svc: svc}
}

// sweep runs one sweep comparing with the honest resolver and returns the results by route.
func (l *tamperLab) sweep(t *testing.T, routes ...Route) map[string]checks.CheckResult {
	t.Helper()
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 5 * time.Second, StepTimeout: 2 * time.Second},
		Extra:    checks.ExtraChecks{DNSCompare: l.honest.Addr},
		Services: []checks.Service{l.svc},
	}
	s, err := newScheduler(plan, routes, Probe)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]checks.CheckResult{}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	start := time.Now()
	s.Sweep(ctx, nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone {
			got[e.Check.Route] = e.Check
		}
	})
	if took := time.Since(start); took > 15*time.Second {
		t.Fatalf("sweep took %v", took)
	}
	return got
}

func TestLyingResolverIsNamedDNSTamperedWithBothAnswers(t *testing.T) {
	// The censor's resolver forges chat.test to a loopback bogon and hides web.test.
	lab := newTamperLab(t, map[string]string{"chat.test": "127.6.6.6"})
	got := lab.sweep(t, lab.direct, lab.socks)

	if via := got["proxy"]; via.Verdict != checks.VerdictOK {
		t.Fatalf("proxy route: %s (%s), want ok", via.Verdict, via.Reason)
	}
	d := got["direct"]
	if d.Verdict.Works() {
		t.Fatalf("direct route: %s, want a failure", d.Verdict)
	}
	if d.Cause == nil || d.Cause.Failure != checks.FailDNSTampered || !strings.HasPrefix(d.Reason, "DNS tampered for ") {
		t.Fatalf("direct reason %q cause %v, want DNS tampered", d.Reason, d.Cause)
	}
	if len(d.DNS) != 2 {
		t.Fatalf("DNS comparisons = %+v, want one per name", d.DNS)
	}
	byName := map[string]checks.DNSAnswers{}
	for _, a := range d.DNS {
		byName[a.Name] = a
	}
	chat, web := byName["chat.test"], byName["web.test"]
	if !chat.Tampered || !strings.Contains(chat.Why, "bogon answer 127.6.6.6") ||
		chat.Summary() != "system: 127.6.6.6; via proxy: 127.0.0.1" {
		t.Errorf("chat.test = %+v (%s), want a bogon with both answers", chat, chat.Summary())
	}
	if !web.Tampered || web.SystemErr != checks.FailDNSNXDomain || !strings.Contains(web.Why, "NXDOMAIN here, 127.0.0.1 via proxy") {
		t.Errorf("web.test = %+v, want NXDOMAIN here but an answer via proxy", web)
	}
	if j := d.JSON(); len(j.DNS) != 2 || j.Failure != checks.FailDNSTampered || !strings.HasPrefix(string(j.Reason), "DNS tampered") {
		t.Errorf("JSON = %+v, want both comparisons and the dns_tampered failure", j)
	}
	if !lab.honest.Asked("chat.test") || !lab.honest.Asked("web.test") {
		t.Errorf("honest resolver queries = %v, want both names asked through the proxy", lab.honest.Queries())
	}
}

func TestHonestResolverIsNotCalledTampered(t *testing.T) {
	// The system resolver answers like the honest one; the direct path fails for another
	// reason (a name that exists nowhere), which must not be blamed on DNS tampering.
	lab := newTamperLab(t, map[string]string{"chat.test": "127.0.0.1", "web.test": "127.0.0.1"})
	lab.svc.Targets = append(lab.svc.Targets, checks.Target{Role: checks.RoleMedia, Kind: checks.KindTCP, Addr: "media.test:443"})
	got := lab.sweep(t, lab.direct, lab.socks)
	d := got["direct"]
	if d.Cause != nil && d.Cause.Failure == checks.FailDNSTampered || strings.Contains(d.Reason, "tampered") {
		t.Fatalf("direct reason %q: honest answers called tampered", d.Reason)
	}
	for _, a := range d.DNS {
		if a.Tampered {
			t.Errorf("%s marked tampered: %+v", a.Name, a)
		}
	}
	if len(d.DNS) != 3 {
		t.Errorf("DNS comparisons = %+v, want all three names compared", d.DNS)
	}
}

func TestNoOtherRouteMeansNoDNSVerdict(t *testing.T) {
	lab := newTamperLab(t, map[string]string{"chat.test": "127.6.6.6"})
	got := lab.sweep(t, lab.direct)
	d := got["direct"]
	if len(d.DNS) != 0 || (d.Cause != nil && d.Cause.Failure == checks.FailDNSTampered) {
		t.Fatalf("without another route the direct result claims %q with %+v", d.Reason, d.DNS)
	}
	if len(lab.honest.Queries()) != 0 {
		t.Errorf("comparison resolver asked %v without a route to reach it", lab.honest.Queries())
	}
}

func TestIsBogon(t *testing.T) {
	for ip, want := range map[string]bool{
		"10.10.34.35": true, "127.0.0.1": true, "0.0.0.0": true, "192.168.1.1": true, "100.64.0.1": true,
		"::1": true, "fd00::1": true, "::ffff:10.0.0.1": true,
		"157.240.1.1": false, "149.154.167.51": false, "2a03:2880::1": false, "not-an-ip": false,
	} {
		if got := checks.IsBogon(ip); got != want {
			t.Errorf("IsBogon(%q) = %v, want %v", ip, got, want)
		}
	}
}
