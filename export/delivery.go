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

// Ways an alert can leave (Delivery.Via); any other value names a route of the plan.
const (
	// ViaAuto sends through a route lifeline sees working: the direct connection when it
	// works, else the first working route of the plan, trying the next working one when an
	// attempt fails. The alert must escape the censorship it reports.
	ViaAuto = "auto"
	// ViaDirect sends straight out, ignoring *_PROXY variables.
	ViaDirect = "direct"
	// ViaEnv sends direct but honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
	ViaEnv = "env"
)

// Delivery is one HTTP notifier. URL and Token are secrets: never printed; errors name the
// kind only.
type Delivery struct {
	Kind  string // KindWebhook, KindNtfy or KindTelegram
	URL   string // webhook: the URL; ntfy: the topic URL; telegram: the Bot API base ("" = official)
	Token string // ntfy: access token (optional); telegram: the bot token
	Chat  string // telegram: the chat id
	Via   string // ViaAuto, ViaDirect, ViaEnv or a route name
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
// when it is set, else direct (honouring *_PROXY only for ViaEnv). It keeps no connection
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
	case via == ViaEnv:
		tr.Proxy = http.ProxyFromEnvironment
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       n.opt.WebhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// routeFor is the route an attempt goes through ("" for straight out): the named one, or
// for ViaAuto the attempt-th of the routes seen working, direct ones first.
func (n *Notifier) routeFor(via string, attempt int) string {
	switch via {
	case ViaDirect, ViaEnv:
		return ""
	case ViaAuto:
		working := n.routes.working()
		if len(working) == 0 || n.opt.Router == nil {
			return ""
		}
		return working[(attempt-1)%len(working)]
	}
	return via
}

// routeStates follows which routes of the plan work, from the events the notifier observes.
type routeStates struct {
	mu    sync.Mutex
	order []checks.RouteSpec
	up    map[string]bool
}

func (r *routeStates) replan(routes []checks.RouteSpec) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = slices.Clone(routes)
	if r.up == nil {
		r.up = map[string]bool{}
	}
}

func (r *routeStates) observe(res checks.RouteResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.up == nil {
		r.up = map[string]bool{}
	}
	r.up[res.Name] = res.OK
}

// working lists the routes last seen up, direct routes first, then in plan order.
func (r *routeStates) working() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var direct, others []string
	for _, spec := range r.order {
		if !r.up[spec.Name] {
			continue
		}
		if spec.Kind == checks.RouteDirect {
			direct = append(direct, spec.Name)
		} else {
			others = append(others, spec.Name)
		}
	}
	return append(direct, others...)
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
