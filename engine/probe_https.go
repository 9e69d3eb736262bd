package engine

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

const (
	// maxRedirects is how many redirects https follows before giving up.
	maxRedirects = 5
	// maxResponseHeaderBytes bounds the headers a server may send.
	maxResponseHeaderBytes = 32 << 10
	userAgent              = "lifeline"
)

// probeHTTPS GETs the target URL through the route, follows redirects, reads the body up to
// the limit and, when the target expects a status, compares it.
func probeHTTPS(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	req, err := http.NewRequest(http.MethodGet, t.Addr, nil)
	if err != nil {
		// The parse error would repeat the URL, userinfo included: name the problem only.
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid URL")}
	}
	res := exchange(ctx, r, t, opt, req, true)
	if res.Err == nil && t.Expect != 0 && res.Status != t.Expect {
		res.OK = false
		res.Err = checks.NewError(checks.FailHTTPStatus, checks.OpHTTPRoundTrip, fmt.Sprintf("expected %d, got %d", t.Expect, res.Status))
	}
	if res.OK {
		res.Proof = fmt.Sprintf("HTTPS %d from %s, certificate verified", res.Status, checks.Sanitize(t.Host()))
	}
	return res
}

// exchange sends req through the route with a client built for this probe alone, reads the
// answer's body up to the limit and records the phases. Any HTTP answer counts as working;
// callers judge the status.
func exchange(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, req *http.Request, followRedirects bool) checks.TargetResult {
	res := checks.TargetResult{Target: t}
	resp, rec, done, err := roundTrip(ctx, r, t, opt, req, followRedirects, &res)
	defer done()
	if err != nil {
		if res.Err.Failure == checks.FailUnknown && strings.Contains(err.Error(), "response headers exceeded") {
			res.Err.Detail = fmt.Sprintf("response headers over %d bytes", maxResponseHeaderBytes)
		}
		res.HandshakeAddr = rec.failedHandshake()
		return res
	}
	defer resp.Body.Close()

	n, err := io.CopyN(io.Discard, resp.Body, opt.BodyLimit)
	if err == io.EOF && ctx.Err() != nil {
		// Our own deadline cut the body; the transport may report that as a plain EOF, which
		// would pass a dripping server for one that answered.
		err = ctx.Err()
	}
	rec.bodyRead()
	var remote string
	res.Phases, remote = rec.snapshot()
	if err != nil && err != io.EOF {
		named := *checks.Classify(checks.OpRead, err)
		named.Operation = checks.OpRead
		named.Detail = fmt.Sprintf("after %d bytes of body", n)
		res.Err = &named
		return res
	}
	res.OK = true
	if resp.TLS != nil {
		res.Peer = peerName(*resp.TLS, remote)
	} else {
		res.Peer = checks.Sanitize(remote)
	}
	return res
}

// probeClient builds an HTTP/1.1 client that reaches servers only through r (names resolved
// the route's way, *_PROXY ignored), opens a fresh connection for every request, bounds every
// step by opt.StepTimeout and reports dial and handshake phases to rec.
func probeClient(r Route, t checks.Target, opt ProbeOptions, rec *phaseRecorder, followRedirects bool) *http.Client {
	stepDial := func(ctx context.Context, addr string) (net.Conn, DialTrace, error) {
		var trace DialTrace
		conn, err := dialStep(ctx, r, addr, &trace, opt)
		rec.dialed(trace)
		if err != nil {
			return nil, trace, checks.Classify(checks.OpConnect, err)
		}
		return &stepConn{Conn: conn, step: opt.StepTimeout}, trace, nil
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, _, err := stepDial(ctx, addr)
		return conn, err
	}
	dialTLS := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, trace, err := stepDial(ctx, addr)
		if err != nil {
			return nil, err
		}
		host, _, _ := net.SplitHostPort(addr)
		serverName := host
		if t.SNI != "" && host == t.AddrHost() {
			serverName = t.SNI
		}
		tlsConn, took, hsErr := handshakeStep(ctx, conn, tlsConfig(r, t, serverName), opt)
		rec.handshook(took)
		if hsErr != nil {
			conn.Close()
			rec.handshakeFailed(contrastAddr(r, addr, trace))
			return nil, hsErr
		}
		return tlsConn, nil
	}
	transport := &http.Transport{
		Proxy:          nil,
		DialContext:    dial,
		DialTLSContext: dialTLS,
		// A reused connection would hide the dial and handshake a user waits for.
		DisableKeepAlives: true,
		// Bytes counted are bytes on the wire, which is what a stall detector needs.
		DisableCompression:     true,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
		ResponseHeaderTimeout:  opt.StepTimeout,
	}
	client := &http.Client{Transport: transport}
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !followRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return checks.NewError(checks.FailTooManyRedirects, checks.OpHTTPRoundTrip, fmt.Sprintf("stopped after %d redirects", maxRedirects))
		}
		return nil
	}
	return client
}

