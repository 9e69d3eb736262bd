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
		"dns web.test: system: NXDOMAIN; via proxy: 192.0.2.1 - tampered",
		"DNS tampered for web.test",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("-v report lacks %q:\n%s", want, v)
		}
	}
}

// contrastCheck is a Signal check whose chat target was reset after the ClientHello while an
// innocuous name got through the same address.
func contrastCheck() checks.CheckResult {
	chat := checks.TargetResult{
		Target:   checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.signal.org:443"},
		Err:      checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, ""),
		Contrast: &checks.SNIContrast{Outcome: checks.ContrastSNIFiltered, Name: "q7k2m9x4a1.example.net"},
	}
	v, _, reason, cause := checks.Judge(checks.Service{Name: "signal"}, []checks.TargetResult{chat}, 0)
	return checks.CheckResult{Route: "direct", Service: "signal", Verdict: v, Reason: reason, Cause: cause,
		Targets: []checks.TargetResult{chat}, Started: clock.Add(-2 * time.Second), Finished: clock.Add(-time.Second)}
}

func TestReportAndDetailShowTheSNIContrast(t *testing.T) {
	const reason = "TLS reset after ClientHello on chat.signal.org (SNI-filtered: the same address answers another name)"
	const line = "sni contrast: sni-filtered: q7k2m9x4a1.example.net got through"
	p := checks.Plan{Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "signal", Title: "Signal", Short: "SIG"}}}
	r := NewSweepReport(p)
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: contrastCheck()})
	var quiet, verbose bytes.Buffer
	if err := r.WriteText(&quiet, ASCIIGlyphs, false); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteText(&verbose, ASCIIGlyphs, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(quiet.String(), "direct x Signal: blocked - "+reason) {
		t.Errorf("report lacks the contrast in the reason:\n%s", quiet.String())
	}
	if !strings.Contains(verbose.String(), line) {
		t.Errorf("-v report lacks %q:\n%s", line, verbose.String())
	}

	m, _ := testModel(p, Options{}, 120, 30)
	m = feed(m, checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}},
		checks.Event{Kind: checks.EventCheckDone, Check: contrastCheck()})
	m = press(m, "l", "enter")
	detail := strings.Join(m.detailLines(120), "\n")
	for _, want := range []string{"SNI-filtered: the same address answers another name", line} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail pane lacks %q:\n%s", want, detail)
		}
	}
}
