package checks

import (
	"net/netip"
	"strings"
)

// DNSAnswers is one name resolved two ways: by the system resolver on the direct route and by
// a resolver reached through another route.
type DNSAnswers struct {
	Name       string
	System     []string // addresses; empty with SystemErr when the lookup failed
	SystemErr  string   // OONI failure string of the system lookup, e.g. dns_nxdomain_error
	Compare    []string
	CompareErr string
	Via        string // the route the comparison went through
	Tampered   bool
	Why        string // plain words when Tampered, e.g. "NXDOMAIN here, 157.240.1.1 via vpn"
}

// Summary is one line with both answers, e.g. "system: NXDOMAIN; via vpn: 157.240.1.1".
func (a DNSAnswers) Summary() string {
	side := func(ips []string, failure string) string {
		if failure != "" {
			return DNSFailureWord(failure)
		}
		if len(ips) == 0 {
			return "no answer"
		}
		return strings.Join(ips, ", ")
	}
	return Sanitize("system: " + side(a.System, a.SystemErr) + "; via " + a.Via + ": " + side(a.Compare, a.CompareErr))
}

// bogonPrefixes are ranges no public service lives in: RFC 6890 special-purpose blocks,
// including the private, loopback and carrier-grade NAT ranges censors answer with.
var bogonPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
		"::/128", "::1/128", "fc00::/7", "fe80::/10", "2001:db8::/32", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// IsBogon reports whether ip (text) is in a range no public service uses.
func IsBogon(ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range bogonPrefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
