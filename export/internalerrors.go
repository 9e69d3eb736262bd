package export

import (
	"fmt"
	"io"
	"sync"

	"github.com/lifeline-app/lifeline/checks"
)

// InternalErrors says on a diagnostics stream when lifeline's own failure (out of descriptors
// or memory, checks.FailInternal) left results unknown: once per sweep, with how many, so a
// user learns that lifeline, not a route, is at fault.
type InternalErrors struct {
	diag  io.Writer
	mu    sync.Mutex
	count int
	first string
}

// NewInternalErrors reports to diag.
func NewInternalErrors(diag io.Writer) *InternalErrors { return &InternalErrors{diag: diag} }

// Observe counts internal failures and reports them when the sweep ends.
func (r *InternalErrors) Observe(e checks.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case checks.EventCheckDone:
		if e.Check.Cause.Internal() {
			r.note(e.Check.Cause, e.Check.Route+"/"+e.Check.Service)
		}
	case checks.EventRouteChecked:
		if e.Route.Err.Internal() {
			r.note(e.Route.Err, "route "+e.Route.Name)
		}
	case checks.EventSweepFinished:
		if r.count > 0 {
			fmt.Fprintf(r.diag, "lifeline: sweep %d: %s; %d results left unknown. Raise the open-file limit (ulimit -n) or lower concurrency\n",
				e.Sweep, r.first, r.count)
		}
		r.count, r.first = 0, ""
	}
}

func (r *InternalErrors) note(err *checks.Error, where string) {
	if r.count == 0 {
		r.first = checks.Sanitize(err.Human("") + " at " + where)
	}
	r.count++
}
