package checks

import (
	"fmt"
	"slices"
	"time"
)

// Judge turns a service's target results into a verdict, the latency a user feels and a
// one-line reason. Every role needs one working target; the latency is the TLS-ready time of
// the fastest working chat target (or of any working target when the service has no chat role).
func Judge(svc Service, results []TargetResult, slow time.Duration) (Verdict, time.Duration, string, *Error) {
	if len(results) == 0 {
		return VerdictPending, 0, "no result yet", nil
	}
	var roles []string
	working := map[string]bool{}
	for _, r := range results {
		if !slices.Contains(roles, r.Target.Role) {
			roles = append(roles, r.Target.Role)
		}
		if r.OK {
			working[r.Target.Role] = true
		}
	}
	if len(working) == 0 {
		cause := mostTelling(results, "")
		return VerdictBlocked, 0, cause.Explain(), cause.Err
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
		reason := fmt.Sprintf("%s blocked: %s", joinRoles(broken), cause.Explain())
		return VerdictPartial, latency, reason, cause.Err
	}
	if slow > 0 && latency > slow {
		return VerdictSlow, latency, fmt.Sprintf("%s to %s, slower than %s", shortDuration(latency), via, shortDuration(slow)), nil
	}
	return VerdictOK, latency, fmt.Sprintf("%s to %s", shortDuration(latency), via), nil
}

// feltLatency is the ready time of the fastest working chat target, else of any working target.
func feltLatency(results []TargetResult) (time.Duration, string) {
	best, via := time.Duration(0), ""
	for _, pass := range []bool{true, false} {
		for _, r := range results {
			if !r.OK || (pass && r.Target.Role != RoleChat) {
				continue
			}
			if l := readyTime(r); best == 0 || l < best {
				best, via = l, r.Target.Host()
			}
		}
		if via != "" {
			break
		}
	}
	return best, Sanitize(via)
}

// readyTime is connect plus handshake: what a client waits before it can talk.
func readyTime(r TargetResult) time.Duration {
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

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
