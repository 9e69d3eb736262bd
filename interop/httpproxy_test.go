//go:build linux

package interop

import (
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// tinyproxy with basic auth and a CONNECT port allow-list: the right credentials reach the
// messenger, missing or wrong ones take the route down naming the proxy's status, and a port
// the proxy does not allow leaves the route up but the service blocked with the CONNECT
// status named.
func TestTinyproxy(t *testing.T) {
	requireLab(t, "tinyproxy")
	srv := messenger(t)
	forbidden := messenger(t) // a second messenger on a port tinyproxy refuses to CONNECT to
	const user, pass = "lifeline", "pr0xy-Pa55"
	addr := fixture.FreeLoopbackAddr(t)
	dir := t.TempDir()
	conf := writeFile(t, dir, "tinyproxy.conf", `Port `+portOf(t, addr)+`
Listen 127.0.0.1
Timeout 30
MaxClients 16
Allow 127.0.0.1
BasicAuth `+user+` `+pass+`
ConnectPort `+srv.Port()+`
DisableViaHeader Yes
Syslog Off
LogLevel Info
PidFile "`+dir+`/tinyproxy.pid"
`)
	tp := startDaemon(t, "tinyproxy", "-d", "-c", conf)
	tp.waitListening(t, addr)

	// HTTP proxies have no greeting: only a CONNECT tests the credentials, so these routes
	// carry a control target (the allowed messenger) the way a configured route would.
	control := tlsTarget(srv.Addr)
	control.Role = checks.RoleControl
	const wrongPass = "wrong-Pa55"
	o := sweep(t, []checks.RouteSpec{
		{Name: "http-good", Kind: checks.RouteHTTP, Proxy: proxyURL("http", addr, user, pass), Control: &control},
		{Name: "http-bad", Kind: checks.RouteHTTP, Proxy: proxyURL("http", addr, user, wrongPass), Control: &control},
		{Name: "http-none", Kind: checks.RouteHTTP, Proxy: proxyURL("http", addr, "", ""), Control: &control},
	}, messengerService(srv), service("forbidden", tlsTarget(forbidden.Addr)))

	expectVerdict(t, o, "http-good", "messenger", checks.VerdictOK)
	if r := o.routes["http-good"]; !r.OK {
		t.Errorf("route with the right credentials reported down: %s", r.Reason)
	}

	blocked := expectVerdict(t, o, "http-good", "forbidden", checks.VerdictBlocked, "CONNECT", "403")
	if blocked.Cause == nil || blocked.Cause.Failure != checks.FailConnectStatus {
		t.Errorf("forbidden port: cause %v, want %s", blocked.Cause, checks.FailConnectStatus)
	}

	// No credentials at all: tinyproxy asks for them with 407.
	for _, svc := range []string{"messenger", "forbidden"} {
		c := expectVerdict(t, o, "http-none", svc, checks.VerdictRouteDown, "407")
		if c.Cause == nil || c.Cause.Failure != checks.FailProxyAuth {
			t.Errorf("no credentials, %s: cause %v, want %s", svc, c.Cause, checks.FailProxyAuth)
		}
	}
	// Wrong credentials: tinyproxy up to 1.11.1 (Debian 12) answers 401 instead of 407
	// (tinyproxy/tinyproxy#532, fixed after 1.11.1). Either way the proxy itself rejected
	// the credentials (only the proxy can answer a CONNECT), and the user must be told so.
	for _, svc := range []string{"messenger", "forbidden"} {
		c := expectVerdict(t, o, "http-bad", svc, checks.VerdictRouteDown)
		if !strings.Contains(c.Reason, "401") && !strings.Contains(c.Reason, "407") {
			t.Errorf("wrong password, %s: reason %q names neither 401 nor 407", svc, c.Reason)
		}
		if c.Cause == nil || c.Cause.Failure != checks.FailProxyAuth {
			t.Errorf("wrong password, %s: cause %v, want %s: a 401 answer to CONNECT is the proxy rejecting the credentials",
				svc, c.Cause, checks.FailProxyAuth)
		}
	}
	for _, name := range []string{"http-bad", "http-none"} {
		if r := o.routes[name]; r.OK {
			t.Errorf("route %s reported up: %s", name, r.Reason)
		}
	}
	expectNoSecret(t, o, pass)
	expectNoSecret(t, o, wrongPass)
}
