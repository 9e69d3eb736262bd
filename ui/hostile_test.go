package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// TestHostilePeersTextIsCleanInEveryOutput sends what real hostile peers made of a sweep
// through every output a user or a program reads: the check report (table, verbose, JSON),
// every status format, and the dashboard's matrix and detail panes. None may carry an
// escape, control or bidi character, and machine formats must still parse.
func TestHostilePeersTextIsCleanInEveryOutput(t *testing.T) {
	plan, events := hostilelab.SweepAll(t)
	report := NewSweepReport(plan)
	for _, e := range events {
		report.Add(e)
	}
	outputs := map[string]string{}
	for _, verbose := range []bool{false, true} {
		var b bytes.Buffer
		if err := report.WriteText(&b, UnicodeGlyphs, verbose); err != nil {
			t.Fatal(err)
		}
		outputs[fmt.Sprintf("check text (verbose %v)", verbose)] = b.String()
	}
	var doc bytes.Buffer
	if err := report.WriteJSON(&doc); err != nil {
		t.Fatal(err)
	}
	outputs["check --json"] = doc.String()
	for _, f := range StatusFormats {
		for _, short := range []bool{false, true} {
			outputs[fmt.Sprintf("status %s (short %v)", f, short)] = StatusLine(report.Snapshot(), StatusOptions{Format: f, Glyphs: UnicodeGlyphs, Short: short})
		}
	}

	m, _ := testModel(plan, Options{NoColor: true}, 200, 60)
	m = feed(m, events...)
	outputs["dashboard matrix"] = m.View().Content
	for i := range plan.Routes {
		down := strings.Split(strings.Repeat("j", i), "")
		if i == 0 {
			down = nil
		}
		outputs[fmt.Sprintf("dashboard route r%d detail", i)] = press(m, append(down, "enter")...).View().Content
		right := strings.Split(strings.Repeat("l", i+1), "")
		outputs[fmt.Sprintf("dashboard cell r%d×s%d detail", i, i)] = press(m, append(append(down, right...), "enter")...).View().Content
	}

	isJSON := func(where string) bool {
		for _, f := range []string{"check --json", "status json", "status waybar", "status i3bar"} {
			if strings.HasPrefix(where, f) {
				return true
			}
		}
		return false
	}
	for where, out := range outputs {
		unclean := hostilelab.Unclean
		if isJSON(where) {
			unclean = hostilelab.UncleanJSON
		}
		if bad := unclean(out); bad != "" {
			t.Errorf("%s carries %s:\n%q", where, bad, out)
		}
		if strings.Contains(out, "pwned") {
			t.Errorf("%s: the payload of a title-setting sequence got through:\n%s", where, out)
		}
	}
	var parsed ReportJSON
	if err := json.Unmarshal(doc.Bytes(), &parsed); err != nil || len(parsed.Results) != len(plan.Routes)*len(plan.Services) {
		t.Errorf("check --json does not parse into every result (%v)", err)
	}
	for _, f := range []StatusFormat{StatusJSON, StatusWaybar, StatusI3bar} {
		if out := outputs[fmt.Sprintf("status %s (short false)", f)]; !json.Valid([]byte(out)) {
			t.Errorf("status %s is not valid JSON: %s", f, out)
		}
	}
	// The readable part of a hostile CONNECT status survives sanitizing: the user still
	// learns what the proxy said.
	if !strings.Contains(outputs["check text (verbose true)"], "HTTP 403") {
		t.Errorf("the verbose report lost the proxy's answer:\n%s", outputs["check text (verbose true)"])
	}
	if !strings.Contains(outputs["dashboard cell r0×s0 detail"], "socks5") {
		t.Errorf("the first cell's detail lacks the proxy failure:\n%s", outputs["dashboard cell r0×s0 detail"])
	}
}
