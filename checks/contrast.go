package checks

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"net"
	"time"
)

// Outcomes of the SNI contrast: the JSON values of "sni_contrast".
const (
	// ContrastSNIFiltered: the address that failed for the target's name completes a
	// handshake for an innocuous one, so something on the path reads the SNI.
	ContrastSNIFiltered = "sni-filtered"
	// ContrastIPBlocked: the innocuous name fails too, so the address itself is cut off.
	ContrastIPBlocked = "ip-blocked"
)

// contrastDomain is the parent of the innocuous names: reserved for documentation (RFC 2606),
// so no blocklist holds it and no real service answers for it.
const contrastDomain = "example.net"

// SNIContrast is a second handshake, to the address a TLS handshake failed on, naming a
// random innocuous server instead of the target.
type SNIContrast struct {
	Outcome string // ContrastSNIFiltered or ContrastIPBlocked
	Name    string // the innocuous name sent
	Err     *Error // what the contrast handshake met; nil when it completed
}

// Note is the short clause a reason ends with.
func (c *SNIContrast) Note() string {
	switch c.Outcome {
	case ContrastSNIFiltered:
		return "SNI-filtered: the same address answers another name"
	case ContrastIPBlocked:
		return "IP-blocked: another name fails there too"
	}
	return ""
}

// Summary says what the innocuous name met, e.g.
// "sni-filtered: k3x9q2m7a1.example.net got through" or "ip-blocked: … reset after ClientHello".
func (c *SNIContrast) Summary() string {
	what := "got through"
	if c.Err != nil {
		what = "also failed: " + c.Err.Human("") + " (" + c.Err.Failure + ")"
		if serverAnswered(c.Err) {
			what = "answered with a TLS alert"
		}
	}
	return c.Outcome + ": " + Sanitize(c.Name) + " " + what
}

// Explain is the failure in plain words, with what the SNI contrast showed, e.g.
// "TLS reset after ClientHello on chat.signal.org (SNI-filtered: …)". Empty when t worked.
func (t TargetResult) Explain() string {
	if t.Err == nil {
		return ""
	}
	s := t.Err.Human(t.Target.Host())
	if t.Contrast != nil {
		if note := t.Contrast.Note(); note != "" {
			s += " (" + note + ")"
		}
	}
	return s
}

// wantsContrast reports whether a handshake failure looks like a middlebox reacting to the
// ClientHello (reset, close, silence) rather than a certificate problem or a refusal.
func wantsContrast(e *Error) bool {
	if e == nil || e.Operation != OpTLSHandshake {
		return false
	}
	switch e.Failure {
	case FailConnectionReset, FailEOF, FailGenericTimeout, FailTimedOut:
		return true
	}
	return false
}

// contrastAddr is the address to retry: on direct and interface routes the IP:port the failed
// attempt reached, so the contrast tests that very server; through a proxy the host:port the
// proxy was handed (the proxy resolves a name again and may pick another address).
func contrastAddr(r Route, requested string, trace DialTrace) string {
	switch r.Spec().Kind {
	case RouteSOCKS5, RouteHTTP:
		return requested
	}
	if trace.Remote != "" {
		return trace.Remote
	}
	return requested
}

// runContrast handshakes with addr through r naming a random innocuous server, without
// verifying the certificate: only whether the handshake goes through matters. It returns nil
// when the probe's own deadline ended first, since then the contrast proves nothing.
func runContrast(ctx context.Context, r Route, addr string, opt ProbeOptions) *SNIContrast {
	if ctx.Err() != nil {
		return nil
	}
	c := &SNIContrast{Name: innocuousName()}
	conn, err := dialStep(ctx, r, addr, nil, opt)
	if err != nil {
		c.Err = Classify(OpConnect, err)
	} else {
		cfg := &tls.Config{
			ServerName:         c.Name,
			InsecureSkipVerify: true, // the contrast asks whether the address answers, not who it is
			MinVersion:         tls.VersionTLS12,
			CurvePreferences:   []tls.CurveID{tls.X25519, tls.CurveP256},
		}
		tlsConn, _, hsErr := handshakeStep(ctx, conn, cfg, opt)
		// Closing a TLS connection writes an alert: bound it like any other step.
		conn.SetDeadline(time.Now().Add(opt.StepTimeout))
		if tlsConn != nil {
			tlsConn.Close()
		} else {
			conn.Close()
		}
		c.Err = hsErr
	}
	// A probe out of time, or a proxy that failed its own greeting, says nothing about the
	// address.
	if c.Err != nil && (ctx.Err() != nil || c.Err.Operation == OpProxyGreeting || c.Err.Operation == OpProxyAuth) {
		return nil
	}
	c.Outcome = ContrastIPBlocked
	if c.Err == nil || serverAnswered(c.Err) {
		c.Outcome = ContrastSNIFiltered
	}
	return c
}

// serverAnswered reports whether a failed handshake still got a TLS alert back: a server that
// does not know the innocuous name may refuse it, but it did read the ClientHello and reply.
func serverAnswered(e *Error) bool {
	var alert tls.AlertError
	if errors.As(e, &alert) {
		return true
	}
	// Over TCP crypto/tls reports a received alert as this OpError.
	var op *net.OpError
	return errors.As(e, &op) && op.Op == "remote error"
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
