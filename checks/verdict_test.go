package checks

import (
	"testing"
	"time"
)

func TestEveryVerdictHasOneCompleteRowAndPendingSortsLast(t *testing.T) {
	want := []Verdict{VerdictNA, VerdictOK, VerdictSlow, VerdictPartial, VerdictBlocked, VerdictRouteDown, VerdictPending}
	got := Verdicts()
	if len(got) != len(want) {
		t.Fatalf("verdicts %v, want %v", got, want)
	}
	glyphs, ascii := map[string]Verdict{}, map[string]Verdict{}
	for i, v := range got {
		if v != want[i] {
			t.Fatalf("verdicts %v, want %v (best first)", got, want)
		}
		info := v.Info()
		if info.Severity != i {
			t.Errorf("%s: severity %d, want %d", v, info.Severity, i)
		}
		if info.Glyph == "" || info.ASCII == "" || info.Word == "" || info.Hex == "" || info.HexLight == "" || info.Tmux == "" || info.SGR == "" {
			t.Errorf("%s: incomplete row %+v", v, info)
		}
		if other, dup := glyphs[info.Glyph]; dup {
			t.Errorf("%s and %s share the glyph %q", v, other, info.Glyph)
		}
		if other, dup := ascii[info.ASCII]; dup {
			t.Errorf("%s and %s share the ASCII glyph %q", v, other, info.ASCII)
		}
		glyphs[info.Glyph], ascii[info.ASCII] = v, v
	}
	if Verdict("no-such").Info().Verdict != VerdictPending {
		t.Error("an unknown verdict does not look pending")
	}
}

func TestNotApplicableIsNeitherAFailureNorAnOutage(t *testing.T) {
	na := VerdictNA.Info()
	if na.Works || na.Failed || na.Urgent || na.Exit != ExitOK {
		t.Errorf("n/a row %+v: it must not count as working, failed, urgent or non-zero exit", na)
	}
	ok := CheckResult{Verdict: VerdictOK}
	notApplicable := CheckResult{Verdict: VerdictNA}
	if s := Summarize([]CheckResult{ok, notApplicable}); s.ExitCode() != ExitOK || s.Worst != VerdictOK || s.NA != 1 {
		t.Errorf("ok + n/a: %+v exit %d, want exit 0 with ok the worst", s, s.ExitCode())
	}
	if s := Summarize([]CheckResult{notApplicable}); s.ExitCode() != ExitOK || s.Worst != VerdictNA {
		t.Errorf("only n/a: %+v exit %d, want exit 0", s, s.ExitCode())
	}
	blocked := CheckResult{Verdict: VerdictBlocked}
	if s := Summarize([]CheckResult{notApplicable, blocked}); s.ExitCode() != ExitDown {
		t.Errorf("n/a + blocked: exit %d, want %d", s.ExitCode(), ExitDown)
	}

	h := NewHistory(10)
	now := time.Now()
	h.Add(CheckResult{Route: "r", Service: "s", Verdict: VerdictNA, Finished: now})
	st := h.Add(CheckResult{Route: "r", Service: "s", Verdict: VerdictOK, Latency: time.Millisecond, Finished: now})
	if st.Uptime != 1 || !st.LastFailed.IsZero() {
		t.Errorf("history after n/a then ok: uptime %v, last failed %v; want 1 and never", st.Uptime, st.LastFailed)
	}
}
