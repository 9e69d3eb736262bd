package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"golang.org/x/net/proxy"
)

// socks5Route tunnels through a SOCKS5 proxy. Target names go to the proxy as they are
// (ATYP domain): a local lookup would leak the name to the censor and return its answer.
type socks5Route struct {
	proxyRoute
	auth *proxy.Auth
}

func newSOCKS5(spec checks.RouteSpec) (Route, error) {
	base, err := newProxyRoute(spec, "socks5", "1080")
	if err != nil {
		return nil, err
	}
	r := &socks5Route{proxyRoute: base}
	if u := spec.Proxy.User; u != nil {
		pass, _ := u.Password()
		r.auth = &proxy.Auth{User: u.Username(), Password: pass}
	}
	return r, nil
}

// Check opens TCP to the proxy and completes the greeting and, with credentials, the
// RFC 1929 authentication, then closes without asking for a tunnel.
func (s *socks5Route) Check(ctx context.Context) *checks.Error { return s.check(ctx, s.greet) }

// greet speaks the method negotiation and authentication on conn.
func (s *socks5Route) greet(conn net.Conn) *checks.Error {
	hello := []byte{5, 1, 0}
	if s.auth != nil {
		hello = []byte{5, 2, 0, 2}
	}
	method, err := socksExchange(conn, hello, 5, checks.OpProxyGreeting, "greeting")
	switch {
	case err != nil:
		return err
	case method == 0xff:
		return checks.NewError(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: no acceptable authentication method")
	case method == 0:
		return nil
	case method == 2 && s.auth != nil:
		return s.authenticate(conn)
	}
	return checks.NewError(checks.FailProxyProtocol, checks.OpProxyGreeting,
		fmt.Sprintf("socks5: proxy chose method %d we did not offer", method))
}

// socksExchange writes msg and reads the two-byte reply, whose first byte must be version,
// and returns the second. Failures are named with op; what names the reply in a message.
func socksExchange(conn net.Conn, msg []byte, version byte, op, what string) (byte, *checks.Error) {
	if _, err := conn.Write(msg); err != nil {
		return 0, checks.Classify(op, err)
	}
	var reply [2]byte
	if _, err := io.ReadFull(conn, reply[:]); err != nil {
		return 0, checks.Classify(op, err)
	}
	if reply[0] != version {
		return 0, checks.NewError(checks.FailProxyProtocol, op, fmt.Sprintf("socks5: unexpected %s reply % x", what, reply[:]))
	}
	return reply[1], nil
}

// authenticate runs the RFC 1929 username/password exchange.
func (s *socks5Route) authenticate(conn net.Conn) *checks.Error {
	user, pass := s.auth.User, s.auth.Password
	if len(user) == 0 || len(user) > 255 || len(pass) > 255 {
		return checks.NewError(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: username must be 1-255 bytes and password at most 255")
	}
	msg := make([]byte, 0, 3+len(user)+len(pass))
	msg = append(msg, 1, byte(len(user)))
	msg = append(msg, user...)
	msg = append(msg, byte(len(pass)))
	msg = append(msg, pass...)
	status, err := socksExchange(conn, msg, 1, checks.OpProxyAuth, "authentication")
	if err != nil {
		return err
	}
	if status != 0 {
		return checks.NewError(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: authentication rejected")
	}
	return nil
}

// Dial asks the proxy for a tunnel to addr. trace.Connect covers TCP to the proxy and the
// whole SOCKS exchange; DNS stays 0 because the proxy resolves.
func (s *socks5Route) Dial(ctx context.Context, addr string, trace *DialTrace) (net.Conn, error) {
	if trace == nil {
		trace = &DialTrace{}
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	fwd := &socksForward{}
	d, err := proxy.SOCKS5("tcp", s.proxy, s.auth, fwd)
	if err != nil {
		return nil, &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpProxyConnect, Detail: checks.Sanitize(err.Error()), Err: err}
	}
	start := time.Now()
	conn, err := d.(proxy.ContextDialer).DialContext(ctx, "tcp", addr)
	trace.DNS = 0
	trace.Connect = time.Since(start)
	if err != nil {
		return nil, fwd.classify(err)
	}
	trace.Remote = addr + " via " + s.proxy
	return conn, nil
}

// socksForward opens the TCP connection to the proxy for x/net/proxy and remembers how far
// the exchange got, so a failure names its step.
type socksForward struct {
	dialErr error
	conn    *countingConn
}

func (f *socksForward) Dial(network, addr string) (net.Conn, error) {
	return f.DialContext(context.Background(), network, addr)
}

func (f *socksForward) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		f.dialErr = err
		return nil, err
	}
	f.conn = &countingConn{Conn: c}
	return f.conn, nil
}

// classify names a failed SOCKS dial. The x/net client reports proxy answers as plain
// error strings, so those are matched here.
func (f *socksForward) classify(err error) *checks.Error {
	if f.dialErr != nil {
		return checks.Classify(checks.OpConnect, f.dialErr)
	}
	op := checks.OpProxyConnect
	if f.conn != nil {
		switch {
		case f.conn.writes <= 1:
			op = checks.OpProxyGreeting
		case f.conn.head[1] == 2 && f.conn.writes == 2:
			op = checks.OpProxyAuth
		}
	}
	inner := err
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		inner = opErr.Err
	}
	msg := inner.Error()
	named := func(failure, op, detail string) *checks.Error {
		return &checks.Error{Failure: failure, Operation: op, Detail: checks.Sanitize(detail), Err: err}
	}
	switch {
	case strings.HasPrefix(msg, "unknown error "):
		return socksReplyError(strings.TrimPrefix(msg, "unknown error "), err)
	case msg == "no acceptable authentication methods":
		return named(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: no acceptable authentication method")
	case msg == "username/password authentication failed":
		return named(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: authentication rejected")
	case msg == "invalid username/password":
		return named(checks.FailProxyAuth, checks.OpProxyAuth, "socks5: username must be 1-255 bytes and password at most 255")
	case strings.HasPrefix(msg, "unexpected protocol version"),
		strings.HasPrefix(msg, "unsupported authentication method"),
		strings.HasPrefix(msg, "invalid username/password version"),
		strings.HasPrefix(msg, "unknown address type"),
		msg == "non-zero reserved field":
		return named(checks.FailProxyProtocol, op, "socks5: "+msg)
	}
	return checks.Classify(op, inner)
}

// socksReplies maps RFC 1928 reply texts (as x/net prints them) to the OONI string that fits;
// the rest stay FailSOCKSReply.
var socksReplies = map[string]string{
	"network unreachable": checks.FailNetworkUnreachable,
	"host unreachable":    checks.FailHostUnreachable,
	"connection refused":  checks.FailConnectionRefused,
}

func socksReplyError(reply string, err error) *checks.Error {
	failure, ok := socksReplies[reply]
	if !ok {
		failure = checks.FailSOCKSReply
	}
	return &checks.Error{Failure: failure, Operation: checks.OpProxyConnect, Detail: checks.Sanitize("socks5: " + reply), Err: err}
}

// countingConn counts the messages the SOCKS exchange has sent (greeting, authentication,
// request) and keeps the greeting reply, whose second byte is the method the proxy chose.
type countingConn struct {
	net.Conn
	writes, read int
	head         [2]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.writes++
	return c.Conn.Write(p)
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.read < len(c.head) {
		copy(c.head[c.read:], p[:n])
	}
	c.read += n
	return n, err
}

// bindDeadline makes conn's I/O end at ctx's deadline or cancellation; stop releases it and
// clears the deadline so the caller can use conn afterwards.
func bindDeadline(ctx context.Context, conn net.Conn) (stop func()) {
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	release := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	return func() {
		release()
		conn.SetDeadline(time.Time{})
	}
}
