package ui

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// StatusFormat is one of the status line dialects `lifeline status` speaks.
type StatusFormat string

// Status formats, following each consumer's conventions.
const (
	StatusPlain   StatusFormat = "plain"
	StatusJSON    StatusFormat = "json"
	StatusTmux    StatusFormat = "tmux"
	StatusWaybar  StatusFormat = "waybar"
	StatusI3bar   StatusFormat = "i3bar"
	StatusPolybar StatusFormat = "polybar"
	StatusNagios  StatusFormat = "nagios"
)

// StatusFormats lists every format, for help text and validation.
var StatusFormats = []StatusFormat{StatusPlain, StatusJSON, StatusTmux, StatusWaybar, StatusI3bar, StatusPolybar, StatusNagios}

// ParseStatusFormat accepts a format name.
func ParseStatusFormat(s string) (StatusFormat, error) {
	for _, f := range StatusFormats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	names := make([]string, len(StatusFormats))
	for i, f := range StatusFormats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (one of %s)", s, strings.Join(names, ", "))
}

// StatusOptions shape a status line.
type StatusOptions struct {
	Format StatusFormat
	Glyphs Glyphs
	Color  bool // plain: ANSI colours
	Short  bool // glyphs only: no latencies, no route names
	// Warn and Crit are latency thresholds (Nagios -w/-c); zero means none. A blocked or
	// route-down cell is critical whatever its latency.
	Warn, Crit time.Duration
}

// StatusSnapshot is what a status line shows: the plan (already narrowed to the routes and
// services asked for), the latest route checks and one result per cell in plan order.
type StatusSnapshot struct {
	Plan    checks.Plan
	Routes  map[string]checks.RouteResult
	Results []checks.CheckResult
	Time    time.Time
}

// Snapshot is the report's current state, pending where a cell has no result yet.
func (r *SweepReport) Snapshot() StatusSnapshot {
	return StatusSnapshot{Plan: r.Plan, Routes: r.Routes, Results: r.Ordered(), Time: r.Finished}
}

// StatusPrinter writes one status line per update, each with a single Write so a consumer
// reading a pipe never sees half a line.
type StatusPrinter struct {
	w       io.Writer
	opt     StatusOptions
	started bool
}

// NewStatusPrinter prints status lines in opt.Format to w.
func NewStatusPrinter(w io.Writer, opt StatusOptions) *StatusPrinter {
	return &StatusPrinter{w: w, opt: opt}
}

// Print writes the line for s. The i3bar protocol's header and the opening of its endless
// array go out with the first update; later updates are comma-prefixed.
func (p *StatusPrinter) Print(s StatusSnapshot) error {
	return p.write(StatusLine(s, p.opt))
}

func (p *StatusPrinter) write(line string) error {
	line += "\n"
	if p.opt.Format == StatusI3bar {
		if p.started {
			line = "," + line
		} else {
			line = "{\"version\":1}\n[\n" + line
		}
	}
	p.started = true
	_, err := io.WriteString(p.w, line)
	return err
}

// StatusLine renders s in opt.Format, without the trailing newline. For i3bar it is one
// update: the JSON array of blocks.
func StatusLine(s StatusSnapshot, opt StatusOptions) string {
	line := statusLine(s, opt)
	if isASCII(opt.Glyphs) && opt.Format != StatusJSON {
		// Remote text (a reason cut with "…") must not undo --ascii.
		line = asciiOnly(line)
	}
	return line
}

func statusLine(s StatusSnapshot, opt StatusOptions) string {
	switch opt.Format {
	case StatusJSON:
		return jsonStatus(s, opt)
	case StatusWaybar:
		return waybarStatus(s, opt)
	case StatusI3bar:
		return i3barStatus(s, opt)
	case StatusNagios:
		return nagiosStatus(s, opt)
	case StatusTmux:
		return barLine(s, opt, func(v checks.Verdict, text string) string {
			return "#[fg=" + tmuxColour(v) + "]" + tmuxEscape(text) + "#[default]"
		}, tmuxEscape)
	case StatusPolybar:
		return barLine(s, opt, func(v checks.Verdict, text string) string {
			return "%{F" + VerdictHex(v) + "}" + polybarEscape(text) + "%{F-}"
		}, polybarEscape)
	}
	if opt.Color {
		return barLine(s, opt, func(v checks.Verdict, text string) string {
			return "\x1b[" + ansiColour(v) + "m" + text + "\x1b[0m"
		}, plainText)
	}
	return barLine(s, opt, func(_ checks.Verdict, text string) string { return text }, plainText)
}

// StatusExitCode is the exit code for s: 0 ok, 1 degraded, 2 down, 3 unknown, raised to
// warning or critical when a working cell's latency passes opt.Warn or opt.Crit.
func StatusExitCode(s StatusSnapshot, opt StatusOptions) int {
	code := checks.Summarize(s.Results).ExitCode()
	if code == checks.ExitUnknown {
		return code
	}
	for _, r := range s.Results {
		switch latencyLevel(r, opt) {
		case checks.ExitDown:
			code = checks.ExitDown
		case checks.ExitDegraded:
			code = max(code, checks.ExitDegraded)
		}
	}
	return code
}

