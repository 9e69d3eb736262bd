package checks

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEveryWireTextIsSanitizedWhateverFilledIt(t *testing.T) {
	hostile := "\x1b]0;pwned\x07name\x1b[31m<b>\u202e"
	res := CheckResult{
		Route: hostile, Service: hostile, Verdict: VerdictBlocked, Reason: hostile, Skipped: hostile,
		Targets: []TargetResult{{
			Target: Target{Role: RoleChat, Kind: KindTLS, Addr: hostile + ":443"}, Peer: hostile,
			Err:      &Error{Failure: FailConnectionReset, Operation: OpTLSHandshake, Detail: hostile},
			UDP:      &UDPStats{Mapped: hostile},
			Contrast: &SNIContrast{Outcome: ContrastSNIFiltered, Name: hostile},
		}},
		DNS: []DNSAnswers{{Name: hostile, System: []string{hostile}, Compare: []string{hostile}, Via: hostile, Why: hostile}},
	}
	route := RouteResult{Name: hostile, Reason: hostile, Egress: &Egress{IP: hostile, Country: hostile, Flags: []string{hostile}, Err: hostile}}
	for _, v := range []any{res.JSON(), route.JSON(RouteSpec{Kind: RouteDirect})} {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		doc, _ := json.Marshal(back) // decoded and re-encoded: escapes become the characters they name
		if strings.ContainsAny(string(raw), "\x1b\x07\u202e") || strings.Contains(string(doc), `\u001b`) || strings.Contains(string(doc), `\u0007`) {
			t.Errorf("control characters reached the wire: %s", raw)
		}
		if !strings.Contains(string(raw), "name") {
			t.Errorf("the text itself is gone: %s", raw)
		}
	}
}
