package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// How long a footer message stays: news fades after a few seconds; a refused config stays
// longer, since stderr is hidden behind the dashboard, and esc dismisses either.
const (
	noticeFor     = 4 * time.Second
	warnNoticeFor = 15 * time.Second
	noticeLines   = 3 // a long message wraps onto at most this many footer lines
)

// notice is the footer's message while it is news.
type notice struct {
	text string
	warn bool
	id   uint64 // which message a noticeExpiredMsg is about
}

// noticeExpiredMsg clears the notice it names, unless a newer one replaced it.
type noticeExpiredMsg struct{ id uint64 }

// say shows text in the footer and returns the timer that fades it: a tick, not I/O.
func (m *Model) say(text string, warn bool) tea.Cmd {
	id := m.notice.id + 1
	m.notice = notice{text: clean(text), warn: warn, id: id}
	d := noticeFor
	if warn {
		d = warnNoticeFor
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return noticeExpiredMsg{id: id} })
}

// footer is the notice while there is one, wrapped at word boundaries onto up to three
// lines, else the one-line key reminder.
func (m Model) footer() []string {
	if m.notice.text == "" || m.width <= 0 {
		return []string{m.styles.dim.Render(clip(m.footerHelp(), m.width, m.glyphs))}
	}
	style := m.styles.dim
	if m.notice.warn {
		style = m.styles.warn
	}
	lines := wrapWords(m.notice.text, m.width)
	if len(lines) > noticeLines {
		lines = lines[:noticeLines]
		lines[noticeLines-1] = clip(lines[noticeLines-1]+" "+m.glyphs.Ellipsis, m.width, m.glyphs)
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}

// wrapWords breaks text at spaces into lines of at most w cells; only a word longer than a
// line is cut.
func wrapWords(text string, w int) []string {
	return splitLines(ansi.Wrap(text, w, ""))
}
