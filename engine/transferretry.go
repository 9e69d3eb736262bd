package engine

import (
	"context"

	"github.com/lifeline-app/lifeline/checks"
)

// stallTries is how many times a transfer that stalls may run in one check: the censor's
// freeze is applied inconsistently (dpi-checkers #20), so a stall is called only when most of
// the tries stalled — once in three is not a stall, every time is.
const stallTries = 3

// confirmStall runs p again when it stalls, up to stallTries times, and keeps the majority:
// a stall is reported only when more tries stalled than not. A clean first try costs one run.
// The tries share the check's deadline; when it cuts them short, the tries made decide.
func confirmStall(p ProbeFunc) ProbeFunc {
	return func(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
		res := p(ctx, r, t, opt)
		if !isStall(res) {
			return res
		}
		tries, stalls := 1, 1
		lastStall, lastGood := res, checks.TargetResult{}
		for tries < stallTries && 2*stalls <= stallTries && 2*(tries-stalls) <= stallTries && ctx.Err() == nil {
			next := p(ctx, r, t, opt)
			tries++
			if isStall(next) {
				stalls++
				lastStall = next
			} else {
				lastGood = next
			}
		}
		out := lastStall
		if 2*stalls <= tries {
			out = lastGood
		}
		if out.Transfer != nil {
			stats := *out.Transfer
			stats.Tries, stats.Stalls = tries, stalls
			out.Transfer = &stats
		}
		return out
	}
}

func isStall(r checks.TargetResult) bool { return r.Err != nil && r.Err.Failure == checks.FailStalled }
