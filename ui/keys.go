package ui

import (
	tea "charm.land/bubbletea/v2"
)

// key handles one key press. Requests to the runner leave through commands, never from here.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "q", "ctrl+c":
		m.quitting = true
		return m, tea.Quit
	case "?":
		m.help = !m.help
		m.pane.SetYOffset(0)
		return m, nil
	case "esc":
		m.notice = notice{}
		if m.help {
			m.help = false
		} else {
			m.detail = false
		}
		m.pane.SetYOffset(0)
		m.scrollToCursor()
		return m, nil
	case "pgdown":
		m.scrollPane(m.pageSize())
		return m, nil
	case "pgup":
		m.scrollPane(-m.pageSize())
		return m, nil
	case "J", "ctrl+d":
		m.scrollPane(1)
		return m, nil
	case "K", "ctrl+u":
		m.scrollPane(-1)
		return m, nil
	}
	if m.help {
		// The help covers the matrix: movement keys scroll it; others wait until it closes.
		switch msg.String() {
		case "down", "j":
			m.scrollPane(1)
		case "up", "k":
			m.scrollPane(-1)
		case "end", "G":
			m.scrollPane(1 << 20)
		case "home", "g":
			m.pane.SetYOffset(0)
		}
		return m, nil
	}
	row, col := m.row, m.col
	switch msg.String() {
	case "up", "k":
		m.row--
	case "down", "j":
		m.row++
	case "left", "h":
		m.col--
	case "right", "l":
		m.col++
	case "home", "g":
		m.row, m.col = 0, 0
	case "end", "G":
		m.row = len(m.plan.Routes) - 1
	case "enter":
		m.detail = !m.detail
		m.tl.open = false
		m.pane.SetYOffset(0)
	case "t":
		return m.toggleTimeline()
	case "r":
		if name, ok := m.selectedRoute(); ok {
			return m, tea.Batch(m.say("rechecking "+name+m.glyphs.Ellipsis, false), m.recheck(name))
		}
	case "R":
		return m, tea.Batch(m.say("rechecking every route"+m.glyphs.Ellipsis, false), m.recheck())
	case "ctrl+r":
		return m, tea.Batch(m.say("reloading the config"+m.glyphs.Ellipsis, false), m.reload())
	case "p", "space":
		m.paused = !m.paused
		return m, m.setPaused(m.paused)
	default:
		return m, nil
	}
	m.clampCursor()
	if m.row != row || m.col != col {
		m.pane.SetYOffset(0) // another cell's detail starts at its top
	}
	m.scrollToCursor()
	return m, nil
}

func (m Model) recheck(routes ...string) tea.Cmd {
	r := m.runner
	if r == nil {
		return nil
	}
	return func() tea.Msg {
		r.Recheck(routes...)
		return nil
	}
}

func (m Model) setPaused(paused bool) tea.Cmd {
	r := m.runner
	if r == nil {
		return nil
	}
	return func() tea.Msg {
		r.SetPaused(paused)
		return nil
	}
}

func (m Model) selectedRoute() (string, bool) {
	if m.row < 0 || m.row >= len(m.plan.Routes) {
		return "", false
	}
	return m.plan.Routes[m.row].Name, true
}

func (m *Model) clampCursor() {
	m.row = max(0, min(m.row, len(m.plan.Routes)-1))
	m.col = max(0, min(m.col, len(m.plan.Services)))
}

// scrollToCursor moves the visible window just enough to show the cursor.
func (m *Model) scrollToCursor() {
	m.clampCursor()
	lay := m.layout()
	if m.row < m.rowOff {
		m.rowOff = m.row
	}
	if lay.rows > 0 && m.row >= m.rowOff+lay.rows {
		m.rowOff = m.row - lay.rows + 1
	}
	m.rowOff = max(0, min(m.rowOff, len(m.plan.Routes)-max(lay.rows, 1)))
	if svc := m.col - 1; svc >= 0 {
		if svc < m.colOff {
			m.colOff = svc
		}
		if lay.cols > 0 && svc >= m.colOff+lay.cols {
			m.colOff = svc - lay.cols + 1
		}
	}
	m.colOff = max(0, min(m.colOff, len(m.plan.Services)-max(lay.cols, 1)))
}
