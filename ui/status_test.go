package ui

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

var statusTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// statusUpdate reports whether -update asks for goldens to be rewritten; the flag is shared
// with the dashboard's golden tests.
func statusUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func statusPlan() checks.Plan {
	proxy, _ := url.Parse("socks5://alice:hunter2@127.0.0.1:9050")
	return checks.Plan{
		Routes: []checks.RouteSpec{
			{Name: "direct", Kind: checks.RouteDirect},
			{Name: "family-vpn", Kind: checks.RouteInterface, Interface: "wg0"},
			{Name: "tor", Kind: checks.RouteSOCKS5, Proxy: proxy},
		},
		Services: []checks.Service{
			{Name: "whatsapp", Title: "WhatsApp", Short: "WA"},
			{Name: "telegram", Title: "Telegram", Short: "TG"},
			{Name: "signal", Title: "Signal", Short: "SIG"},
			{Name: "max", Title: "MAX", Short: "MAX"},
		},
	}
}

func statusResult(route, service string, v checks.Verdict, latency time.Duration, reason string, cause *checks.Error) checks.CheckResult {
	return checks.CheckResult{
		Route: route, Service: service, Sweep: 3, Verdict: v, Latency: latency, Reason: reason, Cause: cause,
		Started: statusTime.Add(-time.Second), Finished: statusTime,
	}
}

// mixedReport has every verdict: blocked, slow, ok, partial, pending and a route that is down.
func mixedReport() *SweepReport {
	p := statusPlan()
	r := NewSweepReport(p)
	r.Add(checks.Event{Kind: checks.EventSweepStarted, At: statusTime.Add(-2 * time.Second)})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "family-vpn", Kind: checks.RouteInterface, OK: true}})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{
		Name: "tor", Kind: checks.RouteSOCKS5, Reason: "proxy connection refused",
		Err: checks.NewError(checks.FailConnectionRefused, checks.OpConnect, ""),
	}})
	reset := checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
	refused := checks.NewError(checks.FailConnectionRefused, checks.OpConnect, "")
	for _, c := range []checks.CheckResult{
		statusResult("direct", "whatsapp", checks.VerdictBlocked, 0, "TLS reset after ClientHello on g.whatsapp.net | #1 %{F#fff}\x1b[31m", reset),
		statusResult("direct", "telegram", checks.VerdictSlow, 1400*time.Millisecond, "slow: 1.4s to chat", nil),
		statusResult("direct", "signal", checks.VerdictOK, 142*time.Millisecond, "", nil),
		statusResult("direct", "max", checks.VerdictPartial, 0, "chat works; media blocked (reset)", reset),
		statusResult("family-vpn", "whatsapp", checks.VerdictOK, 88*time.Millisecond, "", nil),
		statusResult("family-vpn", "telegram", checks.VerdictOK, 95500*time.Microsecond, "", nil),
		statusResult("family-vpn", "max", checks.VerdictOK, 61*time.Millisecond, "", nil),
		statusResult("tor", "whatsapp", checks.VerdictRouteDown, 0, "proxy connection refused", refused),
		statusResult("tor", "telegram", checks.VerdictRouteDown, 0, "proxy connection refused", refused),
		statusResult("tor", "signal", checks.VerdictRouteDown, 0, "proxy connection refused", refused),
		statusResult("tor", "max", checks.VerdictRouteDown, 0, "proxy connection refused", refused),
	} {
		r.Add(checks.Event{Kind: checks.EventCheckDone, Check: c})
	}
	r.Add(checks.Event{Kind: checks.EventSweepFinished, At: statusTime})
	return r
}

// narrowed keeps only the named route and services, as --route and --service do.
func narrowed(r *SweepReport, route string, services ...string) StatusSnapshot {
	s := r.Snapshot()
	var rs []checks.CheckResult
	for _, c := range s.Results {
		if c.Route == route && (len(services) == 0 || slices.Contains(services, c.Service)) {
			rs = append(rs, c)
		}
	}
	s.Results = rs
	return s
}

