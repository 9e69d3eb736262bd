package checks

import (
	"fmt"
	"slices"
	"time"
)

// Thresholds are the limits past which a working service counts as slow.
type Thresholds struct {
	Slow      time.Duration // felt latency above this is slow; 0 disables
	SlowBelow float64       // transfer goodput (bits/s) under this is slow ("throttled"); 0 disables
}

// Judge is JudgeWith with the default transfer goodput threshold.
func Judge(svc Service, results []TargetResult, slow time.Duration) (Verdict, time.Duration, string, *Error) {
	return JudgeWith(svc, results, Thresholds{Slow: slow, SlowBelow: DefaultTransferSlowBelow})
}

// JudgeWith turns a service's target results into a verdict, the latency a user feels and a
// one-line reason. Every role needs one working target, and a role whose transfer stalled is
// broken whatever else works in it (the app's media would freeze). The latency is the
// TLS-ready time of the fastest working chat target (or of any working target when the
// service has no chat role). A throttled transfer makes a working service slow.
func JudgeWith(svc Service, results []TargetResult, th Thresholds) (Verdict, time.Duration, string, *Error) {
	v, latency, reason, cause := judge(svc, results, th)
	if class := v.Info().Class; class == ClassDown || class == ClassDegraded && !v.Info().Works {
		// A failure lifeline caused itself (out of descriptors or memory) says nothing about
		// the service: with one among the failures, the cell stays unknown.
		for _, r := range results {
			if r.Err.Internal() {
				return VerdictPending, 0, r.Err.Human(""), r.Err
			}
		}
	}
	return v, latency, reason, cause
}

func judge(svc Service, results []TargetResult, th Thresholds) (Verdict, time.Duration, string, *Error) {
	if len(results) == 0 {
		return VerdictPending, 0, "no result yet", nil
	}
	na, naCause := notCarried(results)
	var roles []string
	working := map[string]bool{}
	stalled := map[string]bool{}
	for _, r := range results {
		if na[r.Target.Role] {
			continue
		}
		if !slices.Contains(roles, r.Target.Role) {
			roles = append(roles, r.Target.Role)
		}
		if r.OK {
			working[r.Target.Role] = true
		}
		if r.Err != nil && r.Err.Failure == FailStalled {
			stalled[r.Target.Role] = true
		}
	}
	for role := range stalled {
		delete(working, role)
	}
	if len(roles) == 0 {
		return VerdictNA, 0, naReason(na, naCause), nil
	}
	v, latency, reason, cause := judgeCarried(results, roles, working, th)
	if len(na) > 0 {
		reason += "; " + naReason(na, naCause)
	}
	return v, latency, reason, cause
}

// judgeCarried judges the roles the route can carry (roles, in order; working says which have
// a working target).
func judgeCarried(results []TargetResult, roles []string, working map[string]bool, th Thresholds) (Verdict, time.Duration, string, *Error) {
	if len(working) == 0 {
		cause := mostTelling(results, "")
		return VerdictBlocked, 0, failureReason(cause, ""), cause.Err
	}
	latency, via := feltLatency(results)
	if len(working) < len(roles) {
		var broken []string
		for _, role := range roles {
			if !working[role] {
				broken = append(broken, role)
			}
		}
		cause := mostTelling(results, broken[0])
		return VerdictPartial, latency, failureReason(cause, joinRoles(broken)), cause.Err
	}
	if slowest, ok := throttled(results, th.SlowBelow); ok {
		return VerdictSlow, latency, fmt.Sprintf("%s throttled to %s on %s", slowest.Target.Role,
			FormatRate(slowest.Transfer.Goodput), Sanitize(slowest.Target.Host())), nil
	}
	if th.Slow > 0 && latency > th.Slow {
		return VerdictSlow, latency, fmt.Sprintf("%s to %s, slower than %s", ShortDuration(latency), via, ShortDuration(th.Slow)), nil
	}
	return VerdictOK, latency, fmt.Sprintf("%s to %s", ShortDuration(latency), via), nil
}

// failureReason says why cause's role fails: "media stalls after 17 KB on host", or
// "web blocked: <what happened>" when broken names the roles of a partial verdict.
func failureReason(cause TargetResult, broken string) string {
	what := cause.Explain()
	if cause.Err.Failure == FailStalled {
		return cause.Target.Role + " " + what
	}
	if broken == "" {
		return what
	}
	return broken + " blocked: " + what
}

