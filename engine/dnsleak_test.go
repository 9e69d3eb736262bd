package engine_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// recordProcessLookups points the process's resolver (net.DefaultResolver, which the direct
// route and any dial by name use) at a recording DNS fixture for the rest of the test.
// Hermetic: nothing leaves loopback, and /etc/resolv.conf is never consulted.
func recordProcessLookups(t *testing.T, records map[string]string) *fixture.DNS {
	t.Helper()
	dns := fixture.NewDNS(t, records)
	r := net.DefaultResolver
	prevGo, prevDial := r.PreferGo, r.Dial
	r.PreferGo = true
	r.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dns.Addr)
	}
	t.Cleanup(func() { r.PreferGo, r.Dial = prevGo, prevDial })
	return dns
}

// TestProxyRoutesNeverResolveLocally: through a SOCKS5 or HTTP proxy every name (TCP, TLS
// and HTTPS targets, the route's control target) goes to the proxy as a name and is never
// looked up by the process, while the direct route, checked the same way, is seen resolving:
// proof that the recorder sees the process's lookups.
func TestProxyRoutesNeverResolveLocally(t *testing.T) {
	const chat, web, echo, control = "chat.lifeline.test", "web.lifeline.test", "echo.lifeline.test", "control.lifeline.test"
	chatSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chat, control)})
	webSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, web)})
	echoAddr := fixture.Echo(t)
	hosts := map[string]string{
		chat + ":443":    chatSrv.Addr,
		control + ":443": chatSrv.Addr,
		web + ":443":     webSrv.Addr,
		echo + ":7":      echoAddr,
	}
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts})
	connect := fixture.NewConnect(t, fixture.ConnectOptions{Hosts: hosts})
	targets := []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: chat + ":443", RootCAs: fixture.Pool()},
		{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://" + web + "/", RootCAs: fixture.Pool()},
		{Role: checks.RoleMedia, Kind: checks.KindTCP, Addr: echo + ":7", RootCAs: fixture.Pool()},
	}
	controlTarget := &checks.Target{Role: "control", Kind: checks.KindTLS, Addr: control + ":443", RootCAs: fixture.Pool()}

	dns := recordProcessLookups(t, map[string]string{chat: "127.0.0.1"})
	sweep := func(route checks.RouteSpec, services []checks.Service) []checks.CheckResult {
		t.Helper()
		s, err := engine.NewScheduler(checks.Plan{
			Settings: checks.Settings{StepTimeout: faultTimeout, Timeout: 2 * faultTimeout},
			Routes:   []checks.RouteSpec{route},
			Services: services,
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []checks.CheckResult
		s.Sweep(context.Background(), nil, func(e checks.Event) {
			if e.Kind == checks.EventCheckDone {
				got = append(got, e.Check)
			}
		})
		return got
	}

	for _, route := range []checks.RouteSpec{
		{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: socks.URL(), Control: controlTarget},
		{Name: "http", Kind: checks.RouteHTTP, Proxy: connect.URL(), Control: controlTarget},
	} {
		before := len(dns.Queries())
		for _, res := range sweep(route, []checks.Service{{Name: "chatapp", Targets: targets}}) {
			if res.Verdict != checks.VerdictOK {
				t.Errorf("%s: verdict %s (%s), want ok: the proxy must reach every name", route.Name, res.Verdict, res.Reason)
			}
		}
		if q := dns.Queries()[before:]; len(q) > 0 {
			t.Errorf("%s route: the process looked up %v; names must go to the proxy", route.Name, q)
		}
	}
	for _, name := range []string{chat + ":443", web + ":443", echo + ":7", control + ":443"} {
		if !slices.Contains(socks.Requested(), name) {
			t.Errorf("the SOCKS5 proxy was never asked for %s (asked %v)", name, socks.Requested())
		}
		if !slices.Contains(connect.Requested(), name) {
			t.Errorf("the HTTP proxy was never asked for %s (asked %v)", name, connect.Requested())
		}
	}

	// The same recorder sees the direct route resolve.
	direct := checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}
	_, port, _ := net.SplitHostPort(chatSrv.Addr)
	before := len(dns.Queries())
	res := sweep(direct, []checks.Service{{Name: "chatapp", Targets: []checks.Target{
		{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: net.JoinHostPort(chat, port), RootCAs: fixture.Pool()},
	}}})
	if len(res) != 1 || res[0].Verdict != checks.VerdictOK {
		t.Fatalf("direct check through the recording resolver: %+v", res)
	}
	if !dns.Asked(chat) {
		t.Fatalf("the recorder saw %v, not the direct route's lookup of %s: it does not see the process's lookups", dns.Queries(), chat)
	}
	if strings.Contains(strings.Join(dns.Queries()[before:], " "), web) {
		t.Errorf("the direct check looked up names it does not use: %v", dns.Queries())
	}
}
