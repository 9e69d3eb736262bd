package checks

import "time"

// The JSON shapes below are a public interface (check --json, status --format json, the results
// log): field names and enum values are stable and lowercase.

// PhasesJSON are phase durations in milliseconds; a phase not reached is omitted.
type PhasesJSON struct {
	DNS       *float64 `json:"dns,omitempty"`
	Connect   *float64 `json:"connect,omitempty"`
	TLS       *float64 `json:"tls,omitempty"`
	FirstByte *float64 `json:"first_byte,omitempty"`
	Total     *float64 `json:"total,omitempty"`
}

// TargetJSON is one target's result.
type TargetJSON struct {
	Target    string        `json:"target"`
	Role      string        `json:"role"`
	OK        bool          `json:"ok"`
	Failure   string        `json:"failure,omitempty"`
	Operation string        `json:"operation,omitempty"`
	Detail    string        `json:"detail,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	Status    int           `json:"status,omitempty"`
	Peer      string        `json:"peer,omitempty"`
	PhasesMS  PhasesJSON    `json:"phases_ms"`
	UDP       *UDPJSON      `json:"udp,omitempty"`
	Transfer  *TransferJSON `json:"transfer,omitempty"`
	// SNIContrast is "sni-filtered" or "ip-blocked" when a retry with an innocuous server
	// name ran after the handshake failed; SNIContrastName is that name.
	SNIContrast     string `json:"sni_contrast,omitempty"`
	SNIContrastName string `json:"sni_contrast_name,omitempty"`
}

// ResultJSON is one route × service result.
type ResultJSON struct {
	Route     string       `json:"route"`
	Service   string       `json:"service"`
	Sweep     uint64       `json:"sweep"`
	Verdict   Verdict      `json:"verdict"`
	LatencyMS *float64     `json:"latency_ms"`
	Reason    string       `json:"reason"`
	Failure   string       `json:"failure,omitempty"`
	Operation string       `json:"operation,omitempty"`
	Time      time.Time    `json:"time"`
	Uptime    *float64     `json:"uptime,omitempty"`
	Samples   int          `json:"samples,omitempty"` // results behind uptime, this one included
	Targets   []TargetJSON `json:"targets"`
	DNS       []DNSJSON    `json:"dns,omitempty"`
	Skipped   string       `json:"skipped,omitempty"`
	// NARoles lists the roles the route cannot carry at all (calls without UDP): n/a, not
	// failures.
	NARoles []string `json:"na_roles,omitempty"`
}

// RouteJSON is a route's own check.
type RouteJSON struct {
	Name      string      `json:"name"`
	Kind      string      `json:"kind"`
	Endpoint  string      `json:"endpoint"`
	OK        bool        `json:"ok"`
	Reason    string      `json:"reason"`
	Failure   string      `json:"failure,omitempty"`
	Operation string      `json:"operation,omitempty"`
	Egress    *EgressJSON `json:"egress,omitempty"`
}

func millis(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	ms := float64(d.Microseconds()) / 1000
	return &ms
}

// JSON is the result in its public JSON shape. Names are sanitized like every text field,
// whatever made the plan.
func (c CheckResult) JSON() ResultJSON {
	out := ResultJSON{
		Route: Sanitize(c.Route), Service: Sanitize(c.Service), Sweep: c.Sweep, Verdict: c.Verdict,
		Reason: Sanitize(c.Reason), Time: c.Finished, Targets: []TargetJSON{},
	}
	if c.Verdict.Works() {
		out.LatencyMS = millis(c.Latency)
	}
	if c.Cause != nil {
		out.Failure, out.Operation = c.Cause.Failure, c.Cause.Operation
	}
	if c.History.Samples > 0 {
		u := c.History.Uptime
		out.Uptime = &u
		out.Samples = c.History.Samples
	}
	for _, t := range c.Targets {
		out.Targets = append(out.Targets, t.JSON())
	}
	out.DNS = dnsJSON(c.DNS)
	out.Skipped = Sanitize(c.Skipped)
	out.NARoles = c.NARoles()
	return out
}

// JSON is the target result in its public JSON shape.
func (t TargetResult) JSON() TargetJSON {
	out := TargetJSON{
		Target: t.Target.String(), Role: t.Target.Role, OK: t.OK, Status: t.Status,
		Peer: Sanitize(t.Peer),
		PhasesMS: PhasesJSON{
			DNS: millis(t.Phases.DNS), Connect: millis(t.Phases.Connect), TLS: millis(t.Phases.TLS),
			FirstByte: millis(t.Phases.FirstByte), Total: millis(t.Phases.Total),
		},
		UDP:      udpJSON(t.UDP),
		Transfer: transferJSON(t.Transfer),
	}
	if t.Err != nil {
		out.Failure, out.Operation = t.Err.Failure, t.Err.Operation
		out.Detail = Sanitize(t.Err.Detail)
		out.Reason = t.Explain()
	}
	if t.Contrast != nil {
		out.SNIContrast, out.SNIContrastName = t.Contrast.Outcome, t.Contrast.Name
	}
	return out
}

// JSON is the route result in its public JSON shape; spec supplies the secret-free endpoint.
func (r RouteResult) JSON(spec RouteSpec) RouteJSON {
	out := RouteJSON{Name: Sanitize(r.Name), Kind: r.Kind, Endpoint: spec.Endpoint(), OK: r.OK, Reason: Sanitize(r.Reason)}
	if r.Err != nil {
		out.Failure, out.Operation = r.Err.Failure, r.Err.Operation
	}
	out.Egress = egressJSON(r.Egress)
	return out
}
