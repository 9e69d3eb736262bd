package engine

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// egressRetry is how soon a failed lookup is tried again.
const egressRetry = time.Minute

// egressBodyLimit bounds the echo's answer: a trace is a few hundred bytes.
const egressBodyLimit = 8 << 10

// egressTracker looks up each route's exit at most every so often and flags suspicious ones.
type egressTracker struct {
	url     string
	every   time.Duration
	timeout time.Duration
	off     bool
	// rootCAs, when set, replaces the trust store (tests); otherwise the route's own is used.
	rootCAs *x509.CertPool
	// systemDNS lists the host's resolvers; /etc/resolv.conf by default.
	systemDNS func() []string

	mu      sync.Mutex
	entries map[string]*egressEntry
	results map[string]*checks.Egress // the last full result per route, flags included
}

type egressEntry struct {
	mu   sync.Mutex // one lookup per route at a time
	last checks.Egress
}

// newEgressTracker follows the settings; with no EgressURL nothing is fetched (the config
// fills in DefaultEgressURL), so a bare Plan never reaches out to a public echo.
func newEgressTracker(s checks.ExtraChecks, timeout time.Duration) *egressTracker {
	t := &egressTracker{url: s.EgressURL, every: s.EgressEvery, timeout: timeout,
		off: s.EgressOff || s.EgressURL == "", systemDNS: systemResolvers,
		entries: map[string]*egressEntry{}, results: map[string]*checks.Egress{}}
	return t
}

// lookup returns r's exit, from cache when fresh enough. pool is the route's trust store.
func (t *egressTracker) lookup(ctx context.Context, r Route, pool *x509.CertPool) checks.Egress {
	t.mu.Lock()
	e, ok := t.entries[r.Spec().Name]
	if !ok {
		e = &egressEntry{}
		t.entries[r.Spec().Name] = e
	}
	t.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	age := time.Since(e.last.Checked)
	fresh := !e.last.Checked.IsZero() && (age < t.every && e.last.Err == "" || age < egressRetry && e.last.Err != "")
	if fresh {
		return e.last
	}
	if t.rootCAs != nil {
		pool = t.rootCAs
	}
	ip, country, err := fetchEgress(ctx, r, t.url, pool, t.timeout)
	got := checks.Egress{IP: ip, Country: country, Checked: time.Now()}
	if err != nil {
		got.Err = checks.Classify(checks.OpHTTPRoundTrip, err).Human("")
	}
	// An interrupted sweep says nothing about the route: keep what was known.
	if err != nil && ctx.Err() != nil && !e.last.Checked.IsZero() {
		return e.last
	}
	e.last = got
	return got
}

// resultFor is r's exit with its flags: compared with the direct route's exit (looked up
// if needed) and, for interface routes, with the host's resolvers.
func (t *egressTracker) resultFor(ctx context.Context, r Route, direct Route, pool, directPool *x509.CertPool) *checks.Egress {
	spec := r.Spec()
	var out checks.Egress
	if !t.off {
		out = t.lookup(ctx, r, pool)
		if spec.Kind != checks.RouteDirect && direct != nil && out.IP != "" {
			if d := t.lookup(ctx, direct, directPool); d.IP != "" && d.IP == out.IP {
				out.Flags = append(out.Flags, checks.NotTunnelling)
			}
		}
	}
	if spec.Kind == checks.RouteInterface {
		if flag := t.localDNSFlag(spec); flag != "" {
			out.Flags = append(out.Flags, flag)
		}
	}
	if out.Checked.IsZero() && len(out.Flags) == 0 {
		return nil
	}
	out.Flags = append([]string(nil), out.Flags...)
	t.mu.Lock()
	t.results[spec.Name] = &out
	t.mu.Unlock()
	return &out
}

// known is the last full result for the route, or nil.
func (t *egressTracker) known(route string) *checks.Egress {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.results[route]; e != nil {
		c := *e
		c.Flags = append([]string(nil), e.Flags...)
		return &c
	}
	return nil
}

