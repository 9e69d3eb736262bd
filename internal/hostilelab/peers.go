// Package hostilelab is the table of hostile peers the reliability tests share: proxies and
// servers that send garbage, drip, flood, lie in their certificates or never stop talking,
// each with the verdict, OONI failure and reason lifeline must report for it. Every peer is
// an in-process fixture on 127.0.0.1.
package hostilelab

import (
	"net/url"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// Settings for sweeps against hostile peers: short enough that the suite stays quick, long
// enough for a loopback handshake on a loaded machine.
var Settings = checks.Settings{StepTimeout: 400 * time.Millisecond, Timeout: 1500 * time.Millisecond}

// Slack covers scheduling on a loaded machine; a hang takes far longer.
const Slack = 3 * time.Second

// MaxAlloc bounds the bytes one check against a hostile peer may allocate (all goroutines,
// fixture included). Every flooding peer offers at least 10 MB, so reading its stream
// without a bound would pass this.
const MaxAlloc = 4 << 20

// Name is the server name every hostile target is checked under.
const Name = "chat.lifeline.test"

// Peer is one hostile peer, the route and target that reach it, and what the check must say.
type Peer struct {
	Name      string
	Route     checks.RouteSpec
	Target    checks.Target
	Verdict   checks.Verdict
	Failure   string
	Operation string
	Reason    string // prefix of the check's Reason
}

// Peers starts every hostile peer for tb and returns the table.
func Peers(tb testing.TB) []Peer {
	tb.Helper()
	good := fixture.StartTLS(tb, fixture.TLSOptions{Cert: fixture.Leaf(tb, Name)})
	socks := func(mode fixture.SOCKSMode) checks.RouteSpec {
		p := fixture.NewSOCKS5(tb, fixture.SOCKS5Options{Mode: mode})
		return checks.RouteSpec{Name: "proxy", Kind: checks.RouteSOCKS5, Proxy: &url.URL{Scheme: "socks5", Host: p.Addr}}
	}
	connect := func(mode fixture.ConnectMode) checks.RouteSpec {
		p := fixture.NewConnect(tb, fixture.ConnectOptions{Mode: mode})
		return checks.RouteSpec{Name: "proxy", Kind: checks.RouteHTTP, Proxy: &url.URL{Scheme: "http", Host: p.Addr}}
	}
	direct := checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect}
	tlsTo := func(addr string) checks.Target {
		return checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: addr, SNI: Name, RootCAs: fixture.Pool()}
	}
	// The HTTPS servers' certificates name 127.0.0.1 too, so a config (which has no sni for
	// https targets) can reach them by address.
	web := func(srv *fixture.Server) checks.Target {
		return checks.Target{Role: checks.RoleChat, Kind: checks.KindHTTPS, Addr: srv.URL + "/", SNI: Name, RootCAs: fixture.Pool()}
	}
	// SANs must be ASCII (IA5String); the CN may carry a bidi override too.
	hostileNames := fixture.CA().Issue(tb, fixture.LeafSpec{CommonName: fixture.HostileCN + "\u202e\u2066",
		Names: []string{fixture.HostileOSC + "san" + fixture.HostileColor + ".example.test", "\x7f\x01evil.example.test"}})
	hostileForeign := fixture.OtherCA().Issue(tb, fixture.LeafSpec{CommonName: fixture.HostileCN, Names: []string{Name}})

	return []Peer{
		{Name: "SOCKS5 garbage greeting", Route: socks(fixture.SOCKSGarbageGreeting), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictRouteDown, Failure: checks.FailProxyProtocol, Operation: checks.OpProxyGreeting, Reason: "socks5: unexpected greeting reply"},
		{Name: "SOCKS5 never answers", Route: socks(fixture.SOCKSNeverAnswer), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictRouteDown, Failure: checks.FailGenericTimeout, Operation: checks.OpProxyGreeting, Reason: "socks5: proxy timed out"},
		{Name: "SOCKS5 one byte per second", Route: socks(fixture.SOCKSSlowDrip), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictRouteDown, Failure: checks.FailGenericTimeout, Operation: checks.OpProxyGreeting, Reason: "socks5: proxy timed out"},
		{Name: "SOCKS5 closes mid-greeting", Route: socks(fixture.SOCKSCloseMidGreeting), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictRouteDown, Failure: checks.FailEOF, Operation: checks.OpProxyGreeting, Reason: "socks5:"},
		{Name: "SOCKS5 truncated reply", Route: socks(fixture.SOCKSTruncatedReply), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailEOF, Operation: checks.OpProxyConnect, Reason: "proxy could not reach " + Name + ": closed by peer"},
		{Name: "SOCKS5 enormous reply", Route: socks(fixture.SOCKSHugeReply), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailSSLFailedHandshake, Operation: checks.OpTLSHandshake, Reason: "TLS handshake failed on " + Name},
		{Name: "CONNECT garbage answer", Route: connect(fixture.ConnectGarbage), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailProxyProtocol, Operation: checks.OpProxyConnect, Reason: "proxy spoke garbage: http proxy: malformed HTTP response"},
		{Name: "CONNECT 403 with escapes", Route: connect(fixture.ConnectHostileStatus), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailConnectStatus, Operation: checks.OpProxyConnect, Reason: "proxy refused CONNECT for " + Name + ": HTTP 403"},
		{Name: "CONNECT 200 then junk", Route: connect(fixture.ConnectJunkAfter200), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailSSLFailedHandshake, Operation: checks.OpTLSHandshake, Reason: "TLS handshake failed on " + Name},
		{Name: "CONNECT header one byte per 50ms", Route: connect(fixture.ConnectDripHeader), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailGenericTimeout, Operation: checks.OpProxyConnect, Reason: "proxy could not reach " + Name + ": timed out"},
		// The deadline cuts the status line mid-way: a timeout, not garbage.
		{Name: "CONNECT status line one byte per 50ms", Route: connect(fixture.ConnectDripStatus), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailGenericTimeout, Operation: checks.OpProxyConnect, Reason: "proxy could not reach " + Name + ": timed out"},
		{Name: "CONNECT multi-megabyte header", Route: connect(fixture.ConnectHugeHeader), Target: tlsTo(good.Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailProxyProtocol, Operation: checks.OpProxyConnect, Reason: "proxy spoke garbage: http proxy: answer header larger than 16 KiB"},
		{Name: "TLS names with escapes", Route: direct, Target: tlsTo(fixture.StartTLS(tb, fixture.TLSOptions{Cert: hostileNames}).Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailSSLInvalidHostname, Operation: checks.OpTLSHandshake, Reason: "certificate for another name on " + Name},
		{Name: "TLS untrusted, escapes in CN", Route: direct, Target: tlsTo(fixture.StartTLS(tb, fixture.TLSOptions{Cert: hostileForeign}).Addr),
			Verdict: checks.VerdictBlocked, Failure: checks.FailSSLUnknownAuthority, Operation: checks.OpTLSHandshake, Reason: "untrusted certificate on " + Name},
		{Name: "HTTP endless header", Route: direct, Target: web(fixture.StartTLS(tb, fixture.TLSOptions{Cert: fixture.Leaf(tb, Name, "127.0.0.1"), Handler: fixture.HostileHeaderHandler()})),
			Verdict: checks.VerdictBlocked, Failure: checks.FailUnknown, Operation: checks.OpHTTPRoundTrip, Reason: "HTTP failed (unknown_failure) on " + Name},
		{Name: "HTTP endless redirect loop", Route: direct, Target: web(fixture.StartTLS(tb, fixture.TLSOptions{Cert: fixture.Leaf(tb, Name, "127.0.0.1"), Handler: fixture.RedirectLoopHandler()})),
			Verdict: checks.VerdictBlocked, Failure: checks.FailTooManyRedirects, Operation: checks.OpHTTPRoundTrip, Reason: "too many redirects on " + Name},
		// Every read of a drip succeeds within a step: only the check's own deadline ends it.
		{Name: "HTTP body one byte per 50ms", Route: direct, Target: web(fixture.StartTLS(tb, fixture.TLSOptions{Cert: fixture.Leaf(tb, Name, "127.0.0.1"), Handler: fixture.DripBodyHandler()})),
			Verdict: checks.VerdictBlocked, Failure: checks.FailGenericTimeout, Operation: checks.OpRead, Reason: "read timed out on " + Name},
		// The body is read up to the body limit and the rest left unread: a server that answers
		// 200 is reachable, however much it would go on sending.
		{Name: "HTTP endless body", Route: direct, Target: web(fixture.StartTLS(tb, fixture.TLSOptions{Cert: fixture.Leaf(tb, Name, "127.0.0.1"), Handler: fixture.EndlessBodyHandler()})),
			Verdict: checks.VerdictOK, Reason: ""},
	}
}
