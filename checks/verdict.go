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
	if len(results) == 0 {
		return VerdictPending, 0, "no result yet", nil
	}
	var roles []string
	working := map[string]bool{}
	stalled := map[string]bool{}
	for _, r := range results {
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
// interference (reset, DNS, certificate) over a plain timeout, a chat target over others.
func mostTelling(results []TargetResult, role string) TargetResult {
	var best TargetResult
	bestScore := -1
	for _, r := range results {
		if r.OK || r.Err == nil || (role != "" && r.Target.Role != role) {
			continue
		}
		score := 0
		if r.Target.Role == RoleChat {
			score++
		}
		if r.Err.Failure != FailGenericTimeout && r.Err.Failure != FailUnknown {
			score += 2
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
