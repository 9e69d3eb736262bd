package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/lifeline-app/lifeline/checks"
)

// renderCache keeps what earlier frames drew. Between sweeps only the countdown changes, so
// the table's rows are reused until a result, the cursor, the size or the styles change them.
// Models are copied by value; they share the cache, and every entry is keyed by all it
// depends on, so a stale entry can never be shown.
type renderCache struct {
	rows  map[int]cachedRow
	names struct {
		planGen uint64
		w       int
		short   []string
	}
	best struct {
		gen   uint64
		picks [][]checks.Pick // per service
	}
	packed struct {
		gen      uint64
		w, nameW int
		lines    []string
	}
	screen struct {
		key  screenKey
		body []string // everything under the header, cut to the screen
	}
	// drawn counts what was drawn anew rather than reused: screens under the header, rows.
	drawn struct{ screens, rows int }
}

// screenKey is everything the screen under the header depends on. The header (countdown,
// "5s ago") is drawn every frame; the rest only when one of these changes.
type screenKey struct {
	gen, stylesGen             uint64
	width, height              int
	row, col, rowOff, colOff   int
	detail, help, paused, quit bool
	closed                     bool
	pane                       int
	frame                      int // spinner frame while something is pending, else -1
	notice                     uint64
	second                     int64  // the clock's second while the detail (which says "ago") is open
	timeline                   uint64 // the timeline's generation: opened, closed or loaded
}

type rowKey struct {
	gen       uint64 // the board row's generation
	selCol    int    // the cursor's column when it is on this row, else -1
	layout    [6]int
	colOff    int
	stylesGen uint64
	frame     int // the spinner frame while the row waits for a result, else -1
}

type cachedRow struct {
	key  rowKey
	line string
}

// matrix renders the visible part of the routes × services table, one line per route.
func (m Model) matrix(l layout) []string {
	if len(m.plan.Routes) == 0 {
		return []string{"no routes configured"}
	}
	rowEnd := min(len(m.plan.Routes), m.rowOff+l.rows)
	colEnd := min(len(m.plan.Services), m.colOff+l.cols)
	b := m.border()
	bs := m.styles.ink.border

	widths := []int{l.routeW + 2}
	for range colEnd - m.colOff {
		widths = append(widths, l.svcW+2)
	}
	rule := func(left, mid, right string) string {
		parts := make([]string, len(widths))
		for k, w := range widths {
			parts[k] = strings.Repeat(b.Top, w)
		}
		return bs.paint(left + strings.Join(parts, mid) + right)
	}
	bottomRule := func() string {
		parts := make([]string, len(widths))
		for k, w := range widths {
			parts[k] = strings.Repeat(b.Bottom, w)
		}
		return bs.paint(b.BottomLeft + strings.Join(parts, b.MiddleBottom) + b.BottomRight)
	}
	v := bs.paint(b.Left)

	lines := make([]string, 0, l.rows+tableChrome+1)
	lines = append(lines, rule(b.TopLeft, b.MiddleTop, b.TopRight))
	head := v + m.styles.ink.header.paint(" "+fit("route", l.routeW, m.glyphs)+" ") + v
	for j := m.colOff; j < colEnd; j++ {
		head += m.styles.ink.header.paint(" "+fit(m.serviceName(j, l.short), l.svcW, m.glyphs)+" ") + v
	}
	lines = append(lines, head)
	lines = append(lines, rule(b.MiddleLeft, b.Middle, b.MiddleRight))
	for i := m.rowOff; i < rowEnd; i++ {
		lines = append(lines, m.tableRow(i, l, colEnd))
	}
	lines = append(lines, bottomRule())
	if l.more {
		lines = append(lines, m.styles.ink.dim.paint(clip(m.position(l, rowEnd, colEnd), l.tableW, m.glyphs)))
	}
	return lines
}

