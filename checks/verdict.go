package checks

// Verdict is the state of one route × service.
type Verdict string

// The verdicts. Each has one row in verdictTable below, which is all that the rest of the
// program knows about it: adding a verdict is one constant and one row.
const (
	VerdictPending   Verdict = "pending"
	VerdictOK        Verdict = "ok"
	VerdictSlow      Verdict = "slow"
	VerdictPartial   Verdict = "partial"
	VerdictBlocked   Verdict = "blocked"
	VerdictRouteDown Verdict = "route-down"
	// VerdictNA is for a role the route cannot carry at all, e.g. calls over a route without
	// UDP. It is not a failure: the route was never meant to carry it.
	VerdictNA Verdict = "n/a"
)

// VerdictClass is how a verdict counts in summaries, status lines and exit codes.
type VerdictClass int

const (
	ClassPending  VerdictClass = iota // no result yet
	ClassWorking                      // the service can be used as it should
	ClassDegraded                     // it can be used, or partly, but not as it should
	ClassDown                         // it cannot be used through this route
	ClassNA                           // the route cannot carry it; not a failure
)

// Basic (16-colour) terminal colour numbers, for VerdictInfo.Basic.
const (
	basicRed, basicGreen, basicYellow, basicMagenta, basicCyan = 1, 2, 3, 5, 6
	basicBright                                                = 8 // added to a colour for its bright shade
	basicGrey                                                  = basicBright + 0
)

// VerdictInfo is everything lifeline shows or decides about one verdict.
type VerdictInfo struct {
	Verdict  Verdict
	Severity int          // orders verdicts from best to worst; pending sorts last as unknown
	Class    VerdictClass // how it counts in summaries
	Works    bool         // the service can be used
	Failed   bool         // counts as a failure in a cell's history
	Urgent   bool         // status bars that can flag urgency flag it
	Exit     int          // the exit code of `check` and `status --once` when it is the worst
	Glyph    string       // on UTF-8 terminals
	ASCII    string       // with --ascii and on non-UTF-8 locales
	Word     string       // the cell word when nothing more precise is known, e.g. "route down"
	Narrow   string       // the word in narrow columns and compact status lines; "" for Word
	Hex      string       // #RRGGBB on a dark background (and status bars)
	HexLight string       // #RRGGBB on a light background
	Basic    [2]uint8     // 16-colour terminal colours {light background, dark background}
	Tmux     string       // tmux colour name
	SGR      string       // ANSI SGR foreground parameters
}

// verdictTable is the one table of verdicts, best first.
var verdictTable = []VerdictInfo{
	{Verdict: VerdictNA, Severity: 0, Class: ClassNA, Exit: ExitOK,
		Glyph: "○", ASCII: "_", Word: "n/a",
		Hex: "#6e7681", HexLight: "#6e7781", Basic: [2]uint8{basicGrey, basicGrey}, Tmux: "colour242", SGR: "2"},
	{Verdict: VerdictOK, Severity: 1, Class: ClassWorking, Works: true, Exit: ExitOK,
		Glyph: "✓", ASCII: "+", Word: "ok",
		Hex: "#3fb950", HexLight: "#1a7f37", Basic: [2]uint8{basicGreen, basicBright + basicGreen}, Tmux: "green", SGR: "32"},
	{Verdict: VerdictSlow, Severity: 2, Class: ClassDegraded, Works: true, Exit: ExitDegraded,
		Glyph: "◐", ASCII: "~", Word: "slow",
		Hex: "#d29922", HexLight: "#9a6700", Basic: [2]uint8{basicYellow, basicBright + basicYellow}, Tmux: "yellow", SGR: "33"},
	{Verdict: VerdictPartial, Severity: 3, Class: ClassDegraded, Failed: true, Exit: ExitDegraded,
		Glyph: "◑", ASCII: "/", Word: "partial", Narrow: "part",
		Hex: "#db6d28", HexLight: "#bc4c00", Basic: [2]uint8{basicCyan, basicBright + basicCyan}, Tmux: "colour208", SGR: "38;5;208"},
	{Verdict: VerdictBlocked, Severity: 4, Class: ClassDown, Failed: true, Urgent: true, Exit: ExitDown,
		Glyph: "✗", ASCII: "x", Word: "blocked",
		Hex: "#f85149", HexLight: "#cf222e", Basic: [2]uint8{basicRed, basicBright + basicRed}, Tmux: "red", SGR: "31"},
	{Verdict: VerdictRouteDown, Severity: 5, Class: ClassDown, Failed: true, Urgent: true, Exit: ExitDown,
		Glyph: "—", ASCII: "-", Word: "route down", Narrow: "down",
		Hex: "#a371f7", HexLight: "#8250df", Basic: [2]uint8{basicMagenta, basicBright + basicMagenta}, Tmux: "magenta", SGR: "35"},
	{Verdict: VerdictPending, Severity: 6, Class: ClassPending, Exit: ExitUnknown,
		Glyph: "…", ASCII: ".", Word: "pending",
		Hex: "#8b949e", HexLight: "#57606a", Basic: [2]uint8{basicGrey, basicGrey}, Tmux: "colour245", SGR: "90"},
}

// Verdicts lists every verdict, best first.
func Verdicts() []Verdict { return column(verdictTable, VerdictInfo.key) }

func (i VerdictInfo) key() Verdict { return i.Verdict }

// Info is v's row of the verdict table; an unknown verdict gets pending's row.
func (v Verdict) Info() VerdictInfo {
	if row, ok := rowOf(verdictTable, VerdictInfo.key, v); ok {
		return row
	}
	return verdictTable[len(verdictTable)-1]
}

// Severity orders verdicts from best to worst; pending sorts last as unknown.
func (v Verdict) Severity() int { return v.Info().Severity }

// Works reports whether a verdict means the service can be used.
func (v Verdict) Works() bool { return v.Info().Works }
