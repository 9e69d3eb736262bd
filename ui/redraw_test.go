package ui

import (
	"context"
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