// roundTrip does req, with lifeline's User-Agent, through r on a client of its own
// (probeClient) with its phases traced into rec, a new recorder, and records the answer's
// status in res. When no answer comes back, res gets the error, named with OpHTTPRoundTrip,
// and the phases so far. done lets the client's connections go: call it once the answer is
// read.
func roundTrip(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, req *http.Request, followRedirects bool, res *checks.TargetResult) (resp *http.Response, rec *phaseRecorder, done func(), err error) {
	req.Header.Set("User-Agent", userAgent)
	rec = &phaseRecorder{start: time.Now()}
	client := probeClient(r, t, opt, rec, followRedirects)
	resp, err = client.Do(req.WithContext(httptrace.WithClientTrace(ctx, rec.clientTrace())))
	if resp != nil {
		res.Status = resp.StatusCode
	}
	if err != nil {
		res.Err = checks.Classify(checks.OpHTTPRoundTrip, err)
		res.Phases, _ = rec.snapshot()
	}
	return resp, rec, client.CloseIdleConnections, err
}

// stepConn bounds every read and write by one step timeout, so a peer that goes silent
// mid-transfer fails that step instead of holding the probe until its overall deadline.
type stepConn struct {
	net.Conn
	step time.Duration
}

func (c *stepConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.step))
	return c.Conn.Read(p)
}

func (c *stepConn) Write(p []byte) (int, error) {
	c.Conn.SetWriteDeadline(time.Now().Add(c.step))
	return c.Conn.Write(p)
}

// phaseRecorder collects the phases of one HTTP exchange, each a duration: across redirects
// the dial, handshake and request→first byte phases add up (the user waits for all of them);
// body runs from the last answer's first byte to the end of its body. The transport dials on
// its own goroutines, hence the lock.
type phaseRecorder struct {
	mu     sync.Mutex
	start  time.Time
	phases checks.Phases
	remote string
	// sent is when the current request could go out (its connection was ready); firstByte is
	// when the last answer's first byte came.
	sent, firstByte time.Time
	// failedAt is where the last failed TLS handshake went; "" when none failed.
	failedAt string
}

func (p *phaseRecorder) handshakeFailed(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failedAt = addr
}

func (p *phaseRecorder) failedHandshake() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failedAt
}

func (p *phaseRecorder) dialed(trace DialTrace) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phases.DNS += trace.DNS
	p.phases.Connect += trace.Connect
	if trace.Remote != "" {
		p.remote = trace.Remote
	}
}

func (p *phaseRecorder) handshook(took time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phases.TLS += took
}

func (p *phaseRecorder) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.sent = time.Now()
		},
		GotFirstResponseByte: func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.firstByte = time.Now()
			if !p.sent.IsZero() {
				p.phases.FirstByte += p.firstByte.Sub(p.sent)
			}
		},
	}
}

// bodyRead marks the end of the answer's body: the body phase runs from its first byte.
func (p *phaseRecorder) bodyRead() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.firstByte.IsZero() {
		p.phases.Body = time.Since(p.firstByte)
	}
}

// firstByteAt is when the last answer's first byte came; zero before it did.
func (p *phaseRecorder) firstByteAt() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.firstByte
}

// snapshot returns the phases so far, Total included, and the last remote address.
func (p *phaseRecorder) snapshot() (checks.Phases, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ph := p.phases
	ph.Total = time.Since(p.start)
	return ph, p.remote
}
