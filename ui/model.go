package ui

import (
	"time"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/lifeline-app/lifeline/checks"
)

// Messages the model sends itself.
type (
	eventMsg        struct{ ev checks.Event }
	eventsClosedMsg struct{}
	// tickMsg carries the loop's generation so a stray tick cannot start a second loop.
	tickMsg struct {
		gen uint64
		at  time.Time
	}
)

// Model is the dashboard, composed of two parts: the board (plan and latest results, folded
// from the runner's events) and the view state (size, cursor, open panes, notices). Update
// does no I/O.
type Model struct {
	board
	viewState

	runner Runner
	opt    Options
	now    func() time.Time
	cache  *renderCache // what the last frames drew, reused until its inputs change
}

// viewState is everything about how the board is shown: nothing in it is a result.
type viewState struct {
	width, height int
	dark          bool
	profile       colorprofile.Profile // the terminal's colour depth, as Bubble Tea detected it
	styles        styles
	stylesGen     uint64 // bumped when styles change, so cached rows are drawn again
	glyphs        Glyphs

	row, col       int // cursor; col 0 is the route column, col i is service i-1
	rowOff, colOff int // first visible route and service
	detail         bool
	help           bool
	paused         bool           // periodic sweeps paused at the user's request
	pane           viewport.Model // scrolls the detail or the help when it is longer than the screen
	quitting       bool           // the last frame is empty, so no stale rows stay behind

	tickGen   uint64    // the armed tick's generation; older ticks are stray
	tickDue   time.Time // when the armed tick fires
	tickArmed bool
	frame     int // spinner frame, advanced only while something is pending

	tl timelineView // the timeline view ('t'), see timeline.go

	notice notice // the footer's message while it is news
}

// NewModel builds the dashboard for plan; it starts nothing until the program runs Init.
func NewModel(plan checks.Plan, r Runner, opt Options) Model {
	m := Model{
		board:  newBoard(plan),
		runner: r,
		opt:    opt,
		now:    time.Now,
		cache:  &renderCache{},
	}
	m.dark = true
	m.profile = colorprofile.TrueColor
	m.glyphs = UnicodeGlyphs
	if opt.ASCII {
		m.glyphs = ASCIIGlyphs
	}
	m.pane = viewport.New()
	m.setStyles()
	return m
}

// setStyles rebuilds the looks after the background or colour depth changed.
func (m *Model) setStyles() {
	m.styles = newStyles(m.opt.NoColor, m.dark, m.profile)
	m.stylesGen++
}

// Init starts the event wait, the tick loop and asks the terminal for its background.
func (m Model) Init() tea.Cmd {
	// The first tick: Update arms the following ones for when the screen next changes.
	gen := m.tickGen
	first := tea.Tick(tickEvery, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
	return tea.Batch(m.waitEvent(), m.waitReloadRequest(), first, tea.RequestBackgroundColor)
}

// waitEvent blocks in a command (not in Update) until the runner sends the next event.
func (m Model) waitEvent() tea.Cmd {
	if m.runner == nil {
		return nil
	}
	events := m.runner.Events()
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return eventsClosedMsg{}
		}
		return eventMsg{ev}
	}
}

// Update applies one message and returns the commands that follow from it.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case eventMsg:
		sel := m.selection()
		m.apply(msg.ev, m.now)
		if msg.ev.Kind == checks.EventPlanChanged {
			m.followPlan(sel)
		}
		return m, tea.Batch(m.waitEvent(), m.armTick(), m.refreshTimeline(msg.ev))
	case timelineMsg:
		m.timelineLoaded(msg)
		return m, nil
	case eventsClosedMsg:
		m.closed = true
		return m, nil
	case reloadRequestMsg:
		return m, tea.Batch(m.reload(), m.waitReloadRequest())
	case reloadDoneMsg:
		return m, m.reloaded(msg)
	case noticeExpiredMsg:
		if msg.id == m.notice.id {
			m.notice = notice{}
		}
		return m, nil
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil // a stray tick: the live loop is already armed
		}
		m.tickArmed = false
		if m.anyPending() {
			m.frame++
		}
		return m, m.armTick()
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.scrollToCursor()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.setStyles()
		return m, nil
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		m.setStyles()
		return m, nil
	case tea.KeyPressMsg:
		next, cmd := m.key(msg)
		km := next.(Model)
		tc := km.armTick()
		return km, tea.Batch(cmd, tc)
	}
	return m, nil
}

// counts tallies the cells that have a result by verdict.
func (b *board) counts() map[checks.Verdict]int {
	n := map[checks.Verdict]int{}
	for i := range b.cells {
		for j := range b.cells[i] {
			c := &b.cells[i][j]
			if c.have {
				n[c.res.Verdict]++
			}
		}
	}
	return n
}
