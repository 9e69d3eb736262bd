//go:build linux

package interop

import (
	"net"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// TestShadowsocks is the field report's tunnel: shadowsocks-libev's ss-local answers SOCKS5
// CONNECT at once, before reaching its server. With its ss-server reachable, messengers that
// speak their own protocols (a Noise chat server, an MTProto data centre, a TLS messenger) are
// ok through it. With its server unreachable (a listener that accepts and never answers, as
// a censor's silent drop looks from ss-local) the route is down with one reason, and no
// service is ok or partial on the strength of a granted CONNECT.
func TestShadowsocks(t *testing.T) {
	requireLab(t, "ss-local", "ss-server")
	const method, key = "chacha20-ietf-poly1305", "lifeline-interop-key"
	noise := fixture.NoiseServer(t, fixture.NoiseOptions{})
	dc := fixture.FakeDC(t, fixture.DCOptions{})
	srv := messenger(t)

	ssServer := fixture.FreeLoopbackAddr(t)
	sd := startDaemon(t, "ss-server", "-s", "127.0.0.1", "-p", portOf(t, ssServer), "-k", key, "-m", method)
	sd.waitListening(t, ssServer)
	local := func(server string) string {
		addr := fixture.FreeLoopbackAddr(t)
		host, port, _ := net.SplitHostPort(server)
		d := startDaemon(t, "ss-local", "-s", host, "-p", port, "-b", "127.0.0.1", "-l", portOf(t, addr), "-k", key, "-m", method)
		d.waitListening(t, addr)
		return addr
	}
	working, dead := local(ssServer), local(fixture.Blackhole(t))

	control := tlsTarget(srv.Addr)
	control.Role = checks.RoleControl
	routes := []checks.RouteSpec{
		{Name: "ss", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", working, "", ""), Control: &control},
		{Name: "ss-dead", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", dead, "", ""), Control: &control},
	}
	services := []checks.Service{
		service("whatsapp", checks.Target{Role: checks.RoleChat, Kind: checks.KindNoise, Addr: noise}),
		service("telegram",
			checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProto, Addr: dc},
			checks.Target{Role: checks.RoleChat, Kind: checks.KindMTProtoHTTP, Addr: dc}),
		messengerService(srv),
	}
	o := sweep(t, routes, services...)
	if !o.routes["ss"].OK {
		t.Errorf("working tunnel is down: %q", o.routes["ss"].Reason)
	}
	for _, svc := range []string{"whatsapp", "telegram", "messenger"} {
		c := expectVerdict(t, o, "ss", svc, checks.VerdictOK)
		for _, tr := range c.Targets {
			if tr.OK && tr.Proof == "" {
				t.Errorf("ss × %s: %s works without saying what it proved", svc, tr.Target)
			}
		}
	}
	if rr := o.routes["ss-dead"]; rr.OK || !strings.Contains(rr.Reason, "nothing comes back") {
		t.Errorf("tunnel to an unreachable server: route ok=%v reason %q, want down saying nothing comes back", rr.OK, rr.Reason)
	}
	for _, svc := range []string{"whatsapp", "telegram", "messenger"} {
		expectVerdict(t, o, "ss-dead", svc, checks.VerdictRouteDown)
	}
}
