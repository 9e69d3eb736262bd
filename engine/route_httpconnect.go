package engine

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// maxConnectHeader bounds the proxy's answer to CONNECT, so a hostile proxy cannot make us
// read forever.
const maxConnectHeader = 16 << 10

// httpConnectRoute tunnels through an HTTP proxy with CONNECT. The target name goes in the
// CONNECT line and the proxy resolves it; nothing is looked up locally.
type httpConnectRoute struct {
	proxyRoute
	auth string // Proxy-Authorization value, empty without credentials; never printed
}

func newHTTPConnect(spec checks.RouteSpec) (Route, error) {
	base, err := newProxyRoute(spec, "http", "8080")
	if err != nil {
		return nil, err
	}
	r := &httpConnectRoute{proxyRoute: base}
	if u := spec.Proxy.User; u != nil {
		pass, _ := u.Password()
		r.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass))
	}
	return r, nil
}

// Check only opens TCP to the proxy: HTTP proxies have no greeting, and credentials are
// only tested by a CONNECT, which the scheduler does as an ordinary probe of the control
// target through this route.
func (h *httpConnectRoute) Check(ctx context.Context) *checks.Error { return h.check(ctx, nil) }

// Dial asks the proxy for a tunnel to addr. trace.Connect covers TCP to the proxy and the
// CONNECT exchange; DNS stays 0 because the proxy resolves.
func (h *httpConnectRoute) Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error) {
	if trace == nil {
		trace = &DialTrace{}
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	start := time.Now()
	defer func() { trace.DNS, trace.Connect = 0, time.Since(start) }()
	conn, derr := dialProxy(ctx, h.proxy)
	if derr != nil {
		return nil, derr
	}
	stop := bindDeadline(ctx, conn)
	tunnel, cerr := h.connect(conn, addr)
	stop()
	if cerr != nil {
		conn.Close()
		return nil, cerr
	}
	trace.Remote = addr + " via " + h.proxy
	return tunnel, nil
}

// connect sends CONNECT on conn and reads the answer. On success the returned conn first
// yields any tunnel bytes the proxy sent along with its header.
func (h *httpConnectRoute) connect(conn net.Conn, addr string) (net.Conn, *checks.Error) {
	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if h.auth != "" {
		req += "Proxy-Authorization: " + h.auth + "\r\n"
	}
	req += "\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, checks.Classify(checks.OpProxyConnect, err)
	}
	watched := &readErrReader{r: conn}
	limited := &io.LimitedReader{R: watched, N: maxConnectHeader}
	br := bufio.NewReader(limited)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		// bufio hands a line cut short by a read error to the parser as if it were whole, so
		// a status line cut by the deadline would read as garbage: the read's own error names it.
		if isTimeout(watched.err) {
			return nil, checks.Classify(checks.OpProxyConnect, watched.err)
		}
		if limited.N <= 0 {
			return nil, checks.NewError(checks.FailProxyProtocol, checks.OpProxyConnect,
				fmt.Sprintf("http proxy: answer header larger than %d KiB", maxConnectHeader>>10))
		}
		named := checks.Classify(checks.OpProxyConnect, err)
		if named.Failure == checks.FailUnknown {
			named.Failure = checks.FailProxyProtocol
			named.Detail = checks.Sanitize("http proxy: " + err.Error())
		}
		return nil, named
	}
	detail := "HTTP " + resp.Status
	switch {
	// Only the proxy answers a CONNECT, so 401 is its refusal too: tinyproxy 1.11 sends 401
	// for a wrong password.
	case resp.StatusCode == http.StatusProxyAuthRequired, resp.StatusCode == http.StatusUnauthorized:
		return nil, checks.NewError(checks.FailProxyAuth, checks.OpProxyAuth, detail)
	case resp.StatusCode/100 != 2:
		return nil, checks.NewError(checks.FailConnectStatus, checks.OpProxyConnect, detail)
	}
	if n := br.Buffered(); n > 0 {
		early, _ := br.Peek(n)
		return &prefixedConn{Conn: conn, pending: early}, nil
	}
	return conn, nil
}

// prefixedConn returns bytes already read from the proxy before reading the socket again.
type prefixedConn struct {
	net.Conn
	pending []byte
}

func (c *prefixedConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// readErrReader remembers the first error its reader returned.
type readErrReader struct {
	r   io.Reader
	err error
}

func (w *readErrReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// DialUDP on an HTTP proxy route always fails: CONNECT tunnels TCP only.
func (h *httpConnectRoute) DialUDP(ctx context.Context, addr string) (net.Conn, error) {
	return nil, checks.NewError(checks.FailUDPUnsupported, checks.OpSTUN, "an HTTP proxy tunnels TCP only")
}
