package export

import (
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Change is one announced transition of a route × service between working and failing.
type Change struct {
	Route   string
	Service string
	From    checks.Verdict // the verdict the cell had while in its previous state
	To      checks.Verdict // the verdict that completed the streak
	Reason  string         // sanitized: reasons are influenced by remote parties
	Time    time.Time
}

// Hysteresis decides which results are worth a notification. A cell is either up (ok, slow)
// or down (partial, blocked, route-down). A change to down is announced only after
// FailureThreshold consecutive down results, and a recovery only after SuccessThreshold
// consecutive up results, so one lost packet does not page anyone.
//
// Pending results never count and never break a streak. The first stable state of a cell is
// learnt silently: starting lifeline while Signal is blocked announces nothing until the state
// changes, so restarts and reloads do not repeat old news. Moving between two down verdicts
// (blocked to route-down) is not a new transition.
//
// Hysteresis is a pure state machine and not safe for concurrent use.
type Hysteresis struct {
	failureThreshold int
	successThreshold int
	cells            map[cellID]*cellState
}

type cellID struct{ route, service string }

type cellState struct {
	known    bool           // a stable state has been reached
	up       bool           // the stable state
	verdict  checks.Verdict // the latest verdict seen in the stable state
	streak   int            // consecutive results in the other state (or, before known, in streakUp)
	streakUp bool
}

// NewHysteresis makes a state machine; thresholds below 1 count as 1.
func NewHysteresis(failureThreshold, successThreshold int) *Hysteresis {
	return &Hysteresis{
		failureThreshold: max(1, failureThreshold),
		successThreshold: max(1, successThreshold),
		cells:            map[cellID]*cellState{},
	}
}

// Step feeds one result and reports the change it completes, if any.
func (h *Hysteresis) Step(r checks.CheckResult) (Change, bool) {
	if r.Verdict == checks.VerdictPending || r.Verdict == "" {
		return Change{}, false
	}
	id := cellID{r.Route, r.Service}
	c := h.cells[id]
	if c == nil {
		c = &cellState{}
		h.cells[id] = c
	}
	up := r.Verdict.Works()
	if c.known && up == c.up {
		c.verdict = r.Verdict
		c.streak = 0
		return Change{}, false
	}
	if c.streak == 0 || c.streakUp != up {
		c.streak, c.streakUp = 0, up
	}
	c.streak++
	need := h.failureThreshold
	if up {
		need = h.successThreshold
	}
	if c.streak < need {
		return Change{}, false
	}
	wasKnown, from := c.known, c.verdict
	c.known, c.up, c.verdict, c.streak = true, up, r.Verdict, 0
	if !wasKnown {
		return Change{}, false
	}
	at := r.Finished
	if at.IsZero() {
		at = time.Now()
	}
	return Change{
		Route: r.Route, Service: r.Service, From: from, To: r.Verdict,
		Reason: checks.Sanitize(r.Reason), Time: at,
	}, true
}

// Retain forgets the cells not in keep, so a route removed by a reload and added back later
// starts afresh; cells that stay keep their state and streaks.
func (h *Hysteresis) Retain(keep map[checks.Cell]bool) {
	checks.RetainCells(h.cells, keep, func(id cellID) checks.Cell { return checks.Cell{Route: id.route, Service: id.service} })
}
