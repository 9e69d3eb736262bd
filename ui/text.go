package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

// clean makes remote text safe for the terminal. Results arrive sanitized already; doing it
// again at the edge is cheap and keeps one careless producer from reaching the screen.
func clean(s string) string { return checks.Sanitize(s) }

// width is the number of terminal cells s takes.
func width(s string) int { return ansi.StringWidth(s) }

// fit truncates s to w cells (ending in g's ellipsis) and pads it with spaces to exactly w.
func fit(s string, w int, g Glyphs) string {
	s = clip(s, w, g)
	if n := w - width(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// clip truncates s to w cells, ending in g's ellipsis, without padding.
func clip(s string, w int, g Glyphs) string {
	if w <= 0 {
		return ""
	}
	if width(s) > w {
		tail := g.Ellipsis
		if width(tail) >= w {
			tail = ""
		}
		return ansi.Truncate(s, w, tail)
	}
	return s
}

// splitLines is strings.Split on newlines.
func splitLines(s string) []string { return strings.Split(s, "\n") }

// frame cuts content to the w×h screen so it never wraps or scrolls the terminal.
func frame(content string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(content, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// joinBeside puts right to the right of left, separated by sep, line by line.
func joinBeside(left, right []string, leftW int, sep string) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range n {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = pad(l, leftW) + sep + r
	}
	return out
}

// pad fills s with spaces to w cells; it never cuts.
func pad(s string, w int) string {
	if n := w - width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// asciiPunct are the typographic marks remote or domain text may carry, spelled in ASCII.
var asciiPunct = strings.NewReplacer("…", "...", "—", "-", "–", "-", "·", "|", "×", "x", "→", "->", "←", "<-", "│", "|", "─", "-")

// asciiOnly makes s pure ASCII for --ascii and non-UTF-8 locales: known marks are spelled
// out, any other non-ASCII character becomes '?'. Escape sequences are ASCII and stay.
func asciiOnly(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = asciiPunct.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x80 {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
