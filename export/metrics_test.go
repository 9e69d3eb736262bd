package export

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

func metricsPlan() checks.Plan {
	proxy, _ := url.Parse("socks5://alice:hunter2@127.0.0.1:1080")
	return checks.Plan{
		Routes: []checks.RouteSpec{
			{Name: "direct", Kind: checks.RouteDirect},
			{Name: "tor", Kind: checks.RouteSOCKS5, Proxy: proxy},
		},
		Services: []checks.Service{{Name: "whatsapp", Short: "WA"}, {Name: "signal", Short: "SIG"}},
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	return fixture.GetBody(t, srv.Client(), srv.URL)
}

// wantSeries fails t for each sample line (name{labels} value) the scrape body lacks.
func wantSeries(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, want := range lines {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("scrape lacks %s\n%s", want, body)
		}
	}
}

func TestMetricsAfterASweep(t *testing.T) {
	m := NewMetrics(metricsPlan())
	before := scrape(t, m)
	if !strings.Contains(before, `lifeline_verdict{route="tor",service="signal",verdict="pending"} 1`) {
		t.Errorf("cells should start pending:\n%s", before)
	}

	ok := result("direct", "signal", checks.VerdictOK, 142*time.Millisecond, "")
	ok.Targets = []checks.TargetResult{{
		Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: "https://chat.signal.org/"},
		OK:     true,
		Phases: checks.Phases{DNS: 10 * time.Millisecond, Connect: 30 * time.Millisecond, TLS: 100 * time.Millisecond, FirstByte: 60 * time.Millisecond, Body: 50 * time.Millisecond, Total: 250 * time.Millisecond},
	}}
	blocked := result("direct", "whatsapp", checks.VerdictBlocked, 0, "TLS reset after ClientHello")
	down := result("tor", "signal", checks.VerdictRouteDown, 0, "proxy refused")
	for _, e := range []checks.Event{
		{Kind: checks.EventSweepStarted, Routes: []string{"direct", "tor"}},
		{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}},
		{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: false, Reason: "refused"}},
		done(ok), done(blocked), done(down),
		{Kind: checks.EventSweepFinished, At: testStart},
	} {
		m.Observe(e)
	}
	body := scrape(t, m)
	wantSeries(t, body,
		`probe_success{route="direct",service="signal"} 1`,
		`probe_success{route="direct",service="whatsapp"} 0`,
		`probe_success{route="tor",service="signal"} 0`,
		`probe_duration_seconds{route="direct",service="signal"} 0.25`,
		`probe_http_duration_seconds{phase="resolve",route="direct",service="signal",target="https://chat.signal.org/"} 0.01`,
		`probe_http_duration_seconds{phase="connect",route="direct",service="signal",target="https://chat.signal.org/"} 0.03`,
		`probe_http_duration_seconds{phase="tls",route="direct",service="signal",target="https://chat.signal.org/"} 0.1`,
		`probe_http_duration_seconds{phase="processing",route="direct",service="signal",target="https://chat.signal.org/"} 0.06`,
		`probe_http_duration_seconds{phase="transfer",route="direct",service="signal",target="https://chat.signal.org/"} 0.05`,
		`lifeline_route_up{kind="direct",route="direct"} 1`,
		`lifeline_route_up{kind="socks5",route="tor"} 0`,
		`lifeline_verdict{route="direct",service="whatsapp",verdict="blocked"} 1`,
		`lifeline_verdict{route="direct",service="whatsapp",verdict="ok"} 0`,
		`lifeline_verdict{route="direct",service="whatsapp",verdict="pending"} 0`,
		`lifeline_verdict{route="tor",service="signal",verdict="route-down"} 1`,
		`lifeline_check_latency_seconds{route="direct",service="signal"} 0.142`,
		`lifeline_sweeps_total 1`,
		"# TYPE probe_success gauge",
	)
	if strings.Contains(body, `lifeline_check_latency_seconds{route="direct",service="whatsapp"}`) {
		t.Error("a blocked service has a latency")
	}
	for _, secret := range []string{"hunter2", "alice", "1080"} {
		if strings.Contains(body, secret) {
			t.Errorf("scrape leaks %q from the proxy URL", secret)
		}
	}
	if strings.Contains(body, "go_goroutines") {
		t.Error("Go runtime metrics are not wanted on lifeline's registry")
	}
}

func TestMetricsRecoveryClearsTheVerdict(t *testing.T) {
	m := NewMetrics(metricsPlan())
	m.Observe(done(result("direct", "whatsapp", checks.VerdictBlocked, 0, "")))
	m.Observe(done(result("direct", "whatsapp", checks.VerdictOK, 90*time.Millisecond, "")))
	body := scrape(t, m)
	wantSeries(t, body,
		`lifeline_verdict{route="direct",service="whatsapp",verdict="blocked"} 0`,
		`lifeline_verdict{route="direct",service="whatsapp",verdict="ok"} 1`,
		`probe_success{route="direct",service="whatsapp"} 1`,
	)
}

func TestMetricsTargetLabelDropsUserinfo(t *testing.T) {
	m := NewMetrics(metricsPlan())
	r := result("direct", "signal", checks.VerdictOK, time.Millisecond, "")
	r.Targets = []checks.TargetResult{{Target: checks.Target{Kind: checks.KindHTTPS, Addr: "https://user:pw@example.test/x"}, OK: true}}
	m.Observe(done(r))
	body := scrape(t, m)
	if strings.Contains(body, "pw@") || !strings.Contains(body, `target="https://example.test/x"`) {
		t.Errorf("target label should lose its userinfo:\n%s", body)
	}
}

// A proxy that exits from the user's own address works, but a dashboard of many vantage
// points must be able to alert on it: the warning is a series of its own, cleared when the
// route tunnels again.
func TestMetricsCarryRouteWarnings(t *testing.T) {
	m := NewMetrics(metricsPlan())
	notTunnelling := &checks.Egress{IP: "198.51.100.7", Flags: []string{checks.NotTunnelling}}
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: true, Egress: notTunnelling}})
	out := scrape(t, m)
	for _, want := range []string{
		`lifeline_route_warning{route="tor",warning="not-tunnelling"} 1`,
		`lifeline_route_warning{route="tor",warning="local-dns"} 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: true, Egress: &checks.Egress{IP: "203.0.113.9"}}})
	if out := scrape(t, m); !strings.Contains(out, `lifeline_route_warning{route="tor",warning="not-tunnelling"} 0`) {
		t.Error("the warning stayed raised after the route tunnelled again")
	}
}

func TestMetricsNameTheRouteState(t *testing.T) {
	m := NewMetrics(metricsPlan())
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect,
		State: checks.RouteOffline, Reason: "offline: no network"}})
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: true}})
	body := scrape(t, m)
	wantSeries(t, body,
		`lifeline_route_state{route="direct",state="offline"} 1`,
		`lifeline_route_state{route="direct",state="down"} 0`,
		`lifeline_route_state{route="direct",state="up"} 0`,
		`lifeline_route_state{route="tor",state="up"} 1`,
		`lifeline_route_state{route="tor",state="allowlist"} 0`,
	)
	m.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect,
		OK: true, State: checks.RouteAllowlist}})
	if body := scrape(t, m); !strings.Contains(body, `lifeline_route_state{route="direct",state="allowlist"} 1`+"\n") ||
		!strings.Contains(body, `lifeline_route_state{route="direct",state="offline"} 0`+"\n") {
		t.Errorf("a changed state is not one-hot:\n%s", body)
	}
}
