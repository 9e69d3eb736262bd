package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
)

// ifaceRoute sends traffic out of one network device (wg0, tun0, utun3…) by binding each
// socket to it, and resolves names with a resolver reached through the same device.
type ifaceRoute struct {
	spec   checks.RouteSpec
	dns    string
	dialer net.Dialer
}

func newInterfaceRoute(spec checks.RouteSpec) (Route, error) {
	if spec.Interface == "" {
		return nil, fmt.Errorf("route %q: interface route needs an interface name", spec.Name)
	}
	dns := spec.DNS
	if dns == "" {
		dns = checks.DefaultInterfaceDNS
	}
	if _, _, err := net.SplitHostPort(dns); err != nil {
		dns = net.JoinHostPort(dns, "53")
	}
	r := &ifaceRoute{spec: spec, dns: dns}
	r.dialer.Control = bindControl(spec.Interface)
	return r, nil
}

func (r *ifaceRoute) Spec() checks.RouteSpec { return r.spec }

// Check tests that the device exists, is up and has a usable address. Link-local addresses
// do not count: they cannot reach anything beyond the link.
func (r *ifaceRoute) Check(ctx context.Context) *checks.Error {
	name := r.spec.Interface
	if bindUnsupported != "" {
		return checks.NewError(checks.FailUnknown, checks.OpInterface, bindUnsupported)
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return &checks.Error{Failure: checks.FailInterfaceMissing, Operation: checks.OpInterface,
			Detail: checks.Sanitize("interface " + name + " not found"), Err: err}
	}
	if ifi.Flags&net.FlagUp == 0 {
		return checks.NewError(checks.FailInterfaceDown, checks.OpInterface, "interface "+name+" is down")
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return &checks.Error{Failure: checks.FailInterfaceNoAddress, Operation: checks.OpInterface,
			Detail: checks.Sanitize("interface " + name + ": " + err.Error()), Err: err}
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLinkLocalUnicast() {
			return nil
		}
	}
	return checks.NewError(checks.FailInterfaceNoAddress, checks.OpInterface, "interface "+name+" has no address")
}

// Dial resolves addr's host through the device and connects from a socket bound to it.
func (r *ifaceRoute) Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error) {
	// The resolver reports its dial failures as text, so a failure to bind its socket is
	// kept here to be named like one on the connection itself.
	var mu sync.Mutex
	var resolverBindErr error
	resolver := &net.Resolver{
		PreferGo: true,
		// The system resolver's address is ignored: queries go to the route's own server,
		// through a socket bound to the device.
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			conn, err := r.dialer.DialContext(ctx, network, r.dns)
			if bind := (*bindError)(nil); errors.As(err, &bind) {
				mu.Lock()
				resolverBindErr = err
				mu.Unlock()
			}
			return conn, err
		},
	}
	conn, err := dialResolved(ctx, resolver, &r.dialer, addr, trace)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		if resolverBindErr != nil {
			err = resolverBindErr
		}
		return nil, r.nameBindFailure(err)
	}
	return conn, nil
}

// nameBindFailure turns a failure to bind the socket into the interface failure it means,
// whether it surfaced while resolving or while connecting.
func (r *ifaceRoute) nameBindFailure(err error) error {
	var bind *bindError
	if !errors.As(err, &bind) {
		return err
	}
	name := r.spec.Interface
	switch {
	case errors.Is(bind.err, syscall.ENODEV), errors.Is(bind.err, errNoSuchInterface):
		return &checks.Error{Failure: checks.FailInterfaceMissing, Operation: checks.OpInterface,
			Detail: checks.Sanitize("interface " + name + " not found"), Err: err}
	case errors.Is(bind.err, syscall.EPERM), errors.Is(bind.err, syscall.EACCES):
		return &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpInterface,
			Detail: checks.Sanitize("not permitted to bind to " + name + permissionHint), Err: err}
	}
	return &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpInterface,
		Detail: checks.Sanitize("cannot bind to " + name + ": " + bind.err.Error()), Err: err}
}

// errNoSuchInterface reports a device that vanished between configuration and dial.
var errNoSuchInterface = errors.New("no such interface")

// bindError marks a failure to bind a socket to the device, as opposed to a network failure.
type bindError struct{ err error }

func (e *bindError) Error() string { return "bind to device: " + e.err.Error() }
func (e *bindError) Unwrap() error { return e.err }

// DialUDP on an interface route resolves through the device and sends from a socket bound
// to it, like Dial.
func (r *ifaceRoute) DialUDP(ctx context.Context, addr string) (net.Conn, error) {
	resolver := &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return r.dialer.DialContext(ctx, network, r.dns)
		},
	}
	conn, err := dialUDPResolved(ctx, resolver, &r.dialer, addr)
	if err != nil {
		return nil, r.nameBindFailure(err)
	}
	return conn, nil
}
