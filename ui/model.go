package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/lifeline-app/lifeline/checks"
)

// tickEvery drives the countdown and the spinner; it is the only timer the dashboard runs.
const tickEvery = time.Second

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

// cell is what the matrix knows about one route × service.
type cell struct {
	res  checks.CheckResult
	have bool
}

// routeState is what the matrix knows about one route.
type routeState struct {
	res  checks.RouteResult
	have bool
	// sweep is the newest sweep started for this route; older results are stale.
	sweep uint64
}

// Model is the dashboard: plan, latest results, cursor and view state. Update does no I/O.
type Model struct {
	plan   checks.Plan
	runner Runner
	opt    Options
	now    func() time.Time

	routeIndex   map[string]int
	serviceIndex map[string]int
	routes       []routeState
	cells        [][]cell // [route][service]

	lastFinished time.Time
	next         time.Time
	paused       bool
	closed       bool // the runner stopped sending events

	width, height int
	dark          bool
	profile       colorprofile.Profile // the terminal's colour depth, as Bubble Tea detected it
	styles        styles
	glyphs        Glyphs

	row, col       int // cursor; col 0 is the route column, col i is service i-1
	rowOff, colOff int // first visible route and service
	detail         bool
	help           bool

	tickGen uint64
	frame   int // spinner frame, advanced only while something is pending

	tl timelineView // the timeline view ('t'), see timeline.go

	reloadMsg    string // the last reload's outcome, shown in the footer
	reloadFailed bool
	reloadAt     time.Time
}

// NewModel builds the dashboard for plan; it starts nothing until the program runs Init.
func NewModel(plan checks.Plan, r Runner, opt Options) Model {
	m := Model{
		plan:         plan,
		runner:       r,
		opt:          opt,
		now:          time.Now,
		routeIndex:   map[string]int{},
		serviceIndex: map[string]int{},
		routes:       make([]routeState, len(plan.Routes)),
		cells:        make([][]cell, len(plan.Routes)),
		dark:         true,
		profile:      colorprofile.TrueColor,
		glyphs:       UnicodeGlyphs,
	}
	if opt.ASCII {
		m.glyphs = ASCIIGlyphs
	}
	for i, r := range plan.Routes {
		m.routeIndex[r.Name] = i
		m.cells[i] = make([]cell, len(plan.Services))
	}
	for i, s := range plan.Services {
		m.serviceIndex[s.Name] = i
	}
	m.styles = newStyles(opt.NoColor, m.dark, m.profile)
	return m
}

// Init starts the event wait, the tick loop and asks the terminal for its background.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.waitEvent(), m.waitReloadRequest(), tick(m.tickGen), tea.RequestBackgroundColor)
}

func tick(gen uint64) tea.Cmd {
	return tea.Tick(tickEvery, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
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
		m.apply(msg.ev)
		return m, tea.Batch(m.waitEvent(), m.refreshTimeline(msg.ev))
	case timelineMsg:
		m.timelineLoaded(msg)
		return m, nil
	case eventsClosedMsg:
		m.closed = true
		return m, nil
	case reloadRequestMsg:
		return m, tea.Batch(m.reload(), m.waitReloadRequest())
	case reloadDoneMsg:
		m.reloaded(msg)
		return m, nil
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil // a stray tick: the live loop is already armed
		}
		m.tickGen++
		if m.anyPending() {
			m.frame++
		}
		return m, tick(m.tickGen)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.scrollToCursor()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.styles = newStyles(m.opt.NoColor, m.dark, m.profile)
		return m, nil
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		m.styles = newStyles(m.opt.NoColor, m.dark, m.profile)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

// apply folds one engine event into the matrix, dropping results of superseded sweeps.
func (m *Model) apply(ev checks.Event) {
	switch ev.Kind {
	case checks.EventSweepStarted:
		if len(ev.Routes) == 0 {
			for i := range m.routes {
				m.routes[i].sweep = max(m.routes[i].sweep, ev.Sweep)
			}
		}
		for _, name := range ev.Routes {
			if i, ok := m.routeIndex[name]; ok {
				m.routes[i].sweep = max(m.routes[i].sweep, ev.Sweep)
			}
		}
	case checks.EventRouteChecked:
		i, ok := m.routeIndex[ev.Route.Name]
		if !ok || ev.Route.Sweep < m.routes[i].sweep {
			return
		}
		if m.routes[i].have && ev.Route.Sweep < m.routes[i].res.Sweep {
			return
		}
		m.routes[i].sweep = ev.Route.Sweep
		m.routes[i].res, m.routes[i].have = ev.Route, true
	case checks.EventCheckDone:
		i, ok := m.routeIndex[ev.Check.Route]
		j, ok2 := m.serviceIndex[ev.Check.Service]
		if !ok || !ok2 || ev.Check.Sweep < m.routes[i].sweep {
			return
		}
		c := &m.cells[i][j]
		if c.have && ev.Check.Sweep < c.res.Sweep {
			return
		}
		m.routes[i].sweep = ev.Check.Sweep
		c.res, c.have = ev.Check, true
	case checks.EventPlanChanged:
		if ev.Plan != nil {
			m.replan(*ev.Plan)
		}
	case checks.EventSweepFinished:
		m.lastFinished = ev.At
		if ev.At.IsZero() {
			m.lastFinished = m.now()
		}
		m.next = ev.Next
	}
}

// cellPending reports whether a result for the route's newest sweep is still awaited.
func (m Model) cellPending(i, j int) bool {
	c := m.cells[i][j]
	return !c.have || c.res.Sweep < m.routes[i].sweep
}

func (m Model) routePending(i int) bool {
	for j := range m.cells[i] {
		if m.cellPending(i, j) {
			return true
		}
	}
	return false
}

func (m Model) anyPending() bool {
	for i := range m.cells {
		if m.routePending(i) {
			return true
		}
	}
	return false
}

// counts tallies the cells that have a result: working, degraded and down.
func (m Model) counts() (ok, degraded, down int) {
	for i := range m.cells {
		for _, c := range m.cells[i] {
			if !c.have {
				continue
			}
			switch c.res.Verdict.Info().Class {
			case checks.ClassWorking:
				ok++
			case checks.ClassDegraded:
				degraded++
			case checks.ClassDown:
				down++
			}
		}
	}
	return ok, degraded, down
}
