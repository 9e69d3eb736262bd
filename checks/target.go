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
	// KindMTProto speaks MTProto to a Telegram data centre over the obfuscated TCP transport
	// of the official apps; only a resPQ echoing our nonce counts.
	KindMTProto = "mtproto"
	// KindMTProtoHTTP is the same exchange over MTProto's plain HTTP transport (POST /api).
	KindMTProtoHTTP = "mtproto_http"
	// KindNoise opens WhatsApp's chat protocol (the WA prologue and a Noise hello). Through
	// a proxy only a server hello computed for our key counts; on direct and interface
	// routes a TCP connect counts, as in OONI's whatsapp test.
	KindNoise = "noise"
	// KindWebSocket upgrades a wss:// URL to a WebSocket; only 101 Switching Protocols with
	// the right Sec-WebSocket-Accept counts.
	KindWebSocket = "websocket"
	// KindUpload sends one HTTPS POST of a block of random bytes to the service's own host,
	// over a verified TLS connection, and waits for the answer: the freeze that stops a flow
	// after ~16–20 KB applies to uploads too, so no server of the user's is needed to see it
	// (the method of dpi-checkers' webhost check). Any HTTP answer after the whole body
	// counts; the probe shares transfer's bytes, interval, stall window and carry-over.
	KindUpload = "upload"
)

// FindScript finds the scripts an HTML page loads: a web app's bundles are its largest
// static objects, served from the service's own CDN.
const FindScript = `<script[^>]*\ssrc="([^"]+)"`

// Roles a target can play in a service.
const (
	RoleChat     = "chat"
	RoleWeb      = "web"
	RoleMedia    = "media"
	RoleCalls    = "calls"
	RoleRegister = "register"
	RoleControl  = "control"
	// Push channels, each its own role so one blocked provider is a partial push service:
	// Google's FCM (every Android app) and Apple's APNs (every iPhone app).
	RoleFCM  = "fcm"
	RoleAPNs = "apns"
)

// Target is one endpoint and the probe that tests it.
type Target struct {
	Role string
	Kind string // one of the Kind constants above
	// Addr is host:port for tcp, tls, http_post, mtproto, mtproto_http and noise, a URL for
	// https and websocket, and for transfer an
	// http(s):// URL or tcp://host:port / tls://host:port of an echo server.
	Addr string
	// SNI overrides the server name sent and verified by tls (default: the host of Addr).
	SNI string
	// Expect is the HTTP status https must return; 0 accepts any answer.
	Expect int
	// Origin is the Origin header a websocket upgrade sends ("" sends none).
	Origin string
	// Rotate, when above 1, probes the target on one sweep in Rotate (those whose number
	// modulo Rotate is Slot), so a service with many endpoints stays cheap per sweep while
	// every endpoint is covered over time. In between, its last result is shown, marked, and
	// does not count in the verdict.
	Rotate, Slot int
	// Find, on a transfer target, makes the probe discover what it fetches: Addr is a page or
	// manifest the service publishes, Find a regular expression whose first group is the URL
	// of an object in it (relative URLs resolve against Addr). The object is then fetched as
	// a plain transfer target would be. Built-in services use it so their downloads follow
	// the services' own renamed files instead of rotting.
	Find string
	// Anchors are trusted in addition to RootCAs, or to the system roots when RootCAs is nil
	// (config's ca_files, Signal's root). The engine builds the pool when a probe first needs
	// it, so loading a config never waits for the system trust store to be read.
	Anchors []*x509.Certificate
	// RootCAs replaces the system roots as the trust store for tls and https (tests use it
	// for a private test authority); nil means the system roots.
	RootCAs *x509.CertPool
}

// DueIn reports whether sweep n probes the target: every sweep for a target that does not
// rotate, one in Rotate for one that does.
func (t Target) DueIn(n uint64) bool {
	if t.Rotate <= 1 {
		return true
	}
	return n%uint64(t.Rotate) == uint64(t.Slot%t.Rotate)
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
	if t.Kind == KindHTTPS || t.Kind == KindTransfer || t.Kind == KindWebSocket || t.Kind == KindUpload {
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
	switch {
	case t.Kind == KindHTTPS:
		return t.Addr
	case t.Find != "":
		return t.Kind + " " + t.Addr + " (found)"
	}
	return t.Kind + " " + t.Addr
}

// Service is a messaging service made of targets.
type Service struct {
	Name    string // config key, e.g. "whatsapp"
	Title   string // display name, e.g. "WhatsApp"
	Short   string // status-line abbreviation, e.g. "WA"
	Targets []Target
	// Domestic services (MAX, Yandex, VK in Russia) stay reachable under an allowlist; a
	// route where only they and the domestic references pass is named an allowlist.
	Domestic bool
}
