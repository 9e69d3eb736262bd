package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/ui"
)

// runBest answers "which way out should I use for this service now?" for scripts and people.
func runBest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("best", stderr)
	o := defineBestFlags(fs)
	path, ascii := o.config, o.ascii
	// Operands name services, so parseFlags (which refuses operands) is not used.
	if code := parseOptions(fs, "best", args, stdout); code >= 0 {
		return code
	}
	ctx, cancel := stopOnHangup(ctx)
	defer cancel()
	cfg, err := loadConfig(ctx, *path, stderr)
	if err != nil {
		return configError(stderr, err)
	}
	plan, err := narrowPlan(cfg.Plan, "", strings.Join(fs.Args(), ","))
	if err != nil {
		fmt.Fprintln(stderr, "lifeline best:", strings.Replace(err.Error(), "--service ", "", 1))
		return checks.ExitUnknown
	}
	sched, err := engine.NewScheduler(plan)
	if err != nil {
		return configError(stderr, err)
	}
	report, ok := sweepOnce(ctx, sched, stderr)
	if !ok {
		return checks.ExitUnknown
	}
	code, err := writeBest(stdout, sched.Plan(), report, glyphsFor(*ascii))
	if err != nil {
		fmt.Fprintln(stderr, "lifeline:", err)
		return checks.ExitUnknown
	}
	return code
}

// writeBest prints one line per service: service, route, URL, latency, then the runner-up;
// it returns 1 when a service has no working route.
func writeBest(w io.Writer, plan checks.Plan, report *ui.SweepReport, g ui.Glyphs) (int, error) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	specs := map[string]checks.RouteSpec{}
	for _, r := range plan.Routes {
		specs[r.Name] = r
	}
	code := checks.ExitOK
	results := report.Ordered()
	for _, svc := range plan.Services {
		title := svc.Title
		if title == "" {
			title = svc.Name
		}
		picks := checks.BestRoutes(svc.Name, results)
		if len(picks) == 0 {
			code = checks.ExitDegraded
			fmt.Fprintf(tw, "%s\tnone works\n", checks.Sanitize(title))
			continue
		}
		best := picks[0]
		line := fmt.Sprintf("%s\t%s\t%s\t%s", checks.Sanitize(title), checks.Sanitize(best.Route),
			routeURL(specs[best.Route]), ui.FormatLatency(best.Latency))
		if warns := report.Routes[best.Route].Warnings(); len(warns) > 0 {
			for _, w := range warns {
				line += " " + g.Warn + " " + w.Word()
			}
		}
		if len(picks) > 1 {
			line += fmt.Sprintf("\tthen %s %s", checks.Sanitize(picks[1].Route), ui.FormatLatency(picks[1].Latency))
		} else {
			line += "\t"
		}
		fmt.Fprintln(tw, line)
	}
	return code, tw.Flush()
}

// routeURL is how a program reaches the route: the proxy URL without its credentials,
// "direct", or "interface:NAME".
func routeURL(spec checks.RouteSpec) string {
	switch {
	case spec.Proxy != nil:
		u := *spec.Proxy
		u.User = nil
		u.Path, u.RawQuery, u.Fragment = "", "", ""
		return checks.Sanitize(u.String())
	case spec.Kind == checks.RouteInterface:
		return "interface:" + checks.Sanitize(spec.Interface)
	}
	return checks.Sanitize(spec.Kind)
}
