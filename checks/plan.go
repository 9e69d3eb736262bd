package checks

import "time"

// Settings tune how sweeps run.
type Settings struct {
	Interval    time.Duration // between periodic sweeps
	Timeout     time.Duration // per check (one route × one service)
	StepTimeout time.Duration // per network step inside a probe
	Slow        time.Duration // a working service slower than this is slow
	Concurrency int           // probes in flight at once, all routes together
	PerRoute    int           // probes in flight at once through one route
	HistorySize int           // results remembered per cell
	BodyLimit   int64         // bytes of an HTTP body read at most
	// DNSCompare is the resolver (host:port, over TCP through another route) that direct-route
	// answers are compared with; "" or "off" disables the comparison (the config's default is
	// DefaultDNSCompare).
	DNSCompare string
	// EgressURL is fetched through each route to learn its exit address; "" or EgressOff
	// disables it (the config's default is DefaultEgressURL). EgressEvery is how often
	// (0: DefaultEgressEvery).
	EgressURL   string
	EgressOff   bool
	EgressEvery time.Duration
}

// DefaultSettings are used for anything a configuration leaves out.
var DefaultSettings = Settings{
	Interval:    30 * time.Second,
	Timeout:     10 * time.Second,
	StepTimeout: 5 * time.Second,
	Slow:        time.Second,
	Concurrency: 32,
	PerRoute:    4,
	HistorySize: DefaultHistorySize,
	BodyLimit:   64 << 10,
}

// Plan is everything a sweep needs: how, through what, to what.
type Plan struct {
	Settings Settings
	Routes   []RouteSpec
	Services []Service
}