// localDNSFlag warns when an interface route's names are resolved by one of the host's own
// resolvers: usually the local ISP's, which the tunnel was meant to avoid.
func (t *egressTracker) localDNSFlag(spec checks.RouteSpec) string {
	dns := spec.DNS
	if dns == "" {
		dns = checks.DefaultInterfaceDNS
	}
	host, _, err := net.SplitHostPort(dns)
	if err != nil {
		host = dns
	}
	for _, sys := range t.systemDNS() {
		if a, b := net.ParseIP(host), net.ParseIP(sys); a != nil && b != nil && a.Equal(b) {
			return checks.LocalDNSFlag + " " + host + " (local ISP?)"
		}
	}
	return ""
}

// systemResolvers reads the nameserver lines of /etc/resolv.conf.
func systemResolvers() []string {
	f, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" {
			out = append(out, fields[1])
		}
	}
	return out
}

// fetchEgress GETs url through r and reads the exit address and country from the answer.
func fetchEgress(ctx context.Context, r Route, url string, pool *x509.CertPool, timeout time.Duration) (ip, country string, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tr := &http.Transport{
		Proxy: nil, // the route is the only way out; *_PROXY variables do not apply
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return r.Dial(ctx, addr, nil)
		},
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", checks.NewError(checks.FailHTTPStatus, checks.OpHTTPRoundTrip, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, egressBodyLimit))
	if err == nil && ctx.Err() != nil {
		// A body cut by our deadline can end in a plain EOF: "ip=1.2.3.45" read as "ip=1.2.3.4".
		err = ctx.Err()
	}
	if err != nil {
		return "", "", err
	}
	ip, country = ParseEgress(string(body))
	if ip == "" {
		return "", "", checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "the echo's answer names no IP address")
	}
	return ip, country, nil
}

// ParseEgress reads an echo's answer: Cloudflare's trace format (ip=…, loc=… lines), or a
// body that is just an address (ifconfig.me and the like). Only a valid IP is returned, and
// the country only when it looks like a two-letter code, so remote text cannot reach a
// terminal as is.
func ParseEgress(body string) (ip, country string) {
	for _, line := range strings.Split(body, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		switch key {
		case "ip":
			if parsed := net.ParseIP(value); parsed != nil {
				ip = parsed.String()
			}
		case "loc":
			if len(value) == 2 && isUpperAlpha(value) {
				country = value
			}
		}
	}
	if ip == "" {
		if parsed := net.ParseIP(strings.TrimSpace(body)); parsed != nil {
			ip = parsed.String()
		}
	}
	return ip, country
}

func isUpperAlpha(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// startEgress looks up r's exit in the background; the returned func waits for the answer.
// It returns nil quickly when there is nothing to report.
func (s *Scheduler) startEgress(ctx context.Context, r Route) func() *checks.Egress {
	if s.egress == nil {
		return func() *checks.Egress { return nil }
	}
	var direct Route
	for _, other := range s.routes {
		if other.Spec().Kind == checks.RouteDirect {
			direct = other
			break
		}
	}
	pool := s.egressPool(r)
	var directPool = pool
	if direct != nil {
		directPool = s.egressPool(direct)
	}
	done := make(chan *checks.Egress, 1)
	go func() { done <- s.egress.resultFor(ctx, r, direct, pool, directPool) }()
	// A slow echo must not hold the route's row: after a grace period the last known exit
	// is shown and this lookup lands in the cache for the next sweep.
	return sync.OnceValue(func() *checks.Egress {
		select {
		case e := <-done:
			return e
		case <-time.After(egressGrace):
			return s.egress.known(r.Spec().Name)
		}
	})
}

// egressGrace is how long a proven route's result waits for its exit lookup.
var egressGrace = 2 * time.Second

// egressPool is the trust store for the echo through r: the route's extra anchors included.
func (s *Scheduler) egressPool(r Route) *x509.CertPool {
	return s.trusted(r.Spec(), checks.Target{Kind: checks.KindHTTPS}).RootCAs
}
