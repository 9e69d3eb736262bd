package checks

import (
	"crypto/x509"
	"net/url"
)

// Route kinds.
const (
	RouteDirect    = "direct"
	RouteInterface = "interface"
	RouteSOCKS5    = "socks5"
	RouteHTTP      = "http"
)

// RouteSpec is one configured way out. Proxy may carry a password: never print it; use
// Endpoint for display.
type RouteSpec struct {
	Name      string
	Kind      string
	Interface string   // interface routes: the device, e.g. wg0
	DNS       string   // interface routes: resolver host:port reached through the device
	Proxy     *url.URL // socks5 and http routes, with credentials
	Control   *Target  // neutral target for the route check; nil disables it
	// CAs are extra trust anchors for TLS through this route (e.g. a corporate proxy's CA).
	CAs []*x509.Certificate
	// Metered routes never run transfer probes (a phone's data plan, a paid proxy).
	Metered bool
}

// Endpoint describes the route without secrets, e.g. "socks5 127.0.0.1:9050" or "wg0".
func (s RouteSpec) Endpoint() string {
	switch s.Kind {
	case RouteInterface:
		return s.Interface
	case RouteSOCKS5, RouteHTTP:
		if s.Proxy == nil {
			return s.Kind
		}
		auth := ""
		if s.Proxy.User != nil {
			auth = " (auth)"
		}
		return s.Kind + " " + s.Proxy.Host + auth
	}
	return s.Kind
}
