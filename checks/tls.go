package checks

import "context"

// Placeholder: replaced by the tls probe.
func probeTLS(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult {
	return TargetResult{Target: t, Err: NewError(FailUnknown, OpUnknown, "tls probe not implemented yet")}
}
