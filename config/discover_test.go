package config

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// freePort returns a loopback port nobody listens on (it was just released).
func freePort(t *testing.T) int { return portOf(t, fixture.RefusedAddr(t)) }

// listeningPort returns the port of a loopback listener that accepts and never answers, until
// the test ends.
func listeningPort(t *testing.T) int { return portOf(t, fixture.Blackhole(t)) }

func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(p)
	if err != nil || perr != nil {
		t.Fatalf("%q has no port", addr)
	}
	return port
}

func TestDefaultDiscovers(t *testing.T) {
	open := listeningPort(t)
	closed := freePort(t)

	ifaces := []Interface{
		{Name: "lo", Up: true, Loopback: true, Addrs: []net.IP{net.ParseIP("127.0.0.1")}},
		{Name: "eth0", Up: true, Addrs: []net.IP{net.ParseIP("192.0.2.10")}},
		{Name: "wg0", Up: true, Addrs: []net.IP{net.ParseIP("10.64.0.2")}},
		{Name: "tun1", Up: false, Addrs: []net.IP{net.ParseIP("10.8.0.2")}},       // down
		{Name: "tun2", Up: true, Addrs: []net.IP{net.ParseIP("fe80::1")}},         // link-local only
		{Name: "docker0", Up: true, Addrs: []net.IP{net.ParseIP("172.17.0.1")}},   // container bridge
		{Name: "veth12ab", Up: true, Addrs: []net.IP{net.ParseIP("169.254.1.1")}}, // container pair
		{Name: "tailscale0", Up: true, Addrs: []net.IP{net.ParseIP("100.101.102.103")}},
		{Name: "utun3", Up: true, Addrs: []net.IP{net.ParseIP("fd00::2")}},
		{Name: "tor", Up: true, Addrs: []net.IP{net.ParseIP("10.9.0.1")}}, // not VPN-looking
	}
	d := Discovery{
		Interfaces: func() ([]Interface, error) { return ifaces, nil },
		Proxies: []KnownProxy{
			{Port: closed, Name: "tor", Scheme: "socks5", Tool: "Tor"},
			{Port: open, Name: "clash", Scheme: "http", Tool: "Clash/mihomo mixed port"},
		},
		Host:        "127.0.0.1",
		DialTimeout: 200 * time.Millisecond,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	cfg, err := DefaultWith(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("discovery took %v; it must be bounded by its short dial timeout", elapsed)
	}

	var names []string
	for _, r := range cfg.Plan.Routes {
		names = append(names, r.Name)
		if r.Control == nil || r.Control.Addr != checks.DefaultControl {
			t.Errorf("route %s control = %+v, want the default control", r.Name, r.Control)
		}
	}
	want := []string{"direct", "wg0", "tailscale0", "utun3", "clash"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("routes = %v, want %v", names, want)
	}
	wg := cfg.Plan.Routes[1]
	if wg.Kind != checks.RouteInterface || wg.Interface != "wg0" || wg.DNS != checks.DefaultInterfaceDNS {
		t.Errorf("wg0 route = %+v", wg)
	}
	clash := cfg.Plan.Routes[4]
	addr := "127.0.0.1:" + strconv.Itoa(open)
	if clash.Kind != checks.RouteHTTP || clash.Proxy == nil || clash.Proxy.Host != addr || clash.Proxy.Scheme != "http" {
		t.Errorf("clash route = %+v", clash)
	}
	if _, err := engine.NewRoute(clash); err != nil {
		t.Errorf("the discovered proxy route does not build: %v", err)
	}
	wantNotes := []string{
		"wg0: interface wg0 (WireGuard)",
		"tailscale0: interface tailscale0 (Tailscale)",
		"utun3: interface utun3 (tunnel)",
		"clash: http " + addr + " (Clash/mihomo mixed port)",
	}
	if !reflect.DeepEqual(cfg.Notes, wantNotes) {
		t.Errorf("notes = %q, want %q", cfg.Notes, wantNotes)
	}

	var svc []string
	for _, s := range cfg.Plan.Services {
		svc = append(svc, s.Name)
	}
	if x := cfg.Plan.Extra; x.DNSCompare != checks.DefaultDNSCompare || x.EgressURL != checks.DefaultEgressURL || x.EgressOff {
		t.Errorf("embedded default extra checks = %+v, want DNS comparison and egress on like a config file with a control", x)
	}
	if !reflect.DeepEqual(svc, DefaultServices) || cfg.Plan.Settings != checks.DefaultSettings || cfg.Path != "" {
		t.Errorf("default services/settings: %v %+v %q", svc, cfg.Plan.Settings, cfg.Path)
	}
}

func TestDiscoverNamesStayUnique(t *testing.T) {
	port := listeningPort(t)
	d := Discovery{
		Interfaces: func() ([]Interface, error) {
			return []Interface{{Name: "tun0", Up: true, Addrs: []net.IP{net.ParseIP("10.0.0.2")}}}, nil
		},
		Proxies: []KnownProxy{
			{Port: port, Name: "tun0", Scheme: "socks5", Tool: "x"},
			{Port: port, Name: "direct", Scheme: "socks5", Tool: "y"},
		},
		Host: "127.0.0.1",
	}
	routes, _ := Discover(context.Background(), d)
	var names []string
	for _, r := range routes {
		names = append(names, r.Name)
	}
	if want := []string{"tun0", "tun0-2", "direct-2"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
}

func TestDiscoverSurvivesFailingInterfaceList(t *testing.T) {
	d := Discovery{Interfaces: func() ([]Interface, error) { return nil, errors.New("no netlink") }}
	cfg, err := DefaultWith(context.Background(), d)
	if err != nil || len(cfg.Plan.Routes) != 1 || cfg.Plan.Routes[0].Kind != checks.RouteDirect {
		t.Errorf("default without interfaces = %+v, %v", cfg, err)
	}
}

func TestDiscoverHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	port := freePort(t)
	d := Discovery{Proxies: []KnownProxy{{Port: port, Name: "p", Scheme: "socks5"}}, Host: "127.0.0.1", DialTimeout: time.Hour}
	done := make(chan struct{})
	go func() {
		Discover(ctx, d)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("discovery ignored a cancelled context")
	}
}

func TestKnownProxiesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, kp := range KnownProxies {
		if !validName(kp.Name) || seen[kp.Name] || (kp.Scheme != "socks5" && kp.Scheme != "http") || kp.Port < 1 || kp.Tool == "" {
			t.Errorf("bad known proxy %+v", kp)
		}
		seen[kp.Name] = true
	}
	for _, port := range []int{9050, 9150, 1080, 7890, 7891, 10808, 10809, 2080, 20170, 20171, 8118} {
		found := false
		for _, kp := range KnownProxies {
			found = found || kp.Port == port
		}
		if !found {
			t.Errorf("well-known port %d missing", port)
		}
	}
}

