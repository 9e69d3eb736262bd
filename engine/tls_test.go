package engine_test

import (
	"context"
	"crypto/x509"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const chatName = "chat.example.test"

// tlsTarget dials addr on loopback while naming chatName, the way a censor sees the SNI.
func tlsTarget(addr string, roots *x509.CertPool) checks.Target {
	return checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: chatName, RootCAs: roots}
}

func TestTLSProbeWorksAndTimesEachPhase(t *testing.T) {
	const delay = 50 * time.Millisecond
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chatName), HandshakeDelay: delay})
	opt := engine.ProbeOptions{StepTimeout: 5 * time.Second}

	res := probeWithin(t, directRoute(t), tlsTarget(srv.Addr, fixture.Pool()), opt)

	if !res.OK || res.Err != nil {
		t.Fatalf("probe failed: %v", res.Err)
	}
	if res.Phases.Connect <= 0 || res.Phases.TLS <= 0 {
		t.Fatalf("phases not recorded: %+v", res.Phases)
	}
	if res.Phases.TLS < delay {
		t.Fatalf("TLS phase %v misses the server's %v handshake delay", res.Phases.TLS, delay)
	}
	if res.Phases.Total < res.Phases.Connect+res.Phases.TLS {
		t.Fatalf("total %v shorter than its parts: %+v", res.Phases.Total, res.Phases)
	}
	if res.Phases.DNS != 0 {
		t.Fatalf("an IP address needs no DNS, got %v", res.Phases.DNS)
	}
	if res.Peer != chatName {
		t.Fatalf("peer = %q, want the certificate's name %q", res.Peer, chatName)
	}
}

// Without SNI the server name is the host of the address, here an IP in the certificate.
func TestTLSProbeVerifiesTheHostWithoutSNI(t *testing.T) {
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "127.0.0.1")})
	target := checks.Target{Kind: checks.KindTLS, Addr: srv.Addr, RootCAs: fixture.Pool()}
	res := probeWithin(t, directRoute(t), target, engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK {
		t.Fatalf("probe failed: %v", res.Err)
	}
}

func TestTLSProbeNamesEachFailure(t *testing.T) {
	r := directRoute(t)
	opt := engine.ProbeOptions{StepTimeout: 500 * time.Millisecond}
	serve := func(cert func(*testing.T) fixture.TLSOptions) func(*testing.T) string {
		return func(t *testing.T) string { return fixture.StartTLS(t, cert(t)).Addr }
	}
	cases := []failureCase{
		{
			name: "middlebox certificate",
			addr: serve(func(t *testing.T) fixture.TLSOptions {
				return fixture.TLSOptions{Cert: fixture.ForeignLeaf(t, chatName)}
			}),
			failure: checks.FailSSLUnknownAuthority, op: checks.OpTLSHandshake,
			human: "untrusted certificate on chat.example.test (interception?)",
		},
		{
			name: "certificate for another name",
			addr: serve(func(t *testing.T) fixture.TLSOptions {
				return fixture.TLSOptions{Cert: fixture.Leaf(t, "other.example.test")}
			}),
			failure: checks.FailSSLInvalidHostname, op: checks.OpTLSHandshake,
			human: "certificate for another name on chat.example.test",
		},
		{
			name: "expired certificate",
			addr: serve(func(t *testing.T) fixture.TLSOptions {
				return fixture.TLSOptions{Cert: fixture.ExpiredLeaf(t, chatName)}
			}),
			failure: checks.FailSSLInvalidCert, op: checks.OpTLSHandshake,
			human: "invalid certificate on chat.example.test",
		},
		{
			name:    "reset after ClientHello",
			addr:    func(t *testing.T) string { return startFault(t, faultReset) },
			failure: checks.FailConnectionReset, op: checks.OpTLSHandshake,
			human: "TLS reset after ClientHello on chat.example.test",
		},
		{
			name:    "closed after ClientHello",
			addr:    func(t *testing.T) string { return startFault(t, faultClose) },
			failure: checks.FailEOF, op: checks.OpTLSHandshake,
			human: "TLS closed by peer after ClientHello on chat.example.test",
		},
		{
			name:    "silence after ClientHello",
			addr:    func(t *testing.T) string { return startFault(t, faultSilent) },
			failure: checks.FailGenericTimeout, op: checks.OpTLSHandshake,
			human: "TLS handshake timed out on chat.example.test",
		},
		{
			name:    "nothing listening",
			addr:    func(t *testing.T) string { return fixture.RefusedAddr(t) },
			failure: checks.FailConnectionRefused, op: checks.OpConnect,
			human: "connect connection refused on chat.example.test",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := probeWithin(t, r, tlsTarget(tc.addr(t), fixture.Pool()), opt)
			assertFailure(t, res, chatName, tc.failure, tc.op, tc.human)
			if res.Peer != "" {
				t.Fatalf("a failed handshake names a peer: %q", res.Peer)
			}
		})
	}
}

func TestTLSProbeSanitizesTheCertificateName(t *testing.T) {
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.HostileLeaf(t, chatName)})
	res := probeWithin(t, directRoute(t), tlsTarget(srv.Addr, fixture.Pool()), engine.ProbeOptions{StepTimeout: 5 * time.Second})
	if !res.OK {
		t.Fatalf("probe failed: %v", res.Err)
	}
	assertNoControl(t, "peer", res.Peer)
	if res.Peer != "evil.example.test" {
		t.Fatalf("peer = %q, want the CN without its escape sequences", res.Peer)
	}
}

// A route's own anchors (a corporate proxy's CA) are trusted on top of the target's store.
func TestSchedulerTrustsTheRouteAnchors(t *testing.T) {
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chatName)})
	svc := checks.Service{Name: "chatapp", Targets: []checks.Target{tlsTarget(srv.Addr, x509.NewCertPool())}}
	plan := checks.Plan{
		Routes: []checks.RouteSpec{
			{Name: "office", Kind: checks.RouteDirect, CAs: []*x509.Certificate{fixture.CA().Cert}},
			{Name: "plain", Kind: checks.RouteDirect},
		},
		Services: []checks.Service{svc},
	}
	s, err := engine.NewScheduler(plan)
	if err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]checks.CheckResult{}
	s.Sweep(context.Background(), nil, func(e checks.Event) {
		if e.Kind == checks.EventCheckDone {
			verdicts[e.Check.Route] = e.Check
		}
	})
	if v := verdicts["office"]; v.Verdict != checks.VerdictOK {
		t.Errorf("route with the CA: %s (%s), want ok", v.Verdict, v.Reason)
	}
	if v := verdicts["plain"]; v.Verdict != checks.VerdictBlocked || v.Cause == nil || v.Cause.Failure != checks.FailSSLUnknownAuthority {
		t.Errorf("route without the CA: %s (%s), want blocked by an unknown authority", v.Verdict, v.Reason)
	}
}
