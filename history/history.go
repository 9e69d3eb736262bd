// Package history tells the story of stored results: for each route × service over a span
// of time, how many checks worked hour by hour, the uptime and latency percentiles, and the
// incidents — runs of failure, with what failed and how often the service came back only
// briefly ("flapped"). It reads store rows and does no I/O; ui renders what it finds.
package history

import (
	"slices"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/store"
)

// DefaultFlapGap is the longest recovery counted as a flap inside one incident rather than
// as the end of it.
const DefaultFlapGap = 10 * time.Minute

// Options say which span to tell.
type Options struct {
	Since, Until time.Time      // the span; Since is rounded down to the hour
	Loc          *time.Location // hours and days are this zone's (time.Local when nil)
	FlapGap      time.Duration  // DefaultFlapGap when zero
	Order        []checks.Cell  // cells in this order first (the config's), then the rest by name
}

// Cell is the story of one route × service.
type Cell struct {
	Route, Service string
	Checks         int
	Working        int
	P50, P95       time.Duration // over working checks
	Hours          []Hour        // one per hour of the span, oldest first
	Incidents      []Incident
}

// Uptime is the share of checks that worked, 0..1; 0 when there were none.
func (c Cell) Uptime() float64 { return share(c.Working, c.Checks) }

// Hour is one hour of a cell.
type Hour struct {
	Start    time.Time
	Checks   int
	Working  int
	P50, P95 time.Duration
}

// Uptime is the share of the hour's checks that worked; 0 when there were none.
func (h Hour) Uptime() float64 { return share(h.Working, h.Checks) }

// Incident is a run of failing checks, with recoveries shorter than the flap gap inside it.
type Incident struct {
	Verdict checks.Verdict // the most frequent failing verdict
	Start   time.Time      // the first failing check
	End     time.Time      // the first working check after it; zero while ongoing
	Cause   string         // what failed, in plain words, e.g. "DNS tampered"; "" when unknown
	Flaps   int            // brief recoveries inside the incident
	Checks  int            // failing checks
}

// Ongoing reports whether the service had not recovered by the end of the span.
func (i Incident) Ongoing() bool { return i.End.IsZero() }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Build tells the story of rows (in any order across cells, as store.Results returns them)
// over the span of opt.
func Build(rows []store.Row, opt Options) []Cell {
	if opt.Loc == nil {
		opt.Loc = time.Local
	}
	if opt.FlapGap <= 0 {
		opt.FlapGap = DefaultFlapGap
	}
	start := opt.Since.In(opt.Loc).Truncate(time.Hour)
	// Group by index: rows are large, and a store holds millions.
	byCell := map[checks.Cell][]int32{}
	var seen []checks.Cell
	for i, r := range rows {
		if r.Verdict == checks.VerdictPending || r.Verdict == "" {
			continue
		}
		if r.At.Before(opt.Since) || !r.At.Before(opt.Until) {
			continue
		}
		key := checks.Cell{Route: r.Route, Service: r.Service}
		if _, ok := byCell[key]; !ok {
			seen = append(seen, key)
		}
		byCell[key] = append(byCell[key], int32(i))
	}
	var out []Cell
	for _, key := range order(seen, opt.Order) {
		idx := byCell[key]
		byTime := func(a, b int32) int { return rows[a].At.Compare(rows[b].At) }
		if !slices.IsSortedFunc(idx, byTime) {
			slices.SortStableFunc(idx, byTime) // two writers interleaved their batches
		}
		out = append(out, buildCell(key, rows, idx, start, opt))
	}
	return out
}

