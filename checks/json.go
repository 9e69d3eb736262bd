package checks

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
)

// The JSON wire shapes, all in this file: a public interface (check --json, status --format
// json, the results log) whose field names and enum values are stable and lowercase. Sections:
// Text, results (check, target, phases, route), measurements (UDP, transfer, DNS, egress).

// Text is text in a wire shape that a remote party or a configuration wrote: it is sanitized
// when marshalled, so no field can carry an escape sequence to a terminal whatever filled it.
type Text string

// MarshalJSON writes the sanitized text as a JSON string.
func (t Text) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the caller's encoder decides, as for any other string
	if err := enc.Encode(Sanitize(string(t))); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func texts(in []string) []Text {
	out := make([]Text, len(in))
	for i, s := range in {
		out[i] = Text(s)
	}
	return out
}

// Results.

// PhasesJSON are phase durations in milliseconds; a phase not reached is omitted.
type PhasesJSON struct {
	DNS       *float64 `json:"dns,omitempty"`
	Connect   *float64 `json:"connect,omitempty"`
	TLS       *float64 `json:"tls,omitempty"`
	FirstByte *float64 `json:"first_byte,omitempty"` // request sent → first byte of the answer
	Body      *float64 `json:"body,omitempty"`       // first byte → end of the body read
	Total     *float64 `json:"total,omitempty"`      // start to end, including what no phase names
}

// TargetJSON is one target's result.
type TargetJSON struct {
	Target    Text   `json:"target"`
	Role      string `json:"role"`
	OK        bool   `json:"ok"`
	Failure   string `json:"failure,omitempty"`
	Operation string `json:"operation,omitempty"`
	Detail    Text   `json:"detail,omitempty"`
	Reason    Text   `json:"reason,omitempty"`
	Status    int    `json:"status,omitempty"`
	Peer      Text   `json:"peer,omitempty"`
	// Proof says what a working target proved, e.g. "MTProto resPQ from 149.154.167.51:443".
	Proof Text `json:"proof,omitempty"`
	// NotApplicable says why the target does not apply to the route (it does not count).
	NotApplicable Text `json:"not_applicable,omitempty"`
	// FromSweep is set when the result was measured by an earlier sweep (a rotating target
	// this sweep did not probe; it does not count in this verdict); AgeS is its age.
	FromSweep uint64        `json:"from_sweep,omitempty"`
	AgeS      *float64      `json:"age_s,omitempty"`
	PhasesMS  PhasesJSON    `json:"phases_ms"`
	UDP       *UDPJSON      `json:"udp,omitempty"`
	Transfer  *TransferJSON `json:"transfer,omitempty"`
	// SNIContrast is "sni-filtered" or "ip-blocked" when a retry with an innocuous server
	// name ran after the handshake failed; SNIContrastName is that name.
	SNIContrast     string `json:"sni_contrast,omitempty"`
	SNIContrastName Text   `json:"sni_contrast_name,omitempty"`
}

// ResultJSON is one route × service result.
type ResultJSON struct {
	Route     Text         `json:"route"`
	Service   Text         `json:"service"`
	Sweep     uint64       `json:"sweep"`
	Verdict   Verdict      `json:"verdict"`
	LatencyMS *float64     `json:"latency_ms"`
	Reason    Text         `json:"reason"`
	Failure   string       `json:"failure,omitempty"`
	Operation string       `json:"operation,omitempty"`
	Time      time.Time    `json:"time"`
	Uptime    *float64     `json:"uptime,omitempty"`
	Samples   int          `json:"samples,omitempty"` // results behind uptime, this one included
	Targets   []TargetJSON `json:"targets"`
	DNS       []DNSJSON    `json:"dns,omitempty"`
	Skipped   Text         `json:"skipped,omitempty"`
	// NARoles lists the roles the route cannot carry at all (calls without UDP): n/a, not
	// failures.
	NARoles []string `json:"na_roles,omitempty"`
}

// RouteJSON is a route's own check.
type RouteJSON struct {
	Name     Text   `json:"name"`
	Kind     string `json:"kind"`
	Endpoint Text   `json:"endpoint"`
	OK       bool   `json:"ok"`
	// State is up, down, offline (nothing reachable) or allowlist (only allowlisted
	// destinations pass).
	State     RouteState  `json:"state"`
	Reason    Text        `json:"reason"`
	Failure   string      `json:"failure,omitempty"`
	Operation string      `json:"operation,omitempty"`
	Egress    *EgressJSON `json:"egress,omitempty"`
	// Warnings say why a working route should not be trusted: not-tunnelling, local-dns.
	Warnings []RouteWarning `json:"warnings,omitempty"`
	// Domestic are the domestic references checked when the direct route's control failed.
	Domestic []TargetJSON `json:"domestic,omitempty"`
}

func millis(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	ms := float64(d.Microseconds()) / 1000
	return &ms
}

