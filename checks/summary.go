package checks

// Summary counts verdicts the way status lines and exit codes need them.
type Summary struct {
	OK       int // ok
	Degraded int // slow or partial
	Down     int // blocked or route-down
	Pending  int
	Internal int     // cells left unknown by lifeline's own failure (FailInternal); counted in Pending too
	Worst    Verdict // the worst verdict seen; pending when there is none
}

// Summarize counts the verdicts of results.
func Summarize(results []CheckResult) Summary {
	s := Summary{Worst: VerdictPending}
	worstKnown := -1
	for _, r := range results {
		switch r.Verdict {
		case VerdictOK:
			s.OK++
		case VerdictSlow, VerdictPartial:
			s.Degraded++
		case VerdictBlocked, VerdictRouteDown:
			s.Down++
		default:
			s.Pending++
			if r.Cause.Internal() {
				s.Internal++
			}
			continue
		}
		if sev := r.Verdict.Severity(); sev > worstKnown {
			worstKnown, s.Worst = sev, r.Verdict
		}
	}
	return s
}

// Exit codes shared by `check` and `status --once` (the Nagios plugin convention).
const (
	ExitOK       = 0
	ExitDegraded = 1
	ExitDown     = 2
	ExitUnknown  = 3
)

// ExitCode is 0 when everything is ok, 1 when something is slow or partial, 2 when something is
// blocked or route-down, 3 when nothing is known or lifeline failed itself (an internal error
// left a cell unknown).
func (s Summary) ExitCode() int {
	switch {
	case s.Down > 0:
		return ExitDown
	case s.Internal > 0:
		return ExitUnknown
	case s.Degraded > 0:
		return ExitDegraded
	case s.OK > 0 && s.Pending == 0:
		return ExitOK
	case s.OK > 0:
		return ExitDegraded
	}
	return ExitUnknown
}
