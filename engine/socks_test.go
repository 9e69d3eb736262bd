package engine_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// routeSlack is how much longer than its deadline a route step may take before a test calls
// it a hang; generous because the machine is shared.
const routeSlack = 3 * time.Second

// proxyRoute builds a socks5 or http route to addr, with credentials when user is set.
func proxyRoute(t *testing.T, kind, addr, user, pass string) engine.Route {
	t.Helper()
	u := &url.URL{Scheme: kind, Host: addr}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	}
	r, err := engine.NewRoute(checks.RouteSpec{Name: "test-" + kind, Kind: kind, Proxy: u})
	if err != nil {
		t.Fatalf("NewRoute: %v", err)
	}
	return r
}

// dialWithin dials addr through r with a deadline and fails the test if the dial outlives it.
func dialWithin(t *testing.T, r engine.Route, addr string, deadline time.Duration) (net.Conn, *engine.DialTrace, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var trace engine.DialTrace
	start := time.Now()
	conn, err := r.Dial(ctx, addr, &trace)
	if took := time.Since(start); took > deadline+routeSlack {
		t.Fatalf("Dial %s took %v with a %v deadline", addr, took, deadline)
	}
	if conn != nil {
		t.Cleanup(func() { conn.Close() })
	}
	return conn, &trace, err
}

// checkWithin runs r.Check with a deadline and fails the test if it outlives it.
func checkWithin(t *testing.T, r engine.Route, deadline time.Duration) *checks.Error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	err := r.Check(ctx)
	if took := time.Since(start); took > deadline+routeSlack {
		t.Fatalf("Check took %v with a %v deadline", took, deadline)
	}
	return err
}

// wantRouteErr asserts err is a *checks.Error with the given failure and operation, and that
// its detail contains detail.
func wantRouteErr(t *testing.T, err error, failure, op, detail string) *checks.Error {
	t.Helper()
	var named *checks.Error
	if !errors.As(err, &named) || named == nil {
		t.Fatalf("error %v (%T) is not a *checks.Error", err, err)
	}
	if named.Failure != failure || named.Operation != op {
		t.Fatalf("got %s/%s (%q), want %s/%s", named.Operation, named.Failure, named.Detail, op, failure)
	}
	if !strings.Contains(named.Detail, detail) {
		t.Fatalf("detail %q does not contain %q", named.Detail, detail)
	}
	return named
}

// echoes asserts conn carries bytes to the echo fixture and back.
func echoes(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	msg := []byte("ping through the tunnel")
	if _, err := conn.Write(msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	if string(got) != string(msg) {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
}

func TestSOCKS5TunnelsToANameOnlyTheProxyResolves(t *testing.T) {
	echo := fixture.Echo(t)
	for _, tc := range []struct {
		name       string
		user, pass string
	}{
		{"no auth", "", ""},
		{"user and password", "alice", "s3cret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{
				User: tc.user, Password: tc.pass,
				Hosts: map[string]string{"chat.example.test": echo},
			})
			r := proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, tc.user, tc.pass)
			if err := checkWithin(t, r, 2*time.Second); err != nil {
				t.Fatalf("Check: %v", err)
			}
			conn, trace, err := dialWithin(t, r, "chat.example.test:443", 2*time.Second)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			echoes(t, conn)
			if trace.DNS != 0 || trace.Connect <= 0 {
				t.Errorf("trace DNS=%v Connect=%v, want DNS 0 (the proxy resolves) and a connect time", trace.DNS, trace.Connect)
			}
			if got := proxy.Requested(); !slices.Equal(got, []string{"chat.example.test:443"}) {
				t.Errorf("proxy was asked for %q, want the name itself", got)
			}
		})
	}
}

