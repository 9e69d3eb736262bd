package ui

// footerHelp is the one-line key reminder.
func (m Model) footerHelp() string {
	move := "←↓↑→/hjkl"
	if m.opt.ASCII {
		move = "arrows/hjkl"
	}
	pause := "p pause"
	if m.paused {
		pause = "p resume"
	}
	return move + " move · enter detail · r recheck · R all · " + pause + " · ? help · q quit"
}

// helpLines is the full key list behind "?".
func (m Model) helpLines() []string {
	g := m.glyphs
	return []string{
		"keys",
		"  arrows, h j k l   move between routes and services",
		"  g / G             first / last route",
		"  enter             show or hide details of the selected cell",
		"  t                 timeline: the last 24 h of every cell, hour by hour",
		"  esc               close details or this help",
		"  r                 recheck the selected route now",
		"  R                 recheck every route now",
		"  p, space          pause or resume periodic sweeps",
		"  ctrl+r            reload the config file (SIGHUP does the same)",
		"  ?                 this help",
		"  q, ctrl+c         quit",
		"",
		"cells",
		"  " + g.OK + " 142ms        works; the time until a chat connection is ready",
		"  " + g.Slow + " slow 1.4s    works, but slower than the threshold",
		"  " + g.Partial + " partial      some roles work (e.g. chat), others are blocked",
		"  " + g.Blocked + " reset        blocked; the word names the failure",
		"  " + g.RouteDown + " route down   the route itself failed; see the route column",
		"  " + g.Pending + " pending      no result yet",
	}
}
