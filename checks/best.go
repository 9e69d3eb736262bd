package checks

import (
	"cmp"
	"slices"
	"time"
)

// BestTie is how close two latencies must be to count as a tie, which recent stability then
// breaks: 2 ms or 5 %, whichever is larger. Closer than that is noise between two sweeps.
func BestTie(d time.Duration) time.Duration { return max(2*time.Millisecond, d/20) }

// Pick is one working route for a service.
type Pick struct {
	Route   string
	Latency time.Duration
	Verdict Verdict
	Uptime  float64 // recent share of working checks (history); 0 when none yet
}

// BestRoutes ranks the routes that work for service, best first: an ok route before a slow
// one, then the fastest; routes within BestTie of the fastest are a tie, won by the higher
// recent uptime, then the lower latency, then plan order. The first is the best route, the
// second the runner-up. Nothing working: none.
func BestRoutes(service string, results []CheckResult) []Pick {
	var picks []Pick
	for i := range results {
		if r := &results[i]; r.Service == service {
			picks = AppendPick(picks, r)
		}
	}
	return Rank(picks)
}

// AppendPick adds r to picks when it works.
func AppendPick(picks []Pick, r *CheckResult) []Pick {
	if !r.Verdict.Works() {
		return picks
	}
	return append(picks, Pick{Route: r.Route, Latency: r.Latency, Verdict: r.Verdict, Uptime: r.History.Uptime})
}

// Rank orders one service's working routes as BestRoutes does; picks is reordered in place.
func Rank(picks []Pick) []Pick {
	var ranked []Pick
	for len(picks) > 0 {
		k := bestOf(picks)
		ranked = append(ranked, picks[k])
		picks = slices.Delete(picks, k, k+1)
	}
	return ranked
}

// bestOf is the index of the best pick: fastest class first, then the tie rule.
func bestOf(picks []Pick) int {
	fastest := -1
	for k, p := range picks {
		if fastest < 0 || rankKey(p, picks[fastest]) < 0 {
			fastest = k
		}
	}
	f := picks[fastest]
	best := fastest
	for k, p := range picks {
		if p.Verdict != f.Verdict || p.Latency > f.Latency+BestTie(f.Latency) {
			continue
		}
		b := picks[best]
		if c := cmp.Compare(b.Uptime, p.Uptime); c < 0 || c == 0 && p.Latency < b.Latency {
			best = k
		}
	}
	return best
}

// rankKey orders ok before slow, then by latency (an unmeasured one last), then plan order.
func rankKey(a, b Pick) int {
	if c := cmp.Compare(a.Verdict.Severity(), b.Verdict.Severity()); c != 0 {
		return c
	}
	la, lb := a.Latency, b.Latency
	if la <= 0 {
		la = time.Duration(1 << 62)
	}
	if lb <= 0 {
		lb = time.Duration(1 << 62)
	}
	return cmp.Compare(la, lb)
}

// BestJSON is a service's best route and runner-up in `check --json` and
// `status --format json`; route is absent when no route works for the service.
type BestJSON struct {
	Service  string    `json:"service"`
	Route    string    `json:"route,omitempty"`
	Verdict  Verdict   `json:"verdict,omitempty"`
	Latency  *float64  `json:"latency_ms,omitempty"`
	RunnerUp *PickJSON `json:"runner_up,omitempty"`
}

// PickJSON is a runner-up route.
type PickJSON struct {
	Route   string   `json:"route"`
	Verdict Verdict  `json:"verdict"`
	Latency *float64 `json:"latency_ms,omitempty"`
}

// BestJSONFor is the best route and runner-up of every service of plan.
func BestJSONFor(plan Plan, results []CheckResult) []BestJSON {
	out := []BestJSON{}
	for _, svc := range plan.Services {
		b := BestJSON{Service: Sanitize(svc.Name)}
		picks := BestRoutes(svc.Name, results)
		if len(picks) > 0 {
			b.Route, b.Verdict, b.Latency = Sanitize(picks[0].Route), picks[0].Verdict, millis(picks[0].Latency)
		}
		if len(picks) > 1 {
			b.RunnerUp = &PickJSON{Route: Sanitize(picks[1].Route), Verdict: picks[1].Verdict, Latency: millis(picks[1].Latency)}
		}
		out = append(out, b)
	}
	return out
}
