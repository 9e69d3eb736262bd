package checks

import (
	"crypto/tls"
	"errors"
	"net"
)

// Outcomes of the SNI contrast: the JSON values of "sni_contrast".
const (
	// ContrastSNIFiltered: the address that failed for the target's name completes a
	// handshake for an innocuous one, so something on the path reads the SNI.
	ContrastSNIFiltered = "sni-filtered"
	// ContrastIPBlocked: the innocuous name fails too (and so does a known-good name, when one
	// was tried), so the address itself is cut off.
	ContrastIPBlocked = "ip-blocked"
	// ContrastAllowlist: the route runs an allowlist, where every name not on the list fails
	// whatever the address, so the innocuous name failing proves nothing about the address.
	ContrastAllowlist = "allowlist"
)

// SNIContrast is a second handshake, to the address a TLS handshake failed on, naming a
// random innocuous server instead of the target.
type SNIContrast struct {
	Outcome string // ContrastSNIFiltered, ContrastIPBlocked or ContrastAllowlist
	Name    string // the innocuous name sent
	Err     *Error // what the contrast handshake met; nil when it completed
	// Known is the second contrast, run when the innocuous name failed too: a known-good
	// name (a domestic reference's, which an allowlist lets through) sent to the same
	// address. It answering means the address is reachable and the target's name is what
	// is filtered. Empty when no second contrast ran.
	Known    string
	KnownErr *Error // what the second contrast met; nil when it completed
}

// Note is the short clause a reason ends with.
func (c *SNIContrast) Note() string {
	switch c.Outcome {
	case ContrastSNIFiltered:
		if c.Known != "" {
			return "SNI-filtered: the same address answers " + Sanitize(c.Known)
		}
		return "SNI-filtered: the same address answers another name"
	case ContrastIPBlocked:
		if c.Known != "" {
			return "IP-blocked: other names, " + Sanitize(c.Known) + " included, fail there too"
		}
		return "IP-blocked: another name fails there too"
	case ContrastAllowlist:
		return "allowlist: names not on the list fail at any address"
	}
	return ""
}

// Summary says what the innocuous name met, e.g.
// "sni-filtered: k3x9q2m7a1.example.net got through" or "ip-blocked: … reset after ClientHello".
func (c *SNIContrast) Summary() string {
	what := "got through"
	if c.Err != nil {
		what = "also failed: " + c.Err.Human("") + " (" + c.Err.Failure + ")"
		if ServerAnswered(c.Err) {
			what = "answered with a TLS alert"
		}
	}
	s := c.Outcome + ": " + Sanitize(c.Name) + " " + what
	if c.Known != "" {
		known := "got through"
		if c.KnownErr != nil {
			known = "failed: " + c.KnownErr.Human("") + " (" + c.KnownErr.Failure + ")"
			if ServerAnswered(c.KnownErr) {
				known = "answered with a TLS alert"
			}
		}
		s += "; known-good " + Sanitize(c.Known) + " " + known
	}
	return s
}

// UnderAllowlist is the contrast read on a route that runs an allowlist: an innocuous name
// failing there proves nothing about the address, so an "ip-blocked" that no known-good name
// confirmed becomes "allowlist".
func (c *SNIContrast) UnderAllowlist() *SNIContrast {
	if c == nil || c.Outcome != ContrastIPBlocked || c.Known != "" {
		return c
	}
	out := *c
	out.Outcome = ContrastAllowlist
	return &out
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

// ServerAnswered reports whether a failed handshake still got a TLS alert back: a server that
// does not know the innocuous name may refuse it, but it did read the ClientHello and reply.
func ServerAnswered(e *Error) bool {
	var alert tls.AlertError
	if errors.As(e, &alert) {
		return true
	}
	// Over TCP crypto/tls reports a received alert as this OpError.
	var op *net.OpError
	return errors.As(e, &op) && op.Op == "remote error"
}
