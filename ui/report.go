package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// SweepReport is everything one sweep found, for `lifeline check`.
type SweepReport struct {
	Plan     checks.Plan
	Routes   map[string]checks.RouteResult
	Results  map[string]map[string]checks.CheckResult // route → service → result
	Started  time.Time
	Finished time.Time
}

// NewSweepReport collects a sweep's events into a report.
func NewSweepReport(plan checks.Plan) *SweepReport {
	return &SweepReport{Plan: plan, Routes: map[string]checks.RouteResult{}, Results: map[string]map[string]checks.CheckResult{}}
}

// Add records one event of the sweep.
func (r *SweepReport) Add(e checks.Event) {
	switch e.Kind {
	case checks.EventSweepStarted:
		r.Started = e.At
	case checks.EventRouteChecked:
		r.Routes[e.Route.Name] = e.Route
	case checks.EventCheckDone:
		if r.Results[e.Check.Route] == nil {
			r.Results[e.Check.Route] = map[string]checks.CheckResult{}
		}
		r.Results[e.Check.Route][e.Check.Service] = e.Check
	case checks.EventSweepFinished:
		r.Finished = e.At
	case checks.EventPlanChanged:
		if e.Plan != nil {
			r.replan(*e.Plan)
		}
	}
}

// replan follows a reload: results of routes and services that stay are kept, the others
// dropped, and new cells read pending until checked.
func (r *SweepReport) replan(plan checks.Plan) {
	r.Plan = plan
	cells := checks.PlanCells(plan)
	for route, byService := range r.Results {
		checks.RetainCells(byService, cells, func(service string) checks.Cell { return checks.Cell{Route: route, Service: service} })
	}
	for name := range r.Routes {
		if !slices.ContainsFunc(plan.Routes, func(s checks.RouteSpec) bool { return s.Name == name }) {
			delete(r.Routes, name)
			delete(r.Results, name)
		}
	}
}

// Ordered lists the results in plan order, pending where a cell has none.
func (r *SweepReport) Ordered() []checks.CheckResult {
	var out []checks.CheckResult
	for _, route := range r.Plan.Routes {
		for _, svc := range r.Plan.Services {
			res, ok := r.Results[route.Name][svc.Name]
			if !ok {
				res = checks.CheckResult{Route: route.Name, Service: svc.Name, Verdict: checks.VerdictPending}
			}
			out = append(out, res)
		}
	}
	return out
}

// WriteText prints the routes × services table, then why each cell that is not ok is not, and
// with verbose every target's phases and failure.
func (r *SweepReport) WriteText(w io.Writer, g Glyphs, verbose bool) error {
	if isASCII(g) {
		// Remote text (a reason cut with "…") must not undo --ascii.
		var buf bytes.Buffer
		if err := r.writeText(&buf, g, verbose); err != nil {
			return err
		}
		_, err := io.WriteString(w, asciiOnly(buf.String()))
		return err
	}
	return r.writeText(w, g, verbose)
}

func (r *SweepReport) writeText(w io.Writer, g Glyphs, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"ROUTE", "VIA"}
	for _, svc := range r.Plan.Services {
		header = append(header, svc.Title)
	}
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, route := range r.Plan.Routes {
		via := route.Endpoint()
		if rr, ok := r.Routes[route.Name]; ok && rr.OK {
			if ws := rr.Warnings(); len(ws) > 0 {
				via += " " + warnMarks(ws, g, true)
			}
		}
		row := []string{checks.Sanitize(route.Name), via}
		for _, svc := range r.Plan.Services {
			row = append(row, Cell(g, r.cell(route.Name, svc.Name)))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	var notes []string
	for _, route := range r.Plan.Routes {
		if rr, ok := r.Routes[route.Name]; ok && !rr.OK {
			// An offline route's reason names its state ("offline: no network — …").
			what := "route down" + dashed(g)
			if rr.StateOf().Warning() {
				what = ""
			}
			notes = append(notes, fmt.Sprintf("%s %s: %s%s", g.RouteDown, route.Name, what, checks.Sanitize(rr.Reason)))
			continue
		}
		if rr, ok := r.Routes[route.Name]; ok && rr.StateOf().Warning() {
			notes = append(notes, fmt.Sprintf("%s %s: %s", g.Partial, route.Name, checks.Sanitize(rr.Reason)))
		}
		// Flags (not tunnelling, local resolver) always show; the plain exit only with -v.
		if rr, ok := r.Routes[route.Name]; ok && rr.Egress != nil && (verbose || len(rr.Egress.Flags) > 0) {
			notes = append(notes, fmt.Sprintf("  %s: %s", route.Name, egressLine(rr.Egress)))
		}
		for _, svc := range r.Plan.Services {
			c := r.cell(route.Name, svc.Name)
			if c.Verdict != checks.VerdictOK || verbose {
				notes = append(notes, fmt.Sprintf("%s %s %s %s: %s%s%s", g.For(c.Verdict), route.Name, g.Times, svc.Title, VerdictWord(c.Verdict), dashed(g), checks.Sanitize(c.Reason)))
			}
			if verbose {
				notes = append(notes, targetLines(g, c)...)
			}
		}
	}
	fmt.Fprintln(w)
	for _, line := range bestSummary(r.Plan, r.Ordered(), r.Routes, g) {
		fmt.Fprintln(w, "best "+line)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, strings.Join(notes, "\n"))
	}
	return nil
}

