package checks

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"time"
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

// DialTrace records the phases a dial went through.
type DialTrace struct {
	DNS     time.Duration // local or route-side resolution that lifeline timed itself
	Connect time.Duration // TCP connect, plus the proxy handshake on proxy routes
	Remote  string        // the address connected to, when known
}

// Route is one way out.
type Route interface {
	Spec() RouteSpec
	// Check tests the route's own mechanism: the interface exists, is up and has an address,
	// or the proxy accepts TCP and completes its greeting and authentication.
	Check(ctx context.Context) *Error
	// Dial opens a TCP connection to addr (host:port) through the route. Names are resolved
	// the route's way: the system resolver for direct, the route's DNS server through the
	// bound socket for interface routes, the proxy itself for socks5 and http. Errors are
	// *Error naming the failure and the operation.
	Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error)
}

// NewRoute builds the route a spec describes.
func NewRoute(spec RouteSpec) (Route, error) {
	switch spec.Kind {
	case RouteDirect:
		return newDirect(spec), nil
	case RouteInterface:
		return newInterfaceRoute(spec)
	case RouteSOCKS5:
		return newSOCKS5(spec)
	case RouteHTTP:
		return newHTTPConnect(spec)
	}
	return nil, fmt.Errorf("route %q: unknown kind %q", spec.Name, spec.Kind)
}
