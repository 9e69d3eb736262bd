package engine_test

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

func postTarget(addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPPost, Addr: addr}
}

// A Telegram data centre answers a POST to / with 404 or 501: the path is open.
func TestHTTPPostProbeCountsAnErrorPageAsWorking(t *testing.T) {
	var mu sync.Mutex
	var method, path string
	var body []byte
	srv := fixture.StartHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
		mu.Lock()
		method, path, body = r.Method, r.URL.Path, b
		mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	res := probeWithin(t, directRoute(t), postTarget(srv.Addr), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK || res.Err != nil {
		t.Fatalf("probe failed: %v", res.Err)
	}
	if res.Status != http.StatusNotFound {
		t.Fatalf("status = %d, want 404 recorded", res.Status)
	}
	p := res.Phases
	if p.Connect <= 0 || p.FirstByte <= 0 || p.Total < p.FirstByte {
		t.Fatalf("phases not recorded: %+v", p)
	}
	if p.TLS != 0 {
		t.Fatalf("plain HTTP has no TLS phase, got %v", p.TLS)
	}
	mu.Lock()
	defer mu.Unlock()
	if method != http.MethodPost || path != "/" || len(body) == 0 {
		t.Fatalf("server saw %s %s with %d body bytes, want a POST to / with a body", method, path, len(body))
	}
}

// A redirect is an answer too; the probe does not chase it.
func TestHTTPPostProbeDoesNotFollowRedirects(t *testing.T) {
	srv := fixture.StartHTTP(t, fixture.RedirectLoopHandler())
	res := probeWithin(t, directRoute(t), postTarget(srv.Addr), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK || res.Status != http.StatusFound {
		t.Fatalf("got ok=%v status=%d err=%v, want a working 302", res.OK, res.Status, res.Err)
	}
}

func TestHTTPPostProbeNamesEachFailure(t *testing.T) {
	opt := engine.ProbeOptions{StepTimeout: 500 * time.Millisecond}
	cases := []failureCase{
		{"refused", func(t *testing.T) string { return fixture.RefusedAddr(t) }, checks.FailConnectionRefused, checks.OpConnect, "connect connection refused on 127.0.0.1"},
		{"reset after the request", func(t *testing.T) string { return startFault(t, faultReset) },
			checks.FailConnectionReset, checks.OpHTTPRoundTrip, "HTTP reset on 127.0.0.1"},
		{"closed after the request", func(t *testing.T) string { return startFault(t, faultClose) },
			checks.FailEOF, checks.OpHTTPRoundTrip, "HTTP closed by peer on 127.0.0.1"},
		{"silence after the request", func(t *testing.T) string { return startFault(t, faultSilent) },
			checks.FailGenericTimeout, checks.OpHTTPRoundTrip, "HTTP timed out on 127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := probeWithin(t, directRoute(t), postTarget(tc.addr(t)), opt)
			assertFailure(t, res, "127.0.0.1", tc.failure, tc.op, tc.human)
		})
	}
}

func TestHTTPPostProbeNamesAStallInTheAnswer(t *testing.T) {
	srv := fixture.StartHTTP(t, fixture.StallHandler(100))
	res := probeWithin(t, directRoute(t), postTarget(srv.Addr), engine.ProbeOptions{StepTimeout: 300 * time.Millisecond})
	assertFailure(t, res, "127.0.0.1", checks.FailGenericTimeout, checks.OpRead, "read timed out on 127.0.0.1")
}
