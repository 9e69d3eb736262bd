package history

import (
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/store"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// cell builds a cell's rows from a pattern, one check a minute: '+' ok, 'x' blocked by DNS
// tampering, 'p' partial by a TLS reset.
func cell(pattern string) []store.Row {
	var rows []store.Row
	for i, c := range pattern {
		r := store.Row{At: t0.Add(time.Duration(i) * time.Minute), Route: "direct", Service: "whatsapp"}
		switch c {
		case '+':
			r.Verdict, r.Latency = checks.VerdictOK, time.Duration(100+i)*time.Millisecond
		case 'x':
			r.Verdict, r.Failure, r.Operation = checks.VerdictBlocked, checks.FailDNSTampered, checks.OpResolve
		case 'p':
			r.Verdict, r.Failure, r.Operation = checks.VerdictPartial, checks.FailConnectionReset, checks.OpTLSHandshake
		}
		rows = append(rows, r)
	}
	return rows
}

func TestIncidentsMergeFlapsAndEndOnRecovery(t *testing.T) {
	// Blocked from minute 2; back for one minute at 5 and two at 8-9 (flaps, under the
	// 10-minute gap); recovered at 12 for good; blocked again from 30 to the end.
	rows := cell("++xxx+xx++xx" + "++++++++++++++++++" + "pxx")
	got := Build(rows, Options{Since: t0, Until: t0.Add(time.Hour), Loc: time.UTC})
	if len(got) != 1 {
		t.Fatalf("%d cells", len(got))
	}
	inc := got[0].Incidents
	if len(inc) != 2 {
		t.Fatalf("incidents %+v", inc)
	}
	first, second := inc[0], inc[1]
	if !first.Start.Equal(t0.Add(2*time.Minute)) || !first.End.Equal(t0.Add(12*time.Minute)) || first.Flaps != 2 ||
		first.Verdict != checks.VerdictBlocked || first.Cause != "DNS tampered" || first.Checks != 7 {
		t.Errorf("first incident %+v", first)
	}
	if !second.Ongoing() || !second.Start.Equal(t0.Add(30*time.Minute)) || second.Verdict != checks.VerdictBlocked || second.Flaps != 0 {
		t.Errorf("second incident %+v", second)
	}
	if c := got[0]; c.Checks != 33 || c.Working != 23 || c.Hours[0].Checks != 33 || len(c.Hours) != 1 {
		t.Errorf("counts %+v", c)
	}
}

// A recovery that lasts the flap gap ends the incident, even with no later failure.
func TestLongRecoveryEndsIncident(t *testing.T) {
	gap := 3 * time.Minute
	got := Build(cell("xx++++x"), Options{Since: t0, Until: t0.Add(time.Hour), Loc: time.UTC, FlapGap: gap})
	inc := got[0].Incidents
	if len(inc) != 2 || inc[0].Flaps != 0 || !inc[0].End.Equal(t0.Add(2*time.Minute)) || !inc[1].Ongoing() {
		t.Fatalf("incidents %+v", inc)
	}
}

// Results outside the span and pending ones are left out; cells follow the wanted order.
func TestBuildSpanAndOrder(t *testing.T) {
	rows := cell("+++")
	other := cell("x")
	other[0].Route = "tor"
	pending := store.Row{At: t0, Route: "vpn", Service: "whatsapp", Verdict: checks.VerdictPending}
	all := append(append(rows, other...), pending)
	got := Build(all, Options{Since: t0.Add(time.Minute), Until: t0.Add(time.Hour), Loc: time.UTC,
		Order: []checks.Cell{{Route: "tor", Service: "whatsapp"}}})
	if len(got) != 1 || got[0].Route != "direct" || got[0].Checks != 2 {
		t.Fatalf("cells %+v", got)
	}
	got = Build(all, Options{Since: t0, Until: t0.Add(time.Hour), Loc: time.UTC, Order: []checks.Cell{{Route: "tor", Service: "whatsapp"}}})
	if len(got) != 2 || got[0].Route != "tor" || got[1].Route != "direct" {
		t.Fatalf("order %+v", got)
	}
}

// Rows of two writers interleave; the story is told in time order all the same.
func TestBuildSortsInterleavedRows(t *testing.T) {
	rows := cell("++xx++")
	rows[1], rows[3] = rows[3], rows[1] // a failure stored before an earlier success
	got := Build(rows, Options{Since: t0, Until: t0.Add(time.Hour), Loc: time.UTC})
	inc := got[0].Incidents
	if len(inc) != 1 || !inc[0].Start.Equal(t0.Add(2*time.Minute)) || !inc[0].End.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("incidents %+v", inc)
	}
}
