package engine

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// contrastDomain is the parent of the innocuous names: reserved for documentation (RFC 2606),
// so no blocklist holds it and no real service answers for it.
const contrastDomain = "example.net"

// wantsContrast reports whether a handshake failure looks like a middlebox reacting to the
// ClientHello (reset, close, silence) rather than a certificate problem or a refusal.
func wantsContrast(e *checks.Error) bool {
	if e == nil || e.Operation != checks.OpTLSHandshake {
		return false
	}
	switch e.Failure {
	case checks.FailConnectionReset, checks.FailEOF, checks.FailGenericTimeout, checks.FailTimedOut:
		return true
	}
	return false
}

// contrastAddr is the address to retry: on direct and interface routes the IP:port the failed
// attempt reached, so the contrast tests that very server; through a proxy the host:port the
// proxy was handed (the proxy resolves a name again and may pick another address).
func contrastAddr(r Route, requested string, trace DialTrace) string {
	switch r.Spec().Kind {
	case checks.RouteSOCKS5, checks.RouteHTTP:
		return requested
	}
	if trace.Remote != "" {
		return trace.Remote
	}
	return requested
}

// runContrast handshakes with addr through r naming a random innocuous server, without
// verifying the certificate: only whether the handshake goes through matters. When the
// innocuous name fails too and opt names a known-good server (a domestic reference, which an
// allowlist lets through), a second handshake sends that name to the same address: if it
// answers, the address is reachable and the target's name is what is filtered. It returns nil
// when the probe's own deadline ended first, since then the contrast proves nothing.
func runContrast(ctx context.Context, r Route, addr string, opt ProbeOptions) *checks.SNIContrast {
	c := &checks.SNIContrast{Name: innocuousName()}
	var telling bool
	if c.Err, telling = contrastHandshake(ctx, r, addr, c.Name, opt); !telling {
		return nil
	}
	c.Outcome = checks.ContrastIPBlocked
	if answered(c.Err) {
		c.Outcome = checks.ContrastSNIFiltered
		return c
	}
	if opt.KnownName == "" {
		return c
	}
	knownErr, telling := contrastHandshake(ctx, r, addr, opt.KnownName, opt)
	if !telling {
		return c
	}
	c.Known, c.KnownErr = opt.KnownName, knownErr
	if answered(knownErr) {
		c.Outcome = checks.ContrastSNIFiltered
	}
	return c
}

// answered reports whether a contrast handshake reached a server: it completed, or the server
// read the ClientHello and refused the name with an alert.
func answered(e *checks.Error) bool { return e == nil || checks.ServerAnswered(e) }

// contrastHandshake sends one ClientHello naming name to addr through r. telling is false when
// the outcome says nothing about the address: the probe ran out of time, or a proxy failed its
// own greeting.
func contrastHandshake(ctx context.Context, r Route, addr, name string, opt ProbeOptions) (hsErr *checks.Error, telling bool) {
	if ctx.Err() != nil {
		return nil, false
	}
	conn, err := dialStep(ctx, r, addr, nil, opt)
	if err != nil {
		hsErr = checks.Classify(checks.OpConnect, err)
	} else {
		cfg := &tls.Config{
			ServerName:         name,
			InsecureSkipVerify: true, // the contrast asks whether the address answers, not who it is
			MinVersion:         tls.VersionTLS12,
			CurvePreferences:   []tls.CurveID{tls.X25519, tls.CurveP256},
		}
		var tlsConn *tls.Conn
		tlsConn, _, hsErr = handshakeStep(ctx, conn, cfg, opt)
		// Closing a TLS connection writes an alert: bound it like any other step.
		conn.SetDeadline(time.Now().Add(opt.StepTimeout))
		if tlsConn != nil {
			tlsConn.Close()
		} else {
			conn.Close()
		}
	}
	if hsErr != nil && (ctx.Err() != nil || hsErr.Operation == checks.OpProxyGreeting || hsErr.Operation == checks.OpProxyAuth) {
		return nil, false
	}
	return hsErr, true
}

// innocuousName is a random label under contrastDomain, e.g. "k3x9q2m7a1.example.net".
func innocuousName() string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b) + "." + contrastDomain
}
