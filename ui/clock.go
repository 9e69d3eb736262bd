package ui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
)

// The dashboard's clock: one timer, armed for the next moment something on screen changes by
// itself (the spinner, the countdown, an "ago"), so an idle dashboard wakes once a minute,
// not once a second, when nothing it shows moves faster.

// tickEvery is the shortest step: the spinner's, and the countdown's in its last minute.
const tickEvery = time.Second

// tickSlack lands a tick just past the boundary it waits for, so the text has changed.
const tickSlack = 5 * time.Millisecond

// nextChange is how long until something on screen changes with no event or key.
func (m Model) nextChange(now time.Time) time.Duration {
	if m.anyPending() {
		return tickEvery // the spinner turns
	}
	d := time.Hour
	if !m.closed && !m.paused && !m.next.IsZero() {
		if left := m.next.Sub(now); left > 0 {
			d = min(d, untilCountdownChanges(left))
		}
	}
	if !m.lastFinished.IsZero() {
		d = min(d, untilAgoChanges(now.Sub(m.lastFinished)))
	}
	return d + tickSlack
}

// untilCountdownChanges is how long until countdown(left) reads differently.
func untilCountdownChanges(left time.Duration) time.Duration {
	unit := time.Second
	if left > time.Minute {
		unit = time.Minute
	}
	shown := (left + unit - 1) / unit // countdown rounds up
	return max(left-(shown-1)*unit, 0)
}

// untilAgoChanges is how long until ago(age) reads differently.
func untilAgoChanges(age time.Duration) time.Duration {
	switch {
	case age < 0:
		return -age
	case age < time.Minute:
		return time.Minute - age
	case age < time.Hour:
		return time.Minute - age%time.Minute
	case age < 48*time.Hour:
		return time.Hour - age%time.Hour
	}
	return 24*time.Hour - age%(24*time.Hour)
}

// armTick makes sure a tick is due by the next change: it arms a new one (and the older, now
// stray, is ignored) only when the armed one would come too late.
func (m *Model) armTick() tea.Cmd {
	now := m.now()
	due := now.Add(m.nextChange(now))
	if m.tickArmed && !due.Before(m.tickDue) {
		return nil
	}
	m.tickGen++
	m.tickDue, m.tickArmed = due, true
	gen := m.tickGen
	return tea.Tick(due.Sub(now), func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}

// countdown is the time to the next sweep: seconds in its last minute, else whole minutes.
func countdown(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	switch {
	case s <= 0:
		return "0s"
	case s <= 60:
		return fmt.Sprintf("%ds", s)
	}
	return fmt.Sprintf("%dm", int((d+time.Minute-1)/time.Minute))
}

// ago is how long ago, to the minute: "just now", "3m ago", "2h ago", "3d ago".
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}
