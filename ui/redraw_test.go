package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/lifeline-app/lifeline/checks"
)

// terminalMeter stands in for the terminal and counts what the dashboard writes to it.
type terminalMeter struct{ n atomic.Int64 }

func (m *terminalMeter) Write(p []byte) (int, error) {
	m.n.Add(int64(len(p)))
	return len(p), nil
}

// settle waits until nothing has been written for quiet (bounded by limit) and returns the
// bytes written so far.
func (m *terminalMeter) settle(t *testing.T, quiet, limit time.Duration) int64 {
	t.Helper()
	deadline := time.Now().Add(limit)
	last, since := m.n.Load(), time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if n := m.n.Load(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) >= quiet && last > 0 {
			return last
		}
	}
	t.Fatalf("the dashboard did not settle within %s (%d bytes written)", limit, last)
	return 0
}

// Over a slow SSH link every byte counts: after the first frame, a result that changes one
// cell must send that change, not the screen again, and an idle dashboard must send next to
// nothing. The real Bubble Tea program runs with the dashboard's own options, writing to a
// meter instead of a terminal.
func TestAChangedCellSendsTheChangeNotTheScreen(t *testing.T) {
	p := testPlan(6, 4)
	r := newFakeRunner()
	meter := &terminalMeter{}
	ctx, cancel := context.WithCancel(context.Background())
	opts := append(programOptions(ctx, Options{}),
		tea.WithInput(nil), tea.WithOutput(meter), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(colorprofile.ANSI256))
	// The first sweep is in the model before the program starts, so the first frame is the
	// whole screen at once: on a starved machine a sweep fed live is drawn over many frames
	// with pauses between them, and a pause would pass for the end of the screen.
	sweep := fullSweep(p)
	// A live countdown, as in real use: the header changes every second while idle.
	last := &sweep[len(sweep)-1]
	last.At, last.Next = time.Now(), time.Now().Add(25*time.Second)
	prog := tea.NewProgram(feed(NewModel(p, r, Options{}), sweep...), opts...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		prog.Run()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the dashboard did not stop when its context ended")
		}
	})

	full := meter.settle(t, 400*time.Millisecond, 30*time.Second)

	reset := checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
	r.events <- check("wg0", "telegram", 1, checks.VerdictBlocked, 0, reset)
	for end := time.Now().Add(30 * time.Second); meter.n.Load() == full && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	changed := meter.settle(t, 400*time.Millisecond, 30*time.Second) - full

	before := meter.n.Load()
	time.Sleep(2 * time.Second)
	idle := meter.n.Load() - before

	t.Logf("80×24, 6 routes × 4 services: first full screen %d bytes; one changed cell %d bytes; 2 s idle (the countdown ticking) %d bytes", full, changed, idle)
	if changed <= 0 {
		t.Fatal("the changed cell was never drawn")
	}
	if changed*4 > full {
		t.Errorf("one changed cell sent %d bytes, more than a quarter of the %d-byte screen", changed, full)
	}
	if idle*4 > full {
		t.Errorf("2 s idle sent %d bytes, more than a quarter of the %d-byte screen", idle, full)
	}
}

// Idle costs nothing: between sweeps the countdown ticks, and only the header is drawn again;
// a result redraws its own row, not the table.
func TestIdleTicksDrawOnlyTheHeaderAndAResultOnlyItsRow(t *testing.T) {
	p := testPlan(20, 8)
	m, _ := testModel(p, Options{Title: "config.yaml"}, 80, 24)
	m = feed(m, fullSweep(p)...)
	first := screen(m)
	drawn := m.cache.drawn

	for k := range 3 {
		m.now = func() time.Time { return clock.Add(time.Duration(k+1) * time.Second) }
		m = update(m, tickMsg{gen: m.tickGen, at: clock.Add(time.Duration(k+1) * time.Second)})
		out := screen(m)
		if out == first {
			t.Fatal("the countdown did not move")
		}
		if strings.Split(out, "\n")[5] != strings.Split(first, "\n")[5] {
			t.Fatal("a table row changed while nothing happened")
		}
	}
	if m.cache.drawn != drawn {
		t.Errorf("idle ticks drew %d screens and %d rows anew; want none", m.cache.drawn.screens-drawn.screens, m.cache.drawn.rows-drawn.rows)
	}

	reset := checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
	m = feed(m, check("wg0", "whatsapp", 1, checks.VerdictBlocked, 0, reset))
	before := m.cache.drawn
	out := screen(m)
	if got := m.cache.drawn.rows - before.rows; got != 1 {
		t.Errorf("one result redrew %d rows; want 1", got)
	}
	if !strings.Contains(strings.Split(out, "\n")[6], "✗ reset") {
		t.Errorf("wg0's row does not show its new result:\n%s", out)
	}
}

