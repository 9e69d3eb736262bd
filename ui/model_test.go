package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

func screen(m Model) string { return ansi.Strip(m.View().Content) }

func TestResultsOutOfOrderFillTheirCells(t *testing.T) {
	p := testPlan(3, 3)
	m, _ := testModel(p, Options{}, 100, 30)
	m = feed(m, checks.Event{Kind: checks.EventSweepStarted, Sweep: 1})
	// Later routes and services first, interleaved.
	m = feed(m,
		check("socks-de", "signal", 1, checks.VerdictBlocked, 0, checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")),
		check("direct", "telegram", 1, checks.VerdictSlow, 1400*time.Millisecond, nil),
		check("wg0", "whatsapp", 1, checks.VerdictOK, 142*time.Millisecond, nil),
	)
	want := map[[2]int]string{
		{2, 2}: "✗ reset",
		{0, 1}: "◐ slow 1.4s",
		{1, 0}: "✓ 142ms",
	}
	for i := range 3 {
		for j := range 3 {
			got := m.serviceCell(i, j, false)
			if w, ok := want[[2]int{i, j}]; ok {
				if got != w {
					t.Errorf("cell %d,%d = %q, want %q", i, j, got, w)
				}
			} else if !strings.HasSuffix(got, "pending") {
				t.Errorf("cell %d,%d = %q, want pending", i, j, got)
			}
		}
	}
	out := screen(m)
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("view lacks %q:\n%s", w, out)
		}
	}
}

func TestStaleResultsAreDropped(t *testing.T) {
	p := testPlan(2, 1)
	m, _ := testModel(p, Options{}, 100, 30)
	m = feed(m,
		checks.Event{Kind: checks.EventSweepStarted, Sweep: 1},
		checks.Event{Kind: checks.EventSweepStarted, Sweep: 2, Routes: []string{"direct"}},
		// Sweep 1 was superseded for direct: its late result must not show.
		check("direct", "whatsapp", 1, checks.VerdictBlocked, 0, checks.NewError(checks.FailDNSNXDomain, checks.OpResolve, "")),
		routeChecked("direct", 1, false, checks.NewError(checks.FailConnectionRefused, checks.OpConnect, "")),
		// wg0 is still on sweep 1: its result counts.
		check("wg0", "whatsapp", 1, checks.VerdictOK, 50*time.Millisecond, nil),
	)
	if m.cells[0][0].have {
		t.Fatalf("stale result of sweep 1 shown for direct: %+v", m.cells[0][0].res)
	}
	if m.routes[0].have {
		t.Fatal("stale route result of sweep 1 shown for direct")
	}
	if got := m.serviceCell(1, 0, false); got != "✓ 50ms" {
		t.Fatalf("wg0 cell = %q, want ✓ 50ms", got)
	}
	m = feed(m, check("direct", "whatsapp", 2, checks.VerdictOK, 90*time.Millisecond, nil))
	if got := m.serviceCell(0, 0, false); got != "✓ 90ms" {
		t.Fatalf("direct cell after sweep 2 = %q", got)
	}
	// A result from an older sweep arriving after a newer one never overwrites it.
	m = feed(m, check("direct", "whatsapp", 1, checks.VerdictBlocked, 0, nil))
	if got := m.serviceCell(0, 0, false); got != "✓ 90ms" {
		t.Fatalf("older result overwrote newer: %q", got)
	}
}

func TestRecheckKeepsLastResultUntilTheNewOneLands(t *testing.T) {
	p := testPlan(1, 1)
	m, _ := testModel(p, Options{}, 100, 30)
	m = feed(m, check("direct", "whatsapp", 1, checks.VerdictOK, 90*time.Millisecond, nil))
	if m.anyPending() {
		t.Fatal("nothing should be pending after the only result arrived")
	}
	m = feed(m, checks.Event{Kind: checks.EventSweepStarted, Sweep: 2, Routes: []string{"direct"}})
	if !m.cellPending(0, 0) {
		t.Fatal("cell should be pending once its route's new sweep started")
	}
	if got := m.serviceCell(0, 0, false); got != "✓ 90ms" {
		t.Fatalf("cell during recheck = %q, want the last result", got)
	}
}

