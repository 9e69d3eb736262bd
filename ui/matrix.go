package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"

	"github.com/lifeline-app/lifeline/checks"
)

// matrix renders the visible part of the routes × services table.
func (m Model) matrix(l layout) []string {
	if len(m.plan.Routes) == 0 {
		return []string{"no routes configured"}
	}
	rowEnd := min(len(m.plan.Routes), m.rowOff+l.rows)
	colEnd := min(len(m.plan.Services), m.colOff+l.cols)

	headers := []string{" " + fit("route", l.routeW) + " "}
	for j := m.colOff; j < colEnd; j++ {
		headers = append(headers, " "+fit(m.serviceName(j, l.short), l.svcW)+" ")
	}
	var rows [][]string
	for i := m.rowOff; i < rowEnd; i++ {
		row := []string{m.frameCell(m.routeCell(i, l), i, 0)}
		for j := m.colOff; j < colEnd; j++ {
			row = append(row, m.frameCell(fit(m.serviceCell(i, j, l.short), l.svcW), i, j+1))
		}
		rows = append(rows, row)
	}

	border := lipgloss.RoundedBorder()
	if m.opt.ASCII {
		border = lipgloss.ASCIIBorder()
	}
	t := table.New().
		Border(border).
		BorderStyle(m.styles.border).
		Headers(headers...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return m.styles.header
			}
			i := m.rowOff + row
			if col == 0 {
				if i == m.row && m.col == 0 {
					return m.styles.selected
				}
				return lipgloss.NewStyle()
			}
			j := m.colOff + col - 1
			if i == m.row && j+1 == m.col {
				return m.styles.selected
			}
			if m.cellPending(i, j) && !m.cells[i][j].have {
				return m.styles.dim
			}
			return m.styles.forVerdict(m.cells[i][j].res.Verdict)
		})
	lines := strings.Split(t.Render(), "\n")
	if l.more {
		lines = append(lines, m.styles.dim.Render(m.position(l, rowEnd, colEnd)))
	}
	return lines
}

// frameCell pads a cell with a space on each side, or with brackets under the cursor so the
// selection shows without colour too.
func (m Model) frameCell(content string, i, col int) string {
	open, close := " ", " "
	if i == m.row && col == m.col {
		open, close = "[", "]"
	}
	lines := strings.Split(content, "\n")
	for k, line := range lines {
		lines[k] = open + line + close
	}
	return strings.Join(lines, "\n")
}

// position says which part of a scrolled matrix is on screen.
func (m Model) position(l layout, rowEnd, colEnd int) string {
	var parts []string
	if n := len(m.plan.Routes); l.rows < n {
		parts = append(parts, fmt.Sprintf("routes %d-%d of %d", m.rowOff+1, rowEnd, n))
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
	return strings.Join(parts, " · ")
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

// routeCell is the route's name, and on a second line (when there is room) its endpoint and
// its own state; on one line the state shrinks to a glyph.
func (m Model) routeCell(i int, l layout) string {
	name := clean(m.plan.Routes[i].Name)
	if l.tall {
		return fit(name, l.routeW) + "\n" + fit(m.routeSubline(i), l.routeW)
	}
	glyph := m.routeGlyph(i)
	return fit(name, l.routeW-width(glyph)-1) + " " + glyph
}

// routeSubline is "socks5 127.0.0.1:1080 · ✓ up".
func (m Model) routeSubline(i int) string {
	state := m.routeGlyph(i) + " " + m.routeWord(i)
	return clean(m.plan.Routes[i].Endpoint()) + " · " + state
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
	c := m.cells[i][j]
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
