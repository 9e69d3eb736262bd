package ui

import "fmt"

// The detail and the help scroll in a viewport (bubbles' viewport) when they are longer than
// the space they get; a last line then says what is hidden and how to see it, so nothing is
// cut silently.

// paneLines shows content in w×h cells, scrolled to the pane's offset, with the "more" line
// when it does not fit.
func (m Model) paneLines(content []string, w, h int) []string {
	if h <= 0 || w <= 0 {
		return nil
	}
	for i, line := range content {
		content[i] = clip(line, w, m.glyphs)
	}
	if len(content) <= h {
		return content
	}
	p := m.pane
	p.SetWidth(w)
	p.SetHeight(h - 1)
	p.SetContentLines(content)
	top := p.YOffset()
	bottom := min(top+h-1, len(content))
	lines := append([]string(nil), content[top:bottom]...)
	arrow := m.glyphs.More
	if bottom >= len(content) {
		arrow = m.glyphs.MoreUp
	}
	marker := fmt.Sprintf("%s lines %d-%d of %d%s%s", arrow, top+1, bottom, len(content), m.glyphs.Sep, m.scrollKeys())
	return append(lines, m.styles.dim.Render(clip(marker, w, m.glyphs)))
}

func (m Model) scrollKeys() string {
	if m.help {
		return "j/k pgup/pgdn scroll"
	}
	return "J/K pgup/pgdn scroll"
}

// paneContent is what the pane shows now, in the size the view gives it.
func (m Model) paneContent() (lines []string, w, h int) {
	l := m.layout()
	switch {
	case m.help:
		return m.helpLines(), m.width, l.bodyH
	case m.detail && l.detailSide:
		return m.detailLines(l.detailW), l.detailW, l.bodyH
	case m.detail:
		return m.detailLines(m.width), m.width, l.detailH - 1
	}
	return nil, 0, 0
}

// scrollPane moves the pane by n lines (negative: up), within its content.
func (m *Model) scrollPane(n int) {
	lines, w, h := m.paneContent()
	if len(lines) <= h || h <= 1 {
		m.pane.SetYOffset(0)
		return
	}
	m.pane.SetWidth(w)
	m.pane.SetHeight(h - 1)
	m.pane.SetContentLines(lines)
	if n > 0 {
		m.pane.ScrollDown(n)
	} else {
		m.pane.ScrollUp(-n)
	}
}

// pageSize is how far pgup/pgdn move the pane.
func (m Model) pageSize() int {
	_, _, h := m.paneContent()
	return max(1, h-2)
}