func (r *SweepReport) cell(route, service string) checks.CheckResult {
	if c, ok := r.Results[route][service]; ok {
		return c
	}
	return checks.CheckResult{Route: route, Service: service, Verdict: checks.VerdictPending, Reason: "no result"}
}

// targetLines describes each target of a check: role, target, phases, failure.
func targetLines(g Glyphs, c checks.CheckResult) []string {
	var lines []string
	for _, t := range c.Targets {
		mark := g.OK
		switch {
		case t.NotApplicable != "":
			mark = g.Pending
		case !t.OK:
			mark = g.Blocked
		}
		line := fmt.Sprintf("    %s %-8s %-44s %s", mark, t.Target.Role, checks.Sanitize(t.Target.String()), PhaseSummary(t.Phases))
		if t.Err != nil {
			line += fmt.Sprintf("\n        %s [%s at %s]", t.Explain(), t.Err.Failure, t.Err.Operation)
		}
		if c := contrastLine(t.Contrast); c != "" {
			line += "\n        " + c
		}
		for _, p := range proofLines(t) {
			line += "\n        " + p
		}
		if u := udpLine(t.UDP); u != "" {
			line += "\n        " + u
		}
		if x := transferLine(t.Transfer); x != "" {
			line += "\n        " + x
		}
		lines = append(lines, line)
	}
	if c.Skipped != "" {
		lines = append(lines, "        "+checks.Sanitize(c.Skipped))
	}
	for _, d := range dnsLines(c.DNS, g) {
		lines = append(lines, "        "+d)
	}
	return lines
}

// PhaseSummary prints the phases a probe reached, each a duration of its own:
// "dns 12ms  connect 40ms  tls 45ms  first byte 30ms  body 2ms  total 130ms".
func PhaseSummary(p checks.Phases) string {
	var parts []string
	for _, ph := range []struct {
		name string
		d    time.Duration
	}{{"dns", p.DNS}, {"connect", p.Connect}, {"tls", p.TLS}, {"first byte", p.FirstByte}, {"body", p.Body}, {"total", p.Total}} {
		if ph.d > 0 {
			parts = append(parts, ph.name+" "+FormatLatency(ph.d))
		}
	}
	return strings.Join(parts, "  ")
}

// ReportJSON is the document `lifeline check --json` prints.
type ReportJSON struct {
	Started  time.Time           `json:"started"`
	Finished time.Time           `json:"finished"`
	Verdict  checks.Verdict      `json:"verdict"`
	Routes   []checks.RouteJSON  `json:"routes"`
	Results  []checks.ResultJSON `json:"results"`
	Best     []checks.BestJSON   `json:"best"` // per service: the best working route and the runner-up
}

// WriteJSON prints the report as one JSON document.
func (r *SweepReport) WriteJSON(w io.Writer) error {
	doc := ReportJSON{Started: r.Started, Finished: r.Finished, Routes: []checks.RouteJSON{}, Results: []checks.ResultJSON{}}
	for _, spec := range r.Plan.Routes {
		rr, ok := r.Routes[spec.Name]
		if !ok {
			rr = checks.RouteResult{Name: spec.Name, Kind: spec.Kind, Reason: "not checked"}
		}
		doc.Routes = append(doc.Routes, rr.JSON(spec))
	}
	ordered := r.Ordered()
	for _, c := range ordered {
		doc.Results = append(doc.Results, c.JSON())
	}
	doc.Verdict = checks.Summarize(ordered).Worst
	doc.Best = checks.BestJSONFor(r.Plan, ordered)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
