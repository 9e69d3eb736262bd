package checks

import (
	"testing"
	"time"
)

func TestBestRoutesRanksTheFastestWorkingRouteAndBreaksTiesByStability(t *testing.T) {
	ms := time.Millisecond
	res := func(route string, v Verdict, lat time.Duration, uptime float64) CheckResult {
		return CheckResult{Route: route, Service: "whatsapp", Verdict: v, Latency: lat, History: Stats{Uptime: uptime, Samples: 10}}
	}
	cases := []struct {
		name    string
		results []CheckResult
		want    []string
	}{
		{"fastest first, failures left out", []CheckResult{
			res("vpn", VerdictOK, 35*ms, 1), res("ss", VerdictOK, 7*ms, 1), res("tor", VerdictBlocked, 0, 0),
			res("dead", VerdictRouteDown, 0, 0)}, []string{"ss", "vpn"}},
		{"ok before slow whatever the latency", []CheckResult{
			res("slowpoke", VerdictSlow, 5*ms, 1), res("vpn", VerdictOK, 300*ms, 1)}, []string{"vpn", "slowpoke"}},
		{"a tie (within 2ms) goes to the more stable route", []CheckResult{
			res("flaky", VerdictOK, 20*ms, 0.6), res("steady", VerdictOK, 21*ms, 1)}, []string{"steady", "flaky"}},
		{"a tie (within 5%) goes to the more stable route", []CheckResult{
			res("flaky", VerdictOK, 400*ms, 0.6), res("steady", VerdictOK, 415*ms, 0.99)}, []string{"steady", "flaky"}},
		{"beyond the tie, speed wins", []CheckResult{
			res("flaky", VerdictOK, 20*ms, 0.6), res("steady", VerdictOK, 40*ms, 1)}, []string{"flaky", "steady"}},
		{"another service's results do not count", []CheckResult{
			{Route: "x", Service: "signal", Verdict: VerdictOK, Latency: ms}, res("vpn", VerdictOK, 9*ms, 1)}, []string{"vpn"}},
		{"nothing works", []CheckResult{res("tor", VerdictBlocked, 0, 0)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			picks := BestRoutes("whatsapp", c.results)
			var got []string
			for _, p := range picks {
				got = append(got, p.Route)
			}
			if len(got) != len(c.want) {
				t.Fatalf("ranked %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("ranked %v, want %v", got, c.want)
				}
			}
		})
	}
}
