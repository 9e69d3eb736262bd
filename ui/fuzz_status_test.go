package ui

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

var fuzzVerdicts = []checks.Verdict{checks.VerdictOK, checks.VerdictSlow, checks.VerdictPartial, checks.VerdictBlocked, checks.VerdictRouteDown, checks.VerdictPending}

// FuzzStatusLine: whatever the route and service names, titles and failure texts (config
// names are the user's, reasons and details may come from a remote peer), every status
// format is one line without control, escape or bidi characters; tmux gets no '#' it would
// read as a format and polybar no "%{" it would read as a tag, beyond lifeline's own; json,
// waybar and i3bar parse.
func FuzzStatusLine(f *testing.F) {
	f.Add("direct", "whatsapp", "WA", "WhatsApp", "TLS reset after ClientHello", "reset", uint8(3), uint8(0), false)
	f.Add("tor #1", "sig#[fg=red]", "%{F#f00}", "Sig|nal", "a | b 'c'", "x\x1b[2Jy", uint8(4), uint8(1), false)
	f.Add("r\u202eoute", "s\x00", "", "", "\x9b31m\xff", "\u2066", uint8(2), uint8(5), true)
	f.Add("'quoted'", "svc=1", "S;1", "T,2", "reason\nnext line", "detail\r", uint8(0), uint8(2), true)
	f.Fuzz(func(t *testing.T, route, service, short, title, reason, detail string, verdict, other uint8, shortLine bool) {
		plan := checks.Plan{
			Routes: []checks.RouteSpec{
				{Name: route, Kind: checks.RouteDirect},
				{Name: route + "2", Kind: checks.RouteSOCKS5},
			},
			Services: []checks.Service{{Name: service, Short: short, Title: title}, {Name: service + "x", Title: reason}},
		}
		cause := &checks.Error{Failure: checks.FailConnectionReset, Operation: checks.OpTLSHandshake, Detail: detail}
		snap := StatusSnapshot{Plan: plan, Routes: map[string]checks.RouteResult{}, Time: time.Unix(1_700_000_000, 0)}
		for i, spec := range plan.Routes {
			snap.Routes[spec.Name] = checks.RouteResult{Name: spec.Name, Kind: spec.Kind, OK: i == 0, Reason: reason, Err: cause}
			for j, svc := range plan.Services {
				v := fuzzVerdicts[int(verdict)%len(fuzzVerdicts)]
				if (i+j)%2 == 1 {
					v = fuzzVerdicts[int(other)%len(fuzzVerdicts)]
				}
				snap.Results = append(snap.Results, checks.CheckResult{
					Route: spec.Name, Service: svc.Name, Verdict: v, Latency: 142 * time.Millisecond,
					Reason: reason, Cause: cause,
				})
			}
		}
		for _, glyphs := range []Glyphs{UnicodeGlyphs, ASCIIGlyphs} {
			for _, format := range StatusFormats {
				opt := StatusOptions{Format: format, Glyphs: glyphs, Short: shortLine, Warn: 100 * time.Millisecond, Crit: time.Second}
				line := StatusLine(snap, opt)
				switch format {
				case StatusJSON, StatusWaybar, StatusI3bar:
					if bad := hostilelab.UncleanJSON(line); bad != "" {
						t.Fatalf("%s: %s: %q", format, bad, line)
					}
				default:
					if bad := hostilelab.Unclean(line); bad != "" {
						t.Fatalf("%s: %s: %q", format, bad, line)
					}
				}
				if strings.Contains(line, "\n") {
					t.Fatalf("%s: more than one line: %q", format, line)
				}
				switch format {
				case StatusTmux:
					if bad := tmuxStray(line); bad != "" {
						t.Fatalf("tmux: %s: %q", bad, line)
					}
				case StatusPolybar:
					if bad := polybarStray(line); bad != "" {
						t.Fatalf("polybar: %s: %q", bad, line)
					}
				case StatusNagios:
					// The first '|' starts the performance data.
					if text, _, _ := strings.Cut(line, " | "); strings.Contains(text, "|") {
						t.Fatalf("nagios: a '|' in the text: %q", line)
					}
				case StatusWaybar:
					var w struct{ Text, Tooltip, Class string }
					if err := json.Unmarshal([]byte(line), &w); err != nil || w.Text == "" {
						t.Fatalf("waybar: %v: %q", err, line)
					}
				case StatusI3bar:
					var blocks []map[string]any
					if err := json.Unmarshal([]byte(line), &blocks); err != nil || len(blocks) == 0 {
						t.Fatalf("i3bar: %v: %q", err, line)
					}
				case StatusJSON:
					var doc StatusLineJSON
					if err := json.Unmarshal([]byte(line), &doc); err != nil || len(doc.Results) != 4 {
						t.Fatalf("json: %v: %q", err, line)
					}
				}
			}
		}
	})
}

// tmuxStray finds a '#' that tmux would read as a format and lifeline did not write: every
// '#' is either doubled (a literal '#') or opens "#[fg=COLOUR]" or "#[default]".
func tmuxStray(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] != '#' {
			continue
		}
		rest := line[i+1:]
		switch {
		case strings.HasPrefix(rest, "#"):
			i++
		case strings.HasPrefix(rest, "[default]"):
			i += len("[default]")
		case strings.HasPrefix(rest, "[fg="):
			end := strings.IndexByte(rest, ']')
			colour := rest[len("[fg="):max(end, len("[fg="))]
			if end < 0 || !isTmuxColour(colour) {
				return "a '#[' that is not lifeline's colour at byte " + itoa(i)
			}
			i += end + 1
		default:
			return "a lone '#' at byte " + itoa(i)
		}
	}
	return ""
}

func isTmuxColour(c string) bool {
	for _, v := range fuzzVerdicts {
		if tmuxColour(v) == c {
			return true
		}
	}
	return false
}

// polybarStray finds a "%{" that lifeline did not write: its tags are %{F#rrggbb} and %{F-}.
func polybarStray(line string) string {
	for i := strings.Index(line, "%{"); i >= 0; {
		rest := line[i:]
		ok := strings.HasPrefix(rest, "%{F-}")
		if strings.HasPrefix(rest, "%{F#") && len(rest) >= 11 && rest[10] == '}' {
			ok = true
		}
		if !ok {
			return "a stray %{ at byte " + itoa(i)
		}
		next := strings.Index(line[i+2:], "%{")
		if next < 0 {
			break
		}
		i += 2 + next
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
