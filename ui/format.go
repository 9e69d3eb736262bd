// Package ui renders results for people: the dashboard, the check report and the headless
// status lines share the glyphs, words and colours defined here.
package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Glyphs is one set of symbols: the verdicts' (a column of the verdict table; every glyph
// goes with a word or number), and the punctuation the text around them uses, so that ASCII
// mode is ASCII throughout. The named verdict fields are for text that shows one glyph by
// itself.
type Glyphs struct {
	OK, Slow, Partial, Blocked, RouteDown, Pending, NA string
	Warn                                               string // a route that works but should not be trusted
	Spinner                                            []string

	Sep      string // between parts of a line: " · "
	Dash     string // before a reason: "—"
	Ellipsis string // text cut short: "…"
	Times    string // route × service: "×"
	Arrow    string // service → its best route: "→"
	More     string // more below: "▼"
	MoreUp   string // scrolled to the end, more above: "▲"

	ascii bool
}

// UnicodeGlyphs are used on UTF-8 terminals.
var UnicodeGlyphs = glyphSet(false, []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"})

// ASCIIGlyphs are used with --ascii and when the locale is not UTF-8.
var ASCIIGlyphs = glyphSet(true, []string{"|", "/", "-", "\\"})

func glyphSet(ascii bool, spinner []string) Glyphs {
	g := Glyphs{Spinner: spinner, ascii: ascii}
	g.OK, g.Slow, g.Partial = g.For(checks.VerdictOK), g.For(checks.VerdictSlow), g.For(checks.VerdictPartial)
	g.Blocked, g.RouteDown, g.Pending = g.For(checks.VerdictBlocked), g.For(checks.VerdictRouteDown), g.For(checks.VerdictPending)
	g.NA = g.For(checks.VerdictNA)
	if ascii {
		g.Warn, g.Sep, g.Dash, g.Ellipsis, g.Times, g.Arrow, g.More, g.MoreUp = "!", " | ", "-", "...", "/", "->", "v", "^"
	} else {
		g.Warn, g.Sep, g.Dash, g.Ellipsis, g.Times, g.Arrow, g.More, g.MoreUp = "⚠", " · ", "—", "…", "×", "→", "▼", "▲"
	}
	return g
}

// For returns the glyph of a verdict.
func (g Glyphs) For(v checks.Verdict) string {
	if g.ascii {
		return v.Info().ASCII
	}
	return v.Info().Glyph
}

// CellWord is the word or number that goes with the glyph: "142ms", "slow 1.4s",
// "partial", "reset", "dns", "route down", "n/a", "pending", "busy" (not measured).
func CellWord(r checks.CheckResult) string {
	switch {
	case r.Verdict == checks.VerdictOK:
		return FormatLatency(r.Latency)
	case r.Verdict == checks.VerdictSlow:
		return "slow " + FormatLatency(r.Latency)
	case r.Verdict == checks.VerdictBlocked && r.Cause != nil:
		return r.Cause.Short()
	case r.Verdict == checks.VerdictPending && (r.Cause.NotMeasured() || r.Cause.Internal()):
		return r.Cause.Short() // "busy", "internal": why nothing is known
	}
	return r.Verdict.Info().Word
}

// VerdictWord is a verdict as people read it: "route down" where JSON says "route-down".
func VerdictWord(v checks.Verdict) string {
	if v == checks.VerdictOK {
		return "ok"
	}
	return v.Info().Word
}

// dashed is " — " before a reason (" - " in ASCII).
func dashed(g Glyphs) string { return " " + g.Dash + " " }

// Cell is glyph and word together, e.g. "✓ 142ms".
func Cell(g Glyphs, r checks.CheckResult) string {
	return g.For(r.Verdict) + " " + CellWord(r)
}

// FormatLatency prints a latency the way a person reads it: "142ms", "1.4s", "12s".
func FormatLatency(d time.Duration) string {
	switch {
	case d <= 0:
		return "-" // unmeasured; ASCII in every mode
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
}

// VerdictHex is the colour of a verdict for status bars that take #RRGGBB.
func VerdictHex(v checks.Verdict) string { return v.Info().Hex }

// LocaleIsUTF8 reports whether the locale (LC_ALL, then LC_CTYPE, then LANG) asks for UTF-8.
// An unset locale is POSIX's "C", which is ASCII.
func LocaleIsUTF8(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}
