package config

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

var (
	serviceRoles = []string{checks.RoleChat, checks.RoleWeb, checks.RoleMedia, checks.RoleCalls, checks.RoleRegister, checks.RoleFCM, checks.RoleAPNs}
	targetKinds  = []string{checks.KindTCP, checks.KindTLS, checks.KindHTTPS, checks.KindHTTPPost, checks.KindSTUN, checks.KindTransfer,
		checks.KindUpload, checks.KindMTProto, checks.KindMTProtoHTTP, checks.KindNoise, checks.KindWebSocket}
	targetKeys = []string{"role", "tcp", "tls", "https", "http_post", "stun", "transfer", "upload",
		"mtproto", "mtproto_http", "noise", "websocket", "find", "sni", "expect", "origin"}
)

// target reads one service target, e.g. {role: chat, tls: host:443, sni: name}.
func (p *parser) target(n ast.Node, what string) checks.Target {
	fs := p.fields(n, what, targetKeys...)
	if fs == nil {
		if p.err == nil {
			p.fail(n, "%s must be a mapping such as {role: chat, tls: host:443}", what)
		}
		return checks.Target{}
	}
	t := p.targetBody(n, fs, what)
	role, ok := fs["role"]
	if !ok {
		p.fail(pos(p.unwrap(n)), "%s needs a role: %s", what, strings.Join(serviceRoles, ", "))
		return t
	}
	t.Role = p.text(role, "role")
	if p.err == nil && !slices.Contains(serviceRoles, t.Role) {
		p.fail(role.value, "unknown role %q (known: %s)", clip(t.Role), strings.Join(serviceRoles, ", "))
	}
	return t
}

// targetBody reads the probe part shared by service targets and controls: exactly one kind
// with its address, plus sni (tls only) and expect (https only).
func (p *parser) targetBody(n ast.Node, fs map[string]field, what string) checks.Target {
	var t checks.Target
	var kindField field
	found := 0
	for _, kind := range targetKinds {
		f, ok := fs[kind]
		if !ok {
			continue
		}
		found++
		if found == 2 {
			p.fail(f.key, "%s has both %s and %s; use one target per probe", what, t.Kind, kind)
			return t
		}
		t.Kind, kindField = kind, f
	}
	if found == 0 {
		p.fail(pos(p.unwrap(n)), "%s needs one of: %s", what, strings.Join(targetKinds, ", "))
		return t
	}
	t.Addr = strings.TrimSpace(p.text(kindField, t.Kind))
	if p.err != nil {
		return t
	}
	if t.Kind == checks.KindHTTPS || t.Kind == checks.KindUpload {
		if msg := checkHTTPSURL(t.Addr); msg != "" {
			p.fail(kindField.value, "%s: %s", t.Kind, msg)
		}
	} else if t.Kind == checks.KindTransfer {
		if msg := checkTransferAddr(t.Addr); msg != "" {
			p.fail(kindField.value, "%s: %s", t.Kind, msg)
		}
	} else if t.Kind == checks.KindWebSocket {
		if msg := checkWebSocketURL(t.Addr); msg != "" {
			p.fail(kindField.value, "%s: %s", t.Kind, msg)
		}
	} else if msg := checkHostPort(t.Addr); msg != "" {
		p.fail(kindField.value, "%s: %s", t.Kind, msg)
	}
	if f, ok := fs["sni"]; ok {
		if t.Kind != checks.KindTLS {
			p.fail(f.key, "sni applies to tls targets only")
		}
		t.SNI = p.text(f, "sni")
		if p.err == nil && !validHostname(t.SNI) {
			p.fail(f.value, "sni: %q is not a host name", clip(t.SNI))
		}
	}
	if f, ok := fs["origin"]; ok {
		if t.Kind != checks.KindWebSocket {
			p.fail(f.key, "origin applies to websocket targets only")
		}
		t.Origin = strings.TrimSpace(p.text(f, "origin"))
		if p.err == nil {
			if u, err := url.Parse(t.Origin); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") {
				p.fail(f.value, "origin: %q is not an origin such as https://web.whatsapp.com", clip(t.Origin))
			}
		}
	}
	if f, ok := fs["find"]; ok {
		if t.Kind != checks.KindTransfer || !strings.HasPrefix(t.Addr, "http") {
			p.fail(f.key, "find applies to http(s) transfer targets only")
		}
		t.Find = p.text(f, "find")
		if msg := checkFind(t.Find); p.err == nil && msg != "" {
			p.fail(f.value, "find: %s", msg)
		}
	}
	if f, ok := fs["expect"]; ok {
		if t.Kind != checks.KindHTTPS {
			p.fail(f.key, "expect applies to https targets only")
		}
		t.Expect = p.integer(f, "expect", 100)
		if p.err == nil && t.Expect > 599 {
			p.fail(f.value, "expect must be an HTTP status (100-599)")
		}
	}
	return t
}

