package ui

import (
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// BestLine answers "which way out works for this service now?" for people: the best route
// and its latency, then the runner-up: "WhatsApp → ss 7ms, then vpn 35ms". A route with a
// warning carries its glyph; "none works" when no route does.
func BestLine(title string, picks []checks.Pick, routes map[string]checks.RouteResult, g Glyphs) string {
	return clean(title) + " " + g.Arrow + " " + bestPicks(picks, routes, g, ", then ")
}

// bestPicks is "ss 7ms, then vpn 35ms", or "none works".
func bestPicks(picks []checks.Pick, routes map[string]checks.RouteResult, g Glyphs, then string) string {
	if len(picks) == 0 {
		return "none works"
	}
	s := pickText(picks[0], routes, g)
	if len(picks) > 1 {
		s += then + pickText(picks[1], routes, g)
	}
	return s
}

// pickText is "ss 7ms", "tor ◐ 1.4s" when slow, "vpn ⚠ 35ms" when the route has a warning.
func pickText(p checks.Pick, routes map[string]checks.RouteResult, g Glyphs) string {
	s := clean(p.Route)
	if len(routes[p.Route].Warnings()) > 0 {
		s += " " + g.Warn
	}
	if p.Verdict != checks.VerdictOK {
		s += " " + g.For(p.Verdict)
	}
	return s + " " + FormatLatency(p.Latency)
}

// bestFor ranks the routes for service j of the board, once per change of the board.
func (m Model) bestFor(j int) []checks.Pick {
	bc := &m.cache.best
	if bc.picks == nil || bc.gen != m.gen {
		bc.picks = make([][]checks.Pick, len(m.plan.Services))
		for k := range m.plan.Services {
			var picks []checks.Pick
			for i := range m.cells {
				if c := &m.cells[i][k]; c.have {
					picks = checks.AppendPick(picks, &c.res)
				}
			}
			bc.picks[k] = checks.Rank(picks)
		}
		bc.gen = m.gen
	}
	return bc.picks[j]
}

// bestLines are the best routes under the table: a line per service when there is room,
// else several services to a line ("WA → ss 7ms · TG → vpn 9ms"), cut to l.bestLines.
func (m Model) bestLines(l layout) []string {
	if l.bestLines <= 0 {
		return nil
	}
	var lines []string
	if l.bestPacked {
		lines = m.packedBest(l.tableW, l.nameW)
	} else {
		routes := m.routeResults()
		for j, s := range m.plan.Services {
			lines = append(lines, clip("best "+BestLine(s.Title, m.bestFor(j), routes, m.glyphs), l.tableW, m.glyphs))
		}
	}
	if len(lines) > l.bestLines {
		lines = lines[:l.bestLines]
		lines[len(lines)-1] = clip(lines[len(lines)-1]+" "+m.glyphs.Ellipsis, l.tableW, m.glyphs)
	}
	return lines
}

// packedBest is the best routes in few lines of w cells: services that share their best
// route are named together ("S1 S2 S3 → ss"; one alone keeps its latency), route names
// shortened as in the table's rows (nameW), once per change of the board.
func (m Model) packedBest(w, nameW int) []string {
	pc := &m.cache.packed
	if pc.lines == nil || pc.gen != m.gen || pc.w != w || pc.nameW != nameW {
		pc.lines, pc.gen, pc.w, pc.nameW = m.packBest(w, nameW), m.gen, w, nameW
	}
	return pc.lines
}

func (m Model) packBest(w, nameW int) []string {
	routes := m.routeResults()
	type group struct {
		route    string
		services []string
		pick     checks.Pick
	}
	var groups []*group
	byRoute := map[string]*group{}
	var none []string
	for j := range m.plan.Services {
		picks := m.bestFor(j)
		if len(picks) == 0 {
			none = append(none, m.serviceName(j, true))
			continue
		}
		g := byRoute[picks[0].Route]
		if g == nil {
			g = &group{route: picks[0].Route, pick: picks[0]}
			byRoute[g.route] = g
			groups = append(groups, g)
		}
		g.services = append(g.services, m.serviceName(j, true))
	}
	var items []string
	for _, g := range groups {
		name := clean(g.route)
		if i, ok := m.routeIndex[g.route]; ok && nameW > 0 {
			name = m.routeName(i, nameW)
		}
		if len(routes[g.route].Warnings()) > 0 {
			name += " " + m.glyphs.Warn
		}
		item := strings.Join(g.services, " ") + " " + m.glyphs.Arrow + " " + name
		if len(g.services) == 1 {
			item += " " + FormatLatency(g.pick.Latency)
		}
		items = append(items, item)
	}
	if len(none) > 0 {
		items = append(items, strings.Join(none, " ")+" "+m.glyphs.Arrow+" none works")
	}
	var lines []string
	line := "best:"
	for _, item := range items {
		if width(line)+2+width(item) > w && line != "best:" {
			lines = append(lines, line)
			line = "     "
		}
		line += "  " + item
	}
	return append(lines, clip(line, w, m.glyphs))
}

// bestSummary is "WhatsApp → ss 7ms, then vpn 35ms" for each service, for reports.
func bestSummary(plan checks.Plan, results []checks.CheckResult, routes map[string]checks.RouteResult, g Glyphs) []string {
	var out []string
	for _, s := range plan.Services {
		title := s.Title
		if title == "" {
			title = s.Name
		}
		out = append(out, BestLine(title, checks.BestRoutes(s.Name, results), routes, g))
	}
	return out
}
