package checks

import "time"

// Settings tune how sweeps run.
type Settings struct {
	Interval time.Duration // between periodic sweeps
	// Timeout bounds a whole check (one route × one service) once it has its probe slots:
	// every probe, a target's wait for one of the check's slots, the SNI contrast; the DNS
	// comparison after it gets at most one StepTimeout more.
	Timeout     time.Duration
	StepTimeout time.Duration // per network step inside a probe: dial, handshake, each read
	Slow        time.Duration // a working service slower than this is slow
	Concurrency int           // probes in flight at once, all routes together
	PerRoute    int           // probes in flight at once through one route
	HistorySize int           // results remembered per cell
	BodyLimit   int64         // bytes of an HTTP body read at most
}

// Plan is everything a sweep needs: how, through what, to what.
type Plan struct {
	Settings Settings
	Routes   []RouteSpec
	Services []Service
	Extra    ExtraChecks // DNS tampering and egress identity
	// Domestic are references (https, tls or tcp targets) checked on the direct route when
	// its control fails: when one passes while the control and every foreign service fail,
	// the route is named an allowlist. Empty disables the detection.
	Domestic []Target
	Transfer TransferPlan
}

// TransferPlan says how often and how heavily transfer probes run. The zero value runs them
// with the defaults.
type TransferPlan struct {
	Every     time.Duration // between runs of a cell's transfer probes (0: DefaultTransferEvery)
	Bytes     int64         // moved per probe (0: DefaultTransferBytes)
	SlowBelow float64       // goodput in bits/s under which a service is slow (0: DefaultTransferSlowBelow)
	Off       bool          // never run transfer probes
}

// ExtraChecks switch on the checks beyond reachability that cost a request of their own.
// The zero value switches them off, so a bare Plan never contacts a public resolver or echo;
// the config turns them on with DefaultDNSCompare and DefaultEgressURL.
type ExtraChecks struct {
	// DNSCompare is the resolver (host:port, asked over TCP through another route) that the
	// direct route's answers are compared with; "" or "off" disables the comparison.
	DNSCompare string
	// EgressURL is fetched through each route to learn its exit address; "" or EgressOff
	// disables it. EgressEvery is how often (0: DefaultEgressEvery).
	EgressURL   string
	EgressOff   bool
	EgressEvery time.Duration
}