// The dashboard's one timer fires when the text on screen next changes by itself, not every
// second: a countdown minutes away and a sweep minutes old wake it once a minute; a countdown
// in its last minute, or a spinner, once a second. Right before the tick the screen reads as
// now; at the tick it reads differently.
func TestTheTimerWakesWhenTheScreenChanges(t *testing.T) {
	p := testPlan(6, 4)
	cases := []struct {
		name          string
		finished, due time.Duration // relative to the clock
		pending       bool
		atLeast       time.Duration
	}{
		{"next sweep in 25s", -5 * time.Second, 25 * time.Second, false, 0},
		{"next sweep in 10m, last 5m ago", -5 * time.Minute, 10*time.Minute + 20*time.Second, false, 15 * time.Second},
		{"next sweep in 9m40s, last 20s ago", -20 * time.Second, 9*time.Minute + 40*time.Second, false, 30 * time.Second},
		{"a sweep running", -5 * time.Second, 25 * time.Second, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := testModel(p, Options{Title: "config.yaml"}, 80, 24)
			evs := fullSweep(p)
			last := &evs[len(evs)-1]
			last.At, last.Next = clock.Add(c.finished), clock.Add(c.due)
			m = feed(m, evs...)
			if c.pending {
				m = feed(m, checks.Event{Kind: checks.EventSweepStarted, Sweep: 2})
			}
			d := m.nextChange(clock)
			if c.pending && d > tickEvery+tickSlack {
				t.Fatalf("a spinner waits %s between frames", d)
			}
			if d < c.atLeast {
				t.Errorf("the timer fires after %s; nothing changes for at least %s", d, c.atLeast)
			}
			if c.pending {
				return // the spinner turns on the tick, not with the clock
			}
			at := func(off time.Duration) string {
				m.now = func() time.Time { return clock.Add(off) }
				m.cache = &renderCache{}
				return screen(m)
			}
			now := at(0)
			if before := at(d - 2*tickSlack); before != now {
				t.Errorf("the screen changed before the tick (%s):\n%s", d, before)
			}
			if after := at(d); after == now {
				t.Errorf("the tick after %s finds nothing changed:\n%s", d, after)
			}
		})
	}
}

// A timer armed for a minute away is replaced when the screen needs it sooner: a sweep that
// starts shows its spinner within a second.
func TestTheTimerIsReArmedWhenASweepStarts(t *testing.T) {
	p := testPlan(6, 4)
	m, _ := testModel(p, Options{}, 80, 24)
	evs := fullSweep(p)
	last := &evs[len(evs)-1]
	last.At, last.Next = clock.Add(-5*time.Minute), clock.Add(10*time.Minute+20*time.Second)
	m = feed(m, evs...)
	m = update(m, tickMsg{gen: m.tickGen}) // the sweep's last spinner tick; the next is for the idle screen
	if !m.tickArmed || m.tickDue.Sub(clock) < 15*time.Second {
		t.Fatalf("idle: the timer is due in %s", m.tickDue.Sub(clock))
	}
	gen := m.tickGen
	m = feed(m, checks.Event{Kind: checks.EventSweepStarted, Sweep: 2})
	if m.tickGen == gen || m.tickDue.Sub(clock) > tickEvery+tickSlack {
		t.Errorf("after a sweep started the timer is due in %s (generation %d → %d)", m.tickDue.Sub(clock), gen, m.tickGen)
	}
	// The old timer's tick is stray: it neither moves the spinner nor arms another.
	frame := m.frame
	m2, cmd := updateCmd(m, tickMsg{gen: gen})
	if cmd != nil || m2.frame != frame {
		t.Error("a stray tick was acted on")
	}
}
