package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// View draws the whole screen, cut to the terminal size so nothing wraps.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = !m.opt.NoAltScreen
	v.WindowTitle = "lifeline"
	return v
}

func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := m.header()
	l := m.layout()
	var body []string
	switch {
	case m.help:
		body = m.helpLines()
	case m.tl.open:
		body = m.timelineLines(m.width, l.bodyH)
	case m.detail && l.detailSide:
		table := m.matrix(l)
		tableW := 0
		for _, line := range table {
			tableW = max(tableW, width(line))
		}
		body = joinBeside(table, m.detailLines(l.detailW), tableW, " "+m.styles.border.Render(m.vrule())+" ")
	case m.detail:
		body = m.matrix(l)
		body = append(body, m.styles.border.Render(strings.Repeat(m.hrule(), m.width)))
		body = append(body, m.detailLines(m.width)...)
	default:
		body = m.matrix(l)
	}
	if len(body) > l.bodyH {
		body = body[:l.bodyH]
	}
	for len(body) < l.bodyH {
		body = append(body, "")
	}
	lines = append(lines, body...)
	lines = append(lines, m.footer()...)
	return frame(strings.Join(lines, "\n"), m.width, m.height)
}

// footer is the key reminder, or the last reload's outcome while it is news. A refused
// config's message may need more than a line: it wraps onto up to three.
func (m Model) footer() []string {
	msg := m.reloadFooter()
	if msg == "" || m.width <= 0 {
		return []string{m.styles.dim.Render(clip(m.footerHelp(), m.width))}
	}
	style := m.styles.dim
	if m.reloadFailed {
		style = m.styles.warn
	}
	var lines []string
	rest := clean(msg)
	for rest != "" {
		if width(rest) <= m.width || len(lines) == 2 {
			lines = append(lines, style.Render(clip(rest, m.width)))
			break
		}
		head := ansi.Truncate(rest, m.width, "")
		if head == "" {
			break
		}
		lines = append(lines, style.Render(head))
		rest = rest[len(head):]
	}
	return lines
}

func (m Model) hrule() string {
	if m.opt.ASCII {
		return "-"
	}
	return "─"
}

func (m Model) vrule() string {
	if m.opt.ASCII {
		return "|"
	}
	return "│"
}

// header is the title with the sweep clock, then the counts.
func (m Model) header() []string {
	title := "lifeline"
	if m.opt.Title != "" {
		title += " · " + clean(m.opt.Title)
	}
	var state string
	switch {
	case m.closed:
		state = m.styles.warn.Render("stopped")
	case m.paused:
		state = m.styles.warn.Render("PAUSED") + " (p resumes)"
	case m.anyPending():
		state = m.spinner() + " checking"
	case !m.next.IsZero():
		state = "next sweep in " + countdown(m.next.Sub(m.now()))
	}
	// The state matters more than the config path: the title gives way on narrow screens.
	titleW := width(title)
	if state != "" {
		titleW = min(titleW, max(m.width-width(state)-2, 8))
	}
	first := m.styles.title.Render(clip(title, titleW))
	if state != "" {
		first += strings.Repeat(" ", max(m.width-titleW-width(state), 2)) + state
	}

	ok, degraded, down := m.counts()
	last := "no sweep finished yet"
	if !m.lastFinished.IsZero() {
		last = "last sweep " + m.when(m.lastFinished)
	}
	g := m.glyphs
	okS := m.styles.forVerdict("ok")
	slowS := m.styles.forVerdict("slow")
	downS := m.styles.forVerdict("blocked")
	second := fmt.Sprintf("%s · %s · %s · %s", last,
		okS.Render(fmt.Sprintf("%s %d ok", g.OK, ok)),
		slowS.Render(fmt.Sprintf("%s %d degraded", g.Slow, degraded)),
		downS.Render(fmt.Sprintf("%s %d down", g.Blocked, down)))
	if width(second) > m.width {
		// Narrow: counts first, as glyph and number, then the clock.
		second = fmt.Sprintf("%s %s %s", okS.Render(fmt.Sprintf("%s%d", g.OK, ok)),
			slowS.Render(fmt.Sprintf("%s%d", g.Slow, degraded)), downS.Render(fmt.Sprintf("%s%d", g.Blocked, down)))
		if !m.lastFinished.IsZero() {
			second += " · last " + m.lastFinished.Format("15:04:05")
		}
	}
	return []string{first, second}
}

func countdown(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s <= 0 {
		return "0s"
	}
	if s < 60 {
		return fmt.Sprintf("%ds", s)
	}
	return fmt.Sprintf("%dm%02ds", s/60, s%60)
}
