package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

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
	return strings.Join([]string{move + " move", "enter detail", "r recheck", "R all", pause, "? help", "q quit"}, m.glyphs.Sep)
}

// helpLines is the full key list and legend behind "?", wrapped to the screen's width; it
// scrolls when the screen is short.
func (m Model) helpLines() []string {
	var out []string
	for _, line := range m.helpText() {
		if width(line) <= m.width {
			out = append(out, line)
			continue
		}
		parts := splitLines(ansi.Wrap(line, max(m.width-4, 8), ""))
		out = append(out, parts[0])
		for _, p := range parts[1:] {
			out = append(out, "    "+strings.TrimLeft(p, " "))
		}
	}
	return out
}

func (m Model) helpText() []string {
	g := m.glyphs
	return []string{
		"keys",
		"  arrows, h j k l   move between routes and services",
		"  g / G             first / last route",
		"  enter             show or hide details of the selected cell",
		"  t                 timeline: the last 24 h of every cell, hour by hour",
		"  J / K, pgdn/pgup  scroll the details (or this help: also j / k)",
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
		"  " + g.NA + " n/a          the route cannot carry this (e.g. calls without UDP);",
		"                 not a failure",
		"  " + g.Pending + " pending      no result yet",
		"",
		"routes",
		"  " + g.OK + " / " + g.RouteDown + "          the route is up / down (its reason is in the detail)",
		"  " + g.Warn + " no tunnel    works, but exits from the direct route's address",
		"  " + g.Warn + " local dns    works, but names go to the system resolver",
		"",
		"best",
		"  under the table, per service: the fastest working route, then the",
		"  runner-up; routes within 2ms or 5% are a tie, won by recent uptime",
	}
}
