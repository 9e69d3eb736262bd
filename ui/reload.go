package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/lifeline-app/lifeline/checks"
)

// reloadNoticeFor is how long "reloaded …" stays in the footer; a failure stays until the
// next reload succeeds or esc dismisses it, since stderr is hidden behind the dashboard.
const reloadNoticeFor = 10 * time.Second

// Reload outcomes the model receives; the file is read and parsed in a command, never in Update.
type (
	reloadRequestMsg struct{}
	reloadDoneMsg    struct {
		title string // the config now in use, for the header
		note  string // what changed, e.g. "3 routes, 4 services"
		err   error  // why the new config was refused; the old one keeps running
	}
)

// ReloadResult is what Options.Reload reports.
type ReloadResult struct {
	Title string // config path or "embedded default"
	Note  string // one line about the new plan
}

// waitReloadRequest blocks in a command until a reload is asked for from outside (SIGHUP).
func (m Model) waitReloadRequest() tea.Cmd {
	requests := m.opt.ReloadRequests
	if requests == nil {
		return nil
	}
	return func() tea.Msg {
		if _, ok := <-requests; !ok {
			return nil
		}
		return reloadRequestMsg{}
	}
}

// reload reads the config again in a command and reports back with reloadDoneMsg.
func (m Model) reload() tea.Cmd {
	f := m.opt.Reload
	if f == nil {
		return nil
	}
	return func() tea.Msg {
		res, err := f()
		return reloadDoneMsg{title: res.Title, note: res.Note, err: err}
	}
}

func (m *Model) reloaded(msg reloadDoneMsg) {
	m.reloadAt = m.now()
	if msg.err != nil {
		m.reloadMsg, m.reloadFailed = "reload failed, still running the previous config: "+msg.err.Error(), true
		return
	}
	if msg.title != "" {
		m.opt.Title = msg.title
	}
	m.reloadMsg, m.reloadFailed = "reloaded: "+msg.note, false
}

// replan follows the runner onto a reloaded plan: routes and cells that stay keep what they
// showed, new ones start pending, removed ones leave; the cursor stays on its route and service.
func (m *Model) replan(plan checks.Plan) {
	selRoute, selService := "", ""
	if m.row >= 0 && m.row < len(m.plan.Routes) {
		selRoute = m.plan.Routes[m.row].Name
	}
	if j := m.col - 1; j >= 0 && j < len(m.plan.Services) {
		selService = m.plan.Services[j].Name
	}
	oldRoutes, oldCells, oldRouteIndex, oldServiceIndex := m.routes, m.cells, m.routeIndex, m.serviceIndex

	m.plan = plan
	m.routeIndex, m.serviceIndex = map[string]int{}, map[string]int{}
	m.routes = make([]routeState, len(plan.Routes))
	m.cells = make([][]cell, len(plan.Routes))
	for j, s := range plan.Services {
		m.serviceIndex[s.Name] = j
	}
	for i, r := range plan.Routes {
		m.routeIndex[r.Name] = i
		m.cells[i] = make([]cell, len(plan.Services))
		oi, ok := oldRouteIndex[r.Name]
		if !ok {
			continue
		}
		m.routes[i] = oldRoutes[oi]
		for j, s := range plan.Services {
			if oj, ok := oldServiceIndex[s.Name]; ok {
				m.cells[i][j] = oldCells[oi][oj]
			}
		}
	}
	if i, ok := m.routeIndex[selRoute]; ok {
		m.row = i
	}
	if j, ok := m.serviceIndex[selService]; ok {
		m.col = j + 1
	} else if selService != "" {
		m.col = 0
		m.detail = false // its cell is gone
	}
	m.scrollToCursor()
}

// reloadFooter is the reload outcome for the footer, or "" when there is none to show.
func (m Model) reloadFooter() string {
	switch {
	case m.reloadMsg == "":
		return ""
	case m.reloadFailed:
		return m.reloadMsg
	case m.now().Sub(m.reloadAt) < reloadNoticeFor:
		return m.reloadMsg
	}
	return ""
}
