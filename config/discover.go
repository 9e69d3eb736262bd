package config

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Interface is what discovery needs to know about a network device.
type Interface struct {
	Name     string
	Up       bool
	Loopback bool
	Addrs    []net.IP
	// Description is the driver's name for the device where the system has one (Windows:
	// "WireGuard Tunnel", "Wintun Userspace Tunnel", "TAP-Windows Adapter V9"); adapter names
	// there are the user's ("Ethernet 2", "office") and say little.
	Description string
	// PointToPoint: the system itself says the device is a PPP link or a virtual tunnel
	// (Windows' built-in VPN connections, Wintun).
	PointToPoint bool
}

// KnownProxy is a local proxy a circumvention tool usually opens.
type KnownProxy struct {
	Port   int
	Name   string // route name, e.g. "tor"
	Scheme string // "socks5" or "http"
	Tool   string // who usually listens there, e.g. "Tor"
}

// KnownProxies are the well-known local ports, in the order discovered routes are listed.
var KnownProxies = []KnownProxy{
	{9050, "tor", "socks5", "Tor"},
	{9150, "tor-browser", "socks5", "Tor Browser"},
	{1080, "socks", "socks5", "SOCKS: ss-local, ssh -D, dante"},
	{7890, "clash", "http", "Clash/mihomo mixed port"},
	{7891, "clash-socks", "socks5", "Clash/mihomo SOCKS"},
	{10808, "v2rayn", "socks5", "v2rayN/Xray SOCKS"},
	{10809, "v2rayn-http", "http", "v2rayN/Xray HTTP"},
	{2080, "sing-box", "socks5", "sing-box/NekoBox mixed port"},
	{20170, "v2raya", "socks5", "v2rayA SOCKS"},
	{20171, "v2raya-http", "http", "v2rayA HTTP"},
	{8118, "privoxy", "http", "Privoxy"},
}

// Discovery finds routes on this machine; its parts are replaceable for tests.
type Discovery struct {
	Interfaces  func() ([]Interface, error) // the devices to consider
	Proxies     []KnownProxy                // ports to try on Host
	Host        string                      // where local proxies listen
	DialTimeout time.Duration               // per port; a local listener answers at once
}

// SystemDiscovery looks at this machine's interfaces, and on 127.0.0.1 at KnownProxies and
// at the proxy the system's settings name (Windows, macOS).
func SystemDiscovery() Discovery {
	return Discovery{
		Interfaces:  systemInterfaces,
		Proxies:     withSystemProxies(KnownProxies, systemProxies()),
		Host:        "127.0.0.1",
		DialTimeout: 200 * time.Millisecond,
	}
}

// Default is the embedded configuration used when there is no config file: the direct route,
// discovered VPN interfaces and local proxies, and the default services.
func Default(ctx context.Context) (*Config, error) {
	return DefaultWith(ctx, SystemDiscovery())
}

// DefaultWith is Default with discovery as given.
func DefaultWith(ctx context.Context, d Discovery) (*Config, error) {
	control := (&parser{}).defaultControl()
	routes := []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect, Control: control}}
	found, notes := Discover(ctx, d)
	for _, r := range found {
		r.Control = control
		routes = append(routes, r)
	}
	cfg := &Config{
		Plan: checks.Plan{Settings: checks.DefaultSettings, Routes: routes,
			// As in a config file that keeps the default control: DNS tampering and egress on.
			Extra:    checks.ExtraChecks{DNSCompare: checks.DefaultDNSCompare, EgressURL: checks.DefaultEgressURL},
			Domestic: defaultDomestic(nil)},
		Alerts: DefaultAlerts,
		Notes:  notes,
	}
	for _, name := range DefaultServices {
		s, _ := catalogService(name, nil)
		cfg.Plan.Services = append(cfg.Plan.Services, s)
	}
	return cfg, nil
}

// Discover returns a route for every VPN-looking interface that is up with an address and for
// every known local proxy port that accepts a connection, each with a note saying what was
// found. Routes carry no control; the caller sets it.
func Discover(ctx context.Context, d Discovery) ([]checks.RouteSpec, []string) {
	var routes []checks.RouteSpec
	var notes []string
	taken := map[string]bool{"direct": true}
	unique := func(name string) string {
		base := name
		for i := 2; taken[name]; i++ {
			name = base + "-" + strconv.Itoa(i)
		}
		taken[name] = true
		return name
	}

	if d.Interfaces != nil {
		ifaces, _ := d.Interfaces() // no interface list: nothing to add, the direct route remains
		for _, ifc := range ifaces {
			what, ok := vpnLike(ifc)
			if !ok {
				continue
			}
			name := unique(routeNameFor(ifc.Name))
			routes = append(routes, checks.RouteSpec{
				Name: name, Kind: checks.RouteInterface, Interface: ifc.Name, DNS: checks.DefaultInterfaceDNS,
			})
			notes = append(notes, name+": interface "+clip(ifc.Name)+" ("+what+")")
		}
	}

	for i, ok := range listening(ctx, d) {
		if !ok {
			continue
		}
		kp := d.Proxies[i]
		kind := checks.RouteSOCKS5
		if kp.Scheme == "http" {
			kind = checks.RouteHTTP
		}
		addr := net.JoinHostPort(d.Host, strconv.Itoa(kp.Port))
		name := unique(kp.Name)
		routes = append(routes, checks.RouteSpec{
			Name: name, Kind: kind,
			Proxy: &url.URL{Scheme: kp.Scheme, Host: addr},
		})
		notes = append(notes, name+": "+kind+" "+addr+" ("+kp.Tool+")")
	}
	return routes, notes
}

