package engine_test

import (
	"encoding/base64"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

func TestHTTPConnectTunnelsAndKeepsBytesSentWithTheHeader(t *testing.T) {
	echo := fixture.Echo(t)
	proxy := fixture.NewConnect(t, fixture.ConnectOptions{
		Hosts:       map[string]string{"chat.example.test": echo},
		AfterHeader: []byte("early"),
	})
	r := proxyRoute(t, checks.RouteHTTP, proxy.Addr, "", "")
	if err := checkWithin(t, r, 2*time.Second); err != nil {
		t.Fatalf("Check: %v", err)
	}
	conn, trace, err := dialWithin(t, r, "chat.example.test:5222", 2*time.Second)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	early := make([]byte, len("early"))
	if _, err := io.ReadFull(conn, early); err != nil || string(early) != "early" {
		t.Fatalf("first bytes = %q, %v; want the bytes that came with the header", early, err)
	}
	echoes(t, conn)
	if trace.DNS != 0 || trace.Connect <= 0 {
		t.Errorf("trace DNS=%v Connect=%v, want DNS 0 and a connect time", trace.DNS, trace.Connect)
	}
	if got := proxy.Requested(); !slices.Equal(got, []string{"chat.example.test:5222"}) {
		t.Errorf("CONNECT targets %q, want the name itself", got)
	}
}

func TestHTTPConnectSendsBasicAuth(t *testing.T) {
	echo := fixture.Echo(t)
	proxy := fixture.NewConnect(t, fixture.ConnectOptions{User: "alice", Password: "s3cret"})
	r := proxyRoute(t, checks.RouteHTTP, proxy.Addr, "alice", "s3cret")
	conn, _, err := dialWithin(t, r, echo, 2*time.Second)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	echoes(t, conn)
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	if got := proxy.ProxyAuthorization(); !slices.Equal(got, []string{want}) {
		t.Errorf("Proxy-Authorization sent: %q, want %q", got, want)
	}
}

func TestHTTPConnectWithoutCredentialsSendsNoAuthHeader(t *testing.T) {
	proxy := fixture.NewConnect(t, fixture.ConnectOptions{})
	r := proxyRoute(t, checks.RouteHTTP, proxy.Addr, "", "")
	if _, _, err := dialWithin(t, r, fixture.Echo(t), 2*time.Second); err != nil {
		t.Fatalf("Dial: %v", err)
	}
	if got := proxy.ProxyAuthorization(); !slices.Equal(got, []string{""}) {
		t.Errorf("Proxy-Authorization sent: %q, want none", got)
	}
}

// Every way a CONNECT can fail takes the dial down with the failure and the operation named.
func TestHTTPConnectFailuresAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name        string
		opt         fixture.ConnectOptions
		user, pass  string
		within      time.Duration
		failure, op string
		detail      string
	}{
		{"407 is auth failure", fixture.ConnectOptions{User: "alice", Password: "right"}, "alice", "wrong", 2 * time.Second,
			checks.FailProxyAuth, checks.OpProxyAuth, "HTTP 407 Proxy Authentication Required"},
		{"refused status 403 is named", fixture.ConnectOptions{Status: 403}, "", "", 2 * time.Second,
			checks.FailConnectStatus, checks.OpProxyConnect, "HTTP 403 Forbidden"},
		{"refused unknown name is named", fixture.ConnectOptions{}, "", "", 2 * time.Second,
			checks.FailConnectStatus, checks.OpProxyConnect, "HTTP 502 Bad Gateway"},
		{"garbage answer is protocol error", fixture.ConnectOptions{Mode: fixture.ConnectGarbage}, "", "", 2 * time.Second,
			checks.FailProxyProtocol, checks.OpProxyConnect, "http proxy:"},
		{"endless header is bounded", fixture.ConnectOptions{Mode: fixture.ConnectHugeHeader}, "", "", 5 * time.Second,
			checks.FailProxyProtocol, checks.OpProxyConnect, "larger than 16 KiB"},
		{"silent proxy cannot outlive the deadline", fixture.ConnectOptions{Mode: fixture.ConnectNeverAnswer}, "", "", 300 * time.Millisecond,
			checks.FailGenericTimeout, checks.OpProxyConnect, ""},
		// The deadline cutting a status line half-way is a timeout at the CONNECT, not garbage
		// from the proxy: what arrived was well-formed, only late.
		{"status line cut by the deadline is a timeout", fixture.ConnectOptions{Mode: fixture.ConnectDripStatus}, "", "", 300 * time.Millisecond,
			checks.FailGenericTimeout, checks.OpProxyConnect, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := fixture.NewConnect(t, tc.opt)
			r := proxyRoute(t, checks.RouteHTTP, proxy.Addr, tc.user, tc.pass)
			_, _, err := dialWithin(t, r, "chat.example.test:443", tc.within)
			wantRouteErr(t, err, tc.failure, tc.op, tc.detail)
		})
	}
}

// A status line is remote text: it must reach the screen without escape sequences.
func TestHTTPConnectStatusLineIsSanitized(t *testing.T) {
	proxy := fixture.Serve(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Read(make([]byte, 4096))
		io.WriteString(c, "HTTP/1.1 403 \x1b]0;owned\x07\x1b[31mDenied\x1b[0m"+strings.Repeat("!", 500)+"\r\nContent-Length: 0\r\n\r\n")
	})
	r := proxyRoute(t, checks.RouteHTTP, proxy, "", "")
	_, _, err := dialWithin(t, r, "chat.example.test:443", 2*time.Second)
	named := wantRouteErr(t, err, checks.FailConnectStatus, checks.OpProxyConnect, "HTTP 403 Denied")
	if strings.ContainsAny(named.Detail, "\x1b\x07") || len([]rune(named.Detail)) > 201 {
		t.Errorf("detail not sanitized or bounded: %q", named.Detail)
	}
}
