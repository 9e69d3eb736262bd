package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lifeline-app/lifeline/checks"
)

// TestReloadedPlanKeepsCellsThatStay: after EventPlanChanged, a route and service that stay
// show their last result, a removed route leaves the screen, a new one reads pending, and the
// cursor stays on its cell.
func TestReloadedPlanKeepsCellsThatStay(t *testing.T) {
	p := testPlan(3, 2) // direct, wg0, socks-de × WhatsApp, Telegram
	m, _ := testModel(p, Options{}, 120, 30)
	m = feed(m, fullSweep(p)...)
	m = press(m, "down", "right", "right") // wg0 × Telegram
	before := m.serviceCell(1, 1, false)

	next := testPlan(4, 3)                                                 // + corp-http, + Signal
	next.Routes = append(next.Routes[1:2], next.Routes[3], next.Routes[0]) // wg0, corp-http, direct
	next.Services = next.Services[1:]                                      // Telegram, Signal
	m = feed(m, checks.Event{Kind: checks.EventPlanChanged, Plan: &next})

	if got := m.serviceCell(0, 0, false); got != before {
		t.Errorf("wg0 × Telegram after reload = %q, want its last result %q", got, before)
	}
	if !strings.HasSuffix(m.serviceCell(1, 0, false), "pending") || !strings.HasSuffix(m.serviceCell(0, 1, false), "pending") {
		t.Errorf("new route or service not pending: %q %q", m.serviceCell(1, 0, false), m.serviceCell(0, 1, false))
	}
	if m.row != 0 || m.col != 1 {
		t.Errorf("cursor at %d,%d; want on wg0 × Telegram at 0,1", m.row, m.col)
	}
	out := screen(m)
	if strings.Contains(out, "socks-de") || strings.Contains(out, "WhatsApp") {
		t.Errorf("removed route or service still shown:\n%s", out)
	}
	for _, want := range []string{"corp-http", "Signal", "direct"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q after reload:\n%s", want, out)
		}
	}
	// The next sweep fills the new cells.
	m = feed(m, check("corp-http", "signal", 2, checks.VerdictOK, 80*time.Millisecond, nil))
	if got := m.serviceCell(1, 1, false); got != "✓ 80ms" {
		t.Errorf("new cell after a sweep = %q", got)
	}
}

// TestReloadKeyAndSignalRunTheReloaderOutsideUpdate: ctrl+r and a request on ReloadRequests
// both call Options.Reload from a command; its outcome shows in the footer, a failure in
// words until dismissed.
func TestReloadKeyAndSignalRunTheReloaderOutsideUpdate(t *testing.T) {
	calls := 0
	fail := errors.New("/etc/lifeline.yaml:4:5: unknown key \"colour\"")
	var next error
	requests := make(chan struct{}, 1)
	opt := Options{
		Title:          "/etc/lifeline.yaml",
		ReloadRequests: requests,
		Reload: func() (ReloadResult, error) {
			calls++
			return ReloadResult{Title: "/etc/lifeline.yaml", Note: "3 routes, 2 services"}, next
		},
	}
	p := testPlan(3, 2)
	m, _ := testModel(p, opt, 100, 30)

	m, cmd := updateCmd(m, keyMsg("ctrl+r"))
	if calls != 0 {
		t.Fatal("Update itself called the reloader")
	}
	if !strings.Contains(screen(m), "reloading the config") {
		t.Errorf("ctrl+r gave no sign it ran:\n%s", screen(m))
	}
	m = runCmds(m, cmd)
	if calls != 1 || !strings.Contains(screen(m), "reloaded: 3 routes, 2 services") {
		t.Errorf("after ctrl+r: %d calls, screen:\n%s", calls, screen(m))
	}
	// The notice fades on its timer; the key reminder comes back.
	m = update(m, noticeExpiredMsg{id: m.notice.id})
	if out := screen(m); strings.Contains(out, "reloaded") || !strings.Contains(out, "q quit") {
		t.Errorf("notice still shown after it expired:\n%s", out)
	}

	next = fail
	requests <- struct{}{}
	msg := m.waitReloadRequest()()
	if _, ok := msg.(reloadRequestMsg); !ok {
		t.Fatalf("request arrived as %T", msg)
	}
	m, cmd = updateCmd(m, msg)
	m = runCmds(m, cmd)
	out := screen(m)
	if calls != 2 || !strings.Contains(out, "reload failed, still running the previous config") || !strings.Contains(out, `unknown key "colour"`) {
		t.Errorf("after a refused reload: %d calls, screen:\n%s", calls, out)
	}
	// A stale timer (of the earlier notice) does not clear the failure; esc does.
	m = update(m, noticeExpiredMsg{id: m.notice.id - 1})
	if !strings.Contains(screen(m), "reload failed") {
		t.Error("the failure vanished on an older notice's timer")
	}
	m = press(m, "esc")
	if strings.Contains(screen(m), "reload failed") {
		t.Error("esc did not dismiss the failure")
	}
}

func TestLongReloadFailureWrapsWithoutOverflow(t *testing.T) {
	m, _ := testModel(testPlan(2, 2), Options{}, 40, 12)
	m = update(m, reloadDoneMsg{err: errors.New(strings.Repeat("x", 200))})
	out := screen(m)
	lines := strings.Split(out, "\n")
	if len(lines) != 12 {
		t.Errorf("screen has %d lines, want 12", len(lines))
	}
	for _, l := range lines {
		if width(l) > 40 {
			t.Errorf("line wider than the screen: %q", l)
		}
	}
	if !strings.Contains(lines[len(lines)-3], "reload failed") {
		t.Errorf("failure not on three footer lines:\n%s", out)
	}
}

// runCmds runs cmd (and the commands of a batch) and feeds back the messages that arrive
// within a moment; timers (notices fading) and waits for the next event are left running.
func runCmds(m Model, cmd tea.Cmd) Model {
	if cmd == nil {
		return m
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		switch msg := msg.(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				m = runCmds(m, c)
			}
		case nil:
		default:
			m = update(m, msg)
		}
	case <-time.After(100 * time.Millisecond):
	}
	return m
}

// Footer notices fade on a timer; a refused config stays longer than good news.
func TestNoticesFadeAndFailuresStayLonger(t *testing.T) {
	if warnNoticeFor <= noticeFor {
		t.Fatalf("a failure (%s) must stay longer than news (%s)", warnNoticeFor, noticeFor)
	}
	m, _ := testModel(testPlan(2, 2), Options{}, 80, 24)
	m, cmd := updateCmd(m, keyMsg("r"))
	if !strings.Contains(screen(m), "rechecking direct") {
		t.Fatalf("r gave no sign it ran:\n%s", screen(m))
	}
	if cmd == nil {
		t.Fatal("r returned no command")
	}
	m = update(m, noticeExpiredMsg{id: m.notice.id})
	if strings.Contains(screen(m), "rechecking") {
		t.Error("the notice outlived its timer")
	}
}
