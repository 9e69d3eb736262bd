package ui

import (
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// A cell that holds no verdict says why: a check the route's queue kept from its time reads
// "busy", one lifeline's own failure left unknown reads "internal", one not run yet "pending".
func TestAnUnknownCellSaysWhyNothingIsKnown(t *testing.T) {
	g := UnicodeGlyphs
	for _, tc := range []struct {
		cause *checks.Error
		want  string
	}{
		{checks.NewError(checks.FailNotMeasured, checks.OpQueue, "the route's 4 slots stayed busy until the deadline"), g.Pending + " busy"},
		{checks.NewError(checks.FailInternal, checks.OpConnect, "too many open files"), g.Pending + " internal"},
		{nil, g.Pending + " pending"},
	} {
		r := checks.CheckResult{Verdict: checks.VerdictPending, Cause: tc.cause}
		if got := Cell(g, r); got != tc.want {
			t.Errorf("cause %v: cell %q, want %q", tc.cause, got, tc.want)
		}
	}
}
