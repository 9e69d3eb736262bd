package engine_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

var quick = engine.ProbeOptions{StepTimeout: 3 * time.Second}

func dcTarget(kind, addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: kind, Addr: addr}
}

// TestMTProtoProbesProveAFakeDC: a data centre that answers req_pq_multi with our nonce
// passes over both transports, and the proof names it.
func TestMTProtoProbesProveAFakeDC(t *testing.T) {
	dc := fixture.FakeDC(t, fixture.DCOptions{})
	for _, kind := range []string{checks.KindMTProto, checks.KindMTProtoHTTP} {
		res := probeWithin(t, directRoute(t), dcTarget(kind, dc), quick)
		if !res.OK {
			t.Fatalf("%s: %v", kind, res.Err)
		}
		if !strings.Contains(res.Proof, "MTProto resPQ") || !strings.Contains(res.Proof, "from "+dc) ||
			!strings.Contains(res.Proof, "Telegram's production key") {
			t.Errorf("%s proof = %q", kind, res.Proof)
		}
		if kind == checks.KindMTProto && res.Phases.FirstByte <= 0 {
			t.Errorf("%s: no first-byte time: %+v", kind, res.Phases)
		}
	}
	other := fixture.FakeDC(t, fixture.DCOptions{Fingerprints: []uint64{42}})
	res := probeWithin(t, directRoute(t), dcTarget(checks.KindMTProto, other), quick)
	if !res.OK || !strings.Contains(res.Proof, "not listing Telegram's production key") {
		t.Errorf("a DC without the production key: ok=%v proof %q", res.OK, res.Proof)
	}
}

func TestMTProtoProbesRejectAResPQForAnotherNonce(t *testing.T) {
	dc := fixture.FakeDC(t, fixture.DCOptions{WrongNonce: true})
	for _, kind := range []string{checks.KindMTProto, checks.KindMTProtoHTTP} {
		res := probeWithin(t, directRoute(t), dcTarget(kind, dc), quick)
		if res.OK || res.Err == nil || res.Err.Failure != checks.FailNotService || !strings.Contains(res.Err.Detail, "another nonce") &&
			!strings.Contains(res.Err.Detail, "without resPQ") {
			t.Fatalf("%s: ok=%v err=%v", kind, res.OK, res.Err)
		}
	}
}

// TestHTTPOnTheDCPortIsNotTelegram is the field case: something answers HTTP on a data
// centre's address. Whatever it answers (200, a redirect elsewhere, 404, a block page), no
// MTProto probe counts it, and the answer is named.
func TestHTTPOnTheDCPortIsNotTelegram(t *testing.T) {
	blockPage := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><body><h1>Доступ ограничен</h1>Ресурс внесён в единый реестр</body></html>"))
	})
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://warning.isp.example/blocked?u=telegram", http.StatusFound)
	})
	cases := []struct {
		name        string
		handler     http.Handler
		httpFailure string // what mtproto_http says
		postOK      bool   // what OONI's http_post says
	}{
		{"200", fixture.StatusHandler(http.StatusOK), checks.FailNotService, true},
		{"404", fixture.StatusHandler(http.StatusNotFound), checks.FailNotService, true},
		{"302 elsewhere", redirect, checks.FailBlockPage, false},
		{"block page", blockPage, checks.FailBlockPage, false},
	}
	for _, c := range cases {
		srv := fixture.StartHTTP(t, c.handler)
		res := probeWithin(t, directRoute(t), dcTarget(checks.KindMTProtoHTTP, srv.Addr), quick)
		if res.OK || res.Err == nil || res.Err.Failure != c.httpFailure {
			t.Errorf("%s: mtproto_http ok=%v err=%v, want %s", c.name, res.OK, res.Err, c.httpFailure)
		}
		if res.Err != nil {
			human := res.Err.Human(srv.Addr)
			if c.httpFailure == checks.FailNotService && !strings.Contains(human, "not Telegram") {
				t.Errorf("%s: says %q", c.name, human)
			}
			if c.httpFailure == checks.FailBlockPage && !strings.Contains(human, "block page") {
				t.Errorf("%s: says %q", c.name, human)
			}
		}
		// An HTTP server reads our random header as a request line: it answers 400 when
		// the header holds a newline and waits for one otherwise.
		res = probeWithin(t, directRoute(t), dcTarget(checks.KindMTProto, srv.Addr), engine.ProbeOptions{StepTimeout: 300 * time.Millisecond})
		if res.OK || res.Err == nil || (res.Err.Failure != checks.FailNotService && res.Err.Failure != checks.FailGenericTimeout) {
			t.Errorf("%s: mtproto ok=%v err=%v, want not Telegram or a timeout", c.name, res.OK, res.Err)
		}
		res = probeWithin(t, directRoute(t), dcTarget(checks.KindHTTPPost, srv.Addr), quick)
		if res.OK != c.postOK || (!c.postOK && res.Err.Failure != checks.FailBlockPage) {
			t.Errorf("%s: http_post ok=%v err=%v", c.name, res.OK, res.Err)
		}
	}
}

