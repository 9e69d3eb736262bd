package interop

import (
	"net"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// An interface route through a VPN-like device: names resolve with the resolver behind the
// device and connections leave through it, so a messenger that exists only on the far side
// is ok; a name that resolver does not know is blocked by DNS; a device that is missing or
// down takes the route down with the device named.
func TestInterfaceRoute(t *testing.T) {
	requireLab(t, "ip")
	lab := newVPNLab(t)
	lab.serveMessenger(t)
	resolver := lab.serveDNS(t, map[string]string{targetName: lab.peerAddr})
	dnsAddr := net.JoinHostPort(lab.peerAddr, "53")

	chat := service("messenger",
		tlsTarget(net.JoinHostPort(targetName, "443")),
		checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://" + targetName + "/", Expect: 200, RootCAs: fixture.Pool()},
	)
	const goneName = "gone.lifeline.test"
	gone := checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: net.JoinHostPort(goneName, "443")}
	vpn := checks.RouteSpec{Name: "vpn", Kind: checks.RouteInterface, Interface: lab.hostDev, DNS: dnsAddr}

	t.Run("up", func(t *testing.T) {
		o := sweep(t, []checks.RouteSpec{vpn}, chat, service("gone", gone))
		c := expectVerdict(t, o, "vpn", "messenger", checks.VerdictOK)
		for _, tr := range c.Targets {
			if !tr.OK {
				t.Errorf("%s through %s: %v", tr.Target, lab.hostDev, tr.Err)
			}
		}
		if len(c.Targets) > 0 && c.Targets[0].Phases.DNS <= 0 {
			t.Errorf("the route resolved %s without timing a lookup: %+v", targetName, c.Targets[0].Phases)
		}
		if !resolver.Asked(targetName) {
			t.Errorf("the resolver behind %s was never asked for %s", lab.hostDev, targetName)
		}
		g := expectVerdict(t, o, "vpn", "gone", checks.VerdictBlocked, "NXDOMAIN", goneName)
		if g.Cause == nil || g.Cause.Failure != checks.FailDNSNXDomain {
			t.Errorf("unknown name: cause %v, want %s", g.Cause, checks.FailDNSNXDomain)
		}
		if r := o.routes["vpn"]; !r.OK {
			t.Errorf("route through %s reported down: %s", lab.hostDev, r.Reason)
		}
	})

	t.Run("missing device", func(t *testing.T) {
		missing := "llx-" + randomHex(t, 3)
		o := sweep(t, []checks.RouteSpec{
			{Name: "gone-vpn", Kind: checks.RouteInterface, Interface: missing, DNS: dnsAddr},
		}, chat)
		c := expectVerdict(t, o, "gone-vpn", "messenger", checks.VerdictRouteDown, "interface "+missing, "not found")
		if c.Cause == nil || c.Cause.Failure != checks.FailInterfaceMissing {
			t.Errorf("missing device: cause %v, want %s", c.Cause, checks.FailInterfaceMissing)
		}
	})

	t.Run("device down", func(t *testing.T) {
		run(t, "ip", "link", "set", lab.hostDev, "down")
		o := sweep(t, []checks.RouteSpec{vpn}, chat)
		c := expectVerdict(t, o, "vpn", "messenger", checks.VerdictRouteDown, lab.hostDev, "down")
		if c.Cause == nil || c.Cause.Failure != checks.FailInterfaceDown {
			t.Errorf("device down: cause %v, want %s", c.Cause, checks.FailInterfaceDown)
		}
	})
}
