package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// interferenceReport has a proxy that exits like direct, a calls target cut off after 25
// packets and a direct route whose DNS is forged.
func interferenceReport() *SweepReport {
	r := NewSweepReport(checks.Plan{
		Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect},
			{Name: "proxy", Kind: checks.RouteSOCKS5}},
		Services: []checks.Service{{Name: "whatsapp", Title: "WhatsApp", Short: "WA"}},
	})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true,
		Egress: &checks.Egress{IP: "198.51.100.7", Country: "RU", Checked: time.Now()}}})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "proxy", OK: true,
		Egress: &checks.Egress{IP: "198.51.100.7", Country: "RU", Flags: []string{checks.NotTunnelling}, Checked: time.Now()}}})
	calls := checks.TargetResult{
		Target: checks.Target{Role: checks.RoleCalls, Kind: checks.KindSTUN, Addr: "stun.test:3478"},
		UDP:    &checks.UDPStats{Sent: 30, Received: 5, RTT: 40 * time.Millisecond, CutAfter: 25, Mapped: "198.51.100.7:4000"},
		Err:    checks.NewError(checks.FailUDPLoss, checks.OpSTUN, "UDP to stun.test:3478 dies after 25 packets"),
	}
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{Route: "direct", Service: "whatsapp",
		Verdict: checks.VerdictBlocked, Reason: "DNS tampered for web.test: NXDOMAIN here, 192.0.2.1 via proxy",
		Targets: []checks.TargetResult{calls},
		DNS: []checks.DNSAnswers{{Name: "web.test", SystemErr: checks.FailDNSNXDomain, Compare: []string{"192.0.2.1"},
			Via: "proxy", Tampered: true, Why: "NXDOMAIN here, 192.0.2.1 via proxy"}}}})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: checks.CheckResult{Route: "proxy", Service: "whatsapp", Verdict: checks.VerdictOK}})
	return r
}

func TestReportNamesInterference(t *testing.T) {
	var quiet, verbose bytes.Buffer
	r := interferenceReport()
	if err := r.WriteText(&quiet, ASCIIGlyphs, false); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteText(&verbose, ASCIIGlyphs, true); err != nil {
		t.Fatal(err)
	}
	q, v := quiet.String(), verbose.String()
	if !strings.Contains(q, "proxy: exit 198.51.100.7 (RU); not tunnelling") {
		t.Errorf("the not-tunnelling flag must show without -v:\n%s", q)
	}
	if strings.Contains(q, "direct: exit") {
		t.Errorf("an unflagged exit shows only with -v:\n%s", q)
	}
	for _, want := range []string{
		"direct: exit 198.51.100.7 (RU)",
		"udp: loss 83% of 30, rtt 40ms, cut after 25 packets, mapped 198.51.100.7:4000",
		"dns web.test: system: NXDOMAIN; via proxy: 192.0.2.1 — tampered",
		"DNS tampered for web.test",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("-v report lacks %q:\n%s", want, v)
		}
	}
}