// control reads a control target: "none", an https:// URL, tls://host:port, tcp://host:port,
// or a mapping {tls: host:port} / {tcp: …} / {https: …}. set is false for "none".
func (p *parser) control(f field) (t checks.Target, set bool) {
	n := p.unwrap(f.value)
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		fs := p.fields(n, "control", "role", "tcp", "tls", "https", "sni", "expect")
		if r, ok := fs["role"]; ok {
			if p.text(r, "role") != checks.RoleControl {
				p.fail(r.value, "a control target's role is control")
			}
		}
		t = p.targetBody(n, fs, "control")
		t.Role = checks.RoleControl
		return t, true
	}
	raw := strings.TrimSpace(p.text(f, "control"))
	if p.err != nil {
		return t, false
	}
	t, set, msg := parseControl(raw)
	if msg != "" {
		p.fail(valueOrKey(f), "control: %s", msg)
	}
	return t, set
}

// parseControl reads the string forms of a control target.
func parseControl(raw string) (t checks.Target, set bool, problem string) {
	t.Role = checks.RoleControl
	switch {
	case strings.EqualFold(raw, "none"):
		return t, false, ""
	case strings.HasPrefix(raw, "https://"):
		t.Kind, t.Addr = checks.KindHTTPS, raw
		return t, true, checkHTTPSURL(raw)
	case strings.HasPrefix(raw, "tls://"):
		t.Kind, t.Addr = checks.KindTLS, strings.TrimPrefix(raw, "tls://")
		return t, true, checkHostPort(t.Addr)
	case strings.HasPrefix(raw, "tcp://"):
		t.Kind, t.Addr = checks.KindTCP, strings.TrimPrefix(raw, "tcp://")
		return t, true, checkHostPort(t.Addr)
	}
	return t, false, "use an https:// URL, tls://host:port, tcp://host:port or none"
}

// checkHostPort says what is wrong with a host:port, or "" when nothing is.
func checkHostPort(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return strconv.Quote(clip(s)) + " is not host:port"
	}
	if host == "" || !validHostname(host) {
		return strconv.Quote(clip(s)) + " has no valid host"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return strconv.Quote(clip(s)) + " needs a port from 1 to 65535"
	}
	return ""
}

// checkHTTPSURL says what is wrong with an https target URL, or "" when nothing is. The URL
// is not repeated: it might carry credentials.
func checkHTTPSURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "not a valid URL"
	case u.Scheme != "https":
		return "must be an https:// URL"
	case u.User != nil:
		return "the URL must not carry a user name or password"
	case u.Hostname() == "" || !validHostname(u.Hostname()):
		return "the URL has no valid host"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "the URL's port must be from 1 to 65535"
		}
	}
	return ""
}

// checkWebSocketURL says what is wrong with a websocket target URL, or "" when nothing is.
func checkWebSocketURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "wss" {
		return "must be a wss:// URL"
	}
	return checkHTTPSURL("https://" + strings.TrimPrefix(s, "wss://"))
}

// validHostname accepts DNS names and IP literals: no spaces, slashes or other URL syntax.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	return net.ParseIP(h) != nil || nameChars(h)
}

// checkFind says what is wrong with a transfer's find pattern, or "" when nothing is: a
// regular expression (Go syntax) whose first group captures the object's URL.
func checkFind(pattern string) string {
	re, err := regexp.Compile(pattern)
	switch {
	case err != nil:
		return "not a regular expression: " + clip(err.Error())
	case re.NumSubexp() < 1:
		return "needs a group ( ) around the object's URL"
	}
	return ""
}
