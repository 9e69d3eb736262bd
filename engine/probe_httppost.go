package engine

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/lifeline-app/lifeline/checks"
)

// postPayload is the small body sent to a Telegram data centre; it answers any POST to / with
// an HTTP error page, which is enough to know the path is open.
var postPayload = []byte("lifeline")

// probeHTTPPost POSTs to http://Addr/ in plain HTTP (no TLS, even on port 443), the way OONI
// tests Telegram's data centres. Any HTTP answer counts as working (404 and 501 are normal)
// except one that redirects to another host or carries a block page. It proves little: a
// transparent proxy answers too; mtproto_http proves the data centre itself.
func probeHTTPPost(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	req, err := http.NewRequest(http.MethodPost, "http://"+t.Addr+"/", bytes.NewReader(postPayload))
	if err != nil {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid address")}
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	res, answer := plainExchange(ctx, r, t, opt, req)
	if res.Err != nil {
		return res
	}
	if sign := blockPageSign(t.AddrHost(), answer); sign != "" {
		res.OK, res.Err = false, checks.NewError(checks.FailBlockPage, checks.OpHTTPRoundTrip, fmt.Sprintf("HTTP %d, %s", res.Status, sign))
		return res
	}
	res.Proof = fmt.Sprintf("an HTTP %d from %s (any answer counts)", res.Status, checks.Sanitize(t.Addr))
	return res
}
