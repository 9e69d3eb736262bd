package export

import (
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func TestHysteresisWalk(t *testing.T) {
	const (
		ok      = checks.VerdictOK
		slow    = checks.VerdictSlow
		blocked = checks.VerdictBlocked
		down    = checks.VerdictRouteDown
		partial = checks.VerdictPartial
		pending = checks.VerdictPending
	)
	type step struct {
		v        checks.Verdict
		announce string // "" for none, else "from>to"
	}
	tests := []struct {
		name       string
		fail, succ int
		steps      []step
	}{
		{"first state learnt silently, then fail fail ok ok", 2, 2, []step{
			{ok, ""}, {ok, ""}, // baseline up, not announced
			{blocked, ""}, {blocked, "ok>blocked"},
			{ok, ""}, {ok, "blocked>ok"},
			{ok, ""},
		}},
		{"a single failure between successes is not news", 2, 2, []step{
			{ok, ""}, {ok, ""}, {blocked, ""}, {ok, ""}, {blocked, ""}, {ok, ""}, {ok, ""},
		}},
		{"one notification per transition", 2, 1, []step{
			{ok, ""}, {ok, ""}, {blocked, ""}, {blocked, "ok>blocked"}, {blocked, ""}, {down, ""}, {blocked, ""},
			{slow, "blocked>slow"}, {ok, ""},
		}},
		{"pending neither counts nor breaks a streak", 3, 2, []step{
			{ok, ""}, {pending, ""}, {ok, ""}, {partial, ""}, {pending, ""}, {blocked, ""}, {pending, ""}, {down, "ok>route-down"},
		}},
		{"starting while blocked announces only the recovery", 2, 2, []step{
			{blocked, ""}, {blocked, ""}, {blocked, ""}, {ok, ""}, {ok, "blocked>ok"},
		}},
		{"thresholds below one act as one", 0, 0, []step{
			{ok, ""}, {blocked, "ok>blocked"}, {ok, "blocked>ok"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHysteresis(tt.fail, tt.succ)
			for i, s := range tt.steps {
				c, ok := h.Step(result("vpn", "signal", s.v, 0, "reason "+string(s.v)))
				got := ""
				if ok {
					got = string(c.From) + ">" + string(c.To)
					if c.Route != "vpn" || c.Service != "signal" || c.Reason != "reason "+string(s.v) || c.Time.IsZero() {
						t.Errorf("step %d: change %+v lacks its cell, reason or time", i, c)
					}
				}
				if got != s.announce {
					t.Fatalf("step %d (%s): announced %q, want %q", i, s.v, got, s.announce)
				}
			}
		})
	}
}

func TestHysteresisKeepsCellsApart(t *testing.T) {
	h := NewHysteresis(1, 1)
	h.Step(result("direct", "whatsapp", checks.VerdictOK, 0, ""))
	h.Step(result("direct", "telegram", checks.VerdictBlocked, 0, ""))
	if _, ok := h.Step(result("direct", "telegram", checks.VerdictBlocked, 0, "")); ok {
		t.Fatal("a cell staying blocked was announced")
	}
	c, ok := h.Step(result("direct", "whatsapp", checks.VerdictBlocked, 0, ""))
	if !ok || c.Service != "whatsapp" || c.From != checks.VerdictOK {
		t.Fatalf("whatsapp going down: got %+v, %v", c, ok)
	}
}

func TestHysteresisSanitizesReason(t *testing.T) {
	h := NewHysteresis(1, 1)
	h.Step(result("direct", "signal", checks.VerdictOK, 0, ""))
	c, ok := h.Step(result("direct", "signal", checks.VerdictBlocked, 0, "reset\x1b[31m by \x07peer"))
	if !ok || c.Reason != "reset by peer" {
		t.Fatalf("reason %q (announced %v), want escape sequences removed", c.Reason, ok)
	}
}
