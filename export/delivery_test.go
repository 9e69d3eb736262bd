package export

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// recorder is an HTTP server that keeps every request it gets and answers each with one
// status.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, path, host string
	header             http.Header
	body               string
}

// newRecorder starts a recorder that answers 200 OK.
func newRecorder(t *testing.T) *recorder { return newRecorderAnswering(t, http.StatusOK) }

func newRecorderAnswering(t *testing.T, status int) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.Host, req.Header.Clone(), string(b)})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) got() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// bodies lists the request bodies in the order they came.
func (r *recorder) bodies() []string {
	var b []string
	for _, req := range r.got() {
		b = append(b, req.body)
	}
	return b
}

func (r *recorder) addr() string { return strings.TrimPrefix(r.srv.URL, "http://") }

// censor is a direct path that resets every connection to the hook's host, as a censor that
// blocks the alerting service would; it counts the attempts.
type censor struct{ attempts atomic.Int32 }

func (c *censor) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c.attempts.Add(1)
	return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNRESET}
}

// labRouter dials "direct" through the censor and "tunnel" through a real SOCKS5 route.
type labRouter struct {
	censor *censor
	tunnel engine.Route
}

func (l *labRouter) DialRoute(ctx context.Context, route, addr string) (net.Conn, error) {
	if route == "tunnel" {
		return l.tunnel.Dial(ctx, addr, nil)
	}
	return l.censor.dial(ctx, "tcp", addr)
}

// TestAlertViaAutoEscapesThroughAWorkingRoute: the webhook's host is blocked on the direct
// path; a SOCKS5 route works. With via: auto the alert goes through the SOCKS5 route, which
// resolves the hook's name itself: when the direct route is seen down it is not tried at all,
// and when it is seen up but blocks the hook, the next attempt escapes through the tunnel.
func TestAlertViaAutoEscapesThroughAWorkingRoute(t *testing.T) {
	for _, directUp := range []bool{false, true} {
		name := "direct down"
		if directUp {
			name = "direct up but blocking the hook"
		}
		t.Run(name, func(t *testing.T) {
			hook := newRecorder(t)
			proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{"hook.lifeline.test": hook.addr()}})
			tunnelSpec := checks.RouteSpec{Name: "tunnel", Kind: checks.RouteSOCKS5, Proxy: proxy.URL()}
			tunnel, err := engine.NewRoute(tunnelSpec)
			if err != nil {
				t.Fatal(err)
			}
			blocked := &censor{}
			diag := &fixture.SyncBuffer{}
			n := NewNotifier(NotifyOptions{
				FailureThreshold: 1, SuccessThreshold: 1,
				Webhook:     "http://hook.lifeline.test/hook/tok",
				Routes:      []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}, tunnelSpec},
				Router:      &labRouter{censor: blocked, tunnel: tunnel},
				DialDirect:  blocked.dial,
				Backoff:     time.Millisecond,
				Diagnostics: diag,
			})
			defer n.Close()
			n.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: directUp}})
			n.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tunnel", Kind: checks.RouteSOCKS5, OK: true}})
			n.Observe(checkDone("tunnel", "telegram", checks.VerdictOK))
			if directUp {
				// Signal still works on the direct path: the route is seen working.
				n.Observe(checkDone("direct", "signal", checks.VerdictOK))
			}
			n.Observe(checkDone("direct", "telegram", checks.VerdictOK))
			n.Observe(checkDone("direct", "telegram", checks.VerdictBlocked))
			waitFor(t, "the alert through the tunnel", func() bool { return len(hook.got()) == 1 })
			got := hook.got()[0]
			var p WebhookPayload
			if err := json.Unmarshal([]byte(got.body), &p); err != nil || p.To != "blocked" || got.path != "/hook/tok" || got.host != "hook.lifeline.test" {
				t.Errorf("hook got %+v (%v)", got, err)
			}
			if req := proxy.Requested(); len(req) != 1 || req[0] != "hook.lifeline.test:80" {
				t.Errorf("the tunnel carried %v, want the hook's name for the proxy to resolve", req)
			}
			if a := blocked.attempts.Load(); directUp != (a > 0) {
				t.Errorf("%d attempts on the blocked direct path with direct up=%v", a, directUp)
			}
			if strings.Contains(diag.String(), "gave up") {
				t.Errorf("diagnostics: %s", diag.String())
			}
		})
	}
}