// listening tries every known port at once and says which accepted a TCP connection.
func listening(ctx context.Context, d Discovery) []bool {
	found := make([]bool, len(d.Proxies))
	timeout := d.DialTimeout
	if timeout <= 0 {
		timeout = 200 * time.Millisecond
	}
	var wg sync.WaitGroup
	for i, kp := range d.Proxies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			var dialer net.Dialer
			conn, err := dialer.DialContext(dctx, "tcp", net.JoinHostPort(d.Host, strconv.Itoa(kp.Port)))
			if err == nil {
				conn.Close()
				found[i] = true
			}
		}()
	}
	wg.Wait()
	return found
}

// vpnPrefixes are device-name prefixes VPN clients use, with what they usually are.
var vpnPrefixes = []struct{ prefix, what string }{
	{"wg", "WireGuard"},
	{"nordlynx", "NordVPN"},
	{"tailscale", "Tailscale"},
	{"proton", "Proton VPN"},
	{"amn", "AmneziaVPN"},
	{"utun", "tunnel"},
	{"tun", "tunnel: OpenVPN, sing-box, Clash TUN…"},
	{"tap", "TAP: OpenVPN"},
	{"ppp", "PPP: L2TP, PPTP, SSTP"},
	{"zt", "ZeroTier"},
	{"ipsec", "IPsec"},
	{"vti", "IPsec VTI"},
	{"xfrm", "IPsec"},
	{"wt", "NetBird"},
	{"cscotun", "Cisco AnyConnect"},
	{"gpd", "GlobalProtect"},
	{"nebula", "Nebula"},
	{"ham", "Hamachi"},
	{"mullvad", "Mullvad"},
	{"outline-tun", "Outline"},
}

// notVPN are container and bridge devices that never lead out through a VPN (loopback is
// known by its flag: a prefix "lo" would also take Windows' "Local Area Connection 3").
var notVPN = []string{"docker", "veth", "br-", "virbr", "vnet", "vmnet", "vboxnet", "cni", "flannel", "cali", "kube"}

// vpnWords are words in a device's description or name that VPN drivers and clients use on
// systems whose device names are the user's (Windows), with what they usually are.
var vpnWords = []struct{ word, what string }{
	{"wireguard", "WireGuard"},
	{"wintun", "Wintun tunnel: WireGuard, sing-box, Clash, v2rayN…"},
	{"tap-windows", "TAP: OpenVPN"},
	{"openvpn", "OpenVPN"},
	{"tailscale", "Tailscale"},
	{"nordlynx", "NordVPN"},
	{"proton", "Proton VPN"},
	{"mullvad", "Mullvad"},
	{"amnezia", "AmneziaVPN"},
	{"outline", "Outline"},
	{"zerotier", "ZeroTier"},
	{"anyconnect", "Cisco AnyConnect"},
	{"pangp", "GlobalProtect"},
	{"fortinet", "FortiClient"},
	{"hamachi", "Hamachi"},
	{"sing-box", "sing-box"},
	{"singbox", "sing-box"},
	{"mihomo", "Clash/mihomo TUN"},
	{"clash", "Clash TUN"},
	{"hiddify", "Hiddify"},
}

// notVPNWords are descriptions of virtual devices that never lead out through a VPN: the
// hypervisors' adapters and Windows' own IPv6 transition tunnels.
var notVPNWords = []string{"hyper-v", "virtualbox", "vmware", "loopback", "teredo", "isatap", "6to4", "ip-https", "kernel debug"}

// vpnLike says whether ifc looks like a working VPN device, and what it probably is.
func vpnLike(ifc Interface) (string, bool) {
	if !ifc.Up || ifc.Loopback || !hasRoutableAddr(ifc.Addrs) {
		return "", false
	}
	name := strings.ToLower(ifc.Name)
	desc := strings.ToLower(ifc.Description)
	for _, p := range notVPN {
		if strings.HasPrefix(name, p) {
			return "", false
		}
	}
	for _, w := range notVPNWords {
		if strings.Contains(desc, w) || strings.Contains(name, w) {
			return "", false
		}
	}
	for _, p := range vpnPrefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.what, true
		}
	}
	for _, w := range vpnWords {
		if strings.Contains(desc, w.word) || strings.Contains(name, w.word) {
			return w.what, true
		}
	}
	if ifc.PointToPoint {
		return "point-to-point link: a VPN connection", true
	}
	return "", false
}

// hasRoutableAddr: an IPv6 link-local address alone carries no traffic out.
func hasRoutableAddr(addrs []net.IP) bool {
	for _, ip := range addrs {
		if ip != nil && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() && !ip.IsUnspecified() {
			return true
		}
	}
	return false
}

// routeNameFor turns a device name into a route name.
func routeNameFor(dev string) string {
	if validName(dev) {
		return dev
	}
	var b strings.Builder
	for _, r := range dev {
		if validName(string(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := b.String()
	if len(name) > 40 {
		name = name[:40]
	}
	if name == "" {
		name = "vpn"
	}
	return name
}

// netInterfaces lists this machine's devices as the net package sees them.
func netInterfaces() ([]Interface, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(ifaces))
	for _, ifc := range ifaces {
		x := Interface{
			Name:     ifc.Name,
			Up:       ifc.Flags&net.FlagUp != 0,
			Loopback: ifc.Flags&net.FlagLoopback != 0,
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			switch v := a.(type) {
			case *net.IPNet:
				x.Addrs = append(x.Addrs, v.IP)
			case *net.IPAddr:
				x.Addrs = append(x.Addrs, v.IP)
			}
		}
		out = append(out, x)
	}
	return out, nil
}
