package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// transferCheck is chat working and a media transfer that stalled after 17 KB in an earlier
// sweep, carried over into this one.
func transferCheck() checks.CheckResult {
	stalled := checks.TargetResult{
		Target:   checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "https://media.test/blob"},
		Err:      checks.NewError(checks.FailStalled, checks.OpRead, "after 17 KB"),
		Phases:   checks.Phases{Connect: 10 * time.Millisecond, TLS: 20 * time.Millisecond, FirstByte: 45 * time.Millisecond},
		Transfer: &checks.TransferStats{Wanted: 64 << 10, Bytes: 17 << 10, Stalled: true, TTFB: 15 * time.Millisecond, CarriedOver: true, Age: 3 * time.Minute},
	}
	chat := checks.TargetResult{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.test:443"}, OK: true,
		Phases: checks.Phases{Connect: 10 * time.Millisecond, TLS: 20 * time.Millisecond}}
	res := checks.CheckResult{Route: "direct", Service: "whatsapp", Targets: []checks.TargetResult{chat, stalled}, Finished: clock}
	res.Verdict, res.Latency, res.Reason, res.Cause = checks.Judge(checks.Service{Name: "whatsapp"}, res.Targets, time.Second)
	return res
}

func TestTransferShowsInReportJSONAndDetail(t *testing.T) {
	c := transferCheck()
	if c.Verdict != checks.VerdictPartial || c.Reason != "media stalls after 17 KB on media.test" {
		t.Fatalf("judged %s %q", c.Verdict, c.Reason)
	}
	plan := checks.Plan{Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "whatsapp", Title: "WhatsApp", Short: "WA"}}}
	r := NewSweepReport(plan)
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: c})
	var text bytes.Buffer
	if err := r.WriteText(&text, ASCIIGlyphs, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"direct x WhatsApp: partial - media stalls after 17 KB on media.test",
		"stalls after 17 KB on media.test [stalled at read]",
		"transfer: stalled after 17 KB of 64 KB, first byte 15ms, carried over from 3m ago",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("-v report lacks %q:\n%s", want, text.String())
		}
	}

	var doc struct {
		Targets []struct {
			Transfer map[string]any `json:"transfer"`
		} `json:"targets"`
	}
	raw, _ := json.Marshal(c.JSON())
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Targets[1].Transfer
	want := map[string]any{"bytes": 17408.0, "wanted": 65536.0, "stalled": true, "stalled_after": 17408.0, "ttfb_ms": 15.0, "carried_over": true, "age_s": 180.0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("transfer JSON %s = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	if _, ok := got["goodput_bps"]; ok || doc.Targets[0].Transfer != nil {
		t.Errorf("goodput_bps only when measured, transfer only on transfer targets: %s", raw)
	}

	m, _ := testModel(plan, Options{}, 100, 30)
	m = feed(m, checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}},
		checks.Event{Kind: checks.EventCheckDone, Check: c})
	m = press(m, "l", "enter")
	s := screen(m)
	for _, want := range []string{"media stalls after 17 KB on media.test", "transfer: stalled after 17 KB of 64 KB", "carried over from 3m ago", "stalled during read"} {
		if !strings.Contains(s, want) {
			t.Errorf("detail pane lacks %q:\n%s", want, s)
		}
	}
}

// A route that skips transfers says so in the -v report and the detail pane, and the JSON
// carries the goodput of a measured transfer.
func TestSkippedTransfersAndGoodputShow(t *testing.T) {
	c := checks.CheckResult{Route: "direct", Service: "whatsapp", Verdict: checks.VerdictOK, Reason: "30ms to chat.test",
		Skipped: "transfer off (metered)", Finished: clock,
		Targets: []checks.TargetResult{{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "chat.test:443"}, OK: true}}}
	plan := checks.Plan{Routes: []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: []checks.Service{{Name: "whatsapp", Title: "WhatsApp", Short: "WA"}}}
	r := NewSweepReport(plan)
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: c})
	var text bytes.Buffer
	r.WriteText(&text, ASCIIGlyphs, true)
	if !strings.Contains(text.String(), "transfer off (metered)") {
		t.Errorf("-v report does not say transfers were skipped:\n%s", text.String())
	}
	m, _ := testModel(plan, Options{}, 100, 30)
	m = press(feed(m, checks.Event{Kind: checks.EventCheckDone, Check: c}), "l", "enter")
	if !strings.Contains(screen(m), "transfer off (metered)") {
		t.Errorf("detail pane does not say transfers were skipped:\n%s", screen(m))
	}
	raw, _ := json.Marshal(c.JSON())
	if !strings.Contains(string(raw), `"skipped":"transfer off (metered)"`) {
		t.Errorf("JSON lacks skipped: %s", raw)
	}

	measured := checks.TargetResult{Target: checks.Target{Role: checks.RoleMedia, Kind: checks.KindTransfer, Addr: "tcp://echo.test:7"}, OK: true,
		Transfer: &checks.TransferStats{Wanted: 65536, Bytes: 65536, Goodput: 140_400}}
	raw, _ = json.Marshal(measured.JSON())
	if !strings.Contains(string(raw), `"goodput_bps":140400`) || !strings.Contains(string(raw), `"carried_over":false`) {
		t.Errorf("JSON of a measured transfer: %s", raw)
	}
}