// tableRow is one route's line, from the cache when nothing it shows has changed.
func (m Model) tableRow(i int, l layout, colEnd int) string {
	key := rowKey{gen: m.rowGen[i], selCol: -1, layout: l.key(), colOff: m.colOff, stylesGen: m.stylesGen, frame: -1}
	if i == m.row {
		key.selCol = m.col
	}
	if m.routePending(i) {
		key.frame = m.frame
	}
	if m.cache.rows == nil {
		m.cache.rows = map[int]cachedRow{}
	}
	if c, ok := m.cache.rows[i]; ok && c.key == key {
		return c.line
	}
	v := m.styles.ink.border.paint(m.border().Left)
	var b strings.Builder
	b.WriteString(v)
	var route ink
	if i == m.row && m.col == 0 {
		route = m.styles.ink.selected
	}
	b.WriteString(route.paint(m.frameCell(m.routeCell(i, l), i, 0)))
	b.WriteString(v)
	for j := m.colOff; j < colEnd; j++ {
		b.WriteString(m.cellInk(i, j).paint(m.frameCell(fit(m.serviceCell(i, j, l.short), l.svcW, m.glyphs), i, j+1)))
		b.WriteString(v)
	}
	line := b.String()
	m.cache.rows[i] = cachedRow{key: key, line: line}
	m.cache.drawn.rows++
	return line
}

func (m Model) cellInk(i, j int) ink {
	switch {
	case i == m.row && j+1 == m.col:
		return m.styles.ink.selected
	case m.cellPending(i, j) && !m.cells[i][j].have:
		return m.styles.ink.dim
	}
	return m.styles.inkFor(m.cells[i][j].res.Verdict)
}

func (m Model) border() lipgloss.Border {
	if m.opt.ASCII {
		return lipgloss.ASCIIBorder()
	}
	return lipgloss.RoundedBorder()
}

// frameCell pads a cell with a space on each side, or with brackets under the cursor so the
// selection shows without colour too.
func (m Model) frameCell(content string, i, col int) string {
	if i == m.row && col == m.col {
		return "[" + content + "]"
	}
	return " " + content + " "
}

// position says which part of a scrolled matrix is on screen.
func (m Model) position(l layout, rowEnd, colEnd int) string {
	var parts []string
	if n := len(m.plan.Routes); l.rows < n {
		more := ""
		if rowEnd < n {
			more = " " + m.glyphs.More + " more"
		}
		parts = append(parts, fmt.Sprintf("routes %d-%d of %d%s", m.rowOff+1, rowEnd, n, more))
	}
	if n := len(m.plan.Services); l.cols < n {
		left, right := " ", " "
		if m.colOff > 0 {
			left = "<"
		}
		if colEnd < n {
			right = ">"
		}
		parts = append(parts, fmt.Sprintf("%s services %d-%d of %d %s", left, m.colOff+1, colEnd, n, right))
	}
	return strings.Join(parts, m.glyphs.Sep)
}

func (m Model) serviceName(j int, short bool) string {
	s := m.plan.Services[j]
	name := s.Title
	if name == "" {
		name = s.Name
	}
	if short && s.Short != "" {
		name = s.Short
	}
	return clean(name)
}

// routeCell is the route's name (shortened so that every name stays distinct), its state
// glyph, and its warnings: "vpn-de ✓ ⚠ no tunnel". Endpoint and reason are in the detail.
func (m Model) routeCell(i int, l layout) string {
	s := fit(m.routeName(i, l.nameW), l.nameW, m.glyphs) + " " + m.routeGlyph(i)
	if l.noteW > 0 {
		s += " " + fit(m.routeNote(i, l.note), l.noteW, m.glyphs)
	}
	return fit(s, l.routeW, m.glyphs)
}

// routeName is route i's name in at most w cells; names are shortened together (see
// distinctNames), once per plan and width.
func (m Model) routeName(i, w int) string {
	nc := &m.cache.names
	if nc.short == nil || nc.planGen != m.planGen || nc.w != w {
		names := make([]string, len(m.plan.Routes))
		for k, r := range m.plan.Routes {
			names[k] = clean(r.Name)
		}
		nc.short, nc.planGen, nc.w = distinctNames(names, w, m.glyphs.Ellipsis), m.planGen, w
	}
	return nc.short[i]
}

