package checks

// Summary counts verdicts the way status lines and exit codes need them.
type Summary struct {
	OK       int // ok
	Degraded int // slow or partial
	Down     int // blocked or route-down
	Pending  int
	NA       int     // n/a: roles a route cannot carry, which are not failures
	Internal int     // cells left unknown by lifeline's own failure (FailInternal); counted in Pending too
	Worst    Verdict // the worst verdict seen; pending when there is none
}

// Summarize counts the verdicts of results by their class in the verdict table.
func Summarize(results []CheckResult) Summary {
	s := Summary{Worst: VerdictPending}
	worstKnown := -1
	for _, r := range results {
		info := r.Verdict.Info()
		switch info.Class {
		case ClassWorking:
			s.OK++
		case ClassDegraded:
			s.Degraded++
		case ClassDown:
			s.Down++
		case ClassNA:
			s.NA++
		default:
			s.Pending++
			if r.Cause.Internal() {
				s.Internal++
			}
			continue
		}
		if info.Severity > worstKnown {
			worstKnown, s.Worst = info.Severity, r.Verdict
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

// ExitCode is the worst verdict's exit code (0 ok or n/a, 1 slow or partial, 2 blocked or
// route-down), raised to 1 when some results are still pending, and 3 when nothing is known or
// when lifeline failed itself (an internal error left a cell unknown) and nothing is down.
func (s Summary) ExitCode() int {
	if s.OK+s.Degraded+s.Down+s.NA == 0 {
		return ExitUnknown
	}
	code := s.Worst.Info().Exit
	if s.Internal > 0 && code < ExitDown {
		return ExitUnknown
	}
	if s.Pending > 0 && code < ExitDegraded {
		code = ExitDegraded
	}
	return code
}
