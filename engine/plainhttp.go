package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// plainAnswer is what a plain-HTTP exchange got back.
type plainAnswer struct {
	location string // the Location header of a redirect
	body     []byte // the start of the body
	remote   string
}

// plainBodyLimit is how much of a plain-HTTP answer is kept to recognise a block page or
// an MTProto message.
const plainBodyLimit = 16 << 10

// plainExchange sends req in plain HTTP through the route without following redirects and
// keeps the start of the answer. res.Err is set only when no HTTP answer came back; the
// caller judges the answer.
func plainExchange(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, req *http.Request) (checks.TargetResult, plainAnswer) {
	res := checks.TargetResult{Target: t}
	resp, rec, done, err := roundTrip(ctx, r, t, opt, req, false, &res)
	defer done()
	var answer plainAnswer
	if err != nil {
		return res, answer
	}
	defer resp.Body.Close()
	answer.location = resp.Header.Get("Location")
	answer.body, err = io.ReadAll(io.LimitReader(resp.Body, min(opt.BodyLimit, plainBodyLimit)))
	res.Phases, answer.remote = rec.snapshot()
	if err != nil {
		res.Err = checks.Classify(checks.OpRead, err)
		return res, answer
	}
	res.OK = true
	res.Peer = checks.Sanitize(answer.remote)
	return res, answer
}

// blockPageMarks are phrases of the block pages and portals users meet (Russian ISPs quote
// the registry and Roskomnadzor; others say access is restricted or denied), lowercased.
var blockPageMarks = []string{
	"eais.rkn.gov.ru", "rkn.gov.ru", "roskomnadzor", "роскомнадзор", "zapret-info",
	"доступ ограничен", "доступ к ресурсу ограничен", "доступ к запрашиваемому ресурсу ограничен",
	"ресурс заблокирован", "заблокирован", "единый реестр", "blocked by", "access denied",
	"access to this resource", "has been blocked", "this site is blocked", "website is blocked",
	"captive portal", "blockpage", "block page", "warning.rt.ru",
}

// blockPageSign says why a plain-HTTP answer looks like a censor's or a portal's rather
// than the service's: a redirect to another host, or a body with a block page's words. ""
// when it does not.
func blockPageSign(host string, a plainAnswer) string {
	if a.location != "" {
		if u, err := url.Parse(a.location); err == nil && u.Hostname() != "" && !strings.EqualFold(u.Hostname(), host) {
			return "redirect to " + checks.Sanitize(u.Hostname())
		}
	}
	low := bytes.ToLower(a.body)
	for _, mark := range blockPageMarks {
		if bytes.Contains(low, []byte(mark)) {
			return fmt.Sprintf("page mentions %q", mark)
		}
	}
	if to := refreshTarget(low); to != "" {
		if u, err := url.Parse(to); err == nil && u.Hostname() != "" && !strings.EqualFold(u.Hostname(), host) {
			return "refresh to " + checks.Sanitize(u.Hostname())
		}
	}
	return ""
}

// refreshTarget is the URL of a <meta http-equiv="refresh"> in a lowercased page, "" if none.
func refreshTarget(low []byte) string {
	i := bytes.Index(low, []byte(`http-equiv="refresh"`))
	if i < 0 {
		return ""
	}
	rest := low[i:]
	j := bytes.Index(rest, []byte("url="))
	if j < 0 {
		return ""
	}
	rest = bytes.TrimLeft(rest[j+4:], "'\" ")
	if end := bytes.IndexAny(rest, "'\"> "); end >= 0 {
		rest = rest[:end]
	}
	return string(rest)
}