func allOKSnapshot() StatusSnapshot {
	r := NewSweepReport(checks.Plan{
		Routes:   []checks.RouteSpec{{Name: "direct", Kind: checks.RouteDirect}},
		Services: statusPlan().Services[:3],
	})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}})
	for i, svc := range []string{"whatsapp", "telegram", "signal"} {
		r.Add(checks.Event{Kind: checks.EventCheckDone, Check: statusResult("direct", svc, checks.VerdictOK, time.Duration(100+i*20)*time.Millisecond, "", nil)})
	}
	r.Finished = statusTime
	return r.Snapshot()
}

func pendingSnapshot() StatusSnapshot {
	r := NewSweepReport(statusPlan())
	return narrowed(r, "direct")
}

type statusScenario struct {
	name string
	snap StatusSnapshot
	opt  StatusOptions
	code int
}

func statusScenarios() []statusScenario {
	mixed := mixedReport()
	return []statusScenario{
		{"mixed", mixed.Snapshot(), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitDown},
		{"mixed_short", mixed.Snapshot(), StatusOptions{Glyphs: UnicodeGlyphs, Short: true}, checks.ExitDown},
		{"mixed_ascii", mixed.Snapshot(), StatusOptions{Glyphs: ASCIIGlyphs}, checks.ExitDown},
		{"route_blocked", narrowed(mixed, "direct", "whatsapp", "telegram", "signal"), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitDown},
		{"route_down", narrowed(mixed, "tor"), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitDown},
		{"route_slow", narrowed(mixed, "direct", "telegram", "signal"), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitDegraded},
		{"vpn_ok_and_pending", narrowed(mixed, "family-vpn"), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitDegraded},
		{"all_ok", allOKSnapshot(), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitOK},
		{"all_ok_thresholds", allOKSnapshot(), StatusOptions{Glyphs: UnicodeGlyphs, Warn: 110 * time.Millisecond, Crit: 500 * time.Millisecond}, checks.ExitDegraded},
		{"pending", pendingSnapshot(), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitUnknown},
		{"warned", warnedSnapshot(), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitOK},
		{"not_carried", notCarriedSnapshot(), StatusOptions{Glyphs: UnicodeGlyphs}, checks.ExitOK},
		{"not_carried_ascii", notCarriedSnapshot(), StatusOptions{Glyphs: ASCIIGlyphs}, checks.ExitOK},
		{"warned_ascii", warnedSnapshot(), StatusOptions{Glyphs: ASCIIGlyphs}, checks.ExitOK},
	}
}

// notCarriedSnapshot is a SOCKS5 route without UDP: chat works, calls are n/a (grey, not a
// failure, the exit code stays 0).
func notCarriedSnapshot() StatusSnapshot {
	p := statusPlan()
	p.Routes = p.Routes[2:]
	p.Services = []checks.Service{{Name: "whatsapp", Title: "WhatsApp", Short: "WA"}, {Name: "calls", Title: "Calls", Short: "CALL"}}
	r := NewSweepReport(p)
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "tor", Kind: checks.RouteSOCKS5, OK: true}})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: statusResult("tor", "whatsapp", checks.VerdictOK, 140*time.Millisecond, "", nil)})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: statusResult("tor", "calls", checks.VerdictNA, 0, "calls need UDP; this SOCKS5 proxy does not relay it", nil)})
	r.Finished = statusTime
	return r.Snapshot()
}

// warnedSnapshot has every service working on two routes; the VPN is the faster one but
// exits from the direct route's address and resolves through the system resolver.
func warnedSnapshot() StatusSnapshot {
	p := statusPlan()
	p.Routes = p.Routes[:2]
	p.Services = p.Services[:2]
	r := NewSweepReport(p)
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", Kind: checks.RouteDirect, OK: true}})
	r.Add(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "family-vpn", Kind: checks.RouteInterface, OK: true,
		Egress: &checks.Egress{IP: "198.51.100.7", Flags: []string{checks.NotTunnelling, checks.LocalDNSFlag + " 192.168.1.1 (local ISP?)"}}}})
	for _, c := range []checks.CheckResult{
		statusResult("direct", "whatsapp", checks.VerdictOK, 88*time.Millisecond, "", nil),
		statusResult("direct", "telegram", checks.VerdictOK, 61*time.Millisecond, "", nil),
		statusResult("family-vpn", "whatsapp", checks.VerdictOK, 35*time.Millisecond, "", nil),
		statusResult("family-vpn", "telegram", checks.VerdictOK, 62*time.Millisecond, "", nil),
	} {
		r.Add(checks.Event{Kind: checks.EventCheckDone, Check: c})
	}
	r.Finished = statusTime
	return r.Snapshot()
}

