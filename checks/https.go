package checks

import "context"

// Placeholder: replaced by the https probe.
func probeHTTPS(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult {
	return TargetResult{Target: t, Err: NewError(FailUnknown, OpUnknown, "https probe not implemented yet")}
}
