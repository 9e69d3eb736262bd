package engine

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/miekg/dns"
)

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
	ans  checks.DNSAnswers
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
func (c *dnsTamperChecker) compare(ctx context.Context, sweep uint64, system *net.Resolver, vias []Route, name string) checks.DNSAnswers {
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
			return checks.DNSAnswers{Name: name, CompareErr: checks.FailInterrupted}
		}
	}
	defer close(call.done)
	call.ans = c.run(ctx, system, vias, name)
	return call.ans
}

func (c *dnsTamperChecker) run(ctx context.Context, system *net.Resolver, vias []Route, name string) checks.DNSAnswers {
	ans := checks.DNSAnswers{Name: name}
	sysCtx, cancel := context.WithTimeout(ctx, c.timeout)
	ips, err := system.LookupHost(sysCtx, name)
	cancel()
	if err != nil {
		ans.SystemErr = checks.Classify(checks.OpResolve, err).Failure
	} else {
		ans.System = ips
	}
	ans.CompareErr = checks.FailUnknown
	for _, via := range vias {
		ans.Via = via.Spec().Name
		ans.Compare, ans.CompareErr = c.lookupVia(ctx, via, name)
		if ans.CompareErr == "" || ans.CompareErr == checks.FailDNSNXDomain {
			break // the route carried the question: its answer stands
		}
	}
	ans.Tampered, ans.Why = judgeDNS(ans)
	ans.Why = checks.Sanitize(ans.Why)
	return ans
}

// lookupVia asks the comparison resolver for A and AAAA over TCP through the route.
func (c *dnsTamperChecker) lookupVia(ctx context.Context, via Route, name string) ([]string, string) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	conn, err := via.Dial(ctx, c.server, nil)
	if err != nil {
		return nil, checks.Classify(checks.OpConnect, err).Failure
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
			return nil, checks.Classify(checks.OpWrite, err).Failure
		}
		resp, err := dc.ReadMsg()
		if err != nil {
			return nil, checks.Classify(checks.OpRead, err).Failure
		}
		if resp.Id != q.Id {
			return nil, checks.FailDNSServerMisbehaving
		}
		switch resp.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			nxdomain = true
			continue
		default:
			if qtype == dns.TypeAAAA && len(ips) > 0 {
				// Some resolvers refuse or fail the AAAA question of a name they answered A
				// for: the A answer stands.
				continue
			}
			return nil, checks.FailDNSServfail
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
		return nil, checks.FailDNSNXDomain
	}
	return nil, checks.FailDNSNoAnswer
}

// judgeDNS says whether the system's answer is forged. Answers that merely differ (CDNs
// answer by location) are not; missing answers for a name that resolves elsewhere are, and so
// are bogon answers the other resolver does not give.
func judgeDNS(a checks.DNSAnswers) (bool, string) {
	elsewhere := len(a.Compare) > 0
	if elsewhere && len(a.System) == 0 {
		what := "no answer"
		if a.SystemErr != "" {
			what = checks.DNSFailureWord(a.SystemErr)
		}
		return true, what + " here, " + firstFew(a.Compare) + " via " + a.Via
	}
	var bogons []string
	for _, ip := range a.System {
		if checks.IsBogon(ip) && !slices.Contains(a.Compare, ip) {
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

// tamperedCause is the failure a tampered comparison gives the service.
func tamperedCause(a checks.DNSAnswers) *checks.Error {
	return &checks.Error{Failure: checks.FailDNSTampered, Operation: checks.OpResolve, Detail: checks.Sanitize(a.Why),
		Err: errors.New("dns answers differ")}
}

// maxDNSCompareVias bounds how many other routes a DNS comparison tries before giving up.
const maxDNSCompareVias = 3

// noteDNSTampering looks for forged DNS behind a failing check on the direct route: each
// target name is resolved by the route's resolver and through another route, and a forged
// answer becomes the check's reason.
func (s *Scheduler) noteDNSTampering(ctx context.Context, n uint64, r Route, svc checks.Service, res *checks.CheckResult) {
	d, ok := r.(*directRoute)
	if s.dnsTamper == nil || !ok || res.Verdict == checks.VerdictOK || res.Verdict == checks.VerdictSlow {
		return
	}
	var vias []Route
	for _, other := range s.routes {
		if other.Spec().Kind != checks.RouteDirect && len(vias) < maxDNSCompareVias {
			vias = append(vias, other)
		}
	}
	if len(vias) == 0 {
		return
	}
	// The names this sweep asked for: a rotating target shown from an earlier sweep was not
	// resolved now, and comparing every name of a large service would flood the resolver.
	var names []string
	for _, tr := range res.Targets {
		if tr.Rotated != nil {
			continue
		}
		if h := tr.Target.AddrHost(); net.ParseIP(h) == nil && h != "" && !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	answers := make([]checks.DNSAnswers, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { answers[i] = s.dnsTamper.compare(ctx, n, d.resolver, vias, name) })
	}
	wg.Wait()
	for _, a := range answers {
		if a.Via == "" {
			continue
		}
		res.DNS = append(res.DNS, a)
		if a.Tampered && (res.Cause == nil || res.Cause.Failure != checks.FailDNSTampered) {
			res.Cause = tamperedCause(a)
			res.Reason = checks.Sanitize(res.Cause.Human(a.Name))
		}
	}
}
