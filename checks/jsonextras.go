package checks

// UDPJSON is a STUN probe's measurement.
type UDPJSON struct {
	Sent      int      `json:"sent"`
	Received  int      `json:"received"`
	LossRatio float64  `json:"loss_ratio"`
	RTTMS     *float64 `json:"rtt_ms,omitempty"`
	CutAfter  int      `json:"cut_after,omitempty"`
	Mapped    string   `json:"mapped,omitempty"`
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
