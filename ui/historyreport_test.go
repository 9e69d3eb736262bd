package ui

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/history"
	"github.com/lifeline-app/lifeline/store"
)

// storyEnd is when the stored day of storyRows ends.
var storyEnd = time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)

// storyRows is a day (or days) of stored results every 30 s on three cells:
//   - WhatsApp via direct: DNS tampered 14:02–15:40 with three single-check recoveries inside,
//     and slow for the 09:00 hour;
//   - Telegram via direct: TLS resets 03:00–05:00 (partial), blocked again since 17:30;
//   - WhatsApp via tor: works all along, and had no checks from 06:00 to 08:00 (laptop asleep).
func storyRows(days int) []store.Row {
	var rows []store.Row
	start := storyEnd.Add(-time.Duration(days) * 24 * time.Hour)
	tampered := checks.FailDNSTampered
	add := func(route, service string, at time.Time, v checks.Verdict, ms int, failure, op string) {
		r := store.Row{At: at, Route: route, Service: service, Verdict: v, Failure: failure, Operation: op}
		if v.Works() {
			r.Latency = time.Duration(ms) * time.Millisecond
		}
		rows = append(rows, r)
	}
	for at := start; at.Before(storyEnd); at = at.Add(30 * time.Second) {
		i := int(at.Sub(start) / (30 * time.Second))
		clock := at.Hour()*60 + at.Minute()
		lastDay := storyEnd.Sub(at) <= 24*time.Hour
		// WhatsApp via direct
		switch {
		case lastDay && clock >= 14*60+2 && clock < 15*60+40 && i%40 != 7:
			add("direct", "whatsapp", at, checks.VerdictBlocked, 0, tampered, checks.OpResolve)
		case at.Hour() == 9:
			add("direct", "whatsapp", at, checks.VerdictSlow, 1200+i%300, "", "")
		default:
			add("direct", "whatsapp", at, checks.VerdictOK, 120+i%60*3, "", "")
		}
		// Telegram via direct
		switch {
		case storyEnd.Sub(at) <= 30*time.Minute:
			add("direct", "telegram", at, checks.VerdictBlocked, 0, checks.FailConnectionReset, checks.OpTLSHandshake)
		case at.Hour() >= 3 && at.Hour() < 5:
			add("direct", "telegram", at, checks.VerdictPartial, 0, checks.FailConnectionReset, checks.OpTLSHandshake)
		default:
			add("direct", "telegram", at, checks.VerdictOK, 90+i%40, "", "")
		}
		// WhatsApp via tor
		if at.Hour() < 6 || at.Hour() >= 8 {
			add("tor", "whatsapp", at, checks.VerdictOK, 400+i%200, "", "")
		}
	}
	return rows
}

func storyReport(days int, ascii bool) HistoryReport {
	since := storyEnd.Add(-time.Duration(days) * 24 * time.Hour)
	order := []checks.Cell{{Route: "direct", Service: "whatsapp"}, {Route: "direct", Service: "telegram"}, {Route: "tor", Service: "whatsapp"}}
	return HistoryReport{
		Since: since, Until: storyEnd, Loc: time.UTC, ASCII: ascii,
		Titles: map[string]string{"whatsapp": "WhatsApp", "telegram": "Telegram"},
		Cells:  history.Build(storyRows(days), history.Options{Since: since, Until: storyEnd, Loc: time.UTC, Order: order}),
	}
}

// TestHistoryGoldens pins each format of `lifeline history`.
func TestHistoryGoldens(t *testing.T) {
	cases := []struct {
		name   string
		days   int
		format HistoryFormat
		ascii  bool
	}{
		{"history_24h.txt", 1, HistoryText, false},
		{"history_24h_ascii.txt", 1, HistoryText, true},
		{"history_7d.txt", 7, HistoryText, false},
		{"history_24h.json", 1, HistoryJSON, false},
		{"history_24h.csv", 1, HistoryCSV, false},
		{"history_24h.md", 1, HistoryMarkdown, false},
		{"history_7d.md", 7, HistoryMarkdown, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteHistory(&b, c.format, storyReport(c.days, c.ascii)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", c.name+".golden"), b.String())
		})
	}
}

func TestHistoryEmptySpan(t *testing.T) {
	var b bytes.Buffer
	rep := HistoryReport{Since: storyEnd.Add(-time.Hour), Until: storyEnd, Loc: time.UTC}
	if err := WriteHistory(&b, HistoryText, rep); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("no results stored")) {
		t.Errorf("empty span: %q", b.String())
	}
}
