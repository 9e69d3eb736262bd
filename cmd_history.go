package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
	"github.com/lifeline-app/lifeline/history"
	"github.com/lifeline-app/lifeline/store"
	"github.com/lifeline-app/lifeline/ui"
)

// maxSince bounds --since: the store keeps 30 days by default.
const maxSince = 400 * 24 * time.Hour

// runHistory prints the stored history.
func runHistory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("history", stderr)
	o := defineHistoryFlags(fs)
	path, sinceFlag, route, service, format, state, ascii := o.config, o.since, o.route, o.service, o.format, o.state, o.ascii
	if code := parseFlags(fs, "history", args, stdout); code >= 0 {
		return code
	}
	since, err := parseSince(*sinceFlag)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history: --since:", err)
		return checks.ExitUnknown
	}
	f, err := ui.ParseHistoryFormat(*format)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history: --format:", err)
		return checks.ExitUnknown
	}
	cfg, err := historyConfig(*path)
	if err != nil {
		return configError(stderr, err)
	}
	dir, err := store.StateDir(*state, cfg.State, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history:", err)
		return checks.ExitUnknown
	}
	if dir == "" {
		fmt.Fprintln(stderr, "lifeline history: the history store is off (--state off or state: off)")
		return checks.ExitUnknown
	}
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history:", checks.Sanitize(err.Error()))
		return checks.ExitUnknown
	}
	defer s.Close()

	until := time.Now()
	rep := ui.HistoryReport{Since: until.Add(-since), Until: until, Loc: time.Local, Titles: map[string]string{},
		ASCII: wantASCII(*ascii)}
	services := cfg.Plan.Services
	for _, svc := range services {
		rep.Titles[svc.Name] = svc.Title
	}
	want, err := wantedServices(*service, services)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history:", err)
		return checks.ExitUnknown
	}
	order := make([]checks.Cell, 0, len(cfg.Plan.Routes)*len(services))
	for _, r := range cfg.Plan.Routes {
		for _, svc := range services {
			order = append(order, checks.Cell{Route: r.Name, Service: svc.Name})
		}
	}
	rep.Cells, err = historyCells(ctx, s, store.Query{Since: rep.Since, Until: rep.Until, Route: *route}, rep.Loc, want, order)
	if err != nil {
		fmt.Fprintln(stderr, "lifeline history:", checks.Sanitize(err.Error()))
		return checks.ExitUnknown
	}
	if err := ui.WriteHistory(stdout, f, rep); err != nil {
		fmt.Fprintln(stderr, "lifeline history:", err)
		return checks.ExitUnknown
	}
	return checks.ExitOK
}

// historyCells reads the results q selects from s and builds the cells of the history views
// over q's span, in loc. keep, when not nil, names the services kept; order lists the cells
// that come first (history.Options.Order).
func historyCells(ctx context.Context, s *store.Store, q store.Query, loc *time.Location, keep map[string]bool, order []checks.Cell) ([]history.Cell, error) {
	rows, err := s.Results(ctx, q)
	if err != nil {
		return nil, err
	}
	if keep != nil {
		kept := rows[:0]
		for _, r := range rows {
			if keep[r.Service] {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	return history.Build(rows, history.Options{Since: q.Since, Until: q.Until, Loc: loc, Order: order}), nil
}

// historyConfig reads the config file if there is one, for titles, order and `state:`.
// Without one it uses the built-in catalog, and never runs discovery: history touches no
// network.
func historyConfig(flagPath string) (*config.Config, error) {
	path, source, err := config.Locate(flagPath)
	if err == nil && source == config.SourceDefault {
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			err = statErr
		}
	}
	if err != nil {
		if source != config.SourceDefault {
			return nil, err
		}
		return &config.Config{Plan: checks.Plan{Services: config.Catalog()}}, nil
	}
	return config.Load(path)
}

// wantedServices turns --service into service names; nil means all. A name the config
// does not know is taken as it is: the store may hold services since removed.
func wantedServices(list string, known []checks.Service) (map[string]bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	want := map[string]bool{}
	for _, w := range strings.Split(list, ",") {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		name := w
		for _, svc := range known {
			if strings.EqualFold(w, svc.Name) || strings.EqualFold(w, svc.Title) || strings.EqualFold(w, svc.Short) {
				name = svc.Name
			}
		}
		want[name] = true
	}
	if len(want) == 0 {
		return nil, errors.New("--service: no service named")
	}
	return want, nil
}

// parseSince reads 24h, 7d, 90m, 1h30m: Go durations plus whole days.
func parseSince(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q: want a span such as 24h or 7d", checks.Sanitize(s))
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: want a span such as 24h or 7d", checks.Sanitize(s))
		}
	}
	if d <= 0 || d > maxSince {
		return 0, fmt.Errorf("%q: want a span from 1m to %dd", checks.Sanitize(s), int(maxSince.Hours()/24))
	}
	return d, nil
}