func TestStatusGoldens(t *testing.T) {
	for _, sc := range statusScenarios() {
		for _, f := range StatusFormats {
			t.Run(sc.name+"_"+string(f), func(t *testing.T) {
				opt := sc.opt
				opt.Format = f
				var buf bytes.Buffer
				p := NewStatusPrinter(&buf, opt)
				if err := p.Print(sc.snap); err != nil {
					t.Fatal(err)
				}
				got := buf.String()
				if strings.Count(got, "\n") != map[bool]int{true: 3, false: 1}[f == StatusI3bar] || !strings.HasSuffix(got, "\n") {
					t.Errorf("one update should be one line (after i3bar's header): %q", got)
				}
				checkGolden(t, filepath.Join("testdata", "status", sc.name+"_"+string(f)+".golden"), got)
			})
		}
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if statusUpdate() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui -run TestStatusGoldens -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n got: %q\nwant: %q", path, got, want)
	}
}

func TestStatusExitCodes(t *testing.T) {
	for _, sc := range statusScenarios() {
		if got := StatusExitCode(sc.snap, sc.opt); got != sc.code {
			t.Errorf("%s: exit %d, want %d", sc.name, got, sc.code)
		}
	}
	one := func(vs ...checks.Verdict) StatusSnapshot {
		var s StatusSnapshot
		for _, v := range vs {
			s.Results = append(s.Results, statusResult("direct", "signal", v, 200*time.Millisecond, "", nil))
		}
		return s
	}
	for _, c := range []struct {
		verdicts []checks.Verdict
		opt      StatusOptions
		want     int
	}{
		{[]checks.Verdict{checks.VerdictOK}, StatusOptions{}, 0},
		{[]checks.Verdict{checks.VerdictOK, checks.VerdictSlow}, StatusOptions{}, 1},
		{[]checks.Verdict{checks.VerdictOK, checks.VerdictPartial}, StatusOptions{}, 1},
		{[]checks.Verdict{checks.VerdictOK, checks.VerdictBlocked, checks.VerdictSlow}, StatusOptions{}, 2},
		{[]checks.Verdict{checks.VerdictRouteDown}, StatusOptions{}, 2},
		{[]checks.Verdict{checks.VerdictPending}, StatusOptions{}, 3},
		{nil, StatusOptions{}, 3},
		{[]checks.Verdict{checks.VerdictOK, checks.VerdictPending}, StatusOptions{}, 1},
		{[]checks.Verdict{checks.VerdictOK}, StatusOptions{Warn: 100 * time.Millisecond}, 1},
		{[]checks.Verdict{checks.VerdictOK}, StatusOptions{Warn: 100 * time.Millisecond, Crit: 150 * time.Millisecond}, 2},
		{[]checks.Verdict{checks.VerdictOK}, StatusOptions{Warn: 300 * time.Millisecond, Crit: 500 * time.Millisecond}, 0},
		{[]checks.Verdict{checks.VerdictBlocked}, StatusOptions{Warn: time.Hour, Crit: time.Hour}, 2},
	} {
		if got := StatusExitCode(one(c.verdicts...), c.opt); got != c.want {
			t.Errorf("%v with warn %s crit %s: exit %d, want %d", c.verdicts, c.opt.Warn, c.opt.Crit, got, c.want)
		}
	}
}

