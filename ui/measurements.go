package ui

// Lines that describe what a probe measured beyond its phases (exit address, UDP, transfer,
// DNS comparison, SNI contrast), shared by the detail pane and the check report.

import "github.com/lifeline-app/lifeline/checks"

// egressLine is a route's exit and flags, e.g. "exit 203.0.113.5 (NL); not tunnelling: …".
func egressLine(e *checks.Egress) string {
	if e == nil {
		return ""
	}
	return clean(e.Summary())
}

// udpLine is a STUN probe's measurement, e.g. "udp: loss 0% of 30, rtt 41ms, mapped …".
func udpLine(u *checks.UDPStats) string {
	if u == nil {
		return ""
	}
	return "udp: " + clean(u.Summary())
}

// transferLine is a transfer probe's measurement, e.g. "transfer: 64 KB of 64 KB at 1.7 Mbit/s,
// first byte 12ms" or "transfer: stalled after 17 KB of 64 KB, carried over from 3m ago".
func transferLine(s *checks.TransferStats) string {
	if s == nil {
		return ""
	}
	return "transfer: " + clean(s.Summary())
}

// dnsLines show each name the direct route compared with another route, both answers.
func dnsLines(answers []checks.DNSAnswers, g Glyphs) []string {
	var out []string
	for _, a := range answers {
		line := "dns " + clean(a.Name) + ": " + clean(a.Summary())
		if a.Tampered {
			line += dashed(g) + "tampered"
		}
		out = append(out, line)
	}
	return out
}

// contrastLine is what the retry with an innocuous server name found, e.g.
// "sni contrast: sni-filtered: k3x9q2m7a1.example.net got through".
func contrastLine(c *checks.SNIContrast) string {
	if c == nil {
		return ""
	}
	return "sni contrast: " + clean(c.Summary())
}

// proofLines say what a target proved ("proved: MTProto resPQ from 149.154.167.51:443"), why
// it does not apply to the route, and, for a rotating target this sweep did not probe, when
// its result was measured.
func proofLines(t checks.TargetResult) []string {
	var out []string
	if t.OK && t.Proof != "" {
		out = append(out, "proved: "+clean(t.Proof))
	}
	if t.NotApplicable != "" {
		out = append(out, "n/a: "+clean(t.NotApplicable)+" (not counted)")
	}
	if r := t.Rotated; r != nil {
		out = append(out, clean(r.Summary())+" (rotating, probed in turn; not counted now)")
	}
	return out
}
