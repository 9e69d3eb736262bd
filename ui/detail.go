package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

// detailLines describes the selected cell in w columns: the route's own check on the route
// column, otherwise the service's targets, phases, failure and history.
func (m Model) detailLines(w int) []string {
	if len(m.plan.Routes) == 0 {
		return nil
	}
	w = max(w, 10)
	if m.col == 0 {
		return m.routeDetail(w)
	}
	return m.cellDetail(w)
}

// wrapText breaks plain text into lines of at most w cells, each line indented by indent.
func wrapText(s string, w int, indent string) []string {
	limit := max(w-width(indent), 8)
	var out []string
	for _, line := range strings.Split(ansi.Wrap(s, limit, " -/"), "\n") {
		out = append(out, indent+line)
	}
	return out
}

func (m Model) routeDetail(w int) []string {
	spec := m.plan.Routes[m.row]
	st := m.routes[m.row]
	title := "route " + clean(spec.Name)
	if ep := clean(spec.Endpoint()); ep != spec.Name {
		title += m.glyphs.Sep + ep
	}
	lines := []string{m.styles.title.Render(clip(title, w, m.glyphs))}
	if !st.have {
		return append(lines, "  "+m.spinner()+" checking the route"+m.glyphs.Ellipsis)
	}
	r := st.res
	if r.OK {
		lines = append(lines, m.styles.forVerdict(checks.VerdictOK).Render("  "+m.glyphs.OK+" up")+clean(prefixed(": ", r.Reason)))
	} else {
		lines = append(lines, m.styles.forVerdict(checks.VerdictRouteDown).Render("  "+m.glyphs.RouteDown+" down"))
		lines = append(lines, wrapText(clean(r.Reason), w, "  ")...)
	}
	if r.Err != nil {
		lines = append(lines, wrapText("("+failureLine(r.Err)+")", w, "  ")...)
	}
	if r.Control == nil {
		lines = append(lines, "  control: none")
	} else {
		lines = append(lines, "  control:")
		lines = append(lines, m.targetLines(*r.Control, w)...)
	}
	if e := egressLine(r.Egress); e != "" {
		lines = append(lines, wrapText(e, w, "  ")...)
	}
	if !r.Checked.IsZero() {
		lines = append(lines, "  checked "+m.when(r.Checked))
	}
	return lines
}

func (m Model) cellDetail(w int) []string {
	i, j := m.row, m.col-1
	spec, svc := m.plan.Routes[i], m.plan.Services[j]
	head := clean(svc.Title) + " via " + clean(spec.Name)
	c := &m.cells[i][j]
	if !c.have {
		return []string{m.styles.title.Render(clip(head, w, m.glyphs)), "  " + m.spinner() + " waiting for the first result" + m.glyphs.Ellipsis}
	}
	r := c.res
	vst := m.styles.forVerdict(r.Verdict)
	lines := []string{m.styles.title.Render(clip(head, w, m.glyphs)) + " " + vst.Render(m.glyphs.For(r.Verdict)+" "+VerdictWord(r.Verdict))}
	if r.Reason != "" {
		lines = append(lines, wrapText(clean(r.Reason), w, "  ")...)
	}
	if r.Cause != nil {
		lines = append(lines, wrapText("("+failureLine(r.Cause)+")", w, "  ")...)
	}
	lines = append(lines, m.historyLines(r.History, w)...)
	if len(r.Targets) > 0 {
		lines = append(lines, "targets "+m.styles.dim.Render(m.barLegend()))
	}
	if r.Skipped != "" {
		lines = append(lines, wrapText(clean(r.Skipped), w, "  ")...)
	}
	// Failures first: on a short screen they are what must stay visible.
	targets := slices.Clone(r.Targets)
	slices.SortStableFunc(targets, func(a, b checks.TargetResult) int { return cmp.Compare(btoi(a.OK), btoi(b.OK)) })
	for _, t := range targets {
		lines = append(lines, m.targetLines(t, w)...)
	}
	for _, d := range dnsLines(r.DNS, m.glyphs) {
		lines = append(lines, wrapText(d, w, "  ")...)
	}
	if !r.Finished.IsZero() {
		lines = append(lines, "checked "+m.when(r.Finished))
	}
	return lines
}

// targetLines show one target: verdict, role and address; phases as numbers and a bar; the
// failure in plain words with its OONI name; and whom we talked to.
func (m Model) targetLines(t checks.TargetResult, w int) []string {
	glyph, v := m.glyphs.OK, checks.VerdictOK
	switch {
	case t.NotApplicable != "":
		glyph, v = m.glyphs.Pending, checks.VerdictPending
	case !t.OK:
		glyph, v = m.glyphs.Blocked, checks.VerdictBlocked
	}
	role := t.Target.Role
	if role == "" {
		role = "-"
	}
	head := m.styles.forVerdict(v).Render(glyph) + " " + fit(clean(role), 8, m.glyphs) + " " + clip(clean(t.Target.String()), max(w-13, 4), m.glyphs)
	lines := []string{"  " + head}
	const indent = "      "
	if p := phaseNumbers(t.Phases); p != "" {
		// Numbers and bar share a line when there is room: the pane must fit 80×24.
		bar := m.phaseBar(t.Phases, 16)
		if bar != "" && width(indent+p+"  "+bar) <= w {
			lines = append(lines, indent+p+"  "+bar)
		} else {
			lines = append(lines, wrapText(p, w, indent)...)
			if bar != "" {
				lines = append(lines, indent+bar)
			}
		}
	}
	if t.Status != 0 {
		lines = append(lines, fmt.Sprintf("%sHTTP %d", indent, t.Status))
	}
	if t.Err != nil {
		lines = append(lines, wrapText(clean(t.Explain())+" ("+failureLine(t.Err)+")", w, indent)...)
	}
	if c := contrastLine(t.Contrast); c != "" {
		lines = append(lines, wrapText(clean(c), w, indent)...)
	}
	for _, p := range proofLines(t) {
		lines = append(lines, wrapText(p, w, indent)...)
	}
	if t.Peer != "" {
		lines = append(lines, wrapText("peer: "+clean(t.Peer), w, indent)...)
	}
	if u := udpLine(t.UDP); u != "" {
		lines = append(lines, wrapText(u, w, indent)...)
	}
	if x := transferLine(t.Transfer); x != "" {
		lines = append(lines, wrapText(x, w, indent)...)
	}
	return lines
}