// On Windows adapter names are the user's; the driver's description and the interface type
// tell a VPN apart. On macOS the system's own utun devices carry only link-local addresses.
func TestVPNLikeOnWindowsAndMacOS(t *testing.T) {
	addr := []net.IP{net.ParseIP("10.7.0.2")}
	cases := []struct {
		ifc  Interface
		want bool
	}{
		{Interface{Name: "office", Up: true, Addrs: addr, Description: "WireGuard Tunnel", PointToPoint: true}, true},
		{Interface{Name: "OpenVPN Wintun", Up: true, Addrs: addr, Description: "Wintun Userspace Tunnel"}, true},
		{Interface{Name: "Local Area Connection 3", Up: true, Addrs: addr, Description: "TAP-Windows Adapter V9"}, true},
		{Interface{Name: "Tailscale", Up: true, Addrs: []net.IP{net.ParseIP("100.90.1.2")}, Description: "Tailscale Tunnel"}, true},
		{Interface{Name: "Work VPN", Up: true, Addrs: addr, Description: "Work VPN", PointToPoint: true}, true},
		{Interface{Name: "Ethernet", Up: true, Addrs: addr, Description: "Intel(R) Ethernet Connection I219-V"}, false},
		{Interface{Name: "vEthernet (WSL)", Up: true, Addrs: addr, Description: "Hyper-V Virtual Ethernet Adapter"}, false},
		{Interface{Name: "Teredo Tunneling Pseudo-Interface", Up: true, Addrs: []net.IP{net.ParseIP("2001:0:1::1")}, PointToPoint: true}, false},
		{Interface{Name: "VirtualBox Host-Only Network", Up: true, Addrs: addr, Description: "VirtualBox Host-Only Ethernet Adapter"}, false},
		{Interface{Name: "office", Up: false, Addrs: addr, Description: "WireGuard Tunnel"}, false},
		{Interface{Name: "utun0", Up: true, Addrs: []net.IP{net.ParseIP("fe80::1")}}, false},
		{Interface{Name: "utun4", Up: true, Addrs: []net.IP{net.ParseIP("100.64.0.7")}}, true},
		{Interface{Name: "en0", Up: true, Addrs: addr}, false},
		{Interface{Name: "ipsec0", Up: true, Addrs: addr}, true},
	}
	for _, c := range cases {
		what, got := vpnLike(c.ifc)
		if got != c.want {
			t.Errorf("vpnLike(%q, %q) = %v (%s), want %v", c.ifc.Name, c.ifc.Description, got, what, c.want)
		}
		if got && what == "" {
			t.Errorf("%q: found without saying what it is", c.ifc.Name)
		}
	}
	// A route discovered from a Windows adapter keeps the adapter's real name for binding.
	routes, notes := Discover(context.Background(), Discovery{Interfaces: func() ([]Interface, error) {
		return []Interface{cases[1].ifc}, nil
	}})
	if len(routes) != 1 || routes[0].Interface != "OpenVPN Wintun" || routes[0].Name != "OpenVPN-Wintun" {
		t.Errorf("routes = %+v", routes)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "Wintun") {
		t.Errorf("notes = %q", notes)
	}
}
