package checks

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// FailDNSTampered names a direct-route lookup that a comparison through another route shows
// to be forged: NXDOMAIN or empty here while the name resolves elsewhere, or a bogon answer.
const FailDNSTampered = "dns_tampered"

// DefaultDNSCompare is the resolver asked, over TCP through another route, for the honest
// answer. DNS over TCP passes through SOCKS5 and most VPNs, and the censor cannot see it.
const DefaultDNSCompare = "1.1.1.1:53"

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
			return dnsFailureWord(failure)
		}
		if len(ips) == 0 {
			return "no answer"
		}
		return strings.Join(ips, ", ")
	}
	return Sanitize("system: " + side(a.System, a.SystemErr) + "; via " + a.Via + ": " + side(a.Compare, a.CompareErr))
}

func dnsFailureWord(failure string) string {
	switch failure {
	case FailDNSNXDomain:
		return "NXDOMAIN"
	case FailDNSNoAnswer:
		return "no answer"
	}
	return failure
}

// dnsTamperChecker compares direct-route answers with answers through another route, at most
// once per name per sweep.
type dnsTamperChecker struct {
	server  string        // comparison resolver host:port, reached over TCP
	timeout time.Duration // per lookup

	mu    sync.Mutex
	sweep uint64
	cache map[string]*dnsCompareCall
}

type dnsCompareCall struct {
	done chan struct{}
	ans  DNSAnswers
}

// newDNSTamperChecker returns nil when server is "", "off" or "none": the config fills in
// DefaultDNSCompare, so a bare Plan never sends a query to a public resolver.
func newDNSTamperChecker(server string, timeout time.Duration) *dnsTamperChecker {
	switch strings.ToLower(strings.TrimSpace(server)) {
	case "", "off", "none":
		return nil
	}
	if _, _, err := net.SplitHostPort(server); err != nil {
		server = net.JoinHostPort(server, "53")
	}
	return &dnsTamperChecker{server: server, timeout: timeout, cache: map[string]*dnsCompareCall{}}
}

// compare resolves name with system and through the first of vias that answers. Concurrent
// callers in the same sweep share one comparison.
func (c *dnsTamperChecker) compare(ctx context.Context, sweep uint64, system *net.Resolver, vias []Route, name string) DNSAnswers {
	c.mu.Lock()
	if c.sweep != sweep {
		c.sweep, c.cache = sweep, map[string]*dnsCompareCall{}
	}
	call, ok := c.cache[name]
	if !ok {
		call = &dnsCompareCall{done: make(chan struct{})}
		c.cache[name] = call
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-call.done:
			return call.ans
		case <-ctx.Done():
			return DNSAnswers{Name: name, CompareErr: FailInterrupted}
		}
	}
	defer close(call.done)
	call.ans = c.run(ctx, system, vias, name)
	return call.ans
}

func (c *dnsTamperChecker) run(ctx context.Context, system *net.Resolver, vias []Route, name string) DNSAnswers {
	ans := DNSAnswers{Name: name}
	sysCtx, cancel := context.WithTimeout(ctx, c.timeout)
	ips, err := system.LookupHost(sysCtx, name)
	cancel()
	if err != nil {
		ans.SystemErr = Classify(OpResolve, err).Failure
	} else {
		ans.System = ips
	}
	ans.CompareErr = FailUnknown
	for _, via := range vias {
		ans.Via = via.Spec().Name
		ans.Compare, ans.CompareErr = c.lookupVia(ctx, via, name)
		if ans.CompareErr == "" || ans.CompareErr == FailDNSNXDomain {
			break // the route carried the question: its answer stands
		}
	}
	ans.Tampered, ans.Why = judgeDNS(ans)
	ans.Why = Sanitize(ans.Why)
	return ans
}

// lookupVia asks the comparison resolver for A and AAAA over TCP through the route.
func (c *dnsTamperChecker) lookupVia(ctx context.Context, via Route, name string) ([]string, string) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	conn, err := via.Dial(ctx, c.server, nil)
	if err != nil {
		return nil, Classify(OpConnect, err).Failure
	}
	defer conn.Close()
	stop := bindDeadline(ctx, conn)
	defer stop()
	dc := &dns.Conn{Conn: conn}
	var ips []string
	nxdomain := false
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		q := new(dns.Msg)
		q.SetQuestion(dns.Fqdn(name), qtype)
		q.RecursionDesired = true
		if err := dc.WriteMsg(q); err != nil {
			return nil, Classify(OpWrite, err).Failure
		}
		resp, err := dc.ReadMsg()
		if err != nil {
			return nil, Classify(OpRead, err).Failure
		}
		if resp.Id != q.Id {
			return nil, FailDNSServerMisbehaving
		}
		switch resp.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			nxdomain = true
			continue
		default:
			return nil, FailDNSServfail
		}
		for _, rr := range resp.Answer {
			switch v := rr.(type) {
			case *dns.A:
				ips = append(ips, v.A.String())
			case *dns.AAAA:
				ips = append(ips, v.AAAA.String())
			}
		}
	}
	switch {
	case len(ips) > 0:
		return ips, ""
	case nxdomain:
		return nil, FailDNSNXDomain
	}
	return nil, FailDNSNoAnswer
}

// judgeDNS says whether the system's answer is forged. Answers that merely differ (CDNs
// answer by location) are not; missing answers for a name that resolves elsewhere are, and so
// are bogon answers the other resolver does not give.
func judgeDNS(a DNSAnswers) (bool, string) {
	elsewhere := len(a.Compare) > 0
	if elsewhere && len(a.System) == 0 {
		what := "no answer"
		if a.SystemErr != "" {
			what = dnsFailureWord(a.SystemErr)
		}
		return true, what + " here, " + firstFew(a.Compare) + " via " + a.Via
	}
	var bogons []string
	for _, ip := range a.System {
		if IsBogon(ip) && !slices.Contains(a.Compare, ip) {
			bogons = append(bogons, ip)
		}
	}
	if len(bogons) == 0 {
		return false, ""
	}
	why := "bogon answer " + firstFew(bogons) + " here"
	if elsewhere {
		why += ", " + firstFew(a.Compare) + " via " + a.Via
	}
	return true, why
}

func firstFew(ips []string) string {
	if len(ips) > 2 {
		return strings.Join(ips[:2], ", ") + "…"
	}
	return strings.Join(ips, ", ")
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

// tamperedCause is the failure a tampered comparison gives the service.
func tamperedCause(a DNSAnswers) *Error {
	return &Error{Failure: FailDNSTampered, Operation: OpResolve, Detail: Sanitize(a.Why),
		Err: errors.New("dns answers differ")}
}
