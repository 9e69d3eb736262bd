package ui

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/history"
)

// HistoryFormat is how `lifeline history` prints.
type HistoryFormat string

// The formats of `lifeline history`, one row each.
const (
	HistoryText     HistoryFormat = "text"
	HistoryJSON     HistoryFormat = "json"
	HistoryCSV      HistoryFormat = "csv"
	HistoryMarkdown HistoryFormat = "markdown"
)

var historyFormats = []HistoryFormat{HistoryText, HistoryJSON, HistoryCSV, HistoryMarkdown}

// HistoryFormatNames lists the formats, for help and completion.
func HistoryFormatNames() []string {
	out := make([]string, len(historyFormats))
	for i, f := range historyFormats {
		out[i] = string(f)
	}
	return out
}

// ParseHistoryFormat reads --format.
func ParseHistoryFormat(s string) (HistoryFormat, error) {
	for _, f := range historyFormats {
		if string(f) == s {
			return f, nil
		}
	}
	if s == "md" {
		return HistoryMarkdown, nil
	}
	return "", fmt.Errorf("%q: want text, json, csv or markdown", checks.Sanitize(s))
}

// HistoryReport is what `lifeline history` prints.
type HistoryReport struct {
	Since, Until time.Time
	Loc          *time.Location
	Cells        []history.Cell
	Titles       map[string]string // service name → display title
	ASCII        bool
}

// maxIncidents is how many incidents per cell the text and markdown formats list, newest.
const maxIncidents = 10

// WriteHistory prints the report in format f.
func WriteHistory(w io.Writer, f HistoryFormat, r HistoryReport) error {
	if r.Loc == nil {
		r.Loc = time.Local
	}
	switch f {
	case HistoryJSON:
		return writeHistoryJSON(w, r)
	case HistoryCSV:
		return writeHistoryCSV(w, r)
	case HistoryMarkdown:
		_, err := io.WriteString(w, historyMarkdown(r))
		return err
	}
	_, err := io.WriteString(w, historyText(r))
	return err
}

func (r HistoryReport) title(service string) string {
	if t := r.Titles[service]; t != "" {
		return checks.Sanitize(t)
	}
	return checks.Sanitize(service)
}

// cellName is "WhatsApp via direct".
func (r HistoryReport) cellName(c history.Cell) string {
	return r.title(c.Service) + " via " + checks.Sanitize(c.Route)
}

// daily is true when the span is too long for one strip of hours.
func (r HistoryReport) daily() bool { return r.Until.Sub(r.Since) > 48*time.Hour }

func (r HistoryReport) span() string {
	return fmt.Sprintf("%s – %s %s", r.Since.In(r.Loc).Format("2006-01-02 15:04"),
		r.Until.In(r.Loc).Format("2006-01-02 15:04"), r.Until.In(r.Loc).Format("MST"))
}

func historyPercent(u float64) string { return strconv.FormatFloat(u*100, 'f', 1, 64) + "%" }

