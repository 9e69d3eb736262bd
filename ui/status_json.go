package ui

import (
	"encoding/json"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// StatusLineJSON is one line of `status --format json`: the summary and every result, with
// the stable lowercase enums of checks.ResultJSON.
type StatusLineJSON struct {
	Time    *time.Time          `json:"time,omitempty"`
	Status  string              `json:"status"` // ok, degraded, down, unknown
	Exit    int                 `json:"exit_code"`
	Summary SummaryJSON         `json:"summary"`
	Routes  []checks.RouteJSON  `json:"routes"`
	Results []checks.ResultJSON `json:"results"`
}

// SummaryJSON counts the verdicts.
type SummaryJSON struct {
	OK       int            `json:"ok"`
	Degraded int            `json:"degraded"`
	Down     int            `json:"down"`
	Pending  int            `json:"pending"`
	Worst    checks.Verdict `json:"worst"`
}

// StatusWord names an exit code: ok, degraded, down, unknown.
func StatusWord(code int) string {
	switch code {
	case checks.ExitOK:
		return "ok"
	case checks.ExitDegraded:
		return "degraded"
	case checks.ExitDown:
		return "down"
	}
	return "unknown"
}

func jsonStatus(s StatusSnapshot, opt StatusOptions) string {
	sum := checks.Summarize(s.Results)
	code := StatusExitCode(s, opt)
	out := StatusLineJSON{
		Status: StatusWord(code), Exit: code,
		Summary: SummaryJSON{OK: sum.OK, Degraded: sum.Degraded, Down: sum.Down, Pending: sum.Pending, Worst: sum.Worst},
		Routes:  []checks.RouteJSON{}, Results: []checks.ResultJSON{},
	}
	if !s.Time.IsZero() {
		t := s.Time
		out.Time = &t
	}
	for _, spec := range s.Plan.Routes {
		if rr, ok := s.Routes[spec.Name]; ok {
			out.Routes = append(out.Routes, rr.JSON(spec))
		}
	}
	for _, r := range s.Results {
		out.Results = append(out.Results, r.JSON())
	}
	data, _ := json.Marshal(out)
	return string(data)
}

// waybarStatus is a waybar custom module's JSON (return-type json). Text goes through Pango
// markup in waybar, so it is escaped here; the module must not set escape=true as well.
func waybarStatus(s StatusSnapshot, opt StatusOptions) string {
	sum := checks.Summarize(s.Results)
	text := barLine(s, opt, func(_ checks.Verdict, t string) string { return t }, plainText)
	var tips []string
	for _, r := range s.Results {
		tips = append(tips, cellSentence(s.Plan, r, opt.Glyphs))
	}
	percentage := 0
	if len(s.Results) > 0 {
		percentage = int(math.Round(100 * float64(sum.OK) / float64(len(s.Results))))
	}
	data, _ := json.Marshal(struct {
		Text       string `json:"text"`
		Alt        string `json:"alt"`
		Tooltip    string `json:"tooltip"`
		Class      string `json:"class"`
		Percentage int    `json:"percentage"`
	}{
		Text: html.EscapeString(text), Alt: string(sum.Worst),
		Tooltip: html.EscapeString(strings.Join(tips, "\n")),
		Class:   string(sum.Worst), Percentage: percentage,
	})
	return string(data)
}

// cellSentence is one cell for a tooltip: "direct · WhatsApp: ✗ reset — TLS reset after …".
func cellSentence(plan checks.Plan, r checks.CheckResult, g Glyphs) string {
	line := checks.Sanitize(r.Route) + " · " + checks.Sanitize(serviceTitle(plan, r.Service)) + ": " + Cell(g, r)
	if reason := checks.Sanitize(r.Reason); reason != "" && !r.Verdict.Works() && r.Verdict != checks.VerdictPending {
		line += " — " + reason
	}
	return line
}

// i3barBlock is one block of the i3bar/swaybar protocol.
type i3barBlock struct {
	Name      string `json:"name"`
	Instance  string `json:"instance"`
	FullText  string `json:"full_text"`
	ShortText string `json:"short_text,omitempty"`
	Color     string `json:"color,omitempty"`
	Urgent    bool   `json:"urgent"`
	Separator bool   `json:"separator"`
}

// i3barStatus is one update: a route label block when several routes are shown, then a block
// per cell coloured by verdict; the bar's separator falls between routes only. Blocked and
// route-down cells are urgent.
func i3barStatus(s StatusSnapshot, opt StatusOptions) string {
	blocks := []i3barBlock{}
	groups := groupByRoute(s.Results)
	for _, g := range groups {
		name := checks.Sanitize(g.name)
		if len(groups) > 1 && !opt.Short {
			blocks = append(blocks, i3barBlock{Name: "lifeline", Instance: name, FullText: name})
		}
		for _, r := range g.results {
			short := opt
			short.Short = true
			blocks = append(blocks, i3barBlock{
				Name: "lifeline", Instance: name + "/" + checks.Sanitize(r.Service),
				FullText: cellToken(s.Plan, r, opt), ShortText: cellToken(s.Plan, r, short),
				Color:  VerdictHex(r.Verdict),
				Urgent: r.Verdict.Info().Urgent,
			})
		}
		blocks[len(blocks)-1].Separator = true
	}
	data, _ := json.Marshal(blocks)
	return string(data)
}

// nagiosStatus is a Nagios/Icinga plugin line:
// `LIFELINE CRITICAL - text | 'route/service'=142ms;500;1000;0; ...`, U when unmeasured.
func nagiosStatus(s StatusSnapshot, opt StatusOptions) string {
	code := StatusExitCode(s, opt)
	state := map[int]string{0: "OK", 1: "WARNING", 2: "CRITICAL"}[code]
	if state == "" {
		state = "UNKNOWN"
	}
	// '|' starts the performance data: none may appear in the text.
	text := strings.ReplaceAll(nagiosText(s, opt), "|", "/")
	var perf []string
	for _, r := range s.Results {
		label := strings.ReplaceAll(r.Route+"/"+r.Service, "'", "''")
		value := "U"
		if r.Verdict.Works() && r.Latency > 0 {
			value = msNumber(r.Latency) + "ms"
		}
		perf = append(perf, "'"+checks.Sanitize(label)+"'="+value+";"+msThreshold(opt.Warn)+";"+msThreshold(opt.Crit)+";0;")
	}
	line := "LIFELINE " + state + " - " + text
	if len(perf) > 0 {
		line += " | " + strings.Join(perf, " ")
	}
	return line
}

// nagiosText counts the cells that are ok, then names every other one, a route that is down
// once.
func nagiosText(s StatusSnapshot, opt StatusOptions) string {
	sum := checks.Summarize(s.Results)
	if len(s.Results) == 0 {
		return "no checks configured"
	}
	if sum.Pending == len(s.Results) {
		return "no result yet"
	}
	var problems []string
	for _, g := range groupByRoute(s.Results) {
		if g.allRouteDown() {
			problems = append(problems, withReason(checks.Sanitize(g.name)+" route down", g.results[0].Reason))
			continue
		}
		for _, r := range g.results {
			where := checks.Sanitize(g.name + "/" + serviceTitle(s.Plan, r.Service))
			switch {
			case r.Verdict == checks.VerdictOK && latencyLevel(r, opt) == checks.ExitOK:
			case latencyLevel(r, opt) == checks.ExitDown:
				problems = append(problems, where+" "+FormatLatency(r.Latency)+" over critical "+FormatLatency(opt.Crit))
			case latencyLevel(r, opt) == checks.ExitDegraded:
				problems = append(problems, where+" "+FormatLatency(r.Latency)+" over warning "+FormatLatency(opt.Warn))
			case r.Verdict.Works():
				problems = append(problems, where+" "+string(r.Verdict)+" "+FormatLatency(r.Latency))
			case r.Verdict == checks.VerdictPending:
				problems = append(problems, where+" pending")
			default:
				problems = append(problems, withReason(where+" "+string(r.Verdict), r.Reason))
			}
		}
	}
	count := strconv.Itoa(sum.OK) + " of " + strconv.Itoa(len(s.Results)) + " ok"
	if len(problems) == 0 {
		return count
	}
	// Each reason is sanitized and bounded on its own, so a long one cannot hide the rest.
	return count + "; " + strings.Join(problems, ", ")
}

func withReason(s, reason string) string {
	if reason = checks.Sanitize(reason); reason != "" {
		return s + " (" + reason + ")"
	}
	return s
}

func msNumber(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', -1, 64)
}

func msThreshold(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return msNumber(d)
}
