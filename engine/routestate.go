package engine

import (
	"context"
	"net"
	"slices"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// The two route states that are not censorship of a service. Both are judged on the direct
// route only: they describe the user's own network. A tunnel or proxy that reaches nothing is
// down, with its own reason.

// watchesAllowlist reports whether r's results wait, when its control fails, for the domestic
// references that tell an allowlist from censorship.
func (s *Scheduler) watchesAllowlist(spec checks.RouteSpec) bool {
	return spec.Kind == checks.RouteDirect && spec.Control != nil && len(s.plan.Domestic) > 0
}

// checkDomestic probes the domestic references through r, as one check within its deadline.
func (s *Scheduler) checkDomestic(ctx context.Context, r Route, clock *routeClock) []checks.TargetResult {
	results, _ := s.probeAll(ctx, r, s.plan.Domestic, window{clock: clock, after: true})
	return results
}

// knownName is the server name the second SNI contrast sends: the first domestic reference's,
// which an allowlist lets through.
func (s *Scheduler) knownName() string {
	for _, t := range s.plan.Domestic {
		if h := t.Host(); h != "" && net.ParseIP(h) == nil {
			return h
		}
	}
	return ""
}

// judgeAllowlist names the route an allowlist when a domestic reference passes while the
// control and every foreign service fail (at least one foreign service is checked). It then
// sets the route's state and reason and rereads the held results' SNI contrasts: under an
// allowlist an innocuous name failing proves nothing about the address. It reports whether
// the route is an allowlist.
func (s *Scheduler) judgeAllowlist(route *checks.RouteResult, held []checks.CheckResult) bool {
	ref := slices.IndexFunc(route.Domestic, func(t checks.TargetResult) bool { return t.OK })
	if ref < 0 || route.Control == nil || route.Control.OK {
		return false
	}
	foreign := 0
	for _, c := range held {
		svc, ok := s.service(c.Service)
		if !ok || svc.Domestic || !measured(c) {
			continue
		}
		if slices.ContainsFunc(c.Targets, func(t checks.TargetResult) bool { return t.OK && !isCarriedOver(t) }) {
			return false
		}
		foreign++
	}
	if foreign == 0 {
		return false
	}
	route.State, route.OK, route.Err = checks.RouteAllowlist, true, nil
	route.Reason = checks.Sanitize("allowlist: only allowlisted services reach (" + route.Domestic[ref].Target.Host() +
		" answers; control " + route.Control.Target.Host() + " and every foreign service fail)")
	for i := range held {
		if svc, ok := s.service(held[i].Service); ok && !svc.Domestic {
			s.rejudgeUnderAllowlist(svc, &held[i])
		}
	}
	return true
}

// rejudgeUnderAllowlist rereads c's SNI contrasts as an allowlist makes them read, and judges
// the service again when one changed. A forged DNS answer stays the reason when it was.
func (s *Scheduler) rejudgeUnderAllowlist(svc checks.Service, c *checks.CheckResult) {
	changed := false
	c.Targets = slices.Clone(c.Targets)
	for i := range c.Targets {
		if read := c.Targets[i].Contrast.UnderAllowlist(); read != c.Targets[i].Contrast {
			c.Targets[i].Contrast, changed = read, true
		}
	}
	if !changed {
		return
	}
	verdict, latency, reason, cause := checks.JudgeWith(svc, c.Targets, s.thresholds())
	c.Verdict, c.Latency = verdict, latency
	if c.Cause == nil || c.Cause.Failure != checks.FailDNSTampered {
		c.Reason, c.Cause = checks.Sanitize(reason), cause
	}
}

// service is the plan's service of that name.
func (s *Scheduler) service(name string) (checks.Service, bool) {
	i := slices.IndexFunc(s.plan.Services, func(svc checks.Service) bool { return svc.Name == name })
	if i < 0 {
		return checks.Service{}, false
	}
	return s.plan.Services[i], true
}

// offline says whether a direct route that carried nothing reaches nothing at all: every name
// fails to resolve the same way (the control's included), or every target meets an
// unreachable network. A domestic reference that answered, or a DNS answer that another route
// showed forged, means there is a network: censorship, not an outage. It returns the failure
// that stands for the outage.
func offline(spec checks.RouteSpec, route checks.RouteResult, held []checks.CheckResult) (*checks.Error, bool) {
	if spec.Kind != checks.RouteDirect {
		return nil, false
	}
	if slices.ContainsFunc(route.Domestic, func(t checks.TargetResult) bool { return t.OK }) {
		return nil, false
	}
	var results []checks.TargetResult
	if route.Control != nil {
		results = append(results, *route.Control)
	}
	results = append(results, route.Domestic...)
	for _, c := range held {
		if c.Cause != nil && c.Cause.Failure == checks.FailDNSTampered {
			return nil, false
		}
		for _, t := range c.Targets {
			if !isCarriedOver(t) {
				results = append(results, t)
			}
		}
	}
	if len(results) == 0 {
		return nil, false
	}
	if cause, ok := everyNameFailsAlike(results); ok {
		return cause, true
	}
	return everyNetworkUnreachable(results)
}

// everyNameFailsAlike reports whether every target named by a host name (not an IP) failed to
// resolve with one and the same failure; targets given as IPs are not asked.
func everyNameFailsAlike(results []checks.TargetResult) (*checks.Error, bool) {
	var first *checks.Error
	for _, t := range results {
		if net.ParseIP(t.Target.AddrHost()) != nil {
			continue
		}
		if t.OK || t.Err == nil || t.Err.Operation != checks.OpResolve {
			return nil, false
		}
		if first == nil {
			first = t.Err
		} else if t.Err.Failure != first.Failure {
			return nil, false
		}
	}
	return first, first != nil
}

// everyNetworkUnreachable reports whether every target failed because no network leads to it.
func everyNetworkUnreachable(results []checks.TargetResult) (*checks.Error, bool) {
	for _, t := range results {
		if t.OK || t.Err == nil || !unreachable(t.Err) {
			return nil, false
		}
	}
	return results[0].Err, true
}

// unreachable reports whether e says no network leads to the destination (or to the resolver).
func unreachable(e *checks.Error) bool {
	switch e.Failure {
	case checks.FailNetworkUnreachable, checks.FailHostUnreachable:
		return true
	}
	return strings.Contains(e.Detail, "network is unreachable")
}

// offlineReason says why the route reaches nothing, once, e.g.
// "offline: no network (every name fails: DNS NXDOMAIN, the control's included)".
func offlineReason(cause *checks.Error) string {
	what := cause.Human("")
	if cause.Operation == checks.OpResolve {
		return checks.Sanitize("offline: no network — every name fails (" + what + "), the control's included")
	}
	return checks.Sanitize("offline: no network — " + what + " everywhere")
}
