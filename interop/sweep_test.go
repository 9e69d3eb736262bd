//go:build linux

package interop

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// targetName is the name the test messenger's certificate is issued for. It resolves
// nowhere on its own: proxy tests dial its IP with this SNI, the interface test serves it
// from the namespace's own DNS server.
const targetName = "svc.lifeline.test"

// Sweep bounds. Slow is far above anything loopback takes, so a loaded machine never turns
// ok into slow: speed is for benchmarks, these tests assert verdicts.
var labSettings = checks.Settings{
	Timeout:     10 * time.Second,
	StepTimeout: 5 * time.Second,
	Slow:        time.Minute,
	Concurrency: 8,
	PerRoute:    4,
}

const sweepBound = 30 * time.Second

// messenger is a TLS "messenger" on loopback with a certificate from the test CA for
// targetName and 127.0.0.1.
func messenger(t *testing.T) *fixture.Server {
	t.Helper()
	return fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, targetName, "127.0.0.1")})
}

// tlsTarget is a chat target: a TLS handshake to addr sending and verifying targetName.
func tlsTarget(addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: targetName, RootCAs: fixture.Pool()}
}

// service is one inline service with the given targets.
func service(name string, targets ...checks.Target) checks.Service {
	return checks.Service{Name: name, Title: name, Short: strings.ToUpper(name[:2]), Targets: targets}
}

// messengerService is the service the proxy tests expect to work: a chat TLS target and a
// web HTTPS target on the same fixture server.
func messengerService(srv *fixture.Server) checks.Service {
	return service("messenger",
		tlsTarget(srv.Addr),
		checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: srv.URL + "/", Expect: 200, RootCAs: fixture.Pool()},
	)
}

// proxyURL is scheme://[user:pass@]addr.
func proxyURL(scheme, addr, user, pass string) *url.URL {
	u := &url.URL{Scheme: scheme, Host: addr}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	return u
}

// outcome is what one sweep reported.
type outcome struct {
	routes map[string]checks.RouteResult
	checks map[string]checks.CheckResult // by route + "/" + service
}

// check returns the result for route × service, failing the test if the sweep had none.
func (o outcome) check(t *testing.T, route, svc string) checks.CheckResult {
	t.Helper()
	c, ok := o.checks[route+"/"+svc]
	if !ok {
		t.Fatalf("no result for %s × %s; have %v", route, svc, keys(o.checks))
	}
	return c
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sweep runs one sweep of routes × services through the real scheduler and returns what it
// streamed. A sweep that outlives its deadline plus slack fails the test.
func sweep(t *testing.T, routes []checks.RouteSpec, services ...checks.Service) outcome {
	t.Helper()
	s, err := engine.NewScheduler(checks.Plan{Settings: labSettings, Routes: routes, Services: services})
	if err != nil {
		t.Fatalf("NewScheduler: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), sweepBound)
	defer cancel()
	o := outcome{routes: map[string]checks.RouteResult{}, checks: map[string]checks.CheckResult{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Sweep(ctx, nil, func(e checks.Event) {
			switch e.Kind {
			case checks.EventRouteChecked:
				o.routes[e.Route.Name] = e.Route
			case checks.EventCheckDone:
				o.checks[e.Check.Route+"/"+e.Check.Service] = e.Check
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(sweepBound + 15*time.Second):
		t.Fatalf("sweep did not return within %s of its deadline", 15*time.Second)
	}
	for _, c := range o.checks {
		t.Logf("%s × %s: %s — %s", c.Route, c.Service, c.Verdict, c.Reason)
	}
	return o
}

// expectVerdict fails unless route × svc got want and its reason holds every word given.
func expectVerdict(t *testing.T, o outcome, route, svc string, want checks.Verdict, words ...string) checks.CheckResult {
	t.Helper()
	c := o.check(t, route, svc)
	if c.Verdict != want {
		t.Errorf("%s × %s: verdict %s (%s), want %s", route, svc, c.Verdict, c.Reason, want)
		for _, tr := range c.Targets {
			if tr.Err != nil {
				t.Logf("  %s: %v", tr.Target, tr.Err)
			}
		}
	}
	for _, w := range words {
		if !strings.Contains(strings.ToLower(c.Reason), strings.ToLower(w)) {
			t.Errorf("%s × %s: reason %q does not mention %q", route, svc, c.Reason, w)
		}
	}
	return c
}

// expectNoSecret fails if a password shows up in anything the sweep reported.
func expectNoSecret(t *testing.T, o outcome, secret string) {
	t.Helper()
	for _, r := range o.routes {
		if strings.Contains(r.Reason, secret) {
			t.Errorf("route %s reason leaks the password: %q", r.Name, r.Reason)
		}
	}
	for k, c := range o.checks {
		if strings.Contains(c.Reason, secret) {
			t.Errorf("%s reason leaks the password: %q", k, c.Reason)
		}
		if c.Cause != nil && strings.Contains(c.Cause.Error(), secret) {
			t.Errorf("%s cause leaks the password: %q", k, c.Cause.Error())
		}
	}
}
