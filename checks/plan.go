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
}

// DefaultSettings are used for anything a configuration leaves out.
var DefaultSettings = Settings{
	Interval:    30 * time.Second,
	Timeout:     10 * time.Second,
	StepTimeout: 5 * time.Second,
	Slow:        time.Second,
	Concurrency: 256,
	PerRoute:    4,
	HistorySize: DefaultHistorySize,
	BodyLimit:   64 << 10,
}

// Plan is everything a sweep needs: how, through what, to what.
type Plan struct {
	Settings Settings
	Routes   []RouteSpec
	Services []Service
	Extra    ExtraChecks // DNS tampering and egress identity
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