func noiseTarget(addr string) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindNoise, Addr: addr}
}

// TestNoiseProbe: on the direct route the connect counts (OONI's rule); through a proxy only
// a Noise server hello computed for our key does, so an echo or a TLS server does not pass.
func TestNoiseProbe(t *testing.T) {
	noise := fixture.NoiseServer(t, fixture.NoiseOptions{})
	echo := fixture.Echo(t)
	tlsSrv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "e3.whatsapp.net")})
	res := probeWithin(t, directRoute(t), noiseTarget(noise), quick)
	if !res.OK || res.Proof != "TCP connect to "+noise {
		t.Fatalf("direct: ok=%v proof %q err %v", res.OK, res.Proof, res.Err)
	}
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: map[string]string{
		"e1.whatsapp.net:443": noise, "e2.whatsapp.net:443": echo, "e3.whatsapp.net:443": tlsSrv.Addr,
	}})
	via := proxyRoute(t, checks.RouteSOCKS5, socks.Addr, "", "")
	res = probeWithin(t, via, noiseTarget("e1.whatsapp.net:443"), quick)
	if !res.OK || res.Proof != "WhatsApp Noise server hello from e1.whatsapp.net:443" {
		t.Fatalf("noise via socks: ok=%v proof %q err %v", res.OK, res.Proof, res.Err)
	}
	res = probeWithin(t, via, noiseTarget("e2.whatsapp.net:443"), quick)
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailNotService {
		t.Errorf("an echo via socks: ok=%v err=%v, want not WhatsApp", res.OK, res.Err)
	}
	// A TLS server hangs up on the WA prologue.
	if res = probeWithin(t, via, noiseTarget("e3.whatsapp.net:443"), quick); res.OK {
		t.Error("a TLS server passed for a WhatsApp chat server")
	}
}

