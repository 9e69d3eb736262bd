package config

import (
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

// extraChecks reads dns_compare, egress, egress_url and egress_every. Both checks contact a
// public server (a resolver, an IP echo), so their defaults follow the control: a config
// that says control: none has asked lifeline not to contact neutral public endpoints.
func (p *parser) extraChecks(fs map[string]field, withControl bool) checks.ExtraChecks {
	var x checks.ExtraChecks
	if withControl {
		x.DNSCompare, x.EgressURL = checks.DefaultDNSCompare, checks.DefaultEgressURL
	}
	if f, ok := fs["dns_compare"]; ok {
		v := strings.TrimSpace(p.text(f, "dns_compare"))
		switch {
		case p.err != nil:
		case strings.EqualFold(v, "off") || strings.EqualFold(v, "none"):
			x.DNSCompare = ""
		case checkHostPort(v) != "":
			p.fail(valueOrKey(f), "dns_compare: %s (a resolver such as 1.1.1.1:53, or off)", checkHostPort(v))
		default:
			x.DNSCompare = v
		}
	}
	if f, ok := fs["egress_url"]; ok {
		v := strings.TrimSpace(p.text(f, "egress_url"))
		if msg := checkHTTPSURL(v); p.err == nil && msg != "" {
			p.fail(valueOrKey(f), "egress_url: %s", msg)
		}
		x.EgressURL = v
	}
	if f, ok := fs["egress"]; ok {
		on := p.onOff(f, "egress")
		x.EgressOff = !on
		if on && x.EgressURL == "" {
			x.EgressURL = checks.DefaultEgressURL
		}
	}
	if f, ok := fs["egress_every"]; ok {
		x.EgressEvery = p.duration(f, "egress_every")
	}
	return x
}

// onOff reads a switch written as on/off or true/false.
func (p *parser) onOff(f field, name string) bool {
	if v, ok := p.unwrap(f.value).(*ast.BoolNode); ok {
		return v.Value
	}
	switch strings.ToLower(strings.TrimSpace(p.text(f, name))) {
	case "on":
		return true
	case "off":
		return false
	}
	if p.err == nil {
		p.fail(valueOrKey(f), "%s must be on or off", name)
	}
	return false
}
