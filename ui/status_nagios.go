package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

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
		for _, w := range s.Routes[g.name].Warnings() {
			problems = append(problems, checks.Sanitize(g.name)+" "+w.Word())
		}
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
				problems = append(problems, where+" "+VerdictWord(r.Verdict)+" "+FormatLatency(r.Latency))
			case r.Verdict == checks.VerdictPending:
				problems = append(problems, where+" pending")
			default:
				problems = append(problems, withReason(where+" "+VerdictWord(r.Verdict), r.Reason))
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
