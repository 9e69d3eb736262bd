package ui

import (
	"bytes"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// --ascii (or LC_ALL=C) is for terminals that show nothing but ASCII: no ·, —, …, × may reach
// them, not in the dashboard's own text, not in remote text cut with an ellipsis, not in the
// check report or a status line.
func TestASCIIModeIsPureASCII(t *testing.T) {
	p := testPlan(6, 4)
	remote := "TLS reset — after ClientHello × 3 · retried… naïve"
	evs := append(fullSweep(p), warnedRoutes()...)
	odd := check("tor", "signal", 1, checks.VerdictBlocked, 0, checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, remote))
	odd.Check.Reason = remote
	evs = append(evs, odd)

	nonASCII := func(where, s string) {
		t.Helper()
		for i, r := range s {
			if r >= 0x80 {
				t.Errorf("%s: non-ASCII %q at byte %d:\n%s", where, r, i, s)
				return
			}
		}
	}
	for _, keys := range [][]string{nil, {"l", "enter"}, {"G", "enter"}, {"?"}, {"j", "j", "j", "j", "l", "l", "l", "enter"}} {
		for _, size := range [][2]int{{80, 24}, {40, 12}, {160, 40}} {
			m, _ := testModel(p, Options{Title: "café · config.yaml", ASCII: true, NoColor: true}, size[0], size[1])
			m = feed(m, evs...)
			m = press(m, keys...)
			nonASCII("dashboard", m.View().Content)
		}
	}

	r := NewSweepReport(p)
	for _, ev := range evs {
		r.Add(ev)
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf, ASCIIGlyphs, true); err != nil {
		t.Fatal(err)
	}
	nonASCII("check report", buf.String())
	for _, f := range StatusFormats {
		if f == StatusJSON {
			continue // JSON is data: it keeps the text as it came, escaped
		}
		nonASCII("status "+string(f), StatusLine(r.Snapshot(), StatusOptions{Format: f, Glyphs: ASCIIGlyphs}))
	}
}
