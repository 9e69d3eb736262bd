package config

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

var routeKeys = []string{"name", "direct", "interface", "dns", "proxy", "password_file", "control", "ca_files", "metered"}

// routes reads the routes list. control is the global control (nil for none).
func (p *parser) routes(f field, control *checks.Target) []checks.RouteSpec {
	items := p.list(f, "routes")
	if p.err == nil && len(items) == 0 {
		p.fail(f.key, "routes is empty: add at least one, e.g. - {name: direct, direct: true}")
	}
	return readUnique(p, items, "duplicate route name", func(n ast.Node, i int) (checks.RouteSpec, string, ast.Node) {
		spec, nameNode := p.route(n, i, control)
		return spec, spec.Name, nameNode
	})
}

// route reads one route; it returns the name's node for duplicate messages.
func (p *parser) route(n ast.Node, i int, control *checks.Target) (checks.RouteSpec, ast.Node) {
	var spec checks.RouteSpec
	what := "route " + strconv.Itoa(i+1)
	fs := p.fields(n, what, routeKeys...)
	if fs == nil {
		if p.err == nil {
			p.fail(n, "%s must be a mapping such as {name: direct, direct: true}", what)
		}
		return spec, n
	}
	at := pos(p.unwrap(n))
	name, nameNode, ok := p.name(fs, n, at, what, "route")
	spec.Name = name
	if !ok {
		return spec, nameNode
	}
	what = "route " + strconv.Quote(spec.Name)

	// Exactly one mechanism.
	var kinds []string
	if f, ok := fs["direct"]; ok && p.boolean(f, "direct") {
		kinds = append(kinds, "direct")
	}
	for _, k := range []string{"interface", "proxy"} {
		if _, ok := fs[k]; ok {
			kinds = append(kinds, k)
		}
	}
	switch {
	case p.err != nil:
		return spec, nameNode
	case len(kinds) == 0:
		p.fail(at, "%s needs one of direct: true, interface or proxy", what)
		return spec, nameNode
	case len(kinds) > 1:
		p.fail(fs[kinds[1]].key, "%s has both %s and %s; a route has exactly one", what, kinds[0], kinds[1])
		return spec, nameNode
	}

	switch kinds[0] {
	case "direct":
		spec.Kind = checks.RouteDirect
	case "interface":
		spec.Kind = checks.RouteInterface
		spec.Interface = strings.TrimSpace(p.text(fs["interface"], "interface"))
		if p.err == nil && !validInterface(spec.Interface) {
			p.fail(fs["interface"].value, "interface %q is not a device name such as wg0", clip(spec.Interface))
		}
		spec.DNS = checks.DefaultInterfaceDNS
		if f, ok := fs["dns"]; ok {
			spec.DNS = p.dns(f)
		}
	case "proxy":
		p.proxy(&spec, fs)
	}
	if f, ok := fs["dns"]; ok && spec.Kind != checks.RouteInterface {
		p.fail(f.key, "dns applies to interface routes only (proxies resolve names themselves)")
	}
	if f, ok := fs["password_file"]; ok && kinds[0] != "proxy" {
		p.fail(f.key, "password_file applies to proxy routes only")
	}

	spec.Control = control
	if f, ok := fs["control"]; ok {
		t, set := p.control(f)
		spec.Control = nil
		if set {
			t.Anchors = p.globalAnchors
			spec.Control = &t
		}
	}
	if f, ok := fs["ca_files"]; ok {
		spec.CAs = p.caFiles(f, "ca_files")
	}
	if f, ok := fs["metered"]; ok {
		spec.Metered = p.boolean(f, "metered")
	}
	return spec, nameNode
}

// proxy reads proxy and password_file into spec. Messages never quote the URL: it may hold a
// password, a user name, or an environment variable's value.
func (p *parser) proxy(spec *checks.RouteSpec, fs map[string]field) {
	f := fs["proxy"]
	raw := strings.TrimSpace(p.text(f, "proxy"))
	if p.err != nil {
		return
	}
	from, to := userinfoSpan(raw)
	p.noteInlinePassword(raw[from:to])
	expanded, err := p.expandEnv(raw, func(off int) bool { return off >= from && off < to })
	if err != nil {
		p.fail(f.value, "proxy: %v", err)
		return
	}
	u, err := url.Parse(expanded)
	if err != nil || u.Opaque != "" {
		p.fail(f.value, "proxy: not a valid URL (write socks5://host:port or http://user:pass@host:port)")
		return
	}
	switch strings.ToLower(u.Scheme) {
	case "socks5", "socks5h":
		// socks5 and socks5h alike: the proxy resolves names, never the local resolver.
		spec.Kind = checks.RouteSOCKS5
	case "http":
		spec.Kind = checks.RouteHTTP
	default:
		p.fail(f.value, "proxy: unsupported scheme (use socks5://, socks5h:// or http://)")
		return
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Hostname() == "" || !validHostname(u.Hostname()):
		p.fail(f.value, "proxy: the URL needs a host")
		return
	case u.Port() == "":
		p.fail(f.value, "proxy: the URL needs a port, e.g. :1080")
		return
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		p.fail(f.value, "proxy: write only scheme://[user[:password]@]host:port")
		return
	}
	if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
		p.fail(f.value, "proxy: the port must be from 1 to 65535")
		return
	}
	u.Path = ""
	spec.Proxy = u

	pf, ok := fs["password_file"]
	if !ok {
		return
	}
	rawPath := p.text(pf, "password_file")
	if p.err != nil {
		return
	}
	if u.User == nil || u.User.Username() == "" {
		p.fail(pf.key, "password_file needs a user name in the proxy URL (socks5://user@host:port)")
		return
	}
	if _, has := u.User.Password(); has {
		p.fail(pf.key, "the proxy URL already has a password: use it or password_file, not both")
		return
	}
	path, err := p.resolvePath(rawPath)
	if err != nil {
		p.fail(pf.value, "password_file: %v", err)
		return
	}
	password, shared, err := readPasswordFile(path, rawPath)
	if err != nil {
		p.fail(pf.value, "%v", err)
		return
	}
	if shared {
		p.notes = append(p.notes, "route "+spec.Name+": password_file "+clip(rawPath)+
			" is readable by other users; chmod 600 it")
	}
	u.User = url.UserPassword(u.User.Username(), password)
}

// dns reads an interface route's resolver: an IP address, port 53 unless given.
func (p *parser) dns(f field) string {
	raw := strings.TrimSpace(p.text(f, "dns"))
	if p.err != nil {
		return ""
	}
	expanded, err := p.expandEnv(raw, nil)
	if err != nil {
		p.fail(f.value, "dns: %v", err)
		return ""
	}
	host, port, err := net.SplitHostPort(expanded)
	if err != nil {
		host, port = strings.Trim(expanded, "[]"), "53"
	}
	n, perr := strconv.Atoi(port)
	if net.ParseIP(host) == nil || perr != nil || n < 1 || n > 65535 {
		p.fail(f.value, "dns: use a resolver's IP address and optional port, e.g. 10.64.0.1:53")
		return ""
	}
	return net.JoinHostPort(host, port)
}

// validInterface accepts device names as the kernel does: no spaces, slashes or colons.
func validInterface(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	return !strings.ContainsAny(s, " \t/:\\") && s == clip(s)
}