func TestKeysMoveCursorAndOpenDetails(t *testing.T) {
	p := testPlan(3, 2)
	m, _ := testModel(p, Options{}, 100, 30)
	m = press(m, "down", "j", "right", "l", "l", "l") // clamps at last row and column
	if m.row != 2 || m.col != 2 {
		t.Fatalf("cursor = %d,%d, want 2,2", m.row, m.col)
	}
	m = press(m, "k", "h", "left", "left", "up", "up", "up")
	if m.row != 0 || m.col != 0 {
		t.Fatalf("cursor = %d,%d, want 0,0", m.row, m.col)
	}
	m = press(m, "l", "enter")
	if !m.detail || !strings.Contains(screen(m), "WhatsApp via direct") {
		t.Fatalf("enter did not open the detail of direct × WhatsApp:\n%s", screen(m))
	}
	m = press(m, "h")
	if !strings.Contains(screen(m), "route direct") {
		t.Fatalf("detail on the route column should show the route:\n%s", screen(m))
	}
	m = press(m, "esc")
	if m.detail {
		t.Fatal("esc did not close the detail")
	}
	m = press(m, "?")
	if !m.help || !strings.Contains(screen(m), "recheck the selected route") {
		t.Fatal("? did not show the help")
	}
	m = press(m, "j") // ignored under help
	if m.row != 0 {
		t.Fatal("keys under the help screen moved the cursor")
	}
	m = press(m, "esc")
	if m.help {
		t.Fatal("esc did not close the help")
	}
}

// run executes cmd and any batch it holds, skipping the tick and the event wait, which block.
func run(t *testing.T, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command returned")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				if c != nil {
					run(t, c)
				}
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("command did not return")
	}
}

func TestRecheckAndPauseGoToTheRunner(t *testing.T) {
	p := testPlan(3, 2)
	m, r := testModel(p, Options{}, 100, 30)
	m, cmd := updateCmd(press(m, "j", "j"), keyMsg("r"))
	if len(r.rechecks) != 0 {
		t.Fatal("Update called the runner itself; it must only return a command")
	}
	run(t, cmd)
	if !slices.Equal(r.rechecks[0], []string{"socks-de"}) {
		t.Fatalf("r rechecked %v, want [socks-de]", r.rechecks)
	}
	m, cmd = updateCmd(m, keyMsg("R"))
	run(t, cmd)
	if len(r.rechecks) != 2 || len(r.rechecks[1]) != 0 {
		t.Fatalf("R rechecked %v, want every route (no names)", r.rechecks)
	}
	m, cmd = updateCmd(m, keyMsg("p"))
	run(t, cmd)
	if !m.paused || !strings.Contains(screen(m), "PAUSED") {
		t.Fatal("p did not show the paused state")
	}
	m, cmd = updateCmd(m, keyMsg("p"))
	run(t, cmd)
	if !slices.Equal(r.paused, []bool{true, false}) {
		t.Fatalf("SetPaused calls = %v, want [true false]", r.paused)
	}
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd = updateCmd(m, keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s returned no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s did not quit", k)
		}
	}
}

func TestExactlyOneTickLoop(t *testing.T) {
	p := testPlan(1, 1)
	m, _ := testModel(p, Options{}, 80, 24)
	m, cmd := updateCmd(m, tickMsg{gen: 0})
	if cmd == nil {
		t.Fatal("the live tick did not re-arm itself")
	}
	// A second tick of the same generation (e.g. a duplicate) must not start another loop.
	m, cmd = updateCmd(m, tickMsg{gen: 0})
	if cmd != nil {
		t.Fatal("a stray tick started a second loop")
	}
	m, cmd = updateCmd(m, tickMsg{gen: 1})
	if cmd == nil {
		t.Fatal("the next tick of the loop did not re-arm")
	}
	// Events, keys and resizes never arm a tick: only the event wait follows an event.
	r := newFakeRunner()
	m.runner = r
	r.events <- checks.Event{Kind: checks.EventSweepFinished}
	_, cmd = updateCmd(m, eventMsg{checks.Event{Kind: checks.EventSweepStarted, Sweep: 1}})
	if _, ok := cmd().(eventMsg); !ok {
		t.Fatal("an event should be followed by exactly the wait for the next event")
	}
	for _, msg := range []tea.Msg{keyMsg("j"), tea.WindowSizeMsg{Width: 50, Height: 10}} {
		if _, cmd := updateCmd(m, msg); cmd != nil {
			t.Fatalf("%T returned a command", msg)
		}
	}
}

func TestSpinnerStopsWhenNothingIsPending(t *testing.T) {
	p := testPlan(1, 1)
	m, _ := testModel(p, Options{}, 80, 24)
	m = update(m, tickMsg{gen: 0})
	if m.frame != 1 {
		t.Fatalf("spinner frame = %d while pending, want 1", m.frame)
	}
	m = feed(m, check("direct", "whatsapp", 1, checks.VerdictOK, time.Millisecond*5, nil))
	m = update(m, tickMsg{gen: 1})
	if m.frame != 1 {
		t.Fatal("spinner advanced with nothing pending")
	}
}