// TestMessengerProbesWaitForADrippedValidAnswerOnlyUntilTheDeadline: a data centre and a
// WhatsApp chat server that send their valid answers (resPQ over both transports, the Noise
// ServerHello) one byte at a time pass when the answer can finish in time. When it cannot,
// every read still succeeding well within a step, the probe is cut at the check's deadline
// and named a timeout at the read it was in, not "not Telegram" nor "not WhatsApp". The Noise
// probe reads the hello through a proxy; on the direct route a connect counts.
func TestMessengerProbesWaitForADrippedValidAnswerOnlyUntilTheDeadline(t *testing.T) {
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	routes := []engine.Route{directRoute(t), proxyRoute(t, checks.RouteSOCKS5, socks.Addr, "", "")}
	dripping := func(r engine.Route, drip time.Duration) []checks.Target {
		dc := fixture.FakeDC(t, fixture.DCOptions{Drip: drip})
		targets := []checks.Target{dcTarget(checks.KindMTProto, dc), dcTarget(checks.KindMTProtoHTTP, dc)}
		if r.Spec().Kind != checks.RouteDirect {
			targets = append(targets, noiseTarget(fixture.NoiseServer(t, fixture.NoiseOptions{Drip: drip})))
		}
		return targets
	}
	for _, r := range routes {
		for _, target := range dripping(r, 2*time.Millisecond) {
			if res := probeWithin(t, r, target, quick); !res.OK {
				t.Errorf("%s × %s, a quick drip: %v, want the answer", r.Spec().Name, target.Kind, res.Err)
			}
		}
	}

	// A step longer than the deadline: only the deadline can end these probes before the
	// answer is whole (about 90 bytes for MTProto, 130 for Noise, 50 ms apart).
	const deadline = 300 * time.Millisecond
	opt := engine.ProbeOptions{StepTimeout: 5 * time.Second}
	for _, r := range routes {
		for _, target := range dripping(r, 50*time.Millisecond) {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			start := time.Now()
			res := engine.Probe(ctx, r, target, opt)
			took := time.Since(start)
			cancel()
			t.Logf("%s × %s: ok=%v %v after %v", r.Spec().Name, target.Kind, res.OK, res.Err, took)
			if res.OK || res.Err == nil || res.Err.Failure != checks.FailGenericTimeout || res.Err.Operation != checks.OpRead {
				t.Errorf("%s × %s: ok=%v err=%v, want %s at %s", r.Spec().Name, target.Kind, res.OK, res.Err,
					checks.FailGenericTimeout, checks.OpRead)
			}
			if took < deadline {
				t.Errorf("%s × %s: ended after %v, before the deadline (%v)", r.Spec().Name, target.Kind, took, deadline)
			}
		}
	}
}

func wsTarget(url string) checks.Target {
	return checks.Target{Role: checks.RoleWeb, Kind: checks.KindWebSocket, Addr: url, Origin: "https://web.whatsapp.com", RootCAs: fixture.Pool()}
}

// TestWebSocketProbeCountsOnly101: a gateway that upgrades passes; one that answers a page,
// or a 101 with the wrong accept key, does not.
func TestWebSocketProbeCountsOnly101(t *testing.T) {
	hosts := map[string]string{}
	for name, mode := range map[string]fixture.WebSocketMode{
		"web.whatsapp.com": fixture.WebSocketUpgrade, "page.whatsapp.com": fixture.WebSocketPage, "bad.whatsapp.com": fixture.WebSocketWrongAccept,
	} {
		srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, name), Handler: fixture.WebSocketHandler("/ws/chat", "https://web.whatsapp.com", mode)})
		hosts[name+":443"] = srv.Addr
	}
	via := proxyRoute(t, checks.RouteSOCKS5, fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts}).Addr, "", "")
	res := probeWithin(t, via, wsTarget("wss://web.whatsapp.com/ws/chat"), quick)
	if !res.OK || res.Status != http.StatusSwitchingProtocols || res.Proof != "WebSocket 101 from web.whatsapp.com" {
		t.Fatalf("gateway: ok=%v status=%d proof=%q err=%v", res.OK, res.Status, res.Proof, res.Err)
	}
	res = probeWithin(t, via, wsTarget("wss://page.whatsapp.com/ws/chat"), quick)
	if res.OK || res.Status != http.StatusOK || res.Err == nil || res.Err.Failure != checks.FailHTTPStatus {
		t.Errorf("page: ok=%v status=%d err=%v", res.OK, res.Status, res.Err)
	}
	res = probeWithin(t, via, wsTarget("wss://bad.whatsapp.com/ws/chat"), quick)
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailNotService {
		t.Errorf("wrong accept: ok=%v err=%v", res.OK, res.Err)
	}
	// Without the Origin WhatsApp Web sends, the gateway refuses.
	noOrigin := wsTarget("wss://web.whatsapp.com/ws/chat")
	noOrigin.Origin = ""
	if res = probeWithin(t, via, noOrigin, quick); res.OK {
		t.Error("an upgrade without Origin passed against a gateway that requires it")
	}
}
