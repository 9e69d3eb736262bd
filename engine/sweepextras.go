package engine

import (
	"context"
	"crypto/x509"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// maxDNSCompareVias bounds how many other routes a DNS comparison tries before giving up.
const maxDNSCompareVias = 3

// startEgress looks up r's exit in the background; the returned func waits for the answer.
// It returns nil quickly when there is nothing to report.
func (s *Scheduler) startEgress(ctx context.Context, r Route) func() *checks.Egress {
	if s.egress == nil {
		return func() *checks.Egress { return nil }
	}
	var direct Route
	for _, other := range s.routes {
		if other.Spec().Kind == checks.RouteDirect {
			direct = other
			break
		}
	}
	pool := s.egressPool(r)
	var directPool = pool
	if direct != nil {
		directPool = s.egressPool(direct)
	}
	done := make(chan *checks.Egress, 1)
	go func() { done <- s.egress.resultFor(ctx, r, direct, pool, directPool) }()
	// A slow echo must not hold the route's row: after a grace period the last known exit
	// is shown and this lookup lands in the cache for the next sweep.
	return sync.OnceValue(func() *checks.Egress {
		select {
		case e := <-done:
			return e
		case <-time.After(egressGrace):
			return s.egress.known(r.Spec().Name)
		}
	})
}

// egressGrace is how long a proven route's result waits for its exit lookup.
var egressGrace = 2 * time.Second

// egressPool is the trust store for the echo through r: the route's extra anchors included.
func (s *Scheduler) egressPool(r Route) *x509.CertPool {
	return s.trusted(r.Spec(), checks.Target{Kind: checks.KindHTTPS}).RootCAs
}

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
	var names []string
	for _, t := range svc.Targets {
		if h := t.AddrHost(); net.ParseIP(h) == nil && h != "" && !slices.Contains(names, h) {
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
