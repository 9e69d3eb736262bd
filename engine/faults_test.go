package engine_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const (
	faultStep    = 400 * time.Millisecond
	faultTimeout = 1500 * time.Millisecond
	// faultSlack covers scheduling on a loaded machine; a hang would take far longer.
	faultSlack = 3 * time.Second
)

// TestEveryFaultGetsItsNameVerdictAndReason runs one check per fault through the scheduler,
// as a user's sweep would, and asserts what the user is told: the verdict, the reason, the
// OONI failure and operation, and that the check ended within its deadline.
func TestEveryFaultGetsItsNameVerdictAndReason(t *testing.T) {
	const name = "chat.lifeline.test"
	good := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, name)})
	socks := func(opt fixture.SOCKS5Options) checks.RouteSpec {
		p := fixture.NewSOCKS5(t, opt)
		u := p.URL()
		if opt.User != "" {
			u.User = url.UserPassword(opt.User, "wrong-"+opt.Password)
		}
		return checks.RouteSpec{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: u}
	}
	connect := func(opt fixture.ConnectOptions, user *url.Userinfo) checks.RouteSpec {
		p := fixture.NewConnect(t, opt)
		return checks.RouteSpec{Name: "proxy", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: p.Addr, User: user}}
	}
	direct := checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}
	tlsTo := func(addr string) checks.Target {
		return checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: name, RootCAs: fixture.Pool()}
	}

	cases := []struct {
		name      string
		route     checks.RouteSpec
		target    checks.Target
		verdict   checks.Verdict
		failure   string
		operation string
		reason    string
	}{
		{"refused", direct, tlsTo(fixture.RefusedAddr(t)),
			checks.VerdictBlocked, checks.FailConnectionRefused, checks.OpConnect, "connect connection refused on " + name},
		{"blackholed", direct, tlsTo(fixture.Blackhole(t)),
			checks.VerdictBlocked, checks.FailGenericTimeout, checks.OpTLSHandshake, "TLS handshake timed out on " + name + " (IP-blocked: another name fails there too)"},
		{"reset after ClientHello", direct, tlsTo(fixture.ResetAfterRead(t, 1)),
			checks.VerdictBlocked, checks.FailConnectionReset, checks.OpTLSHandshake, "TLS reset after ClientHello on " + name + " (IP-blocked: another name fails there too)"},
		{"stall after N bytes", direct,
			checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, name), Handler: fixture.StallHandler(17000)}).URL + "/", SNI: name, RootCAs: fixture.Pool()},
			checks.VerdictBlocked, checks.FailGenericTimeout, checks.OpRead, "read timed out on " + name},
		{"wrong CA", direct, tlsTo(fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.ForeignLeaf(t, name)}).Addr),
			checks.VerdictBlocked, checks.FailSSLUnknownAuthority, checks.OpTLSHandshake, "untrusted certificate on " + name + " (interception?)"},
		{"wrong hostname", direct, tlsTo(fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "other.lifeline.test")}).Addr),
			checks.VerdictBlocked, checks.FailSSLInvalidHostname, checks.OpTLSHandshake, "certificate for another name on " + name},
		{"NXDOMAIN at the proxy", socks(fixture.SOCKS5Options{}), tlsTo(name + ":443"),
			checks.VerdictBlocked, checks.FailHostUnreachable, checks.OpProxyConnect, "proxy could not reach " + name},
		{"SOCKS auth rejected", socks(fixture.SOCKS5Options{User: "bob", Password: "pw"}), tlsTo(good.Addr),
			checks.VerdictRouteDown, checks.FailProxyAuth, checks.OpProxyAuth, "socks5: authentication rejected"},
		{"SOCKS garbage reply", socks(fixture.SOCKS5Options{Mode: fixture.SOCKSGarbageGreeting}), tlsTo(good.Addr),
			checks.VerdictRouteDown, checks.FailProxyProtocol, checks.OpProxyGreeting, "socks5: unexpected greeting reply"},
		{"proxy accepts and never answers", socks(fixture.SOCKS5Options{Mode: fixture.SOCKSNeverAnswer}), tlsTo(good.Addr),
			checks.VerdictRouteDown, checks.FailGenericTimeout, checks.OpProxyGreeting, "socks5: proxy timed out"},
		{"CONNECT 403", connect(fixture.ConnectOptions{Status: 403}, nil), tlsTo(good.Addr),
			checks.VerdictBlocked, checks.FailConnectStatus, checks.OpProxyConnect, "proxy refused CONNECT for " + name + ": HTTP 403"},
		{"CONNECT 407", connect(fixture.ConnectOptions{User: "alice", Password: "pw"}, url.UserPassword("alice", "wrong")), tlsTo(good.Addr),
			checks.VerdictRouteDown, checks.FailProxyAuth, checks.OpProxyAuth, "http: proxy rejected the credentials"},
		{"proxy refused", checks.RouteSpec{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: fixture.RefusedAddr(t)}}, tlsTo(good.Addr),
			checks.VerdictRouteDown, checks.FailConnectionRefused, checks.OpConnect, "socks5 proxy 127.0.0.1:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := oneCheck(t, checks.Settings{StepTimeout: faultStep, Timeout: faultTimeout}, tc.route, tc.target)
			start := time.Now()
			got, route := sweepOne(s)
			if took := time.Since(start); took > faultTimeout+faultSlack {
				t.Errorf("the sweep took %s; its check deadline is %s", took, faultTimeout)
			}
			if got.Verdict != tc.verdict {
				t.Fatalf("verdict %s (%s), want %s", got.Verdict, got.Reason, tc.verdict)
			}
			if got.Cause == nil || got.Cause.Failure != tc.failure || got.Cause.Operation != tc.operation {
				t.Errorf("cause %v, want %s at %s", got.Cause, tc.failure, tc.operation)
			}
			if !strings.HasPrefix(got.Reason, tc.reason) {
				t.Errorf("reason %q, want it to start with %q", got.Reason, tc.reason)
			}
			if (tc.verdict == checks.VerdictRouteDown) == route.OK {
				t.Errorf("route reported ok=%v (%s) for a %s check", route.OK, route.Reason, tc.verdict)
			}
		})
	}
}
