package engine_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const webName = "web.example.test"

// httpsTarget GETs the server's URL path while naming webName, so no real name is resolved.
func httpsTarget(srv *fixture.Server, path string, expect int) checks.Target {
	return checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: srv.URL + path, SNI: webName, Expect: expect, RootCAs: fixture.Pool()}
}

func startWeb(t *testing.T, h http.Handler) *fixture.Server {
	return fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, webName), Handler: h})
}

func TestHTTPSProbeWorksAndTimesEachPhase(t *testing.T) {
	srv := startWeb(t, fixture.StatusHandler(http.StatusOK))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", http.StatusOK), engine.ProbeOptions{StepTimeout: 5 * time.Second, BodyLimit: 1 << 10})
	if !res.OK || res.Err != nil {
		t.Fatalf("probe failed: %v", res.Err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.Status)
	}
	p := res.Phases
	if p.Connect <= 0 || p.TLS <= 0 || p.FirstByte <= 0 {
		t.Fatalf("phases not recorded: %+v", p)
	}
	// Each phase is a duration of its own: together they fit in the total.
	if p.Total < p.DNS+p.Connect+p.TLS+p.FirstByte+p.Body {
		t.Fatalf("phases add up to more than the total: %+v", p)
	}
	if res.Peer != webName {
		t.Fatalf("peer = %q, want %q", res.Peer, webName)
	}
}

// With no expected status any answer is a working path: web.whatsapp.com answers 400.
func TestHTTPSProbeAcceptsAnyStatusWhenNoneIsExpected(t *testing.T) {
	srv := startWeb(t, fixture.StatusHandler(http.StatusBadRequest))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", 0), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK || res.Status != http.StatusBadRequest {
		t.Fatalf("got ok=%v status=%d err=%v, want a working 400", res.OK, res.Status, res.Err)
	}
}

func TestHTTPSProbeReportsAnUnexpectedStatus(t *testing.T) {
	srv := startWeb(t, fixture.StatusHandler(http.StatusNotFound))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", http.StatusOK), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	assertFailure(t, res, webName, checks.FailHTTPStatus, checks.OpHTTPRoundTrip,
		"unexpected HTTP status on web.example.test: expected 200, got 404")
	if res.Status != http.StatusNotFound {
		t.Fatalf("status = %d, want 404 recorded", res.Status)
	}
}

func TestHTTPSProbeGivesUpOnEndlessRedirects(t *testing.T) {
	var requests atomic.Int64
	srv := startWeb(t, fixture.CountRequests(fixture.RedirectLoopHandler(), &requests))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/hop/0", 0), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	assertFailure(t, res, webName, checks.FailTooManyRedirects, checks.OpHTTPRoundTrip, "")
	if !strings.Contains(res.Err.Detail, "5 redirects") {
		t.Fatalf("detail = %q, want the redirect count", res.Err.Detail)
	}
	if got := requests.Load(); got != 6 {
		t.Fatalf("server saw %d requests, want the original plus 5 redirects", got)
	}
	if res.Status != http.StatusFound {
		t.Fatalf("status = %d, want the last redirect's 302", res.Status)
	}
}

func TestHTTPSProbeFollowsAShortRedirect(t *testing.T) {
	srv := startWeb(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/old", http.StatusNoContent), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK || res.Status != http.StatusNoContent {
		t.Fatalf("got ok=%v status=%d err=%v, want 204 after the redirect", res.OK, res.Status, res.Err)
	}
}

// The "TCP 16-20" freeze: headers and some kilobytes arrive, then nothing.
func TestHTTPSProbeNamesAStallMidBody(t *testing.T) {
	const before = 20000
	srv := startWeb(t, fixture.StallHandler(before))
	opt := engine.ProbeOptions{StepTimeout: 500 * time.Millisecond, BodyLimit: 64 << 10}
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", 0), opt)
	assertFailure(t, res, webName, checks.FailGenericTimeout, checks.OpRead, "read timed out on web.example.test")
	if res.Err.Detail != "after 20000 bytes of body" {
		t.Fatalf("detail = %q, want the bytes read before the stall", res.Err.Detail)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("status = %d, want the 200 that came before the stall", res.Status)
	}
}

// A body larger than the limit is not read to its end: the probe works and stops early.
func TestHTTPSProbeReadsAtMostTheBodyLimit(t *testing.T) {
	srv := startWeb(t, fixture.StallHandler(256<<10))
	opt := engine.ProbeOptions{StepTimeout: 5 * time.Second, BodyLimit: 16 << 10}
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", 0), opt)
	if !res.OK {
		t.Fatalf("probe failed: %v", res.Err)
	}
}

func TestHTTPSProbeNamesCertificateFailures(t *testing.T) {
	opt := engine.ProbeOptions{StepTimeout: 5 * time.Second}
	middlebox := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.ForeignLeaf(t, webName)})
	res := probeWithin(t, directRoute(t), httpsTarget(middlebox, "/", 0), opt)
	assertFailure(t, res, webName, checks.FailSSLUnknownAuthority, checks.OpTLSHandshake,
		"untrusted certificate on web.example.test (interception?)")

	other := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "localhost")})
	target := httpsTarget(other, "/", 0)
	target.SNI = ""
	res = probeWithin(t, directRoute(t), target, opt)
	assertFailure(t, res, "127.0.0.1", checks.FailSSLInvalidHostname, checks.OpTLSHandshake,
		"certificate for another name on 127.0.0.1")
}