// JSON is the result in its public JSON shape.
func (c CheckResult) JSON() ResultJSON {
	out := ResultJSON{
		Route: Text(c.Route), Service: Text(c.Service), Sweep: c.Sweep, Verdict: c.Verdict,
		Reason: Text(c.Reason), Time: c.Finished, Targets: []TargetJSON{},
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
	out.Skipped = Text(c.Skipped)
	out.NARoles = c.NARoles()
	return out
}

// JSON is the target result in its public JSON shape.
func (t TargetResult) JSON() TargetJSON {
	out := TargetJSON{
		Target: Text(t.Target.String()), Role: t.Target.Role, OK: t.OK, Status: t.Status,
		Peer: Text(t.Peer),
		PhasesMS: PhasesJSON{
			DNS: millis(t.Phases.DNS), Connect: millis(t.Phases.Connect), TLS: millis(t.Phases.TLS),
			FirstByte: millis(t.Phases.FirstByte), Body: millis(t.Phases.Body), Total: millis(t.Phases.Total),
		},
		UDP:      udpJSON(t.UDP),
		Transfer: transferJSON(t.Transfer),
		Proof:    Text(t.Proof), NotApplicable: Text(t.NotApplicable),
	}
	if t.Rotated != nil {
		age := t.Rotated.Age.Seconds()
		out.FromSweep, out.AgeS = t.Rotated.Sweep, &age
	}
	if t.Err != nil {
		out.Failure, out.Operation = t.Err.Failure, t.Err.Operation
		out.Detail = Text(t.Err.Detail)
		out.Reason = Text(t.Explain())
	}
	if t.Contrast != nil {
		out.SNIContrast, out.SNIContrastName = t.Contrast.Outcome, Text(t.Contrast.Name)
	}
	return out
}

// JSON is the route result in its public JSON shape; spec supplies the secret-free endpoint.
func (r RouteResult) JSON(spec RouteSpec) RouteJSON {
	out := RouteJSON{Name: Text(r.Name), Kind: r.Kind, Endpoint: Text(spec.Endpoint()), OK: r.OK,
		State: r.StateOf(), Reason: Text(r.Reason)}
	for _, t := range r.Domestic {
		out.Domestic = append(out.Domestic, t.JSON())
	}
	if r.Err != nil {
		out.Failure, out.Operation = r.Err.Failure, r.Err.Operation
	}
	out.Egress = egressJSON(r.Egress)
	out.Warnings = r.Warnings()
	return out
}

// Measurements.

// UDPJSON is a STUN probe's measurement.
type UDPJSON struct {
	Sent      int      `json:"sent"`
	Received  int      `json:"received"`
	LossRatio float64  `json:"loss_ratio"`
	RTTMS     *float64 `json:"rtt_ms,omitempty"`
	CutAfter  int      `json:"cut_after,omitempty"`
	Mapped    Text     `json:"mapped,omitempty"`
}

// TransferJSON is a transfer probe's measurement. stalled_after is present only when the
// transfer stalled; goodput_bps only when it was measured.
type TransferJSON struct {
	Bytes        int64    `json:"bytes"`
	Wanted       int64    `json:"wanted"`
	Stalled      bool     `json:"stalled"`
	StalledAfter *int64   `json:"stalled_after,omitempty"`
	GoodputBPS   *float64 `json:"goodput_bps,omitempty"`
	TTFBMS       *float64 `json:"ttfb_ms,omitempty"`
	CarriedOver  bool     `json:"carried_over"`
	AgeS         *float64 `json:"age_s,omitempty"`
	Upload       bool     `json:"upload,omitempty"`
	Tries        int      `json:"tries,omitempty"`
	Stalls       int      `json:"stalls,omitempty"`
	Object       Text     `json:"object,omitempty"`
}

func transferJSON(s *TransferStats) *TransferJSON {
	if s == nil {
		return nil
	}
	out := &TransferJSON{Bytes: s.Bytes, Wanted: s.Wanted, Stalled: s.Stalled, TTFBMS: millis(s.TTFB), CarriedOver: s.CarriedOver,
		Upload: s.Upload, Tries: s.Tries, Stalls: s.Stalls, Object: Text(s.Object)}
	if s.Stalled {
		n := s.Bytes
		out.StalledAfter = &n
	}
	if s.Goodput > 0 {
		g := math.Round(s.Goodput)
		out.GoodputBPS = &g
	}
	if s.CarriedOver {
		age := math.Round(s.Age.Seconds())
		out.AgeS = &age
	}
	return out
}

// DNSJSON is one name resolved by the system resolver and through another route.
type DNSJSON struct {
	Name          Text   `json:"name"`
	System        []Text `json:"system"`
	SystemFailure string `json:"system_failure,omitempty"`
	Compare       []Text `json:"compare"`
	CompareFail   string `json:"compare_failure,omitempty"`
	Via           Text   `json:"via"`
	Tampered      bool   `json:"tampered"`
	Why           Text   `json:"why,omitempty"`
}

// EgressJSON is where a route exits.
type EgressJSON struct {
	IP      Text   `json:"ip,omitempty"`
	Country Text   `json:"country,omitempty"`
	Flags   []Text `json:"flags,omitempty"`
	Error   Text   `json:"error,omitempty"`
}

func udpJSON(u *UDPStats) *UDPJSON {
	if u == nil {
		return nil
	}
	return &UDPJSON{Sent: u.Sent, Received: u.Received, LossRatio: u.Loss(), RTTMS: millis(u.RTT),
		CutAfter: u.CutAfter, Mapped: Text(u.Mapped)}
}

func dnsJSON(answers []DNSAnswers) []DNSJSON {
	var out []DNSJSON
	for _, a := range answers {
		out = append(out, DNSJSON{
			Name: Text(a.Name), System: texts(a.System), SystemFailure: a.SystemErr,
			Compare: texts(a.Compare), CompareFail: a.CompareErr, Via: Text(a.Via),
			Tampered: a.Tampered, Why: Text(a.Why),
		})
	}
	return out
}

func egressJSON(e *Egress) *EgressJSON {
	if e == nil {
		return nil
	}
	return &EgressJSON{IP: Text(e.IP), Country: Text(e.Country), Flags: texts(e.Flags), Error: Text(e.Err)}
}
