package ui

import (
	"fmt"
	"image/color"
	"net/url"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lifeline-app/lifeline/checks"
)

// fakeRunner records what the dashboard asked for.
type fakeRunner struct {
	mu       sync.Mutex
	events   chan checks.Event
	rechecks [][]string
	paused   []bool
}

func newFakeRunner() *fakeRunner { return &fakeRunner{events: make(chan checks.Event, 64)} }

func (f *fakeRunner) Events() <-chan checks.Event { return f.events }

func (f *fakeRunner) Recheck(routes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rechecks = append(f.rechecks, routes)
}

func (f *fakeRunner) SetPaused(p bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paused = append(f.paused, p)
}

// clock is the fixed "now" of every test view.
var clock = time.Date(2026, 3, 14, 12, 0, 30, 0, time.UTC)

func testPlan(routes, services int) checks.Plan {
	names := []string{"direct", "wg0", "socks-de", "corp-http", "tor", "dead-proxy"}
	svcs := []checks.Service{
		{Name: "whatsapp", Title: "WhatsApp", Short: "WA"},
		{Name: "telegram", Title: "Telegram", Short: "TG"},
		{Name: "signal", Title: "Signal", Short: "SIG"},
		{Name: "max", Title: "MAX", Short: "MAX"},
	}
	var p checks.Plan
	for i := range routes {
		name := names[i%len(names)]
		if i >= len(names) {
			name = name + "-" + string(rune('a'+i/len(names)))
		}
		spec := checks.RouteSpec{Name: name, Kind: checks.RouteDirect}
		switch name[:3] {
		case "wg0":
			spec.Kind, spec.Interface = checks.RouteInterface, "wg0"
		case "soc", "tor", "dea":
			spec.Kind = checks.RouteSOCKS5
			spec.Proxy = &url.URL{Scheme: "socks5", Host: fmt.Sprintf("127.0.0.1:%d", 1080+i), User: url.UserPassword("u", "s3cret")}
		case "cor":
			spec.Kind = checks.RouteHTTP
			spec.Proxy = &url.URL{Scheme: "http", Host: "127.0.0.1:3128"}
		}
		p.Routes = append(p.Routes, spec)
	}
	for j := range services {
		s := svcs[j%len(svcs)]
		if j >= len(svcs) {
			s.Name += string(rune('a' + j))
			s.Title += string(rune('A' + j))
		}
		p.Services = append(p.Services, s)
	}
	return p
}

// testModel is a dashboard of the given size with a fixed clock.
func testModel(p checks.Plan, opt Options, w, h int) (Model, *fakeRunner) {
	r := newFakeRunner()
	m := NewModel(p, r, opt)
	m.now = func() time.Time { return clock }
	m = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, r
}

func update(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

func updateCmd(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

func feed(m Model, evs ...checks.Event) Model {
	for _, ev := range evs {
		m = update(m, eventMsg{ev})
	}
	return m
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m = update(m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func check(route, svc string, sweep uint64, v checks.Verdict, lat time.Duration, cause *checks.Error) checks.Event {
	res := checks.CheckResult{Route: route, Service: svc, Sweep: sweep, Verdict: v, Latency: lat, Cause: cause,
		Started: clock.Add(-20 * time.Second), Finished: clock.Add(-19 * time.Second)}
	return checks.Event{Kind: checks.EventCheckDone, Sweep: sweep, Check: res}
}

func routeChecked(name string, sweep uint64, ok bool, err *checks.Error) checks.Event {
	r := checks.RouteResult{Name: name, Sweep: sweep, OK: ok, Err: err, Checked: clock.Add(-21 * time.Second)}
	if err != nil {
		r.Reason = err.Human("")
	}
	return checks.Event{Kind: checks.EventRouteChecked, Sweep: sweep, Route: r}
}

// fullSweep is one finished sweep of the 6×4 test plan with every kind of cell.
func fullSweep(p checks.Plan) []checks.Event {
	var routes []string
	for _, r := range p.Routes {
		routes = append(routes, r.Name)
	}
	evs := []checks.Event{{Kind: checks.EventSweepStarted, Sweep: 1, Routes: routes, At: clock.Add(-22 * time.Second)}}
	reset := checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
	nx := checks.NewError(checks.FailDNSNXDomain, checks.OpResolve, "")
	refused := checks.NewError(checks.FailConnectionRefused, checks.OpConnect, "")
	for i, r := range p.Routes {
		down := i%6 == 5
		evs = append(evs, routeChecked(r.Name, 1, !down, map[bool]*checks.Error{true: refused}[down]))
		for j, s := range p.Services {
			var ev checks.Event
			switch {
			case down:
				ev = check(r.Name, s.Name, 1, checks.VerdictRouteDown, 0, refused)
			case (i+j)%5 == 1:
				ev = check(r.Name, s.Name, 1, checks.VerdictBlocked, 0, reset)
			case (i+j)%7 == 2:
				ev = check(r.Name, s.Name, 1, checks.VerdictSlow, 1400*time.Millisecond, nil)
			case (i+j)%6 == 3:
				ev = check(r.Name, s.Name, 1, checks.VerdictPartial, 210*time.Millisecond, nx)
			case (i+j)%8 == 4:
				ev = check(r.Name, s.Name, 1, checks.VerdictBlocked, 0, nx)
			default:
				ev = check(r.Name, s.Name, 1, checks.VerdictOK, time.Duration(40+11*i+7*j)*time.Millisecond, nil)
			}
			evs = append(evs, ev)
		}
	}
	evs[2].Check = detailed(evs[2].Check)
	evs = append(evs, checks.Event{Kind: checks.EventSweepFinished, Sweep: 1, At: clock.Add(-5 * time.Second), Next: clock.Add(25 * time.Second)})
	return evs
}

// detailed gives a result the targets and history the detail pane shows.
func detailed(r checks.CheckResult) checks.CheckResult {
	r.Reason = "40ms to e1.whatsapp.net"
	r.Targets = []checks.TargetResult{
		{Target: checks.Target{Role: checks.RoleChat, Kind: checks.KindTLS, Addr: "e1.whatsapp.net:443"}, OK: true,
			Phases: checks.Phases{DNS: 8 * time.Millisecond, Connect: 12 * time.Millisecond, TLS: 20 * time.Millisecond, Total: 40 * time.Millisecond},
			Peer:   "CN=*.whatsapp.net"},
		{Target: checks.Target{Role: checks.RoleWeb, Kind: checks.KindHTTPS, Addr: "https://web.whatsapp.com/"},
			Phases: checks.Phases{DNS: 9 * time.Millisecond, Connect: 14 * time.Millisecond, Total: 5 * time.Second},
			Err:    checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")},
	}
	r.History = checks.Stats{
		Samples: 8, Uptime: 0.875, P50: 42 * time.Millisecond, P95: 95 * time.Millisecond,
		Recent:     []time.Duration{40 * time.Millisecond, 42 * time.Millisecond, 95 * time.Millisecond, 0, 38 * time.Millisecond, 41 * time.Millisecond, 60 * time.Millisecond, 40 * time.Millisecond},
		LastFailed: clock.Add(-5 * time.Minute),
		LastChange: clock.Add(-4 * time.Minute),
	}
	return r
}

var lipglossWhite = color.RGBA{R: 255, G: 255, B: 255, A: 255}