// latencyLevel says whether a working cell's latency passes the thresholds.
func latencyLevel(r checks.CheckResult, opt StatusOptions) int {
	if !r.Verdict.Works() || r.Latency <= 0 {
		return checks.ExitOK
	}
	switch {
	case opt.Crit > 0 && r.Latency > opt.Crit:
		return checks.ExitDown
	case opt.Warn > 0 && r.Latency > opt.Warn:
		return checks.ExitDegraded
	}
	return checks.ExitOK
}

// routeGroup is one route's cells, in plan order.
type routeGroup struct {
	name    string
	results []checks.CheckResult
}

func groupByRoute(results []checks.CheckResult) []routeGroup {
	var groups []routeGroup
	for _, r := range results {
		if len(groups) == 0 || groups[len(groups)-1].name != r.Route {
			groups = append(groups, routeGroup{name: r.Route})
		}
		g := &groups[len(groups)-1]
		g.results = append(g.results, r)
	}
	return groups
}

// allRouteDown reports whether the route itself failed for every cell shown.
func (g routeGroup) allRouteDown() bool {
	for _, r := range g.results {
		if r.Verdict != checks.VerdictRouteDown {
			return false
		}
	}
	return len(g.results) > 0
}

// barLine is the compact line bars show: `direct WA✗reset TG✓142ms │ tor — route down`.
// Route names appear only when more than one route is shown and the line is not short.
// paint colours one cell's text; escape makes plain text (route names) safe for the format.
func barLine(s StatusSnapshot, opt StatusOptions, paint func(checks.Verdict, string) string, escape func(string) string) string {
	groups := groupByRoute(s.Results)
	if len(groups) == 0 {
		return escape("no checks")
	}
	sep := " │ "
	if isASCII(opt.Glyphs) {
		sep = " | "
	}
	withNames := len(groups) > 1 && !opt.Short
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		var cells []string
		warn := ""
		if ws := s.Routes[g.name].Warnings(); len(ws) > 0 {
			warn = paint(checks.VerdictSlow, warnMarks(ws, opt.Glyphs, !opt.Short))
		}
		switch {
		case withNames && warn != "":
			cells = append(cells, escape(checks.Sanitize(g.name))+" "+warn)
		case withNames:
			cells = append(cells, escape(checks.Sanitize(g.name)))
		case warn != "":
			cells = append(cells, warn)
		}
		if !opt.Short && g.allRouteDown() {
			cells = append(cells, paint(checks.VerdictRouteDown, opt.Glyphs.RouteDown+" route down"))
		} else {
			for _, r := range g.results {
				cells = append(cells, paint(r.Verdict, cellToken(s.Plan, r, opt)))
			}
		}
		parts = append(parts, strings.Join(cells, " "))
	}
	return strings.Join(parts, sep)
}

// warnMarks is a route's warnings for a status line: "⚠no-tunnel", or "⚠" when short.
func warnMarks(ws []checks.RouteWarning, g Glyphs, words bool) string {
	var parts []string
	for _, w := range ws {
		if words {
			parts = append(parts, g.Warn+strings.ReplaceAll(w.Word(), " ", "-"))
		} else {
			parts = append(parts, g.Warn)
		}
	}
	return strings.Join(parts, " ")
}

// cellToken is a service's abbreviation with its glyph, and unless short its word:
// "WA✓142ms", "TG✗reset", "SIG◐1.4s", "MAX…".
func cellToken(plan checks.Plan, r checks.CheckResult, opt StatusOptions) string {
	t := checks.Sanitize(serviceShort(plan, r.Service)) + opt.Glyphs.For(r.Verdict)
	if opt.Short {
		return t
	}
	return t + compactWord(r)
}

// compactWord is CellWord without repeating what the glyph already says.
func compactWord(r checks.CheckResult) string {
	switch info := r.Verdict.Info(); {
	case info.Works:
		if r.Latency > 0 {
			return FormatLatency(r.Latency)
		}
		return ""
	case info.Class == checks.ClassPending:
		return ""
	case r.Verdict == checks.VerdictRouteDown:
		return info.Narrow
	}
	return CellWord(r)
}

func serviceShort(plan checks.Plan, name string) string {
	for _, svc := range plan.Services {
		if svc.Name == name {
			switch {
			case svc.Short != "":
				return svc.Short
			case svc.Title != "":
				return svc.Title
			}
		}
	}
	return name
}

func serviceTitle(plan checks.Plan, name string) string {
	for _, svc := range plan.Services {
		if svc.Name == name && svc.Title != "" {
			return svc.Title
		}
	}
	return name
}

func isASCII(g Glyphs) bool {
	for _, c := range g.OK + g.Blocked + g.RouteDown {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func plainText(s string) string { return s }

// tmuxEscape doubles '#', which tmux would read as the start of a format.
func tmuxEscape(s string) string { return strings.ReplaceAll(s, "#", "##") }

// polybarEscape breaks up "%{", which polybar would read as a formatting tag.
func polybarEscape(s string) string { return strings.ReplaceAll(s, "%{", "% {") }

func tmuxColour(v checks.Verdict) string { return v.Info().Tmux }

func ansiColour(v checks.Verdict) string { return v.Info().SGR }
