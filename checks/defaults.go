package checks

import "time"

// Every default of a plan is here, and Plan.WithDefaults applies them all, once: the config
// starts from them and the engine completes whatever plan it is given with them, so a zero
// setting means the same thing everywhere.

// DefaultSettings are used for anything a configuration leaves out.
var DefaultSettings = Settings{
	Interval:    30 * time.Second,
	Timeout:     10 * time.Second,
	StepTimeout: 5 * time.Second,
	Slow:        time.Second,
	Concurrency: 256,
	PerRoute:    4,
	HistorySize: DefaultHistorySize,
	BodyLimit:   DefaultBodyLimit,
}

// Floors a configuration may not go under: each sweep opens connections through every route
// to every service, and each transfer moves data through them; a shorter period hammers the
// user's proxies and the services and draws attention on a censored network.
const (
	MinInterval      = time.Second
	MinTransferEvery = time.Minute
)

// DefaultHistorySize is how many results each cell remembers.
const DefaultHistorySize = 120

// Transfer defaults: enough data to pass the ~16–20 KB freeze, little enough for a metered
// link; throttling pins flows near 130–150 kbit/s, well under the 1 Mbit/s threshold.
const (
	DefaultTransferBytes     = 64 << 10
	DefaultTransferEvery     = 10 * time.Minute
	DefaultTransferSlowBelow = 1_000_000 // bits per second
)

// DefaultEgressURL answers in Cloudflare's trace format: key=value lines with ip= and loc=.
const DefaultEgressURL = "https://www.cloudflare.com/cdn-cgi/trace"

// DefaultEgressEvery is how often a route's exit is looked up again: it rarely changes, and
// every lookup is a request a censor can see.
const DefaultEgressEvery = 5 * time.Minute

// DefaultDNSCompare is the resolver asked, over TCP through another route, for the honest
// answer. DNS over TCP passes through SOCKS5 and most VPNs, and the censor cannot see it.
const DefaultDNSCompare = "1.1.1.1:53"

// DefaultInterfaceDNS is the resolver an interface route uses when its spec names none. A
// fixed public resolver is the least surprising guess for a VPN: the host's own resolver is
// usually on the censored network, and the tunnel's gateway may not serve DNS at all.
const DefaultInterfaceDNS = "1.1.1.1:53"

// DefaultControl is the neutral target a route is checked against when nothing else is set.
const DefaultControl = "https://www.gstatic.com/generate_204"

// DefaultBodyLimit is how many bytes of an HTTP body a probe reads at most.
const DefaultBodyLimit = 64 << 10

// WithDefaults is s with every zero or negative field set to its default. A step timeout left
// out is never longer than the check's timeout.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings
	if s.Interval <= 0 {
		s.Interval = d.Interval
	}
	if s.Timeout <= 0 {
		s.Timeout = d.Timeout
	}
	if s.StepTimeout <= 0 {
		s.StepTimeout = min(d.StepTimeout, s.Timeout)
	}
	if s.Slow <= 0 {
		s.Slow = d.Slow
	}
	if s.Concurrency <= 0 {
		s.Concurrency = d.Concurrency
	}
	if s.PerRoute <= 0 {
		s.PerRoute = d.PerRoute
	}
	if s.HistorySize <= 0 {
		s.HistorySize = d.HistorySize
	}
	if s.BodyLimit <= 0 {
		s.BodyLimit = d.BodyLimit
	}
	return s
}

// WithDefaults is p with every zero or negative field set to its default.
func (p TransferPlan) WithDefaults() TransferPlan {
	if p.Every <= 0 {
		p.Every = DefaultTransferEvery
	}
	if p.Bytes <= 0 {
		p.Bytes = DefaultTransferBytes
	}
	if p.SlowBelow <= 0 {
		p.SlowBelow = DefaultTransferSlowBelow
	}
	return p
}

// WithDefaults is p with its settings, transfer plan and egress period completed. Off
// switches stay off: an empty DNSCompare or EgressURL is not filled in, so a bare Plan never
// contacts a public resolver or echo (the config fills those in from DefaultDNSCompare and
// DefaultEgressURL).
func (p Plan) WithDefaults() Plan {
	p.Settings = p.Settings.WithDefaults()
	p.Transfer = p.Transfer.WithDefaults()
	if p.Extra.EgressEvery <= 0 {
		p.Extra.EgressEvery = DefaultEgressEvery
	}
	return p
}

// DefaultDomestic are the domestic references of the allowlist detection: MAX, Yandex and
// VK, which Russia's mobile allowlists keep reachable (RESEARCH.md §1, §3).
var DefaultDomestic = []string{"https://web.max.ru/", "https://ya.ru/", "https://vk.com/"}