// A proxy that fails the greeting or the authentication takes the route down, for Check and
// Dial alike, with the failure and the operation named; no CONNECT follows a refused login.
func TestSOCKS5HandshakeFailuresAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name              string
		opt               fixture.SOCKS5Options
		user, pass        string
		within            time.Duration
		dialTo            string
		failure, op       string
		checkWhy, dialWhy string
	}{
		{"wrong password is auth rejected", fixture.SOCKS5Options{User: "alice", Password: "right"}, "alice", "wrong",
			2 * time.Second, "127.0.0.1:1", checks.FailProxyAuth, checks.OpProxyAuth,
			"socks5: authentication rejected", "authentication rejected"},
		{"proxy wanting credentials we lack is auth failure", fixture.SOCKS5Options{User: "alice", Password: "right"}, "", "",
			2 * time.Second, "127.0.0.1:1", checks.FailProxyAuth, checks.OpProxyAuth,
			"no acceptable authentication method", "no acceptable authentication method"},
		{"garbage greeting is protocol error", fixture.SOCKS5Options{Mode: fixture.SOCKSGarbageGreeting}, "", "",
			2 * time.Second, "127.0.0.1:1", checks.FailProxyProtocol, checks.OpProxyGreeting,
			"socks5: unexpected greeting reply", "unexpected protocol version"},
		{"closed mid-greeting is EOF", fixture.SOCKS5Options{Mode: fixture.SOCKSCloseMidGreeting}, "", "",
			2 * time.Second, "127.0.0.1:1", checks.FailEOF, checks.OpProxyGreeting, "", ""},
		{"silent proxy cannot outlive the deadline", fixture.SOCKS5Options{Mode: fixture.SOCKSNeverAnswer}, "alice", "pw",
			300 * time.Millisecond, "chat.example.test:443", checks.FailGenericTimeout, checks.OpProxyGreeting, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := fixture.NewSOCKS5(t, tc.opt)
			r := proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, tc.user, tc.pass)
			wantRouteErr(t, checkWithin(t, r, tc.within), tc.failure, tc.op, tc.checkWhy)
			_, _, err := dialWithin(t, r, tc.dialTo, tc.within)
			wantRouteErr(t, err, tc.failure, tc.op, tc.dialWhy)
			if tc.failure == checks.FailProxyAuth && len(proxy.Requested()) != 0 {
				t.Errorf("a CONNECT was sent after failed authentication: %q", proxy.Requested())
			}
		})
	}
}

func TestSOCKS5CancelledContextEndsTheHandshake(t *testing.T) {
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: fixture.SOCKSNeverAnswer})
	r := proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, "", "")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	done := make(chan *checks.Error, 1)
	go func() { done <- r.Check(ctx) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Check of a silent proxy succeeded")
		}
	case <-time.After(routeSlack):
		t.Fatal("Check ignored the cancelled context")
	}
}

func TestSOCKS5UnknownNameIsHostUnreachableAtTheProxy(t *testing.T) {
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	r := proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, "", "")
	_, _, err := dialWithin(t, r, "nxdomain.example.test:443", 2*time.Second)
	named := wantRouteErr(t, err, checks.FailHostUnreachable, checks.OpProxyConnect, "socks5: host unreachable")
	if h := named.Human("nxdomain.example.test"); !strings.Contains(h, "unreachable") {
		t.Errorf("Human = %q, want it to say unreachable", h)
	}
}

func TestSOCKS5ReplyCodesAreNamed(t *testing.T) {
	for _, tc := range []struct {
		reply   byte
		failure string
		detail  string
	}{
		{fixture.ReplyGeneralFailure, checks.FailSOCKSReply, "general SOCKS server failure"},
		{fixture.ReplyNotAllowed, checks.FailSOCKSReply, "not allowed by ruleset"},
		{fixture.ReplyNetworkUnreachable, checks.FailNetworkUnreachable, "network unreachable"},
		{fixture.ReplyHostUnreachable, checks.FailHostUnreachable, "host unreachable"},
		{fixture.ReplyConnectionRefused, checks.FailConnectionRefused, "connection refused"},
		{fixture.ReplyTTLExpired, checks.FailSOCKSReply, "TTL expired"},
		{fixture.ReplyCommandUnsupported, checks.FailSOCKSReply, "command not supported"},
		{fixture.ReplyAddressUnsupported, checks.FailSOCKSReply, "address type not supported"},
	} {
		t.Run(tc.detail, func(t *testing.T) {
			proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Reply: tc.reply})
			r := proxyRoute(t, checks.RouteSOCKS5, proxy.Addr, "", "")
			_, _, err := dialWithin(t, r, "127.0.0.1:443", 2*time.Second)
			wantRouteErr(t, err, tc.failure, checks.OpProxyConnect, tc.detail)
		})
	}
}

