package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/history"
	"github.com/lifeline-app/lifeline/store"
)

// timelineFixture is a day of stored results every 5 minutes for each cell of plan: most
// cells work all day; some were blocked for hours, some flapped, one route has no history.
func timelineFixture(p checks.Plan) Timeline {
	until := clock
	since := until.Add(-24 * time.Hour)
	var rows []store.Row
	for i, r := range p.Routes {
		if i == 4 {
			continue // a route added since: nothing stored
		}
		for j, s := range p.Services {
			for at := since; at.Before(until); at = at.Add(5 * time.Minute) {
				k := int(at.Sub(since) / (5 * time.Minute))
				v := checks.VerdictOK
				switch {
				case i == 5 && at.Hour() >= 20:
					v = checks.VerdictRouteDown
				case (i+j)%5 == 1 && at.Hour() >= 9 && at.Hour() < 11:
					v = checks.VerdictBlocked
				case (i+j)%4 == 2 && k%3 == 0 && at.Hour() >= 2 && at.Hour() < 6:
					v = checks.VerdictPartial
				}
				rows = append(rows, store.Row{At: at, Route: r.Name, Service: s.Name, Verdict: v, Latency: 80 * time.Millisecond})
			}
		}
	}
	return Timeline{Since: since, Until: until, Loc: time.UTC,
		Cells: history.Build(rows, history.Options{Since: since, Until: until, Loc: time.UTC})}
}

// openTimeline presses t and runs the load command as Bubble Tea would.
func openTimeline(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := updateCmd(m, keyMsg("t"))
	return update(m, timelineLoad(t, cmd))
}

// timelineLoad runs cmd and every command of a batch it holds, each in its own goroutine, and
// returns the first timeline load among their messages. Commands that wait (the tick, the
// next event) are left waiting; the test fails if no load comes within a bounded time.
func timelineLoad(t *testing.T, cmd tea.Cmd) timelineMsg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command returned: nothing loads the timeline")
	}
	loads := make(chan timelineMsg, 8)
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		go func() {
			switch msg := c().(type) {
			case tea.BatchMsg:
				for _, sub := range msg {
					if sub != nil {
						start(sub)
					}
				}
			case timelineMsg:
				loads <- msg
			}
		}()
	}
	start(cmd)
	select {
	case msg := <-loads:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("no command loaded the timeline")
	}
	return timelineMsg{}
}

func TestTimelineGoldens(t *testing.T) {
	p := testPlan(6, 4)
	for _, c := range []struct {
		name string
		w, h int
		opt  Options
	}{
		{"timeline_80x24", 80, 24, Options{Title: "config.yaml"}},
		{"timeline_200x50", 200, 50, Options{Title: "config.yaml"}},
		{"timeline_ascii_80x24", 80, 24, Options{Title: "config.yaml", ASCII: true, NoColor: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opt.Timeline = func() (Timeline, error) { return timelineFixture(p), nil }
			m, _ := testModel(p, c.opt, c.w, c.h)
			m = feed(m, fullSweep(p)...)
			m = openTimeline(t, m)
			raw := m.View().Content
			if c.opt.NoColor && strings.ContainsRune(raw, '\x1b') {
				t.Fatal("NoColor view contains an escape sequence")
			}
			checkGolden(t, filepath.Join("testdata", c.name+".golden"), ansi.Strip(raw)+"\n")
		})
	}
}

// Update never reads the history itself: the load runs in the command it returns, once per
// opening and once per finished sweep while open.
func TestTimelineLoadsInCommands(t *testing.T) {
	p := testPlan(2, 2)
	var loads atomic.Int32
	opt := Options{Timeline: func() (Timeline, error) { loads.Add(1); return timelineFixture(p), nil }}
	m, _ := testModel(p, opt, 80, 24)
	m, cmd := updateCmd(m, keyMsg("t"))
	if loads.Load() != 0 || cmd == nil {
		t.Fatalf("Update loaded %d times, cmd %v", loads.Load(), cmd != nil)
	}
	m = update(m, timelineLoad(t, cmd))
	if loads.Load() != 1 || !strings.Contains(ansi.Strip(m.View().Content), "timeline") {
		t.Fatalf("after the command: %d loads", loads.Load())
	}
	m, cmd = updateCmd(m, eventMsg{checks.Event{Kind: checks.EventSweepFinished, At: clock}})
	if cmd == nil {
		t.Fatal("a finished sweep does not refresh the open timeline")
	}
	m = update(m, timelineLoad(t, cmd))
	m = press(m, "t")
	if strings.Contains(ansi.Strip(m.View().Content), "timeline ·") {
		t.Fatal("t does not close the timeline")
	}
	if m.tl.loading {
		t.Fatal("a closed timeline is still loading")
	}
}

// Moving to a route below the screen scrolls the timeline to it.
func TestTimelineFollowsCursor(t *testing.T) {
	p := testPlan(6, 4)
	m, _ := testModel(p, Options{Timeline: func() (Timeline, error) { return timelineFixture(p), nil }}, 80, 24)
	m = openTimeline(t, m)
	m = press(m, "G")
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "dead-proxy") {
		t.Fatalf("the last route is not in view:\n%s", view)
	}
}

func TestTimelineWithoutHistory(t *testing.T) {
	p := testPlan(2, 2)
	m, _ := testModel(p, Options{}, 80, 24)
	m = update(m, keyMsg("t"))
	if m.tl.loading {
		t.Fatal("no store, yet the timeline is loading")
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "history is off") {
		t.Fatalf("view:\n%s", ansi.Strip(m.View().Content))
	}
	opt := Options{Timeline: func() (Timeline, error) { return Timeline{}, errors.New("disk I/O error") }}
	m, _ = testModel(p, opt, 80, 24)
	m = openTimeline(t, m)
	if !strings.Contains(ansi.Strip(m.View().Content), "cannot read the history: disk I/O error") {
		t.Fatalf("view:\n%s", ansi.Strip(m.View().Content))
	}
}
