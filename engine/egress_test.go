package engine

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// egressLab is an HTTPS trace echo named echo.test, a direct route that resolves it with a
// fixture resolver, and a SOCKS5 route to it.
type egressLab struct {
	echo   *fixture.Server
	direct *directRoute
	socks  Route
}

func newEgressLab(t *testing.T) *egressLab {
	t.Helper()
	echo := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "echo.test"), Handler: fixture.TraceHandler("NL")})
	dns := fixture.NewDNS(t, map[string]string{"echo.test": "127.0.0.1"})
	direct := newDirect(checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect})
	direct.resolver = fixtureResolver(dns.Addr)
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{"echo.test": echo.Addr}})
	socks, err := newSOCKS5(checks.RouteSpec{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: proxy.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &egressLab{echo: echo, direct: direct, socks: socks}
}

// routeResults runs one sweep with the echo as egress URL and returns the route results.
func (l *egressLab) routeResults(t *testing.T, extra checks.ExtraChecks, routes ...Route) map[string]checks.RouteResult {
	t.Helper()
	settings := checks.Settings{Timeout: 5 * time.Second, StepTimeout: 2 * time.Second}
	if extra.EgressURL == "" {
		extra.EgressURL = "https://echo.test:" + l.echo.Port() + "/cdn-cgi/trace"
	}
	svc := checks.Service{Name: "echo", Targets: []checks.Target{{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "echo.test:" + l.echo.Port()}}}
	s, err := newScheduler(checks.Plan{Settings: settings, Services: []checks.Service{svc}, Extra: extra}, routes, Probe)
	if err != nil {
		t.Fatal(err)
	}
	s.egress.rootCAs = fixture.Pool()
	got := map[string]checks.RouteResult{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Sweep(ctx, nil, func(e checks.Event) {
		if e.Kind == checks.EventRouteChecked {
			got[e.Route.Name] = e.Route
		}
	})
	return got
}

func TestEgressShowsExitAndCountryPerRoute(t *testing.T) {
	lab := newEgressLab(t)
	// The direct route leaves from 127.0.0.3, the proxy from 127.0.0.1: two different exits.
	lab.direct.dialer.LocalAddr = &net.TCPAddr{IP: net.ParseIP("127.0.0.3")}
	got := lab.routeResults(t, checks.ExtraChecks{}, lab.direct, lab.socks)
	d, p := got["direct"].Egress, got["proxy"].Egress
	if d == nil || d.IP != "127.0.0.3" || d.Country != "NL" {
		t.Fatalf("direct egress = %+v, want 127.0.0.3 (NL)", d)
	}
	if p == nil || p.IP != "127.0.0.1" || len(p.Flags) != 0 {
		t.Fatalf("proxy egress = %+v, want 127.0.0.1 and no flags", p)
	}
	if j := got["direct"].JSON(checks.RouteSpec{Kind: checks.RouteDirect}); j.Egress == nil || j.Egress.IP != "127.0.0.3" || j.Egress.Country != "NL" {
		t.Errorf("direct JSON egress = %+v", j.Egress)
	}
	if s := p.Summary(); s != "exit 127.0.0.1 (NL)" {
		t.Errorf("summary = %q", s)
	}
}

func TestProxyExitingLikeDirectIsNotTunnelling(t *testing.T) {
	lab := newEgressLab(t)
	got := lab.routeResults(t, checks.ExtraChecks{}, lab.direct, lab.socks)
	p := got["proxy"].Egress
	if p == nil || !slices.Contains(p.Flags, checks.NotTunnelling) {
		t.Fatalf("proxy egress = %+v, want the not-tunnelling flag", p)
	}
	if d := got["direct"].Egress; d == nil || len(d.Flags) != 0 {
		t.Errorf("direct egress = %+v; the direct route is never flagged", d)
	}
}

func TestEgressOffFetchesNothing(t *testing.T) {
	lab := newEgressLab(t)
	got := lab.routeResults(t, checks.ExtraChecks{EgressOff: true}, lab.direct, lab.socks)
	for name, r := range got {
		if r.Egress != nil {
			t.Errorf("%s: egress %+v with egress off", name, r.Egress)
		}
	}
}

func TestEgressIsCachedBetweenSweeps(t *testing.T) {
	lab := newEgressLab(t)
	tr := newEgressTracker(checks.Plan{Extra: checks.ExtraChecks{EgressURL: "https://echo.test:" + lab.echo.Port() + "/"}}.WithDefaults().Extra, 2*time.Second)
	tr.rootCAs = fixture.Pool()
	first := tr.lookup(context.Background(), lab.direct, nil)
	lab.echo.Close()
	second := tr.lookup(context.Background(), lab.direct, nil)
	if first.IP == "" || second.IP != first.IP || second.Err != "" || !second.Checked.Equal(first.Checked) {
		t.Fatalf("first %+v, second %+v: want the cached exit within the interval", first, second)
	}
}

func TestInterfaceRouteUsingSystemResolverIsFlagged(t *testing.T) {
	tr := newEgressTracker(checks.ExtraChecks{EgressOff: true}, time.Second)
	tr.systemDNS = func() []string { return []string{"192.0.2.53"} }
	r, err := newInterfaceRoute(checks.RouteSpec{Name: "vpn", Kind: checks.RouteInterface, Interface: "lo", DNS: "192.0.2.53"})
	if err != nil {
		t.Fatal(err)
	}
	e := tr.resultFor(context.Background(), r, nil, nil, nil)
	if e == nil || len(e.Flags) != 1 || !strings.Contains(e.Flags[0], "system resolver 192.0.2.53") {
		t.Fatalf("egress = %+v, want the local-resolver flag", e)
	}
	other, _ := newInterfaceRoute(checks.RouteSpec{Name: "vpn2", Kind: checks.RouteInterface, Interface: "lo", DNS: "198.51.100.1:53"})
	if e := tr.resultFor(context.Background(), other, nil, nil, nil); e != nil {
		t.Errorf("egress = %+v for a route with its own resolver, want none", e)
	}
}

func TestParseEgressTraceFormatAndHostileText(t *testing.T) {
	ip, loc := ParseEgress("fl=1\nh=www.cloudflare.com\nip=2001:db8::5\nts=1\nloc=RU\n")
	if ip != "2001:db8::5" || loc != "RU" {
		t.Errorf("trace: got %q %q", ip, loc)
	}
	if ip, _ := ParseEgress(" 203.0.113.9\n"); ip != "203.0.113.9" {
		t.Errorf("bare address: got %q", ip)
	}
	ip, loc = ParseEgress("ip=\x1b[31m1.2.3.4\nloc=\x1b]0;pwned\x07\n")
	if ip != "" || loc != "" {
		t.Errorf("hostile trace: got %q %q, want nothing", ip, loc)
	}
}

// An echo whose answer is cut by the lookup's deadline gives no address: the cut can arrive
// as a plain EOF, and "ip=192.0.2.1" read from "ip=192.0.2.100" would name the wrong exit.
// Repeated, since the cut races the next byte.
func TestEgressAnswerCutByTheDeadlineIsAnError(t *testing.T) {
	drip := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ip=192.0.2.1")
		for range 40 {
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
			io.WriteString(w, "0")
		}
	})
	echo := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "127.0.0.1"), Handler: drip})
	direct := newDirect(checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect})
	for i := range 20 {
		ip, _, err := fetchEgress(context.Background(), direct, echo.URL+"/", fixture.Pool(), 120*time.Millisecond)
		if err == nil || ip != "" {
			t.Fatalf("run %d: ip %q, err %v; want an error and no address", i, ip, err)
		}
	}
}
