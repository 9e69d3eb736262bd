package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

// View draws the whole screen, cut to the terminal size so nothing wraps.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = !m.opt.NoAltScreen
	v.WindowTitle = "lifeline"
	return v
}

func (m Model) render() string {
	if m.quitting || m.width <= 0 || m.height <= 0 {
		// The last frame is empty: nothing more is drawn while the program stops.
		return ""
	}
	key := m.screenKey()
	sc := &m.cache.screen
	if sc.body == nil || sc.key != key {
		sc.body, sc.key = m.body(), key
		m.cache.drawn.screens++
	}
	head := m.header()
	for i, line := range head {
		if width(line) > m.width {
			head[i] = ansi.Truncate(line, m.width, "")
		}
	}
	lines := append(head, sc.body...)
	out := strings.Join(lines[:min(len(lines), m.height)], "\n")
	if m.opt.ASCII {
		out = asciiOnly(out)
	}
	return out
}

func (m Model) screenKey() screenKey {
	k := screenKey{
		gen: m.gen, stylesGen: m.stylesGen, width: m.width, height: m.height,
		row: m.row, col: m.col, rowOff: m.rowOff, colOff: m.colOff,
		detail: m.detail, help: m.help, paused: m.paused, closed: m.closed,
		pane: m.pane.YOffset(), frame: -1, notice: m.notice.id, timeline: m.tl.gen,
	}
	if m.anyPending() {
		k.frame = m.frame
	}
	if m.detail {
		k.second = m.now().Unix()
	}
	return k
}

// body is everything under the header: the matrix, the best routes, the detail or the help,
// and the footer, cut to the screen.
func (m Model) body() []string {
	l := m.layout()
	var body []string
	trusted := 0 // leading lines drawn to fit the screen already: the table's, when it fits
	matrix := func() []string {
		mat := m.matrix(l)
		if m.tableWidth(l) <= m.width {
			trusted = len(mat)
		}
		return mat
	}
	switch {
	case m.help:
		body = m.paneLines(m.helpLines(), m.width, l.bodyH)
	case m.tl.open:
		body = m.timelineLines(m.width, l.bodyH)
	case m.detail && l.detailSide:
		left := append(m.matrix(l), m.bestLines(l)...)
		leftW := 0
		for _, line := range left {
			leftW = max(leftW, width(line))
		}
		right := m.paneLines(m.detailLines(l.detailW), l.detailW, l.bodyH)
		body = joinBeside(left, right, leftW, " "+m.styles.border.Render(m.vrule())+" ")
	case m.detail:
		body = append(matrix(), m.bestLines(l)...)
		if l.detailH > 0 {
			body = append(body, m.styles.border.Render(strings.Repeat(m.hrule(), m.width)))
			body = append(body, m.paneLines(m.detailLines(m.width), m.width, l.detailH-1)...)
		}
	default:
		body = append(matrix(), m.bestLines(l)...)
	}
	if len(body) > l.bodyH {
		body = body[:l.bodyH]
	}
	for len(body) < l.bodyH {
		body = append(body, "")
	}
	body = append(body, m.footer()...)
	// Nothing may wrap: cut what is wider than the screen (a line no longer in bytes than
	// the screen is in cells cannot be).
	for i := trusted; i < len(body); i++ {
		if len(body[i]) > m.width && width(body[i]) > m.width {
			body[i] = ansi.Truncate(body[i], m.width, "")
		}
	}
	return body
}

// tableWidth is how wide the matrix is drawn for l.
func (m Model) tableWidth(l layout) int {
	cols := min(l.cols, len(m.plan.Services)-m.colOff)
	return l.routeW + 4 + cols*(l.svcW+3)
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
	g := m.glyphs
	title := "lifeline"
	if m.opt.Title != "" {
		title += g.Sep + clean(m.opt.Title)
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
	first := m.styles.title.Render(clip(title, titleW, g))
	if state != "" {
		first += strings.Repeat(" ", max(m.width-titleW-width(state), 2)) + state
	}

	n := m.counts()
	type count struct {
		v     checks.Verdict
		glyph string
		n     int
		word  string
	}
	// Each glyph means one verdict, here as in the cells: ◐ slow, ◑ partial.
	counts := []count{
		{checks.VerdictOK, g.OK, n[checks.VerdictOK], "ok"},
		{checks.VerdictSlow, g.Slow, n[checks.VerdictSlow], "slow"},
		{checks.VerdictPartial, g.Partial, n[checks.VerdictPartial], "partial"},
		{checks.VerdictBlocked, g.Blocked, n[checks.VerdictBlocked] + n[checks.VerdictRouteDown], "down"},
	}
	if na := n[checks.VerdictNA]; na > 0 {
		counts = append(counts, count{checks.VerdictNA, g.NA, na, "n/a"})
	}
	last := "no sweep finished yet"
	if !m.lastFinished.IsZero() {
		last = "last sweep " + m.when(m.lastFinished)
	}
	parts := []string{last}
	for _, c := range counts {
		parts = append(parts, m.styles.forVerdict(c.v).Render(fmt.Sprintf("%s %d %s", c.glyph, c.n, c.word)))
	}
	second := strings.Join(parts, g.Sep)
	if width(second) > m.width {
		// Narrow: counts first, as glyph and number, then the clock.
		parts = parts[:0]
		for _, c := range counts {
			parts = append(parts, m.styles.forVerdict(c.v).Render(fmt.Sprintf("%s%d", c.glyph, c.n)))
		}
		second = strings.Join(parts, " ")
		if !m.lastFinished.IsZero() {
			second += g.Sep + "last " + m.lastFinished.Format("15:04:05")
		}
	}
	return []string{first, second}
}
