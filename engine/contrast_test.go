package engine_test

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// contrastRoutes are the ways a probe reaches the filter: straight, and through each proxy kind.
func contrastRoutes(t *testing.T) map[string]engine.Route {
	t.Helper()
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{})
	connect := fixture.NewConnect(t, fixture.ConnectOptions{})
	routes := map[string]engine.Route{"direct": directRoute(t)}
	for name, spec := range map[string]checks.RouteSpec{
		"socks5": {Name: "socks5", Kind: checks.RouteSOCKS5, Proxy: socks.URL()},
		"http":   {Name: "http", Kind: checks.RouteHTTP, Proxy: connect.URL()},
	} {
		r, err := engine.NewRoute(spec)
		if err != nil {
			t.Fatal(err)
		}
		routes[name] = r
	}
	return routes
}

// judged is the reason a person reads for a chat service made of this one result.
func judged(res checks.TargetResult) (checks.Verdict, string) {
	svc := checks.Service{Name: "chat", Targets: []checks.Target{res.Target}}
	v, _, reason, _ := checks.Judge(svc, []checks.TargetResult{res}, 0)
	return v, reason
}

func TestSNIContrastTellsAFilteredNameFromABlockedAddress(t *testing.T) {
	opt := engine.ProbeOptions{StepTimeout: 2 * time.Second}
	upstream := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chatName)})
	for routeName, route := range contrastRoutes(t) {
		t.Run(routeName+"/listed name", func(t *testing.T) {
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream.Addr, Blocked: []string{chatName}})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), engine.ProbeOptions{StepTimeout: 2 * opt.StepTimeout})
			if res.OK || res.Err == nil || res.Err.Operation != checks.OpTLSHandshake {
				t.Fatalf("got ok=%v err=%v, want a handshake failure", res.OK, res.Err)
			}
			if res.Contrast == nil || res.Contrast.Outcome != checks.ContrastSNIFiltered || res.Contrast.Err != nil {
				t.Fatalf("contrast = %+v, want sni-filtered with a completed handshake", res.Contrast)
			}
			seen := f.Seen()
			if len(seen) != 2 || seen[0] != chatName || seen[1] != res.Contrast.Name || !strings.HasSuffix(seen[1], ".example.net") {
				t.Fatalf("the filter saw %q, want %s then the innocuous %s at the same address", seen, chatName, res.Contrast.Name)
			}
			v, reason := judged(res)
			want := "after ClientHello on " + chatName + " (SNI-filtered: the same address answers another name)"
			if v != checks.VerdictBlocked || !strings.HasSuffix(reason, want) {
				t.Fatalf("verdict %s, reason %q; want blocked ending %q", v, reason, want)
			}
			if j := res.JSON(); j.SNIContrast != "sni-filtered" || string(j.SNIContrastName) != res.Contrast.Name || !strings.HasSuffix(string(j.Reason), want) {
				t.Fatalf("JSON = %+v, want sni_contrast sni-filtered and the note in the reason", j)
			}
		})
		t.Run(routeName+"/whole address", func(t *testing.T) {
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{BlockAll: true})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), engine.ProbeOptions{StepTimeout: 2 * opt.StepTimeout})
			if res.OK || res.Contrast == nil || res.Contrast.Outcome != checks.ContrastIPBlocked || res.Contrast.Err == nil {
				t.Fatalf("got ok=%v contrast=%+v, want ip-blocked with the contrast's failure", res.OK, res.Contrast)
			}
			if seen := f.Seen(); len(seen) != 2 || seen[1] != res.Contrast.Name {
				t.Fatalf("the filter saw %q, want the name then the innocuous one", seen)
			}
			if _, reason := judged(res); !strings.HasSuffix(reason, "(IP-blocked: another name fails there too)") {
				t.Fatalf("reason %q lacks the IP-blocked note", reason)
			}
			if res.JSON().SNIContrast != "ip-blocked" {
				t.Fatalf("JSON sni_contrast = %q, want ip-blocked", res.JSON().SNIContrast)
			}
		})
		t.Run(routeName+"/healthy", func(t *testing.T) {
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream.Addr, Blocked: []string{"other.example.test"}})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), opt)
			if !res.OK || res.Contrast != nil {
				t.Fatalf("got ok=%v err=%v contrast=%+v, want ok without contrast", res.OK, res.Err, res.Contrast)
			}
			if seen := f.Seen(); len(seen) != 1 {
				t.Fatalf("a healthy target cost %d connections (%q), want exactly one", len(seen), seen)
			}
			if res.JSON().SNIContrast != "" {
				t.Fatalf("healthy target has sni_contrast %q", res.JSON().SNIContrast)
			}
		})
		t.Run(routeName+"/certificate error", func(t *testing.T) {
			middlebox := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.ForeignLeaf(t, chatName)})
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: middlebox.Addr})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), opt)
			if res.OK || res.Err == nil || res.Err.Failure != checks.FailSSLUnknownAuthority {
				t.Fatalf("got ok=%v err=%v, want an untrusted certificate", res.OK, res.Err)
			}
			if res.Contrast != nil || len(f.Seen()) != 1 {
				t.Fatalf("a certificate error ran a contrast (%+v, %d connections)", res.Contrast, len(f.Seen()))
			}
		})
	}
}

