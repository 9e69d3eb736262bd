package checks

import "math"

// UDPJSON is a STUN probe's measurement.
type UDPJSON struct {
	Sent      int      `json:"sent"`
	Received  int      `json:"received"`
	LossRatio float64  `json:"loss_ratio"`
	RTTMS     *float64 `json:"rtt_ms,omitempty"`
	CutAfter  int      `json:"cut_after,omitempty"`
	Mapped    string   `json:"mapped,omitempty"`
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
	Object       string   `json:"object,omitempty"`
}

func transferJSON(s *TransferStats) *TransferJSON {
	if s == nil {
		return nil
	}
	out := &TransferJSON{Bytes: s.Bytes, Wanted: s.Wanted, Stalled: s.Stalled, TTFBMS: millis(s.TTFB), CarriedOver: s.CarriedOver,
		Upload: s.Upload, Tries: s.Tries, Stalls: s.Stalls, Object: s.Object}
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
	Name          string   `json:"name"`
	System        []string `json:"system"`
	SystemFailure string   `json:"system_failure,omitempty"`
	Compare       []string `json:"compare"`
	CompareFail   string   `json:"compare_failure,omitempty"`
	Via           string   `json:"via"`
	Tampered      bool     `json:"tampered"`
	Why           string   `json:"why,omitempty"`
}

// EgressJSON is where a route exits.
type EgressJSON struct {
	IP      string   `json:"ip,omitempty"`
	Country string   `json:"country,omitempty"`
	Flags   []string `json:"flags,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func udpJSON(u *UDPStats) *UDPJSON {
	if u == nil {
		return nil
	}
	return &UDPJSON{Sent: u.Sent, Received: u.Received, LossRatio: u.Loss(), RTTMS: millis(u.RTT),
		CutAfter: u.CutAfter, Mapped: Sanitize(u.Mapped)}
}

func dnsJSON(answers []DNSAnswers) []DNSJSON {
	var out []DNSJSON
	for _, a := range answers {
		out = append(out, DNSJSON{
			Name: Sanitize(a.Name), System: sanitizeAll(a.System), SystemFailure: a.SystemErr,
			Compare: sanitizeAll(a.Compare), CompareFail: a.CompareErr, Via: Sanitize(a.Via),
			Tampered: a.Tampered, Why: Sanitize(a.Why),
		})
	}
	return out
}

func egressJSON(e *Egress) *EgressJSON {
	if e == nil {
		return nil
	}
	return &EgressJSON{IP: Sanitize(e.IP), Country: Sanitize(e.Country), Flags: sanitizeAll(e.Flags), Error: Sanitize(e.Err)}
}

func sanitizeAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = Sanitize(s)
	}
	return out
}
