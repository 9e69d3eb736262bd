package engine

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
)

// converse opens a connection to addr through r for a probe that speaks its own protocol,
// records the dial phases in res, and bounds the whole conversation by the probe's context
// and every read and write by one step. It returns nil (with res.Err set) when the dial fails.
func converse(ctx context.Context, r Route, addr string, opt ProbeOptions, res *checks.TargetResult) (net.Conn, DialTrace, func()) {
	conn, trace, err := dialRecorded(ctx, r, addr, opt, res)
	if err != nil {
		res.NotApplicable = noIPv6(addr, res.Err, err)
		return nil, trace, func() {}
	}
	stop := bindDeadline(ctx, conn)
	return &stepConn{Conn: conn, step: opt.StepTimeout}, trace, func() {
		stop()
		conn.Close()
	}
}

// noIPv6 says "no IPv6 on this route" when a dial to an IPv6 literal failed because the route
// has no IPv6 at all (no address or route for it, or a proxy that cannot reach IPv6), rather
// than because something dropped or refused it; "" otherwise.
func noIPv6(addr string, named *checks.Error, err error) string {
	host, _, _ := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return ""
	}
	switch {
	case named.Failure == checks.FailNetworkUnreachable, errors.Is(err, syscall.EADDRNOTAVAIL),
		errors.Is(err, syscall.EAFNOSUPPORT):
		return "no IPv6 on this route"
	case named.Failure == checks.FailSOCKSReply && (strings.Contains(named.Detail, "network unreachable") ||
		strings.Contains(named.Detail, "address type")):
		return "no IPv6 through this proxy"
	}
	return ""
}
