package ui

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// The phase bar shows durations with one meaning: each segment is its own phase (never a time
// since the start), the segments cover the whole total, and what the bar shows is what
// phases_ms says in JSON.
func TestPhaseBarSegmentsSumToTheTotalAndMatchPhasesMS(t *testing.T) {
	ms := time.Millisecond
	cases := []checks.Phases{
		{Connect: 90 * ms, TLS: 135 * ms, FirstByte: 5 * ms, Body: 2 * ms, Total: 240 * ms},
		{DNS: 8 * ms, Connect: 12 * ms, TLS: 20 * ms, Total: 40 * ms},
		{DNS: 9 * ms, Connect: 14 * ms, Total: 5 * time.Second}, // a timeout: mostly unnamed wait
		{Connect: 1 * ms, FirstByte: 997 * ms, Body: 2 * ms, Total: 1000 * ms},
	}
	m, _ := testModel(testPlan(1, 1), Options{ASCII: true}, 80, 24)
	for _, p := range cases {
		// phases_ms as a user's script reads it.
		data, err := json.Marshal(checks.TargetResult{Phases: p}.JSON())
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Phases map[string]float64 `json:"phases_ms"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		seg := phaseSegments(p)
		names := []string{"dns", "connect", "tls", "first_byte", "body"}
		var sum time.Duration
		for k, d := range seg {
			sum += d
			if k < len(names) && d > 0 && math.Abs(doc.Phases[names[k]]-float64(d.Microseconds())/1000) > 0.001 {
				t.Errorf("%+v: bar segment %s is %s, phases_ms says %v", p, names[k], d, doc.Phases[names[k]])
			}
		}
		if sum != p.Total || math.Abs(doc.Phases["total"]-float64(p.Total.Microseconds())/1000) > 0.001 {
			t.Errorf("%+v: segments add up to %s, total is %s (phases_ms total %v)", p, sum, p.Total, doc.Phases["total"])
		}
		for _, w := range []int{16, 40} {
			cells := barCells(p, w)
			n := 0
			for k, c := range cells {
				n += c
				exact := float64(w) * float64(seg[k]) / float64(p.Total)
				if math.Abs(float64(c)-exact) >= 1 {
					t.Errorf("%+v in %d cells: segment %d has %d cells, its share is %.2f", p, w, k, c, exact)
				}
			}
			if n != w {
				t.Errorf("%+v: bar has %d cells, want %d", p, n, w)
			}
			if bar := m.phaseBar(p, w); len(bar) != w {
				t.Errorf("%+v: drawn bar %q is %d wide, want %d", p, bar, len(bar), w)
			}
		}
	}
	// The words next to the bar are the same durations.
	got := PhaseSummary(cases[0])
	if want := "connect 90ms  tls 135ms  first byte 5ms  body 2ms  total 240ms"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if !strings.Contains(m.barLegend(), "request->first byte") {
		t.Errorf("legend does not say what first byte measures: %s", m.barLegend())
	}
}
