package engine

import (
	"bytes"
	"context"
	"net/http"

	"github.com/lifeline-app/lifeline/checks"
)

// postPayload is the small body sent to a Telegram data centre; it answers any POST to / with
// an HTTP error page, which is enough to know the path is open.
var postPayload = []byte("lifeline")

// probeHTTPPost POSTs to http://Addr/ in plain HTTP (no TLS, even on port 443), the way OONI
// tests Telegram's data centres. Any HTTP answer counts as working: 404 and 501 are normal.
func probeHTTPPost(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	req, err := http.NewRequest(http.MethodPost, "http://"+t.Addr+"/", bytes.NewReader(postPayload))
	if err != nil {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid address")}
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	return exchange(ctx, r, t, opt, req, false)
}
