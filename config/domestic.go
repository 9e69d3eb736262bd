package config

import (
	"crypto/x509"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

// domestic reads the domestic references of the allowlist detection: a list of control-style
// targets (https:// URL, tls://host:port, tcp://host:port), or none. They are contacted only
// on the direct route when its control fails, so, like the other checks that reach neutral
// public servers, their default follows the control: a config that says control: none gets
// none.
func (p *parser) domestic(fs map[string]field, withControl bool) []checks.Target {
	f, ok := fs["domestic"]
	if !ok {
		if !withControl {
			return nil
		}
		return defaultDomestic(p.globalAnchors)
	}
	if s, isText := p.unwrap(f.value).(*ast.StringNode); isText && strings.EqualFold(strings.TrimSpace(s.Value), "none") {
		return nil
	}
	var out []checks.Target
	values, nodes := p.texts(f, "domestic")
	for i, raw := range values {
		t, set, msg := parseControl(strings.TrimSpace(raw))
		switch {
		case p.err != nil:
			return nil
		case msg != "" || !set:
			if msg == "" {
				msg = "a reference cannot be none"
			}
			p.fail(nodes[i], "domestic: %s", msg)
			return nil
		}
		t.Anchors = p.globalAnchors
		out = append(out, t)
	}
	return out
}

// defaultDomestic is checks.DefaultDomestic as targets trusting the system roots and anchors.
func defaultDomestic(anchors []*x509.Certificate) []checks.Target {
	out := make([]checks.Target, 0, len(checks.DefaultDomestic))
	for _, raw := range checks.DefaultDomestic {
		t, _, _ := parseControl(raw)
		t.Anchors = anchors
		out = append(out, t)
	}
	return out
}
