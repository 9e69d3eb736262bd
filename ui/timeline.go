package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/history"
)

// Timeline is the stored history the timeline view ('t') draws: a span (the last 24 h) and
// the story of each cell over it, hour by hour.
type Timeline struct {
	Since, Until time.Time
	Loc          *time.Location
	Cells        []history.Cell
}

// timelineView is the timeline's state in the model.
type timelineView struct {
	gen     uint64 // counts every change the screen must show
	open    bool
	loading bool
	data    Timeline
	err     error
	loaded  bool
}

// timelineMsg carries a load's outcome back to Update.
type timelineMsg struct {
	data Timeline
	err  error
}

// toggleTimeline opens the timeline (loading the history in a command) or closes it.
func (m Model) toggleTimeline() (tea.Model, tea.Cmd) {
	m.tl.open = !m.tl.open
	m.tl.gen++
	m.detail = false
	if !m.tl.open {
		return m, nil
	}
	return m, m.loadTimeline()
}

// loadTimeline reads the history from a command: Options.Timeline does I/O.
func (m *Model) loadTimeline() tea.Cmd {
	load := m.opt.Timeline
	if load == nil || m.tl.loading {
		return nil
	}
	m.tl.loading = true
	m.tl.gen++
	return func() tea.Msg {
		data, err := load()
		return timelineMsg{data: data, err: err}
	}
}

// refreshTimeline reloads the open timeline when a sweep has finished, so the newest hour
// fills in.
func (m *Model) refreshTimeline(ev checks.Event) tea.Cmd {
	if !m.tl.open || ev.Kind != checks.EventSweepFinished {
		return nil
	}
	return m.loadTimeline()
}

func (m *Model) timelineLoaded(msg timelineMsg) {
	m.tl.gen++
	m.tl.loading = false
	m.tl.loaded = true
	m.tl.err = msg.err
	if msg.err == nil {
		m.tl.data = msg.data
	}
}

// timelineLines draw, per route, each service's last 24 h as a strip of hours, oldest left,
// with its uptime, in a w×h body scrolled so that the selected route shows.
func (m Model) timelineLines(w, h int) []string {
	lines := []string{m.styles.header.Render(clip("timeline · last 24 h · one column per hour, newest right · t closes", w, m.glyphs))}
	switch {
	case m.opt.Timeline == nil:
		return append(lines, "", clip("history is off (--state off): nothing stored to show", w, m.glyphs))
	case m.tl.err != nil:
		return append(lines, "", m.styles.warn.Render(clip("cannot read the history: "+clean(m.tl.err.Error()), w, m.glyphs)))
	case !m.tl.loaded:
		return append(lines, "", "loading history…")
	}
	d := m.tl.data
	loc := d.Loc
	if loc == nil {
		loc = time.Local
	}
	cells := map[checks.Cell]history.Cell{}
	hours := 0
	for _, c := range d.Cells {
		cells[checks.Cell{Route: c.Route, Service: c.Service}] = c
		hours = max(hours, len(c.Hours))
	}
	if hours == 0 {
		hours = int(d.Until.Sub(d.Since.Truncate(time.Hour)).Hours() + 0.999)
	}

	nameW := 8
	for _, s := range m.plan.Services {
		nameW = max(nameW, min(width(clean(s.Title)), 16))
	}
	nameW += 2        // indent under the route
	const uptimeW = 7 // " 100.0%"
	per := max(1, min(4, (w-nameW-1-uptimeW)/max(hours, 1)))
	stripW := hours * per

	axis := []rune(strings.Repeat(" ", stripW))
	for i := range hours {
		at := d.Since.In(loc).Truncate(time.Hour).Add(time.Duration(i) * time.Hour)
		if at.Hour()%6 == 0 && i*per+2 <= stripW {
			copy(axis[i*per:], []rune(at.Format("15")))
		}
	}
	lines = append(lines, m.styles.dim.Render(clip(strings.Repeat(" ", nameW+1)+string(axis), w, m.glyphs)))

	perRoute := 1 + len(m.plan.Services)
	shown := max(1, (h-len(lines))/perRoute)
	first := max(0, min(m.rowOff, m.row), m.row-shown+1)
	for i := first; i < len(m.plan.Routes); i++ {
		r := m.plan.Routes[i]
		name := clean(r.Name)
		if i == m.row {
			name = m.styles.selected.Render(name)
		}
		lines = append(lines, clip(name, w, m.glyphs))
		for _, s := range m.plan.Services {
			c, ok := cells[checks.Cell{Route: r.Name, Service: s.Name}]
			strip := m.styles.dim.Render(strings.Repeat(noCheck.glyph(m.opt.ASCII), stripW))
			up := "     —"
			if ok {
				strip = m.timelineStrip(c.Hours, per)
				if c.Checks > 0 {
					up = fmt.Sprintf("%6.1f%%", c.Uptime()*100)
				}
			}
			lines = append(lines, fit("  "+clean(s.Title), nameW, m.glyphs)+" "+strip+" "+up)
		}
	}
	lines = append(lines, "", m.styles.dim.Render(clip(StripLegend(m.opt.ASCII), w, m.glyphs)))
	return lines
}

// timelineStrip colours each hour by its level, per characters wide.
func (m Model) timelineStrip(hours []history.Hour, per int) string {
	var b strings.Builder
	for _, h := range hours {
		l := levelOf(h)
		b.WriteString(m.styles.forVerdict(l.verdict).Render(strings.Repeat(l.glyph(m.opt.ASCII), per)))
	}
	return b.String()
}
