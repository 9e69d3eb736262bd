package export

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Delivery is one HTTP notifier. URL and Token are secrets: never printed; errors name the
// kind only.
type Delivery struct {
	Kind  string // checks.NotifyWebhook, NotifyNtfy or NotifyTelegram
	URL   string // webhook: the URL; ntfy: the topic URL; telegram: the Bot API base ("" = official)
	Token string // ntfy: access token (optional); telegram: the bot token
	Chat  string // telegram: the chat id
	Via   string // checks.ViaAuto, checks.ViaDirect, checks.ViaEnv or a route name
}

// Router dials through a route of the running plan by name; DNS goes through the route.
type Router interface {
	DialRoute(ctx context.Context, route, addr string) (net.Conn, error)
}

// deliver sends one change through d, with retries and backoff, and warns when it gives up.
func (n *Notifier) deliver(d Delivery, c Change) {
	kind := deliveryKinds[d.Kind]
	backoff := n.opt.Backoff
	var problem string
	for attempt := 1; attempt <= n.opt.Attempts; attempt++ {
		if attempt > 1 {
			select {
			case <-time.After(backoff):
				backoff *= 2
			case <-n.closing:
				return
			}
		}
		var retry bool
		problem, retry = n.sendOnce(d, kind, c, attempt)
		if problem == "" || !retry {
			break
		}
	}
	if problem != "" {
		n.warnf("%s: %s; gave up on the change of %s/%s to %s", d.Kind, problem, c.Route, c.Service, c.To)
	}
}

// sendOnce makes one attempt; it describes a failure without the URL or token, and says
// whether another attempt may help.
func (n *Notifier) sendOnce(d Delivery, kind deliveryKind, c Change, attempt int) (problem string, retry bool) {
	ctx, cancel := n.deliveryContext(n.opt.WebhookTimeout)
	defer cancel()
	req, err := kind.request(ctx, d, c)
	if err != nil {
		return "invalid URL", false
	}
	req.Header.Set("User-Agent", "lifeline")
	route := n.routeFor(d.Via, attempt)
	client := n.client(d.Via, route)
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		// err names the URL, which may carry a token: say only what kind of failure it was.
		where := ""
		if route != "" {
			where = " via " + route
		}
		return checks.Classify(checks.OpHTTPRoundTrip, err).Failure + where, true
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return "", false
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "status " + strconv.Itoa(resp.StatusCode), true
	}
	return "status " + strconv.Itoa(resp.StatusCode), false
}

// client is an HTTP client for one attempt that goes out the way via says: through route
// when it is set, else direct (honouring *_PROXY only for checks.ViaEnv). It keeps no connection
// after the attempt and never follows a redirect: the payload goes where it was sent, or
// nowhere.
func (n *Notifier) client(via, route string) *http.Client {
	tr := &http.Transport{
		DialContext:         n.opt.DialDirect,
		TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout: n.opt.WebhookTimeout,
		DisableKeepAlives:   true,
	}
	switch {
	case route != "" && n.opt.Router != nil:
		tr.DialContext = func(ctx context.Context, _, addr string) (net.Conn, error) {
			return n.opt.Router.DialRoute(ctx, route, addr)
		}
	case via == checks.ViaEnv:
		tr.Proxy = http.ProxyFromEnvironment
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       n.opt.WebhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// routeFor is the route an attempt goes through ("" for straight out): the named one, or for
// ViaAuto the attempt-th of the candidates (see routeStates.candidates).
func (n *Notifier) routeFor(via string, attempt int) string {
	switch via {
	case checks.ViaDirect, checks.ViaEnv:
		return ""
	case checks.ViaAuto:
		if n.opt.Router == nil {
			return ""
		}
		candidates := n.routes.candidates()
		return candidates[(attempt-1)%len(candidates)]
	}
	return via
}

// routeStates follows which routes of the plan work, from the events the notifier observes.
type routeStates struct {
	mu    sync.Mutex
	order []checks.RouteSpec
	up    map[string]bool
	works map[checks.Cell]bool
}

func (r *routeStates) replan(routes []checks.RouteSpec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = slices.Clone(routes)
	r.init()
}

func (r *routeStates) init() {
	if r.up == nil {
		r.up, r.works = map[string]bool{}, map[checks.Cell]bool{}
	}
}

func (r *routeStates) observe(res checks.RouteResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.up[res.Name] = res.OK
}

func (r *routeStates) observeCheck(c checks.CheckResult) {
	if c.Verdict == checks.VerdictPending {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.works[checks.Cell{Route: c.Route, Service: c.Service}] = c.Verdict.Works()
}

// candidates lists the ways out for checks.ViaAuto, best first: the routes lifeline sees working (up,
// with at least one service working through them), direct routes first, then in plan order;
// and straight out ("") last unless a direct route is among them, since the direct path may
// work for the alert's host even when the checks' hosts are blocked there.
func (r *routeStates) candidates() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var direct, others []string
	for _, spec := range r.order {
		if !r.up[spec.Name] || !r.carries(spec.Name) {
			continue
		}
		if spec.Kind == checks.RouteDirect {
			direct = append(direct, spec.Name)
		} else {
			others = append(others, spec.Name)
		}
	}
	out := append(direct, others...)
	if len(direct) == 0 {
		out = append(out, "")
	}
	return out
}

// carries is true when a service works through the route.
func (r *routeStates) carries(route string) bool {
	for cell, ok := range r.works {
		if ok && cell.Route == route {
			return true
		}
	}
	return false
}

// postJSON builds a JSON POST.
func postJSON(ctx context.Context, target string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}
