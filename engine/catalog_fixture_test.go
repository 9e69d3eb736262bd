//go:build unix

package engine_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// catalogLab is the loopback stand-in for every built-in service's servers.
type catalogLab struct {
	site, tcp, stun, post, dc, noise string
}

func newCatalogLab(t *testing.T, names []string) catalogLab {
	t.Helper()
	// The services' web hosts, with WhatsApp Web's chat gateway where it lives.
	mux := http.NewServeMux()
	mux.Handle("/", fixture.ServiceSiteHandler())
	mux.Handle("/ws/chat", fixture.WebSocketHandler("/ws/chat", "", fixture.WebSocketUpgrade))
	site := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, names...), Handler: mux})
	return catalogLab{
		site:  site.Addr,
		tcp:   fixture.Echo(t),
		stun:  fixture.NewSTUN(t).Addr,
		post:  fixture.StartHTTP(t, fixture.StatusHandler(200)).Addr,
		dc:    fixture.FakeDC(t, fixture.DCOptions{}),
		noise: fixture.NoiseServer(t, fixture.NoiseOptions{}),
	}
}

// pointAtFixtures is the test-only override: it rewrites every target of svc to reach the lab
// on loopback instead of the service's real host, keeping the name the probe sends and
// verifies (SNI, certificate) and the path it asks for. Nothing reaches a real host.
func (lab catalogLab) pointAtFixtures(t *testing.T, svc checks.Service) checks.Service {
	t.Helper()
	out := svc
	out.Targets = nil
	for _, tg := range svc.Targets {
		tg.RootCAs = fixture.Pool()
		switch tg.Kind {
		case checks.KindTCP:
			tg.Addr = lab.tcp
		case checks.KindTLS:
			tg.SNI, tg.Addr = tg.Host(), lab.site
		case checks.KindHTTPPost:
			tg.Addr = lab.post
		case checks.KindMTProto, checks.KindMTProtoHTTP:
			tg.Addr = lab.dc
		case checks.KindNoise:
			tg.Addr = lab.noise
		case checks.KindSTUN:
			tg.Addr = lab.stun
		case checks.KindHTTPS, checks.KindUpload, checks.KindTransfer, checks.KindWebSocket:
			u, err := url.Parse(tg.Addr)
			if err != nil {
				t.Fatal(err)
			}
			tg.SNI, u.Host = u.Hostname(), lab.site
			tg.Addr = u.String()
		default:
			t.Fatalf("%s: no fixture for kind %s", svc.Name, tg.Kind)
		}
		out.Targets = append(out.Targets, tg)
	}
	return out
}

// The built-in services, pointed at loopback fixtures, through every kind of route: each is
// ok, its default upload and found download move their 64 KB, and calls are measured where
// the route carries UDP and n/a where it does not — never blocked.
func TestBuiltInServicesThroughEveryRouteKind(t *testing.T) {
	engine.SetStallFloor(t, transferFloor)
	catalog := config.Catalog()
	var names []string
	for _, s := range catalog {
		for _, tg := range s.Targets {
			if h := tg.Host(); net.ParseIP(h) == nil {
				names = append(names, h)
			}
		}
	}
	lab := newCatalogLab(t, names)
	var services []checks.Service
	for _, s := range catalog {
		services = append(services, lab.pointAtFixtures(t, s))
	}
	socksUDP := fixture.NewSOCKS5(t, fixture.SOCKS5Options{UDPAssociate: true})
	socksTCP := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	connect := fixture.NewConnect(t, fixture.ConnectOptions{})
	routes := []checks.RouteSpec{
		{Name: "direct", Kind: checks.RouteDirect},
		{Name: "iface", Kind: checks.RouteInterface, Interface: "lo", DNS: "127.0.0.1:53"},
		{Name: "socks-udp", Kind: checks.RouteSOCKS5, Proxy: socksUDP.URL()},
		{Name: "socks-tcp", Kind: checks.RouteSOCKS5, Proxy: socksTCP.URL()},
		{Name: "connect", Kind: checks.RouteHTTP, Proxy: connect.URL()},
	}
	carriesUDP := map[string]bool{"direct": true, "iface": true, "socks-udp": true}
	sched, err := engine.NewScheduler(checks.Plan{
		Settings: checks.Settings{Timeout: 20 * time.Second, StepTimeout: 5 * time.Second, Slow: time.Minute},
		Routes:   routes, Services: services,
		Transfer: checks.TransferPlan{SlowBelow: 1000},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	results := map[[2]string]checks.CheckResult{}
	sched.Sweep(ctx, nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone {
			results[[2]string{e.Check.Route, e.Check.Service}] = e.Check
		}
	})
	for _, r := range routes {
		for _, s := range services {
			c, ok := results[[2]string{r.Name, s.Name}]
			if !ok {
				t.Errorf("%s × %s: no result", r.Name, s.Name)
				continue
			}
			// Calls are n/a where the route has no UDP and every calls target needs it (Signal's
			// also has its SFU over HTTPS, which any route carries).
			udpCalls, tcpCalls := false, false
			for _, tr := range c.Targets {
				if tr.Target.Role == checks.RoleCalls {
					udpCalls = udpCalls || tr.Target.Kind == checks.KindSTUN
					tcpCalls = tcpCalls || tr.Target.Kind != checks.KindSTUN
				}
				if tr.Target.Kind == checks.KindUpload || tr.Target.Kind == checks.KindTransfer {
					if !tr.OK || tr.Transfer == nil || tr.Transfer.Bytes != checks.DefaultTransferBytes {
						t.Errorf("%s × %s: %s moved %+v (err %v), want 64 KB", r.Name, s.Name, tr.Target, tr.Transfer, tr.Err)
					}
				}
				if !tr.OK && !(tr.Target.Role == checks.RoleCalls && !carriesUDP[r.Name]) {
					t.Errorf("%s × %s: %s failed: %v", r.Name, s.Name, tr.Target, tr.Err)
				}
			}
			if c.Verdict != checks.VerdictOK {
				t.Errorf("%s × %s: %s — %s, want ok", r.Name, s.Name, c.Verdict, c.Reason)
			}
			na := strings.Contains(c.Reason, "calls n/a: this route carries no UDP")
			if want := udpCalls && !tcpCalls && !carriesUDP[r.Name]; na != want {
				t.Errorf("%s × %s: reason %q; calls n/a expected: %v", r.Name, s.Name, c.Reason, want)
			}
		}
	}
}