// throttled is the working transfer with the lowest goodput under limit, if any.
func throttled(results []TargetResult, limit float64) (TargetResult, bool) {
	var slowest TargetResult
	found := false
	for _, r := range results {
		if !r.OK || r.Transfer == nil || r.Transfer.Goodput <= 0 || r.Transfer.Goodput >= limit {
			continue
		}
		if !found || r.Transfer.Goodput < slowest.Transfer.Goodput {
			slowest, found = r, true
		}
	}
	return slowest, found
}

// feltLatency is the ready time of the fastest working chat target, else of any working target.
func feltLatency(results []TargetResult) (time.Duration, string) {
	best, via := time.Duration(0), ""
	for _, pass := range []bool{true, false} {
		for _, r := range results {
			if !r.OK || (pass && r.Target.Role != RoleChat) {
				continue
			}
			if l := ReadyTime(r); best == 0 || l < best {
				best, via = l, r.Target.Host()
			}
		}
		if via != "" {
			break
		}
	}
	return best, Sanitize(via)
}

// ReadyTime is connect plus handshake: what a client waits before it can talk.
func ReadyTime(r TargetResult) time.Duration {
	if d := r.Phases.Ready(); d > 0 {
		return d
	}
	return r.Phases.Total
}

// mostTelling picks the failure that explains most: in the given role (or any), a named
// interference (reset, DNS, certificate) over a plain timeout, a chat target over others,
// and a block page over everything.
func mostTelling(results []TargetResult, role string) TargetResult {
	var best TargetResult
	bestScore := -1
	for _, r := range results {
		if r.OK || r.Err == nil || (role != "" && r.Target.Role != role) || r.Err.Failure == FailUDPUnsupported {
			continue
		}
		score := 0
		if r.Target.Role == RoleChat {
			score++
		}
		if r.Err.Failure != FailGenericTimeout && r.Err.Failure != FailUnknown {
			score += 2
		}
		if r.Err.Failure == FailBlockPage {
			score += 2 // names who answered in the service's place
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	if best.Err == nil {
		best.Err = NewError(FailUnknown, OpUnknown, "no failure recorded")
	}
	return best
}

func joinRoles(roles []string) string {
	switch len(roles) {
	case 1:
		return roles[0]
	case 2:
		return roles[0] + " and " + roles[1]
	}
	return fmt.Sprintf("%s and %d more roles", roles[0], len(roles)-1)
}

func ShortDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// notCarried finds the roles the route cannot carry at all: no target of the role worked and
// every one failed because the route has no UDP (an HTTP proxy, a SOCKS5 proxy without a
// working UDP relay). Such a role is n/a, not broken. cause is one of those failures.
func notCarried(results []TargetResult) (map[string]bool, TargetResult) {
	na := map[string]bool{}
	other := map[string]bool{}
	var cause TargetResult
	for _, r := range results {
		if r.Err != nil && r.Err.Failure == FailUDPUnsupported {
			if !na[r.Target.Role] {
				cause = r
			}
			na[r.Target.Role] = true
		} else {
			other[r.Target.Role] = true
		}
	}
	for role := range other {
		delete(na, role)
	}
	if len(na) == 0 {
		return nil, TargetResult{}
	}
	return na, cause
}

// naReason says which roles are n/a and why, e.g. "calls n/a: this route carries no UDP
// (an HTTP proxy tunnels TCP only)".
func naReason(na map[string]bool, cause TargetResult) string {
	roles := make([]string, 0, len(na))
	for role := range na {
		roles = append(roles, role)
	}
	slices.Sort(roles)
	why := "this route carries no UDP"
	if cause.Err != nil && cause.Err.Detail != "" {
		why += " (" + cause.Err.Detail + ")"
	}
	return joinRoles(roles) + " n/a: " + why
}

// RoleVerdict is VerdictNA for a role the route cannot carry, "" for any other role: the rest
// is judged with the service as a whole.
func RoleVerdict(results []TargetResult, role string) Verdict {
	if na, _ := notCarried(results); na[role] {
		return VerdictNA
	}
	return ""
}

// NARoles lists, sorted, the roles of c the route cannot carry at all (calls without UDP).
func (c CheckResult) NARoles() []string {
	na, _ := notCarried(c.Targets)
	roles := make([]string, 0, len(na))
	for role := range na {
		roles = append(roles, role)
	}
	slices.Sort(roles)
	if len(roles) == 0 {
		return nil
	}
	return roles
}