func TestClosedRunnerShowsStopped(t *testing.T) {
	p := testPlan(1, 1)
	m, r := testModel(p, Options{}, 80, 24)
	close(r.events)
	msg := m.waitEvent()()
	m, cmd := updateCmd(m, msg)
	if cmd != nil {
		t.Fatal("kept waiting on a closed runner")
	}
	if !strings.Contains(screen(m), "stopped") {
		t.Fatalf("header does not say the runner stopped:\n%s", screen(m))
	}
}

func TestAnySizeRendersWithoutPanicOrOverflow(t *testing.T) {
	p := testPlan(6, 4)
	sizes := [][2]int{{0, 0}, {1, 1}, {20, 5}, {40, 12}, {80, 24}, {140, 40}, {300, 3}, {10, 100}}
	for _, keys := range [][]string{nil, {"l", "enter"}, {"enter"}, {"?"}, {"G", "l", "l", "l", "l", "enter"}} {
		for _, sz := range sizes {
			m, _ := testModel(p, Options{}, sz[0], sz[1])
			m = feed(m, fullSweep(p)...)
			m = press(m, keys...)
			out := screen(m)
			lines := strings.Split(out, "\n")
			if out != "" && len(lines) > sz[1] {
				t.Errorf("%v keys %v: %d lines for height %d", sz, keys, len(lines), sz[1])
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%v keys %v: line %q is %d wide", sz, keys, l, w)
				}
			}
		}
	}
}

func TestNarrowTerminalScrollsToTheCursor(t *testing.T) {
	p := testPlan(6, 4)
	m, _ := testModel(p, Options{}, 40, 12)
	m = feed(m, fullSweep(p)...)
	if !strings.Contains(screen(m), "WA") || strings.Contains(screen(m), "WhatsApp") {
		t.Fatalf("narrow view should use short names:\n%s", screen(m))
	}
	m = press(m, "G", "l", "l", "l", "l")
	out := screen(m)
	if !strings.Contains(out, "dead-pr") || !strings.Contains(out, "MAX") || !strings.Contains(out, "[— down") {
		t.Fatalf("cursor on the last cell is not visible:\n%s", out)
	}
	if !strings.Contains(out, "of 6") || !strings.Contains(out, "of 4") {
		t.Fatalf("no scroll position shown:\n%s", out)
	}
}

func TestBackgroundChangesStyles(t *testing.T) {
	p := testPlan(1, 1)
	m, _ := testModel(p, Options{}, 80, 24)
	m = feed(m, check("direct", "whatsapp", 1, checks.VerdictOK, time.Millisecond*5, nil))
	dark := m.View().Content
	m = update(m, tea.BackgroundColorMsg{Color: lipglossWhite})
	if m.dark {
		t.Fatal("a white background was taken for dark")
	}
	if m.View().Content == dark {
		t.Fatal("light background rendered with the dark palette")
	}
	if ansi.Strip(m.View().Content) != ansi.Strip(dark) {
		t.Fatal("the palette changed the text")
	}
}

func TestViewModes(t *testing.T) {
	p := testPlan(1, 1)
	m, _ := testModel(p, Options{}, 80, 24)
	if !m.View().AltScreen {
		t.Fatal("dashboard should use the alternate screen by default")
	}
	m, _ = testModel(p, Options{NoAltScreen: true}, 80, 24)
	if m.View().AltScreen {
		t.Fatal("--no-alt-screen still used the alternate screen")
	}
}

func TestDetectOptions(t *testing.T) {
	cases := []struct {
		env            map[string]string
		ascii, noColor bool
	}{
		{map[string]string{"LANG": "en_US.UTF-8"}, false, false},
		{map[string]string{"LANG": "ru_RU.utf8", "NO_COLOR": "1"}, false, true},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "C"}, true, false},
		{map[string]string{"LC_CTYPE": "C.UTF-8", "LANG": "C"}, false, false},
		{map[string]string{}, true, false},
		{map[string]string{"LANG": "en_US.UTF-8", "NO_COLOR": ""}, false, false},
	}
	for _, c := range cases {
		got := DetectOptions(func(k string) string { return c.env[k] })
		if got.ASCII != c.ascii || got.NoColor != c.noColor {
			t.Errorf("%v: got ascii=%v noColor=%v, want %v %v", c.env, got.ASCII, got.NoColor, c.ascii, c.noColor)
		}
	}
}