func TestStatusJSONFormatsParse(t *testing.T) {
	for _, sc := range statusScenarios() {
		for _, f := range []StatusFormat{StatusJSON, StatusWaybar, StatusI3bar} {
			opt := sc.opt
			opt.Format = f
			line := StatusLine(sc.snap, opt)
			var v any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Errorf("%s %s does not parse: %v\n%s", sc.name, f, err, line)
			}
		}
	}
	opt := StatusOptions{Format: StatusJSON, Glyphs: UnicodeGlyphs}
	var got StatusLineJSON
	if err := json.Unmarshal([]byte(StatusLine(mixedReport().Snapshot(), opt)), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "down" || got.Exit != 2 || got.Summary.Down != 5 || got.Summary.Pending != 1 || len(got.Results) != 12 || len(got.Routes) != 3 {
		t.Errorf("json summary %+v with %d results and %d routes", got.Summary, len(got.Results), len(got.Routes))
	}
	if got.Results[0].Verdict != checks.VerdictBlocked || got.Results[0].Failure != checks.FailConnectionReset {
		t.Errorf("first result %+v", got.Results[0])
	}
	if got.Routes[2].Endpoint != "socks5 127.0.0.1:9050 (auth)" {
		t.Errorf("tor endpoint %q", got.Routes[2].Endpoint)
	}
}

func TestWaybarFields(t *testing.T) {
	var got struct {
		Text, Alt, Tooltip, Class string
		Percentage                int
	}
	line := StatusLine(mixedReport().Snapshot(), StatusOptions{Format: StatusWaybar, Glyphs: UnicodeGlyphs})
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatal(err)
	}
	if got.Class != "route-down" || got.Alt != "route-down" || got.Percentage != 33 {
		t.Errorf("class %q alt %q percentage %d; want route-down and 4 of 12 ok", got.Class, got.Alt, got.Percentage)
	}
	if !strings.Contains(got.Tooltip, "direct · WhatsApp: ✗ reset — TLS reset after ClientHello on g.whatsapp.net") {
		t.Errorf("tooltip lacks the reason: %q", got.Tooltip)
	}
	if strings.ContainsAny(got.Tooltip, "\x1b<>") {
		t.Errorf("tooltip carries an escape or raw markup: %q", got.Tooltip)
	}
}

func TestI3barStreamIsOneJSONArray(t *testing.T) {
	var buf bytes.Buffer
	p := NewStatusPrinter(&buf, StatusOptions{Format: StatusI3bar, Glyphs: UnicodeGlyphs})
	const updates = 5
	for range updates {
		if err := p.Print(mixedReport().Snapshot()); err != nil {
			t.Fatal(err)
		}
	}
	header, stream, ok := strings.Cut(buf.String(), "\n")
	if !ok {
		t.Fatal("no header line")
	}
	var h struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal([]byte(header), &h); err != nil || h.Version != 1 {
		t.Fatalf("header %q: %v", header, err)
	}
	var all [][]map[string]any
	if err := json.Unmarshal([]byte(stream+"]"), &all); err != nil {
		t.Fatalf("stream is not one JSON array once closed: %v\n%s", err, stream)
	}
	if len(all) != updates {
		t.Fatalf("%d updates, want %d", len(all), updates)
	}
	blocks := all[0]
	first := blocks[1] // after the "direct" label
	if first["full_text"] != "WA✗reset" || first["short_text"] != "WA✗" || first["color"] != "#f85149" || first["urgent"] != true {
		t.Errorf("first cell block %v", first)
	}
}

