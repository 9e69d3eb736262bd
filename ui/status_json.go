package ui

import (
	"encoding/json"
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
	Best    []checks.BestJSON   `json:"best"` // per service: the best working route and the runner-up
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
		Best: checks.BestJSONFor(s.Plan, s.Results),
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