// TestAlertsIgnoreProxyEnvironment: HTTP_PROXY and HTTPS_PROXY name a proxy that would see
// the hook's URL (and its token, in clear over http://). Alerts go direct unless via: env.
func TestAlertsIgnoreProxyEnvironment(t *testing.T) {
	hook := newRecorder(t)
	envProxy := newRecorder(t)
	t.Setenv("HTTP_PROXY", envProxy.srv.URL)
	t.Setenv("HTTPS_PROXY", envProxy.srv.URL)
	t.Setenv("http_proxy", envProxy.srv.URL)
	t.Setenv("https_proxy", envProxy.srv.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	// The hook's name leads to the hook, as a resolver would send it; other addresses (the
	// proxy's) are dialled as they are.
	toHook := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == "hook.lifeline.test:80" {
			addr = hook.addr()
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	for _, via := range []string{"", checks.ViaDirect} {
		n := NewNotifier(NotifyOptions{
			FailureThreshold: 1, SuccessThreshold: 1, Backoff: time.Millisecond,
			Deliveries: []Delivery{{Kind: checks.NotifyWebhook, URL: "http://hook.lifeline.test/hook/s3cret", Via: via}},
			DialDirect: toHook,
		})
		n.Observe(checkDone("direct", "signal", checks.VerdictOK))
		n.Observe(checkDone("direct", "signal", checks.VerdictBlocked))
		waitFor(t, "the alert", func() bool { return len(hook.got()) > 0 })
		n.Close()
		hook.mu.Lock()
		hook.reqs = nil
		hook.mu.Unlock()
	}
	if got := envProxy.got(); len(got) != 0 {
		t.Errorf("the environment's proxy got %d requests: %+v", len(got), got[0])
	}
}

// TestNtfyAndTelegramNotifiers: each kind sends the change in its service's own shape, and a
// failure is reported without its URL or token.
func TestNtfyAndTelegramNotifiers(t *testing.T) {
	srv := newRecorder(t)
	n := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1, Backoff: time.Millisecond,
		Deliveries: []Delivery{
			{Kind: checks.NotifyNtfy, URL: srv.srv.URL + "/lifeline-alerts", Token: "tk_ntfysecret"},
			{Kind: checks.NotifyTelegram, URL: srv.srv.URL, Token: "123:tgsecret", Chat: "-1001"},
		},
	})
	defer n.Close()
	n.Observe(checkDone("family-vpn", "signal", checks.VerdictOK))
	n.Observe(done(result("family-vpn", "signal", checks.VerdictBlocked, 0, "TLS reset")))
	waitFor(t, "both notifiers", func() bool { return len(srv.got()) == 2 })
	for _, r := range srv.got() {
		switch r.path {
		case "/lifeline-alerts":
			if r.header.Get("Authorization") != "Bearer tk_ntfysecret" || r.header.Get("Priority") != "high" ||
				!strings.Contains(r.header.Get("Title"), "family-vpn / signal blocked") ||
				r.body != "family-vpn / signal: ok → blocked (TLS reset)" {
				t.Errorf("ntfy request %+v", r)
			}
		case "/bot123:tgsecret/sendMessage":
			var m struct{ ChatID, Text string }
			if err := json.Unmarshal([]byte(r.body), &struct {
				ChatID *string `json:"chat_id"`
				Text   *string `json:"text"`
			}{&m.ChatID, &m.Text}); err != nil || m.ChatID != "-1001" || !strings.Contains(m.Text, "signal: ok → blocked") {
				t.Errorf("telegram request %+v", r)
			}
		default:
			t.Errorf("unexpected request %+v", r)
		}
	}

	// Failures name the kind, never the URL or token.
	srv.srv.Close()
	diag := &fixture.SyncBuffer{}
	failing := NewNotifier(NotifyOptions{
		FailureThreshold: 1, SuccessThreshold: 1, Attempts: 1, Diagnostics: diag,
		Deliveries: []Delivery{
			{Kind: checks.NotifyNtfy, URL: srv.srv.URL + "/lifeline-alerts", Token: "tk_ntfysecret"},
			{Kind: checks.NotifyTelegram, URL: srv.srv.URL, Token: "123:tgsecret", Chat: "-1001"},
		},
	})
	defer failing.Close()
	failing.Observe(checkDone("r", "s", checks.VerdictOK))
	failing.Observe(checkDone("r", "s", checks.VerdictBlocked))
	waitFor(t, "two give-ups", func() bool { return strings.Count(diag.String(), "gave up") == 2 })
	if s := diag.String(); strings.Contains(s, "secret") || strings.Contains(s, srv.srv.URL) || !strings.Contains(s, "ntfy: ") || !strings.Contains(s, "telegram: ") {
		t.Errorf("diagnostics %q", s)
	}
}