func TestProxyRefusingTCPIsConnectFailure(t *testing.T) {
	addr := fixture.RefusedAddr(t)
	for _, kind := range []string{checks.RouteSOCKS5, checks.RouteHTTP} {
		t.Run(kind, func(t *testing.T) {
			r := proxyRoute(t, kind, addr, "alice", "pw")
			wantRouteErr(t, checkWithin(t, r, 2*time.Second), checks.FailConnectionRefused, checks.OpConnect, "")
			_, _, err := dialWithin(t, r, "chat.example.test:443", 2*time.Second)
			wantRouteErr(t, err, checks.FailConnectionRefused, checks.OpConnect, "")
		})
	}
}

// A name only the proxy's map knows can only work if nothing looks it up locally first.
func TestProxyRoutesNeverResolveTargetNamesLocally(t *testing.T) {
	const name = "only-the-proxy-knows.test"
	echo := fixture.Echo(t)
	_, port, _ := net.SplitHostPort(echo)
	target := net.JoinHostPort(name, port)
	hosts := map[string]string{name: echo}

	direct, err := engine.NewRoute(checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := dialWithin(t, direct, target, 3*time.Second); err == nil {
		t.Fatalf("the direct route resolved %s: the test cannot tell local from remote lookups", name)
	}

	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts})
	connect := fixture.NewConnect(t, fixture.ConnectOptions{Hosts: hosts})
	for _, tc := range []struct {
		kind      string
		addr      string
		requested func() []string
	}{
		{checks.RouteSOCKS5, socks.Addr, socks.Requested},
		{checks.RouteHTTP, connect.Addr, connect.Requested},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			r := proxyRoute(t, tc.kind, tc.addr, "", "")
			conn, trace, err := dialWithin(t, r, target, 3*time.Second)
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			echoes(t, conn)
			if trace.DNS != 0 {
				t.Errorf("trace.DNS = %v, want 0: no local lookup", trace.DNS)
			}
			if got := tc.requested(); !slices.Equal(got, []string{target}) {
				t.Errorf("proxy was asked for %q, want [%s]", got, target)
			}
		})
	}
}

// The password must not leak through the display name or any failure a user can see.
func TestProxyPasswordNeverAppearsInEndpointOrErrors(t *testing.T) {
	const pass = "hunter2-do-not-print"
	socksAuth := fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: "alice", Password: "other"})
	socksGarbage := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Mode: fixture.SOCKSGarbageGreeting})
	connectAuth := fixture.NewConnect(t, fixture.ConnectOptions{User: "alice", Password: "other"})
	connect403 := fixture.NewConnect(t, fixture.ConnectOptions{Status: 403})
	refused := fixture.RefusedAddr(t)
	for _, tc := range []struct{ kind, addr string }{
		{checks.RouteSOCKS5, socksAuth.Addr},
		{checks.RouteSOCKS5, socksGarbage.Addr},
		{checks.RouteSOCKS5, refused},
		{checks.RouteHTTP, connectAuth.Addr},
		{checks.RouteHTTP, connect403.Addr},
		{checks.RouteHTTP, refused},
	} {
		r := proxyRoute(t, tc.kind, tc.addr, "alice", pass)
		texts := []string{r.Spec().Endpoint()}
		if err := checkWithin(t, r, 2*time.Second); err != nil {
			texts = append(texts, err.Error(), err.Detail, err.Human("chat.example.test"))
			if err.Err != nil {
				texts = append(texts, err.Err.Error())
			}
		}
		_, trace, err := dialWithin(t, r, "chat.example.test:443", 2*time.Second)
		if err == nil {
			t.Fatalf("%s %s: Dial succeeded against a failing proxy", tc.kind, tc.addr)
		}
		texts = append(texts, err.Error(), trace.Remote)
		var named *checks.Error
		if errors.As(err, &named) {
			texts = append(texts, named.Detail, named.Human("chat.example.test"))
			if named.Err != nil {
				texts = append(texts, named.Err.Error())
			}
		}
		for _, s := range texts {
			if strings.Contains(s, pass) {
				t.Errorf("%s %s: %q shows the password", tc.kind, tc.addr, s)
			}
		}
	}
}
