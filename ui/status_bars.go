package ui

import (
	"encoding/json"
	"html"
	"math"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// waybarStatus is a waybar custom module's JSON (return-type json). Text goes through Pango
// markup in waybar, so it is escaped here; the module must not set escape=true as well.
func waybarStatus(s StatusSnapshot, opt StatusOptions) string {
	sum := checks.Summarize(s.Results)
	text := barLine(s, opt, func(_ checks.Verdict, t string) string { return t }, plainText)
	var tips []string
	for _, spec := range s.Plan.Routes {
		if rr, ok := s.Routes[spec.Name]; ok && rr.Egress != nil {
			for _, f := range rr.Egress.Flags {
				tips = append(tips, checks.Sanitize(spec.Name)+": "+opt.Glyphs.Warn+" "+checks.Sanitize(f))
			}
		}
	}
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
	line := checks.Sanitize(r.Route) + g.Sep + checks.Sanitize(serviceTitle(plan, r.Service)) + ": " + Cell(g, r)
	if reason := checks.Sanitize(r.Reason); reason != "" && !r.Verdict.Works() && r.Verdict != checks.VerdictPending {
		line += dashed(g) + reason
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
		ws := s.Routes[g.name].Warnings()
		if len(groups) > 1 && !opt.Short || len(ws) > 0 {
			label := i3barBlock{Name: "lifeline", Instance: name, FullText: name}
			if len(ws) > 0 {
				label.FullText = strings.TrimSpace(name + " " + warnMarks(ws, opt.Glyphs, true))
				label.ShortText = warnMarks(ws, opt.Glyphs, false)
				label.Color = VerdictHex(checks.VerdictSlow)
			}
			blocks = append(blocks, label)
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
