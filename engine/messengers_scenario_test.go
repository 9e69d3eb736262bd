package engine_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// sweepOnce runs one sweep of plan and returns the route results and the checks by
// "route/service".
func sweepPlan(t *testing.T, plan checks.Plan) (map[string]checks.RouteResult, map[string]checks.CheckResult) {
	t.Helper()
	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	routes, cells := map[string]checks.RouteResult{}, map[string]checks.CheckResult{}
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch e.Kind {
		case checks.EventRouteChecked:
			routes[e.Route.Name] = e.Route
		case checks.EventCheckDone:
			cells[e.Check.Route+"/"+e.Check.Service] = e.Check
		}
	})
	return routes, cells
}

func socksSpec(name, addr string, control *checks.Target) checks.RouteSpec {
	return checks.RouteSpec{Name: name, Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: addr}, Control: control}
}

// TestInstantConnectTunnelIsDownNotCensored is the shadowsocks case: the local SOCKS port
// grants every CONNECT at once while its server abroad is unreachable. No service may pass
// or half-pass on the strength of a granted CONNECT, and the route is down, said once.
func TestInstantConnectTunnelIsDownNotCensored(t *testing.T) {
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: fixture.SOCKSInstantConnect})
	control := &checks.Target{Role: checks.RoleControl, Kind: checks.KindHTTPS, Addr: "https://www.gstatic.com/generate_204"}
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 2 * time.Second, StepTimeout: 500 * time.Millisecond},
		Routes:   []checks.RouteSpec{socksSpec("ss-local", proxy.Addr, control)},
		Services: []checks.Service{
			{Name: "whatsapp", Targets: []checks.Target{
				noiseTarget("e1.whatsapp.net:443"), noiseTarget("e1.whatsapp.net:5222"),
				{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: "wss://web.whatsapp.com/ws/chat"},
			}},
			{Name: "telegram", Targets: []checks.Target{
				dcTarget(checks.KindMTProto, "149.154.167.51:443"), dcTarget(checks.KindMTProtoHTTP, "149.154.175.50:80"),
			}},
			{Name: "signal", Targets: []checks.Target{{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: "https://chat.signal.org/"}}},
			// A bare connect through the proxy is granted at once: it must not prove the route.
			{Name: "push", Targets: []checks.Target{{Role: checks.RoleChat, Kind: checks.KindTCP, Addr: "courier.push.apple.com:5223"}}},
		},
	}
	routes, cells := sweepPlan(t, plan)
	rr := routes["ss-local"]
	if rr.OK {
		t.Fatalf("route up through a tunnel that reaches nothing: %q", rr.Reason)
	}
	if !strings.Contains(rr.Reason, "nothing comes back") {
		t.Errorf("route reason %q does not say the tunnel carries nothing", rr.Reason)
	}
	for _, svc := range []string{"whatsapp", "telegram", "signal", "push"} {
		c := cells["ss-local/"+svc]
		if c.Verdict != checks.VerdictRouteDown {
			t.Errorf("%s = %s (%q), want route-down", svc, c.Verdict, c.Reason)
		}
	}
}

// TestNoiseServerThatResetsTLSKeepsWhatsAppChatWorking: WhatsApp's chat ports speak Noise and
// reset a TLS ClientHello; chat is judged by the Noise hello, so it works on the direct route
// and through a proxy alike.
func TestNoiseServerThatResetsTLSKeepsWhatsAppChatWorking(t *testing.T) {
	noise := fixture.NoiseServer(t, fixture.NoiseOptions{})
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{"e1.whatsapp.net": noise}})
	direct := checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}
	plan := checks.Plan{
		Settings: checks.Settings{Timeout: 5 * time.Second, StepTimeout: 2 * time.Second},
		Routes:   []checks.RouteSpec{direct, socksSpec("socks", proxy.Addr, nil)},
	}
	for _, r := range []string{"direct", "socks"} {
		addr := "e1.whatsapp.net:443"
		if r == "direct" {
			addr = noise // the direct route resolves with the system: point it at the fixture
		}
		plan.Services = []checks.Service{{Name: "whatsapp-" + r, Targets: []checks.Target{noiseTarget(addr)}}}
		routes, cells := sweepPlan(t, plan)
		if c := cells[r+"/whatsapp-"+r]; c.Verdict != checks.VerdictOK {
			t.Errorf("%s: whatsapp chat = %s (%q), want ok", r, c.Verdict, c.Reason)
		}
		if !routes[r].OK {
			t.Errorf("%s route down: %q", r, routes[r].Reason)
		}
	}
	// The same server fails a TLS probe, as the old catalog's did: it is not TLS.
	res := probeWithin(t, directRoute(t), checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: noise, SNI: "e1.whatsapp.net"}, quick)
	if res.OK {
		t.Fatal("a TLS handshake passed on a Noise port")
	}
}

// TestHTTPOnTelegramsAddressesIsBlockedNotWorking: an HTTP server answering 200, 302 or 404
// where a data centre should be makes Telegram blocked, with a reason that says so.
func TestHTTPOnTelegramsAddressesIsBlockedNotWorking(t *testing.T) {
	for code, want := range map[int]string{200: "not Telegram", 302: "block page", 404: "not Telegram"} {
		h := fixture.StatusHandler(code)
		if code == 302 {
			h = http.RedirectHandler("http://blocked.isp.example/", http.StatusFound)
		}
		srv := fixture.StartHTTP(t, h)
		plan := checks.Plan{
			Settings: checks.Settings{Timeout: 3 * time.Second, StepTimeout: time.Second},
			Routes:   []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
			Services: []checks.Service{{Name: "telegram", Targets: []checks.Target{
				dcTarget(checks.KindMTProto, srv.Addr), dcTarget(checks.KindMTProtoHTTP, srv.Addr),
			}}},
		}
		_, cells := sweepPlan(t, plan)
		c := cells["direct/telegram"]
		if c.Verdict != checks.VerdictBlocked || !strings.Contains(c.Reason, want) {
			t.Errorf("HTTP %d on the DC port: %s (%q), want blocked saying %q", code, c.Verdict, c.Reason, want)
		}
	}
	// And a real-enough DC passes.
	dc := fixture.FakeDC(t, fixture.DCOptions{})
	_, cells := sweepPlan(t, checks.Plan{
		Routes:   []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "telegram", Targets: []checks.Target{dcTarget(checks.KindMTProto, dc), dcTarget(checks.KindMTProtoHTTP, dc)}}},
	})
	if c := cells["direct/telegram"]; c.Verdict != checks.VerdictOK {
		t.Errorf("fake DC: %s (%q), want ok", c.Verdict, c.Reason)
	}
}