// historyStats is "uptime 71.3% · p50 142ms · p95 310ms · 2880 checks".
func historyStats(c history.Cell, sep string) string {
	return fmt.Sprintf("uptime %s%sp50 %s%sp95 %s%s%d %s", historyPercent(c.Uptime()), sep,
		FormatLatency(c.P50), sep, FormatLatency(c.P95), sep, c.Checks, pluralWord(c.Checks, "check"))
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// incident is "blocked 14:02–15:40, DNS tampered; 3 flaps".
func (r HistoryReport) incident(i history.Incident) string {
	clock := "15:04"
	if r.Until.Sub(r.Since) > 24*time.Hour {
		clock = "Mon 02 15:04"
	}
	start := i.Start.In(r.Loc)
	s := string(i.Verdict) + " "
	if i.Ongoing() {
		s += "since " + start.Format(clock) + " (ongoing)"
	} else {
		end := i.End.In(r.Loc)
		endClock := clock
		if end.YearDay() == start.YearDay() && end.Year() == start.Year() {
			endClock = "15:04"
		}
		s += start.Format(clock) + "–" + end.Format(endClock)
	}
	if i.Cause != "" {
		s += ", " + i.Cause
	}
	if i.Flaps > 0 {
		s += fmt.Sprintf("; %d %s", i.Flaps, pluralWord(i.Flaps, "flap"))
	}
	return s
}

// newestIncidents are the last maxIncidents, and how many earlier ones were left out.
func newestIncidents(list []history.Incident) ([]history.Incident, int) {
	if len(list) <= maxIncidents {
		return list, 0
	}
	return list[len(list)-maxIncidents:], len(list) - maxIncidents
}

// head starts a text report with its title line, format naming the span; with no cell in
// the span it adds none, and done says the report is whole.
func (r HistoryReport) head(format, none string) (b *strings.Builder, done bool) {
	b = &strings.Builder{}
	fmt.Fprintf(b, format, r.span())
	if len(r.Cells) == 0 {
		b.WriteString(none)
		return b, true
	}
	return b, false
}

func historyText(r HistoryReport) string {
	b, done := r.head("lifeline history · %s\n", "\nno results stored for this span\n")
	if done {
		return b.String()
	}
	for _, c := range r.Cells {
		fmt.Fprintf(b, "\n%s · %s\n", r.cellName(c), historyStats(c, " · "))
		if r.daily() {
			b.WriteString(r.dayGrid(c.Hours, "  "))
		} else {
			first := r.Since
			if len(c.Hours) > 0 {
				first = c.Hours[0].Start // the strip starts on the hour
			}
			fmt.Fprintf(b, "  %s %s %s\n", first.In(r.Loc).Format("15:04"), Strip(c.Hours, r.ASCII),
				r.Until.In(r.Loc).Format("15:04"))
		}
		shown, earlier := newestIncidents(c.Incidents)
		if earlier > 0 {
			fmt.Fprintf(b, "  … %d earlier %s\n", earlier, pluralWord(earlier, "incident"))
		}
		for _, i := range shown {
			fmt.Fprintf(b, "  %s\n", r.incident(i))
		}
		if len(c.Incidents) == 0 {
			b.WriteString("  no incidents\n")
		}
	}
	fmt.Fprintf(b, "\n%s\n", StripLegend(r.ASCII))
	return b.String()
}

// dayGrid draws hours as one line per day, hour 00 to 23 left to right.
func (r HistoryReport) dayGrid(hours []history.Hour, indent string) string {
	var b strings.Builder
	b.WriteString(indent + "       00    06    12    18\n")
	var day time.Time
	var line []string
	flush := func() {
		if line != nil {
			fmt.Fprintf(&b, "%s%s %s\n", indent, day.Format("Mon 02"), strings.TrimRight(strings.Join(line, ""), " "))
		}
	}
	for _, h := range hours {
		at := h.Start.In(r.Loc)
		d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, r.Loc)
		if !d.Equal(day) {
			flush()
			day = d
			line = make([]string, 24)
			for i := range line {
				line[i] = " "
			}
		}
		line[at.Hour()] = levelOf(h).glyph(r.ASCII)
	}
	flush()
	return b.String()
}

// days sums hours into one Hour per local day, for the markdown table's strip.
func (r HistoryReport) days(hours []history.Hour) []history.Hour {
	var out []history.Hour
	for _, h := range hours {
		at := h.Start.In(r.Loc)
		d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, r.Loc)
		if len(out) == 0 || !out[len(out)-1].Start.Equal(d) {
			out = append(out, history.Hour{Start: d})
		}
		out[len(out)-1].Checks += h.Checks
		out[len(out)-1].Working += h.Working
	}
	return out
}

