package ui

import (
	"strings"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/history"
)

// stripLevel is how much of an hour worked, one character of a history strip. A strip reads
// without colour: a full block is an hour where every check worked, an underscore one where
// none did.
type stripLevel struct {
	unicode, ascii string
	min            float64        // least uptime of the level (levels are tried in order)
	verdict        checks.Verdict // the colour it borrows
	words          string         // for the legend
}

// stripLevels is the table of levels, best first; an hour without checks is noCheck.
var stripLevels = []stripLevel{
	{"█", "#", 1, checks.VerdictOK, "all worked"},
	{"▓", "=", 0.75, checks.VerdictSlow, "≥75%"},
	{"▒", "-", 0.25, checks.VerdictPartial, "≥25%"},
	{"░", ":", 0.000001, checks.VerdictBlocked, "some"},
	{"_", "_", 0, checks.VerdictBlocked, "none worked"},
}

var noCheck = stripLevel{"·", ".", 0, checks.VerdictPending, "no checks"}

// levelOf is the level of an hour.
func levelOf(h history.Hour) stripLevel {
	if h.Checks == 0 {
		return noCheck
	}
	u := h.Uptime()
	for _, l := range stripLevels {
		if u >= l.min {
			return l
		}
	}
	return stripLevels[len(stripLevels)-1]
}

func (l stripLevel) glyph(ascii bool) string {
	if ascii {
		return l.ascii
	}
	return l.unicode
}

// Strip draws hours as one character each, oldest first.
func Strip(hours []history.Hour, ascii bool) string {
	var b strings.Builder
	for _, h := range hours {
		b.WriteString(levelOf(h).glyph(ascii))
	}
	return b.String()
}

// StripLegend explains the strip's characters.
func StripLegend(ascii bool) string {
	var parts []string
	for _, l := range append(stripLevels, noCheck) {
		words := l.words
		if ascii {
			words = strings.ReplaceAll(words, "≥", ">=")
		}
		parts = append(parts, l.glyph(ascii)+" "+words)
	}
	return strings.Join(parts, "  ")
}
