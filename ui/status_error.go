package ui

import (
	"cmp"
	"encoding/json"
	"html"
	"strings"

	"github.com/lifeline-app/lifeline/checks"
)

// Status errors: when lifeline cannot report (the config is refused, the sweep was
// interrupted or timed out), a bar must not go blank, which reads as "all fine" or "not
// running". Every format prints an error state in its own dialect; the exit code is 3.

// Short words for the error states bars show.
const (
	ErrorConfig      = "config error"
	ErrorInterrupted = "interrupted"
	ErrorTimedOut    = "timed out"
)

// errorHex is the colour of an error state: the colour of a blocked cell.
var errorHex = VerdictHex(checks.VerdictBlocked)

// StatusErrorLine is the error state in opt.Format: short says what kind of error ("config
// error"), reason the details (sanitized here, and kept to one line).
func StatusErrorLine(short, reason string, opt StatusOptions) string {
	reason = oneLine(checks.Sanitize(reason))
	text := "lifeline: " + short
	switch opt.Format {
	case StatusNagios:
		// '|' would start performance data.
		text := short + ": " + reason
		if reason == "" || strings.HasPrefix(reason, short) {
			text = cmp.Or(reason, short)
		}
		return "LIFELINE UNKNOWN - " + strings.ReplaceAll(text, "|", "/")
	case StatusJSON:
		data, _ := json.Marshal(struct {
			Status string `json:"status"`
			Exit   int    `json:"exit_code"`
			Error  string `json:"error"`
			Reason string `json:"reason"`
		}{"unknown", checks.ExitUnknown, short, reason})
		return string(data)
	case StatusWaybar:
		data, _ := json.Marshal(struct {
			Text    string `json:"text"`
			Alt     string `json:"alt"`
			Tooltip string `json:"tooltip"`
			Class   string `json:"class"`
		}{html.EscapeString(text), "error", html.EscapeString(reason), "error"})
		return string(data)
	case StatusI3bar:
		data, _ := json.Marshal([]i3barBlock{{Name: "lifeline", Instance: "error", FullText: text,
			ShortText: "lifeline: error", Color: errorHex, Urgent: true, Separator: true}})
		return string(data)
	case StatusTmux:
		return "#[fg=red]" + tmuxEscape(text) + "#[default]"
	case StatusPolybar:
		return "%{F" + errorHex + "}" + polybarEscape(text) + "%{F-}"
	}
	if opt.Color {
		return "\x1b[31m" + text + "\x1b[0m"
	}
	return text
}

// PrintError writes the error state as the next update, i3bar's header first if needed.
func (p *StatusPrinter) PrintError(short, reason string) error {
	return p.write(StatusErrorLine(short, reason, p.opt))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
