package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// Discovery bounds: the page or manifest read to find an object, and how many of the objects
// it names are tried before giving up (a page names small files too; the first one that holds
// the transfer's size is used).
const (
	findPageLimit  = 512 << 10
	findCandidates = 4
)

// transferFound reads t.Addr (a page or manifest the service publishes), finds the objects
// t.Find names in it, and fetches the first that holds want bytes as a transfer. The result
// keeps t as its target and names the object in its stats.
func transferFound(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, want int64) checks.TargetResult {
	res := checks.TargetResult{Target: t, Transfer: &checks.TransferStats{Wanted: want}}
	pattern, err := regexp.Compile(t.Find)
	if err != nil || pattern.NumSubexp() < 1 {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid pattern for the object to fetch")
		return res
	}
	page, err := url.Parse(t.Addr)
	if err != nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid URL")
		return res
	}
	candidates, fetched := fetchPage(ctx, r, t, opt, pattern, page)
	if fetched.Err != nil {
		fetched.Transfer = res.Transfer
		return fetched
	}
	if len(candidates) == 0 {
		res.Phases, res.Status, res.Peer = fetched.Phases, fetched.Status, fetched.Peer
		res.Err = checks.NewError(checks.FailHTTPStatus, checks.OpRead, "found no object to fetch on "+checks.Sanitize(page.Host))
		return res
	}
	for i, obj := range candidates {
		try := t
		try.Addr, try.Find = obj, ""
		res = transferHTTP(ctx, r, try, opt, want)
		res.Target = t
		res.Transfer.Object = checks.Sanitize(obj)
		// An object that ended before want bytes is too small to show a freeze: try the next.
		short := res.OK && res.Transfer.Bytes < want
		if !short || i == len(candidates)-1 || ctx.Err() != nil {
			break
		}
	}
	return res
}

// fetchPage GETs the page through the route and reads it until pattern has named
// findCandidates objects, the page ends or findPageLimit bytes are read; the objects resolve
// against the page's final URL (after redirects).
func fetchPage(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, pattern *regexp.Regexp, page *url.URL) ([]string, checks.TargetResult) {
	res := checks.TargetResult{Target: t}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Addr, nil)
	if err != nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid URL")
		return nil, res
	}
	resp, rec, done, err := roundTrip(ctx, r, t, opt, req, true, &res)
	defer done()
	if err != nil {
		return nil, res
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		res.Err = checks.NewError(checks.FailHTTPStatus, checks.OpHTTPRoundTrip, fmt.Sprintf("expected 2xx for the page that names the object, got %d", resp.StatusCode))
		return nil, res
	}
	if resp.Request != nil && resp.Request.URL != nil {
		page = resp.Request.URL
	}
	var body []byte
	var found []string
	buf := make([]byte, 16<<10)
	for len(body) < findPageLimit {
		n, err := resp.Body.Read(buf[:min(len(buf), findPageLimit-len(body))])
		body = append(body, buf[:n]...)
		if n > 0 {
			if found = findObjects(pattern, page, body); len(found) >= findCandidates {
				break
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(found) == 0 {
				res.Err = checks.Classify(checks.OpRead, err)
				res.Phases, _ = rec.snapshot()
				return nil, res
			}
			break
		}
	}
	res.Phases, _ = rec.snapshot()
	return found, res
}

// findObjects lists the distinct http(s) URLs pattern's first group matches in body, resolved
// against page, at most findCandidates. JSON's escaped slashes and HTML's &amp; are undone.
func findObjects(pattern *regexp.Regexp, page *url.URL, body []byte) []string {
	var out []string
	for _, m := range pattern.FindAllSubmatch(body, -1) {
		raw := strings.NewReplacer(`\/`, "/", "&amp;", "&", `\u0026`, "&").Replace(string(m[1]))
		ref, err := url.Parse(raw)
		if err != nil {
			continue
		}
		u := page.ResolveReference(ref)
		if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			continue
		}
		s := u.String()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
		if len(out) == findCandidates {
			break
		}
	}
	return out
}