// distinctNames shortens the names longer than w to a head, an ellipsis and a tail, keeping
// the shortest tail that tells every name apart: "socks-frankfurt-01" and
// "socks-frankfurt-02" become "socks-fr…01" and "socks-fr…02", not two "socks-frank…".
func distinctNames(names []string, w int, ellipsis string) []string {
	out := make([]string, len(names))
	ew := width(ellipsis)
	for tail := 0; ; tail++ {
		seen := map[string]bool{}
		unique := true
		for k, n := range names {
			out[k] = shorten(n, w, tail, ellipsis)
			if seen[out[k]] {
				unique = false
			}
			seen[out[k]] = true
		}
		if unique || tail >= w-ew-1 {
			return out
		}
	}
}

// shorten cuts s to w cells keeping its last tail cells after the ellipsis.
func shorten(s string, w, tail int, ellipsis string) string {
	if width(s) <= w {
		return s
	}
	rs := []rune(s)
	tail = min(tail, len(rs))
	headW := w - width(ellipsis) - tail
	if headW < 1 {
		return string(rs[len(rs)-min(w, len(rs)):])
	}
	return string(rs[:headW]) + ellipsis + string(rs[len(rs)-tail:])
}

// routeWarnings are the warnings of route i's newest check.
func (m Model) routeWarnings(i int) []checks.RouteWarning {
	if r := m.routes[i]; r.have && r.res.OK {
		return r.res.Warnings()
	}
	return nil
}

// routeNote follows a route's state glyph: a working route's warnings ("⚠ no tunnel", or the
// glyphs alone at noteGlyphs), and at noteAll a down route's failure in a word ("refused").
// A route state that changes how the whole row reads (offline, allowlist) comes first.
func (m Model) routeNote(i int, level int) string {
	r := m.routes[i]
	if !r.have {
		return ""
	}
	var parts []string
	if st := r.res.StateOf(); st.Warning() {
		if level >= noteWarnings {
			parts = append(parts, m.glyphs.Warn+" "+st.Word())
		} else {
			parts = append(parts, m.glyphs.Warn)
		}
	}
	switch {
	case r.res.OK:
		if w := m.warnText(m.routeWarnings(i), level >= noteWarnings); w != "" {
			parts = append(parts, w)
		}
	case level == noteAll && r.res.Err != nil && len(parts) == 0:
		parts = append(parts, clean(r.res.Err.Short()))
	}
	sep := " "
	if level < noteWarnings {
		sep = ""
	}
	return strings.Join(parts, sep)
}

// warnText is "⚠ no tunnel ⚠ local dns", or "⚠⚠" without words.
func (m Model) warnText(ws []checks.RouteWarning, words bool) string {
	var parts []string
	for _, w := range ws {
		if words {
			parts = append(parts, m.glyphs.Warn+" "+w.Word())
		} else {
			parts = append(parts, m.glyphs.Warn)
		}
	}
	if words {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, "")
}

func (m Model) routeGlyph(i int) string {
	r := m.routes[i]
	switch {
	case !r.have || r.res.Sweep < r.sweep && m.routePending(i):
		return m.spinner()
	case r.res.OK:
		return m.glyphs.OK
	}
	return m.glyphs.RouteDown
}

func (m Model) routeWord(i int) string {
	r := m.routes[i]
	switch {
	case !r.have:
		return "checking"
	case r.res.OK:
		return "up"
	case r.res.Err != nil:
		return r.res.Err.Short()
	}
	return "down"
}

func (m Model) spinner() string {
	frames := m.glyphs.Spinner
	if len(frames) == 0 {
		return m.glyphs.Pending
	}
	return frames[m.frame%len(frames)]
}

// serviceCell is glyph and word, e.g. "✓ 142ms"; a spinner until the first result arrives.
// A cell being rechecked keeps its last result until the new one lands.
func (m Model) serviceCell(i, j int, short bool) string {
	c := &m.cells[i][j]
	if !c.have {
		return m.spinner() + " pending"
	}
	if !short {
		return clean(Cell(m.glyphs, c.res))
	}
	return m.glyphs.For(c.res.Verdict) + " " + clean(narrowWord(c.res))
}

// narrowWord is CellWord for narrow columns.
func narrowWord(r checks.CheckResult) string {
	if r.Verdict == checks.VerdictSlow {
		return FormatLatency(r.Latency)
	}
	if w := r.Verdict.Info().Narrow; w != "" {
		return w
	}
	return CellWord(r)
}
