package engine

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// DialTrace records the phases a dial went through.
type DialTrace struct {
	DNS     time.Duration // local or route-side resolution that lifeline timed itself
	Connect time.Duration // TCP connect, plus the proxy handshake on proxy routes
	Remote  string        // the address connected to, when known
}

// Route is one way out.
type Route interface {
	Spec() checks.RouteSpec
	// Check tests the route's own mechanism: the interface exists, is up and has an address,
	// or the proxy accepts TCP and completes its greeting and authentication.
	Check(ctx context.Context) *checks.Error
	// Dial opens a TCP connection to addr (host:port) through the route. Names are resolved
	// the route's way: the system resolver for direct, the route's DNS server through the
	// bound socket for interface routes, the proxy itself for socks5 and http. Errors are
	// *Error naming the failure and the operation.
	Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error)
}

// routeKinds is the registry of route kinds: adding a kind is one entry here, its constant
// in checks/route.go and its own route_<kind>.go.
var routeKinds = map[string]func(checks.RouteSpec) (Route, error){
	checks.RouteDirect:    func(spec checks.RouteSpec) (Route, error) { return newDirect(spec), nil },
	checks.RouteInterface: newInterfaceRoute,
	checks.RouteSOCKS5:    newSOCKS5,
	checks.RouteHTTP:      newHTTPConnect,
}

// NewRoute builds the route a spec describes.
func NewRoute(spec checks.RouteSpec) (Route, error) {
	build, ok := routeKinds[spec.Kind]
	if !ok {
		return nil, fmt.Errorf("route %q: unknown kind %q", spec.Name, spec.Kind)
	}
	return build(spec)
}
