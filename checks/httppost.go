package checks

import "context"

// Placeholder: replaced by the httppost probe.
func probeHTTPPost(ctx context.Context, r Route, t Target, opt ProbeOptions) TargetResult {
	return TargetResult{Target: t, Err: NewError(FailUnknown, OpUnknown, "httppost probe not implemented yet")}
}
