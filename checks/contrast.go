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
	// ContrastIPBlocked: the innocuous name fails too, so the address itself is cut off.
	ContrastIPBlocked = "ip-blocked"
)

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
		if ServerAnswered(c.Err) {
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