// https probes run the contrast from their TLS step too; through a proxy the contrast hands the
// proxy the same name and port as the first attempt.
func TestSNIContrastForHTTPSHandsTheProxyTheSameName(t *testing.T) {
	upstream := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, webName)})
	f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream.Addr, Blocked: []string{webName}})
	_, port, _ := strings.Cut(f.Addr, ":")
	hostPort := webName + ":" + port
	connect := fixture.NewConnect(t, fixture.ConnectOptions{Hosts: map[string]string{webName: f.Addr}})
	route, err := engine.NewRoute(checks.RouteSpec{Name: "http", Kind: checks.RouteHTTP, Proxy: connect.URL()})
	if err != nil {
		t.Fatal(err)
	}
	target := checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://" + hostPort + "/", RootCAs: fixture.Pool()}
	res := probeWithin(t, route, target, engine.ProbeOptions{StepTimeout: 4 * time.Second})
	if res.Contrast == nil || res.Contrast.Outcome != checks.ContrastSNIFiltered {
		t.Fatalf("err=%v contrast=%+v, want sni-filtered", res.Err, res.Contrast)
	}
	if got := connect.Requested(); len(got) != 2 || got[0] != hostPort || got[1] != hostPort {
		t.Fatalf("proxy was asked for %q, want %s twice", got, hostPort)
	}
}

// A server that refuses names it does not host still answered the innocuous ClientHello with
// an alert: the address is reachable, so the failure is the name's.
func TestSNIContrastCountsATLSAlertAsAnAnswer(t *testing.T) {
	leaf := fixture.Leaf(t, chatName)
	cfg := &tls.Config{GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hello.ServerName != chatName {
			return nil, errors.New("unknown name")
		}
		return &leaf, nil
	}}
	upstream := fixture.Serve(t, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		tls.Server(c, cfg).Handshake()
	})
	f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream, Blocked: []string{chatName}})
	res := probeWithin(t, directRoute(t), tlsTarget(f.Addr, fixture.Pool()), engine.ProbeOptions{StepTimeout: 2 * time.Second})
	if res.Contrast == nil || res.Contrast.Outcome != checks.ContrastSNIFiltered || res.Contrast.Err == nil {
		t.Fatalf("contrast = %+v, want sni-filtered with the alert recorded", res.Contrast)
	}
	if got := res.Contrast.Summary(); !strings.HasSuffix(got, "answered with a TLS alert") {
		t.Fatalf("Summary() = %q, want it to name the alert", got)
	}
}

// Under an allowlist of server names every unlisted name fails, the innocuous one included: a
// known-good name sent to the same address decides whether the address is reachable.
func TestSecondSNIContrastWithAKnownGoodNameDecides(t *testing.T) {
	const known = "ya.example.test"
	upstream := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, chatName)})
	opt := engine.ProbeOptions{StepTimeout: 4 * time.Second, KnownName: known}
	for routeName, route := range contrastRoutes(t) {
		t.Run(routeName+"/name allowlist", func(t *testing.T) {
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{Upstream: upstream.Addr, Allowed: []string{known}})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), opt)
			c := res.Contrast
			if res.OK || c == nil || c.Outcome != checks.ContrastSNIFiltered || c.Known != known || c.KnownErr != nil || c.Err == nil {
				t.Fatalf("got ok=%v contrast=%+v, want sni-filtered decided by the known-good name", res.OK, c)
			}
			if seen := f.Seen(); len(seen) != 3 || seen[0] != chatName || seen[1] != c.Name || seen[2] != known {
				t.Fatalf("the filter saw %q, want the name, the innocuous one, then %s", seen, known)
			}
			if got := c.Summary(); !strings.Contains(got, "known-good "+known+" got through") {
				t.Fatalf("Summary() = %q, want the known-good name's outcome", got)
			}
			if _, reason := judged(res); !strings.HasSuffix(reason, "(SNI-filtered: the same address answers "+known+")") {
				t.Fatalf("reason %q does not name the known-good name that answered", reason)
			}
		})
		t.Run(routeName+"/whole address", func(t *testing.T) {
			f := fixture.NewSNIFilter(t, fixture.SNIFilterOptions{BlockAll: true})
			res := probeWithin(t, route, tlsTarget(f.Addr, fixture.Pool()), opt)
			c := res.Contrast
			if c == nil || c.Outcome != checks.ContrastIPBlocked || c.Known != known || c.KnownErr == nil {
				t.Fatalf("contrast = %+v, want ip-blocked confirmed by the known-good name", c)
			}
			if _, reason := judged(res); !strings.HasSuffix(reason, "(IP-blocked: other names, "+known+" included, fail there too)") {
				t.Fatalf("reason %q does not say the known-good name failed too", reason)
			}
			// An ip-blocked that a known-good name confirmed stays so under an allowlist.
			if c.UnderAllowlist().Outcome != checks.ContrastIPBlocked {
				t.Fatal("a confirmed ip-blocked was reread as allowlist")
			}
		})
	}
}