func TestTmuxHasNoEscapesAndDoublesHash(t *testing.T) {
	r := NewSweepReport(checks.Plan{
		Routes:   []checks.RouteSpec{{Name: "home#1"}, {Name: "x\x1b[2Jy"}},
		Services: []checks.Service{{Name: "signal", Short: "S#"}},
	})
	r.Add(checks.Event{Kind: checks.EventCheckDone, Check: statusResult("home#1", "signal", checks.VerdictOK, time.Millisecond, "", nil)})
	for _, sc := range append(statusScenarios(), statusScenario{name: "hash", snap: r.Snapshot(), opt: StatusOptions{Glyphs: UnicodeGlyphs}}) {
		opt := sc.opt
		opt.Format = StatusTmux
		line := StatusLine(sc.snap, opt)
		if strings.ContainsAny(line, "\x1b\x9b\n") {
			t.Errorf("%s: tmux line has an escape byte or newline: %q", sc.name, line)
		}
		if sc.name == "hash" {
			if !strings.Contains(line, "home##1 #[fg=green]S##✓1ms#[default]") {
				t.Errorf("'#' not doubled: %q", line)
			}
			if strings.Count(line, "#[fg=") != 2 || strings.Count(line, "#[default]") != 2 {
				t.Errorf("unexpected formats: %q", line)
			}
		}
	}
}

func TestPlainColourOnlyWhenAsked(t *testing.T) {
	s := mixedReport().Snapshot()
	plain := StatusLine(s, StatusOptions{Format: StatusPlain, Glyphs: UnicodeGlyphs})
	if strings.ContainsRune(plain, '\x1b') {
		t.Errorf("uncoloured plain line has escapes: %q", plain)
	}
	coloured := StatusLine(s, StatusOptions{Format: StatusPlain, Glyphs: UnicodeGlyphs, Color: true})
	if !strings.Contains(coloured, "\x1b[31mWA✗reset\x1b[0m") {
		t.Errorf("coloured plain line: %q", coloured)
	}
	if stripped := stripANSI(coloured); stripped != plain {
		t.Errorf("colour changed the text:\n%q\n%q", stripped, plain)
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestNagiosKeepsTextAndPerfdataApart(t *testing.T) {
	line := StatusLine(mixedReport().Snapshot(), StatusOptions{Format: StatusNagios, Glyphs: UnicodeGlyphs, Warn: 100 * time.Millisecond, Crit: time.Second})
	if strings.Count(line, "|") != 1 {
		t.Fatalf("exactly one '|' must split text and perfdata: %q", line)
	}
	if !strings.HasPrefix(line, "LIFELINE CRITICAL - ") {
		t.Errorf("state: %q", line)
	}
	_, perf, _ := strings.Cut(line, " | ")
	for _, want := range []string{"'direct/signal'=142ms;100;1000;0;", "'direct/whatsapp'=U;100;1000;0;", "'family-vpn/telegram'=95.5ms;100;1000;0;"} {
		if !strings.Contains(perf, want) {
			t.Errorf("perfdata lacks %s: %q", want, perf)
		}
	}
	if strings.Contains(line, "hunter2") {
		t.Error("a proxy password reached the output")
	}
}

func TestParseStatusFormat(t *testing.T) {
	for _, f := range StatusFormats {
		if got, err := ParseStatusFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("%s: %v %v", f, got, err)
		}
	}
	if _, err := ParseStatusFormat("xml"); err == nil || !strings.Contains(err.Error(), "waybar") {
		t.Errorf("unknown format error %v should list the formats", err)
	}
}

// A bar must never go blank on an error: every format prints an error state a person (or
// Nagios) recognises, on one line, with nothing of the reason that could break the format.
func TestStatusErrorStateGoldens(t *testing.T) {
	reason := "/etc/lifeline.yaml:4:5: unknown key \"colour\" | #[fg=red] %{F#fff} <b>\x1b[31m"
	for _, f := range StatusFormats {
		{
			t.Run(string(f), func(t *testing.T) {
				var buf bytes.Buffer
				p := NewStatusPrinter(&buf, StatusOptions{Format: f, Glyphs: ASCIIGlyphs})
				if err := p.PrintError(ErrorConfig, reason); err != nil {
					t.Fatal(err)
				}
				got := buf.String()
				if strings.ContainsRune(got, '\x1b') {
					t.Errorf("an escape sequence reached the output: %q", got)
				}
				if !strings.Contains(got, "config error") {
					t.Errorf("the error state does not say what is wrong: %q", got)
				}
				checkGolden(t, filepath.Join("testdata", "status", "error_config_"+string(f)+".golden"), got)
			})
		}
	}
}