// failureLine is the OONI name and operation, e.g. "connection_reset during tls_handshake".
func failureLine(e *checks.Error) string {
	s := clean(e.Failure) + " during " + clean(e.Operation)
	if e.Detail != "" {
		s += " (" + clean(e.Detail) + ")"
	}
	return s
}

func phaseNumbers(p checks.Phases) string { return PhaseSummary(p) }

// phaseChars mark dns, connect, tls, request→first byte, body and the unnamed rest in the
// bar; they differ in shape, not only in colour.
func (m Model) phaseChars() [nPhaseSegments]string {
	if m.opt.ASCII {
		return [nPhaseSegments]string{"d", "c", "t", "f", "b", "."}
	}
	return [nPhaseSegments]string{"░", "▒", "▓", "█", "▞", "·"}
}

func (m Model) barLegend() string {
	c := m.phaseChars()
	return fmt.Sprintf("(bar: %s dns %s connect %s tls %s request%sfirst byte %s body %s other)", c[0], c[1], c[2], c[3], m.glyphs.Arrow, c[4], c[5])
}

// nPhaseSegments are the bar's parts: the five phases and what none of them names.
const nPhaseSegments = 6

// phaseSegments are the durations the bar shows, in order; they add up to the total.
func phaseSegments(p checks.Phases) [nPhaseSegments]time.Duration {
	return [nPhaseSegments]time.Duration{p.DNS, p.Connect, p.TLS, p.FirstByte, p.Body, p.Other()}
}

// barCells shares w cells among the segments in proportion to their part of the total
// (largest remainder, so the cells add up to w exactly and none is off by a whole cell); a
// phase too short for a cell shows in the numbers beside the bar.
func barCells(p checks.Phases, w int) [nPhaseSegments]int {
	var cells [nPhaseSegments]int
	seg := phaseSegments(p)
	var total time.Duration
	for _, d := range seg {
		total += d
	}
	if total <= 0 || w <= 0 {
		return cells
	}
	used := 0
	rem := make([]int64, nPhaseSegments)
	for k, d := range seg {
		exact := int64(w) * int64(d)
		cells[k] = int(exact / int64(total))
		rem[k] = exact % int64(total)
		used += cells[k]
	}
	for used < w {
		best := -1
		for k := range seg {
			if best < 0 || rem[k] > rem[best] {
				best = k
			}
		}
		cells[best]++
		rem[best] = -1
		used++
	}
	return cells
}

// phaseBar draws the phases in proportion to the total in w cells.
func (m Model) phaseBar(p checks.Phases, w int) string {
	chars := m.phaseChars()
	var b strings.Builder
	for k, n := range barCells(p, w) {
		b.WriteString(strings.Repeat(chars[k], n))
	}
	return b.String()
}

// historyLines show the sparkline, uptime, percentiles and the last failure and change.
func (m Model) historyLines(h checks.Stats, w int) []string {
	if h.Samples == 0 {
		return nil
	}
	spark := "history " + m.sparkline(h.Recent, 24)
	stats := fmt.Sprintf("uptime %.1f%% of %d  p50 %s  p95 %s",
		h.Uptime*100, h.Samples, FormatLatency(h.P50), FormatLatency(h.P95))
	var lines []string
	if width(spark+"  "+stats) <= w {
		lines = append(lines, spark+"  "+stats)
	} else {
		lines = append(lines, clip(spark, w, m.glyphs), stats)
	}
	failed := "never"
	if !h.LastFailed.IsZero() {
		failed = m.when(h.LastFailed)
	}
	changed := "never"
	if !h.LastChange.IsZero() {
		changed = m.when(h.LastChange)
	}
	lines = append(lines, wrapText("last failed "+failed+m.glyphs.Sep+"last change "+changed, w, "")...)
	return lines
}

// sparkline draws the newest latencies that fit in w cells; a failed result shows as the
// failure glyph rather than a height.
func (m Model) sparkline(recent []time.Duration, w int) string {
	if len(recent) > w {
		recent = recent[len(recent)-w:]
	}
	levels := []rune("▁▂▃▄▅▆▇█")
	if m.opt.ASCII {
		levels = []rune("_.-=+*#@")
	}
	var top time.Duration
	for _, d := range recent {
		top = max(top, d)
	}
	var b strings.Builder
	for _, d := range recent {
		if d <= 0 || top <= 0 {
			b.WriteString(m.glyphs.Blocked)
			continue
		}
		k := int(int64(len(levels)-1) * int64(d) / int64(top))
		b.WriteRune(levels[k])
	}
	return b.String()
}

// when is a clock time with how long ago it was: "12:04:05 (3m ago)".
func (m Model) when(t time.Time) string {
	return t.Format("15:04:05") + " (" + ago(m.now().Sub(t)) + ")"
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