// mdEscape keeps a name from breaking a table or turning into markup.
func mdEscape(s string) string {
	s = checks.Sanitize(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\|*_`[]<>#~", r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func historyMarkdown(r HistoryReport) string {
	b, done := r.head("**lifeline history** · %s\n\n", "No results stored for this span.\n")
	if done {
		return b.String()
	}
	strip := "hour by hour"
	if r.daily() {
		strip = "day by day"
	}
	fmt.Fprintf(b, "| route | service | uptime | p50 | p95 | checks | %s |\n", strip)
	b.WriteString("|---|---|--:|--:|--:|--:|---|\n")
	var incidents []string
	for _, c := range r.Cells {
		hours := c.Hours
		if r.daily() {
			hours = r.days(hours)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | `%s` |\n", mdEscape(c.Route), mdEscape(r.title(c.Service)),
			historyPercent(c.Uptime()), FormatLatency(c.P50), FormatLatency(c.P95), c.Checks, Strip(hours, r.ASCII))
		shown, earlier := newestIncidents(c.Incidents)
		name := mdEscape(r.title(c.Service)) + " via " + mdEscape(c.Route)
		if earlier > 0 {
			incidents = append(incidents, fmt.Sprintf("- %s: %d earlier %s", name, earlier, pluralWord(earlier, "incident")))
		}
		for _, i := range shown {
			incidents = append(incidents, "- "+name+": "+mdEscape(r.incident(i)))
		}
	}
	fmt.Fprintf(b, "\n%s\n", mdEscape(StripLegend(r.ASCII)))
	if len(incidents) > 0 {
		b.WriteString("\n**Incidents**\n\n" + strings.Join(incidents, "\n") + "\n")
	} else {
		b.WriteString("\nNo incidents.\n")
	}
	return b.String()
}

// The JSON shape of `lifeline history --format json`: a public interface, like check --json.
type (
	historyJSON struct {
		Since time.Time         `json:"since"`
		Until time.Time         `json:"until"`
		Cells []historyCellJSON `json:"cells"`
	}
	historyCellJSON struct {
		Route     string                `json:"route"`
		Service   string                `json:"service"`
		Title     string                `json:"title"`
		Checks    int                   `json:"checks"`
		Uptime    float64               `json:"uptime"`
		P50MS     *float64              `json:"p50_ms"`
		P95MS     *float64              `json:"p95_ms"`
		Hours     []historyHourJSON     `json:"hours"`
		Incidents []historyIncidentJSON `json:"incidents"`
	}
	historyHourJSON struct {
		Start   time.Time `json:"start"`
		Checks  int       `json:"checks"`
		Working int       `json:"working"`
	}
	historyIncidentJSON struct {
		Verdict checks.Verdict `json:"verdict"`
		Start   time.Time      `json:"start"`
		End     *time.Time     `json:"end"` // null while ongoing
		Cause   string         `json:"cause,omitempty"`
		Flaps   int            `json:"flaps"`
		Checks  int            `json:"checks"`
	}
)

func millisOf(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	ms := float64(d.Microseconds()) / 1000
	return &ms
}

func writeHistoryJSON(w io.Writer, r HistoryReport) error {
	out := historyJSON{Since: r.Since.In(r.Loc), Until: r.Until.In(r.Loc), Cells: []historyCellJSON{}}
	for _, c := range r.Cells {
		cj := historyCellJSON{
			Route: checks.Sanitize(c.Route), Service: checks.Sanitize(c.Service), Title: r.title(c.Service),
			Checks: c.Checks, Uptime: c.Uptime(), P50MS: millisOf(c.P50), P95MS: millisOf(c.P95),
			Hours: []historyHourJSON{}, Incidents: []historyIncidentJSON{},
		}
		for _, h := range c.Hours {
			cj.Hours = append(cj.Hours, historyHourJSON{Start: h.Start.In(r.Loc), Checks: h.Checks, Working: h.Working})
		}
		for _, i := range c.Incidents {
			ij := historyIncidentJSON{Verdict: i.Verdict, Start: i.Start.In(r.Loc), Cause: i.Cause, Flaps: i.Flaps, Checks: i.Checks}
			if !i.Ongoing() {
				end := i.End.In(r.Loc)
				ij.End = &end
			}
			cj.Incidents = append(cj.Incidents, ij)
		}
		out.Cells = append(out.Cells, cj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeHistoryCSV prints one row per cell and hour, for a spreadsheet.
func writeHistoryCSV(w io.Writer, r HistoryReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"route", "service", "hour", "checks", "working", "uptime", "p50_ms", "p95_ms"})
	ms := func(d time.Duration) string {
		if d <= 0 {
			return ""
		}
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', -1, 64)
	}
	for _, c := range r.Cells {
		for _, h := range c.Hours {
			up := ""
			if h.Checks > 0 {
				up = strconv.FormatFloat(h.Uptime(), 'f', 4, 64)
			}
			cw.Write([]string{csvSafe(c.Route), csvSafe(c.Service), h.Start.In(r.Loc).Format(time.RFC3339),
				strconv.Itoa(h.Checks), strconv.Itoa(h.Working), up, ms(h.P50), ms(h.P95)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a name from running as a formula when the file is opened in a spreadsheet.
func csvSafe(s string) string {
	s = checks.Sanitize(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