func TestHTTPSProbeNamesAResetAfterClientHello(t *testing.T) {
	target := checks.Target{Kind: checks.KindHTTPS, Addr: "https://" + startFault(t, faultReset) + "/", SNI: webName}
	res := probeWithin(t, directRoute(t), target, engine.ProbeOptions{StepTimeout: 5 * time.Second})
	assertFailure(t, res, webName, checks.FailConnectionReset, checks.OpTLSHandshake,
		"TLS reset after ClientHello on web.example.test")
}

func TestHTTPSProbeNamesSilenceAfterClientHello(t *testing.T) {
	target := checks.Target{Kind: checks.KindHTTPS, Addr: "https://" + startFault(t, faultSilent) + "/", SNI: webName}
	res := probeWithin(t, directRoute(t), target, engine.ProbeOptions{StepTimeout: 300 * time.Millisecond})
	assertFailure(t, res, webName, checks.FailGenericTimeout, checks.OpTLSHandshake, "")
}

// *_PROXY variables point nowhere here; the probe must not use them.
func TestHTTPSProbeIgnoresProxyEnvironment(t *testing.T) {
	dead := "http://" + fixture.RefusedAddr(t)
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"} {
		t.Setenv(name, dead)
	}
	t.Setenv("NO_PROXY", "")
	srv := startWeb(t, nil)
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", http.StatusOK), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK {
		t.Fatalf("probe went to the environment's proxy: %v", res.Err)
	}
}

func TestHTTPSProbeRefusesABadURLWithoutEchoingIt(t *testing.T) {
	target := checks.Target{Kind: checks.KindHTTPS, Addr: "https://user:s3cret@[::1"}
	res := engine.Probe(t.Context(), directRoute(t), target, engine.ProbeOptions{})
	if res.OK || res.Err == nil {
		t.Fatalf("a malformed URL worked: %+v", res)
	}
	if strings.Contains(res.Err.Error(), "s3cret") {
		t.Fatalf("error leaks the password: %q", res.Err.Error())
	}
}

// A server cannot make the probe buffer unbounded headers.
func TestHTTPSProbeBoundsResponseHeaders(t *testing.T) {
	srv := startWeb(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 64 {
			w.Header().Set("X-Filler-"+strconv.Itoa(i), strings.Repeat("a", 1<<10))
		}
		w.WriteHeader(http.StatusOK)
	}))
	res := probeWithin(t, directRoute(t), httpsTarget(srv, "/", 0), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if res.OK || res.Err == nil || res.Err.Operation != checks.OpHTTPRoundTrip {
		t.Fatalf("64 KiB of headers: got ok=%v err=%v, want an http_round_trip failure", res.OK, res.Err)
	}
	if res.Err.Detail != "response headers over 32768 bytes" {
		t.Fatalf("detail = %q, want the header bound named", res.Err.Detail)
	}
}

// Through a SOCKS5 route the name goes to the proxy, never to a local resolver: the name
// here exists nowhere but in the proxy's table.
func TestHTTPSProbeHandsTheNameToTheProxy(t *testing.T) {
	srv := startWeb(t, fixture.StatusHandler(http.StatusOK))
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{webName: srv.Addr}})
	route, err := engine.NewRoute(checks.RouteSpec{Name: "socks", Kind: checks.RouteSOCKS5, Proxy: socks.URL()})
	if err != nil {
		t.Fatal(err)
	}
	target := checks.Target{Kind: checks.KindHTTPS, Addr: "https://" + webName + "/", Expect: http.StatusOK, RootCAs: fixture.Pool()}
	res := probeWithin(t, route, target, engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK {
		t.Fatalf("probe through socks5 failed: %v", res.Err)
	}
	if got := socks.Requested(); len(got) != 1 || got[0] != webName+":443" {
		t.Fatalf("proxy was asked for %q, want the name %s:443", got, webName)
	}
	if res.Phases.Connect <= 0 || res.Phases.TLS <= 0 {
		t.Fatalf("phases not recorded through the proxy: %+v", res.Phases)
	}
}

// A body that trickles in faster than the step timeout is cut by the probe's own deadline,
// and that is a timeout, never a body that ended: the transport may report the cut as a
// plain EOF. Repeated, since the cut races the next byte.
func TestHTTPSProbeDeadlineCuttingADripIsATimeout(t *testing.T) {
	srv := startWeb(t, fixture.DripBodyHandler())
	opt := engine.ProbeOptions{StepTimeout: time.Second, BodyLimit: 64 << 10}
	// The claim is about a deadline that lands while the body drips. 120 ms is past the
	// headers on an idle machine; on a starved one the handshake alone can take longer, and a
	// deadline cut there proves nothing about the drip: such a run must still be a timeout,
	// and the next run gets twice the time, until 20 runs have cut the drip itself.
	deadline := 120 * time.Millisecond
	cut := 0
	for run := 1; cut < 20; run++ {
		if run > 60 {
			t.Fatalf("only %d of %d runs reached the body (deadline now %s)", cut, run-1, deadline)
		}
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		res := engine.Probe(ctx, directRoute(t), httpsTarget(srv, "/", 0), opt)
		cancel()
		if res.OK || res.Err == nil || res.Err.Failure != checks.FailGenericTimeout {
			t.Fatalf("run %d: ok=%v err=%v, want %s", run, res.OK, res.Err, checks.FailGenericTimeout)
		}
		if res.Phases.FirstByte == 0 {
			deadline *= 2
			continue
		}
		if res.Err.Operation != checks.OpRead {
			t.Fatalf("run %d: the deadline cut the drip after the headers, but the failure is at %s, want %s", run, res.Err.Operation, checks.OpRead)
		}
		cut++
	}
}
