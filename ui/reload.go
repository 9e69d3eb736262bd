package ui

import (
	tea "charm.land/bubbletea/v2"
)

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

func (m *Model) reloaded(msg reloadDoneMsg) tea.Cmd {
	if msg.err != nil {
		return m.say("reload failed, still running the previous config: "+msg.err.Error(), true)
	}
	if msg.title != "" {
		m.opt.Title = msg.title
	}
	return m.say("reloaded: "+msg.note, false)
}

// selection names the route and service under the cursor, so it can follow them across a
// reload.
type selection struct{ route, service string }

func (m Model) selection() selection {
	var s selection
	if m.row >= 0 && m.row < len(m.plan.Routes) {
		s.route = m.plan.Routes[m.row].Name
	}
	if j := m.col - 1; j >= 0 && j < len(m.plan.Services) {
		s.service = m.plan.Services[j].Name
	}
	return s
}

// followPlan puts the cursor back on its route and service after the board moved onto a
// reloaded plan; when its cell is gone the detail closes.
func (m *Model) followPlan(sel selection) {
	if i, ok := m.routeIndex[sel.route]; ok {
		m.row = i
	}
	if j, ok := m.serviceIndex[sel.service]; ok {
		m.col = j + 1
	} else if sel.service != "" {
		m.col = 0
		m.detail = false // its cell is gone
	}
	m.scrollToCursor()
}
