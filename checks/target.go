package checks

import (
	"crypto/x509"
	"net"
	"net/url"
)

// Probe kinds a target can use. Each has one entry in the engine's probe registry
// (engine/probe.go) and its own engine/probe_<kind>.go.
const (
	KindTCP      = "tcp"
	KindTLS      = "tls"
	KindHTTPS    = "https"
	KindHTTPPost = "http_post"
	// KindSTUN probes a STUN server over UDP: the calls role.
	KindSTUN = "stun"
	// KindTransfer moves a block of data over one connection through the route, to catch
	// interference that lets a connection open and then freezes it after some kilobytes or
	// pins it to a crawl. Its address is an http:// or https:// URL (GET, body read) or
	// tcp://host:port / tls://host:port of an echo server (written, read back).
	KindTransfer = "transfer"
)

// Roles a target can play in a service.
const (
	RoleChat     = "chat"
	RoleWeb      = "web"
	RoleMedia    = "media"
	RoleCalls    = "calls"
	RoleRegister = "register"
	RoleControl  = "control"
)

// Target is one endpoint and the probe that tests it.
type Target struct {
	Role string
	Kind string // one of the Kind constants above
	// Addr is host:port for tcp, tls and http_post, a URL for https, and for transfer an
	// http(s):// URL or tcp://host:port / tls://host:port of an echo server.
	Addr string
	// SNI overrides the server name sent and verified by tls (default: the host of Addr).
	SNI string
	// Expect is the HTTP status https must return; 0 accepts any answer.
	Expect int
	// Anchors are trusted in addition to RootCAs, or to the system roots when RootCAs is nil
	// (config's ca_files, Signal's root). The engine builds the pool when a probe first needs
	// it, so loading a config never waits for the system trust store to be read.
	Anchors []*x509.Certificate
	// RootCAs replaces the system roots as the trust store for tls and https (tests use it
	// for a private test authority); nil means the system roots.
	RootCAs *x509.CertPool
}

// Host is the name a person knows the target by: the SNI when one is given.
func (t Target) Host() string {
	if t.SNI != "" {
		return t.SNI
	}
	return t.AddrHost()
}

// AddrHost is the host part of Addr, a name or an IP.
func (t Target) AddrHost() string {
	if t.Kind == KindHTTPS || t.Kind == KindTransfer {
		if u, err := url.Parse(t.Addr); err == nil {
			return u.Hostname()
		}
		return t.Addr
	}
	if host, _, err := net.SplitHostPort(t.Addr); err == nil {
		return host
	}
	return t.Addr
}

// String is the target as configured, e.g. "tls chat.signal.org:443" or an https URL.
func (t Target) String() string {
	if t.Kind == KindHTTPS {
		return t.Addr
	}
	return t.Kind + " " + t.Addr
}

// Service is a messaging service made of targets.
type Service struct {
	Name    string // config key, e.g. "whatsapp"
	Title   string // display name, e.g. "WhatsApp"
	Short   string // status-line abbreviation, e.g. "WA"
	Targets []Target
}