// order puts the cells of want first, in its order, then the others sorted by route and service.
func order(seen, want []checks.Cell) []checks.Cell {
	rank := map[checks.Cell]int{}
	for i, c := range want {
		rank[c] = i + 1
	}
	slices.SortStableFunc(seen, func(a, b checks.Cell) int {
		ra, rb := rank[a], rank[b]
		switch {
		case ra != 0 && rb != 0:
			return ra - rb
		case ra != 0:
			return -1
		case rb != 0:
			return 1
		case a.Route != b.Route:
			return compare(a.Route, b.Route)
		}
		return compare(a.Service, b.Service)
	})
	return seen
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func buildCell(key checks.Cell, all []store.Row, idx []int32, start time.Time, opt Options) Cell {
	c := Cell{Route: key.Route, Service: key.Service}
	for h := start; h.Before(opt.Until); h = h.Add(time.Hour) {
		c.Hours = append(c.Hours, Hour{Start: h})
	}
	var latencies []time.Duration
	hourly := make([][]time.Duration, len(c.Hours))
	for _, i := range idx {
		r := &all[i]
		c.Checks++
		h := int(r.At.Sub(start) / time.Hour)
		h = max(0, min(h, len(c.Hours)-1))
		c.Hours[h].Checks++
		if r.Verdict.Works() {
			c.Working++
			c.Hours[h].Working++
			if r.Latency > 0 {
				latencies = append(latencies, r.Latency)
				hourly[h] = append(hourly[h], r.Latency)
			}
		}
	}
	c.P50, c.P95 = percentiles(latencies)
	for i := range c.Hours {
		c.Hours[i].P50, c.Hours[i].P95 = percentiles(hourly[i])
	}
	c.Incidents = incidents(all, idx, opt.FlapGap)
	return c
}

// percentiles are the nearest-rank p50 and p95, as checks.History computes them.
func percentiles(d []time.Duration) (p50, p95 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	slices.Sort(d)
	at := func(p float64) time.Duration {
		rank := int(p*float64(len(d))+0.999999) - 1
		return d[max(0, min(rank, len(d)-1))]
	}
	return at(0.50), at(0.95)
}

// incidents finds the runs of failing checks, merging runs whose recovery between them was
// shorter than gap; each merged recovery is a flap.
func incidents(all []store.Row, idx []int32, gap time.Duration) []Incident {
	var out []Incident
	var cur *Incident
	var failing []*store.Row // the current incident's failing checks
	var recovered time.Time  // the first working check since the last failure, if any
	closeIncident := func() {
		cur.Verdict, cur.Cause = summarize(failing)
		cur.Checks = len(failing)
		out = append(out, *cur)
		cur, failing = nil, nil
	}
	for _, i := range idx {
		r := &all[i]
		if r.Verdict.Works() {
			if cur != nil && recovered.IsZero() {
				recovered = r.At
			}
			if cur != nil && r.At.Sub(recovered) >= gap {
				cur.End = recovered
				closeIncident()
				recovered = time.Time{}
			}
			continue
		}
		if cur == nil {
			cur = &Incident{Start: r.At}
		} else if !recovered.IsZero() {
			cur.Flaps++
		}
		recovered = time.Time{}
		failing = append(failing, r)
	}
	if cur != nil {
		cur.End = recovered // zero when still failing: ongoing
		closeIncident()
	}
	return out
}

// summarize names an incident: its most frequent failing verdict (the worse on a tie) and
// its most frequent cause.
func summarize(rows []*store.Row) (checks.Verdict, string) {
	verdicts := map[checks.Verdict]int{}
	causes := map[string]int{}
	var causeOrder []string
	for _, r := range rows {
		verdicts[r.Verdict]++
		cause := Cause(*r)
		if cause == "" {
			continue
		}
		if causes[cause] == 0 {
			causeOrder = append(causeOrder, cause)
		}
		causes[cause]++
	}
	var verdict checks.Verdict
	for v, n := range verdicts {
		if verdict == "" || n > verdicts[verdict] || n == verdicts[verdict] && v.Severity() > verdict.Severity() {
			verdict = v
		}
	}
	best := ""
	for _, c := range causeOrder {
		if best == "" || causes[c] > causes[best] {
			best = c
		}
	}
	return verdict, best
}

// Cause says in plain words what made a check fail, without naming a host: "DNS tampered",
// "TLS reset after ClientHello", "connect timed out".
func Cause(r store.Row) string {
	if r.Failure == "" {
		return ""
	}
	return checks.Sanitize(checks.NewError(r.Failure, r.Operation, "").Human(""))
}
