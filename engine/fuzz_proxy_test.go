package engine_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// fuzzDeadline bounds one fuzzed exchange; a peer that stops talking ends it this way.
const fuzzDeadline = 2 * time.Second

// scriptedPeer is a loopback listener that answers each connection with a fixed script of
// bytes, then half-closes, like a proxy that says whatever a fuzzer wants.
type scriptedPeer struct {
	ln     net.Listener
	script chan []byte
}

func newScriptedPeer(tb testing.TB) *scriptedPeer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &scriptedPeer{ln: ln, script: make(chan []byte, 1)}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			script := <-p.script
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(fuzzDeadline))
				go io.Copy(io.Discard, c)
				c.Write(script)
				c.(*net.TCPConn).CloseWrite()
				// Hold the read side until the client is done, so it sees the bytes, not a reset.
				time.Sleep(50 * time.Millisecond)
			}()
		}
	}()
	return p
}

// answer queues the script for the next connection.
func (p *scriptedPeer) answer(script []byte) { p.script <- script }

// failures is the OONI vocabulary a route may name a failure with; unknown_failure is not
// in it: whatever a proxy says, lifeline can name.
var failures = map[string]bool{
	checks.FailConnectionRefused: true, checks.FailConnectionReset: true, checks.FailHostUnreachable: true,
	checks.FailNetworkUnreachable: true, checks.FailTimedOut: true, checks.FailGenericTimeout: true,
	checks.FailEOF: true, checks.FailProxyAuth: true, checks.FailProxyProtocol: true,
	checks.FailSOCKSReply: true, checks.FailConnectStatus: true,
}

// assertNamedFailure checks that a route failure is a named *Error with clean text.
func assertNamedFailure(t *testing.T, err error, took time.Duration) {
	t.Helper()
	if took > fuzzDeadline+time.Second {
		t.Fatalf("the exchange took %s, past its %s deadline", took, fuzzDeadline)
	}
	if err == nil {
		return
	}
	var named *checks.Error
	if !errors.As(err, &named) {
		t.Fatalf("error %v (%T) is not a named *checks.Error", err, err)
	}
	if !failures[named.Failure] || named.Operation == "" {
		t.Fatalf("failure %q at %q is outside the vocabulary", named.Failure, named.Operation)
	}
	for _, text := range []string{named.Error(), named.Human("chat.lifeline.test")} {
		if bad := hostilelab.Unclean(text); bad != "" {
			t.Fatalf("failure text carries %s: %q", bad, text)
		}
	}
}

// fuzzRoute runs the route's Check and then a Dial against a peer answering script to each,
// and returns the tunnel when the Dial succeeded.
func fuzzRoute(t *testing.T, peer *scriptedPeer, r engine.Route, script []byte) net.Conn {
	t.Helper()
	if len(script) > 64<<10 {
		t.Skip()
	}
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	peer.answer(script)
	start := time.Now()
	var checkErr error
	if e := r.Check(ctx); e != nil {
		checkErr = e
	}
	assertNamedFailure(t, checkErr, time.Since(start))
	peer.answer(script)
	start = time.Now()
	conn, err := r.Dial(ctx, "chat.lifeline.test:443", nil)
	assertNamedFailure(t, err, time.Since(start))
	if err == nil && conn == nil {
		t.Fatal("Dial returned neither a connection nor an error")
	}
	return conn
}

// FuzzSOCKS5Reply: whatever a SOCKS5 proxy answers (greeting, authentication, CONNECT
// reply, then tunnel bytes), lifeline's route never panics, ends within its deadline and
// names any failure with the OONI vocabulary in clean text. The first byte picks whether the
// route offers a password.
func FuzzSOCKS5Reply(f *testing.F) {
	f.Add([]byte{0, 5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0x01, 0xbb})                               // success
	f.Add([]byte{1, 5, 2, 1, 0, 5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 80, 'd', 'a', 't', 'a'}) // auth, domain reply, data
	f.Add([]byte{0, 5, 0, 5, 4, 0, 1, 0, 0, 0, 0, 0, 0})                                       // host unreachable
	f.Add([]byte{0, 5, 0, 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80})  // IPv6 reply
	f.Add([]byte{1, 5, 2, 1, 1})                                                               // auth rejected
	f.Add([]byte{0, 5, 0xff})                                                                  // no method
	f.Add([]byte{0, 5, 0, 5, 0, 0, 9})                                                         // bad address type
	f.Add([]byte{0, 5, 0, 5, 0, 1, 1, 127, 0, 0, 1, 0, 80})                                    // reserved byte set
	f.Add(append([]byte{0, 5, 0, 5, 0x1b, 0, 3, 9}, []byte(fixture.HostileText)...))           // unknown reply code, hostile name
	f.Add([]byte("\x00HTTP/1.1 400 Bad Request\r\n\r\n"))                                      // not SOCKS at all
	peer := newScriptedPeer(f)
	plain, err := engine.NewRoute(checks.RouteSpec{Name: "p", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: peer.ln.Addr().String()}})
	if err != nil {
		f.Fatal(err)
	}
	withAuth, err := engine.NewRoute(checks.RouteSpec{Name: "p", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: peer.ln.Addr().String(), User: url.UserPassword("user", "pass")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			t.Skip()
		}
		r := plain
		if data[0]&1 == 1 {
			r = withAuth
		}
		if conn := fuzzRoute(t, peer, r, data[1:]); conn != nil {
			conn.Close()
		}
	})
}

// FuzzConnectReply: whatever an HTTP proxy answers to CONNECT, lifeline's route never panics,
// ends within its deadline and names any failure
// with the OONI vocabulary in clean text; on a 2xx answer, bytes that came with the header
// are the first bytes of the tunnel.
func FuzzConnectReply(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nearly tunnel bytes"))
	f.Add([]byte("HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 403 " + fixture.HostileText + "\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200\r\nX: " + string(make([]byte, 300)) + "\r\n\r\n"))
	f.Add([]byte("\x05\x00garbage\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\n"))
	peer := newScriptedPeer(f)
	route, err := engine.NewRoute(checks.RouteSpec{Name: "p", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: peer.ln.Addr().String(), User: url.UserPassword("user", "pass")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conn := fuzzRoute(t, peer, route, data)
		if conn == nil {
			return
		}
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(fuzzDeadline))
		rest, _ := io.ReadAll(io.LimitReader(conn, int64(len(data))+1))
		if len(rest) > len(data) {
			t.Fatalf("the tunnel yielded %d bytes; the proxy sent %d in all", len(rest), len(data))
		}
	})
}
