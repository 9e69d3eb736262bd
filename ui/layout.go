package ui

// Sizes of the fixed parts of the screen.
const (
	headerLines   = 2
	tableChrome   = 4   // top border, header row, header rule, bottom border
	wideDetailMin = 140 // from this width the detail pane sits beside the matrix
	cellWideW     = 12  // "— route down"
	cellShortW    = 9   // "✗ timeout"
	routeMinW     = 8
	bestMaxLines  = 3 // packed best-route lines under a crowded table
	detailUseful  = 8 // a detail pane below the table shorter than this hides too much
	minRows       = 3 // table rows kept before the best-route summary takes more lines
)

// layout is how the screen is divided for the current size and state.
type layout struct {
	bodyH int // lines between header and footer

	tableW int // cells available to the matrix
	routeW int // content width of the route column
	nameW  int // of which the route's name may take
	noteW  int // and what follows its state glyph, after a space (see routeNote)
	note   int // which level of note: noteGlyphs, noteWarnings or noteAll
	svcW   int // content width of a service column
	short  bool
	cols   int // service columns shown
	rows   int // routes shown, one line each
	more   bool

	bestLines  int  // lines under the table for the best routes
	bestPacked bool // several services per line

	detailSide bool
	detailW    int
	detailH    int // lines of the pane below the matrix (its "more" line included)
}

// key is what a cached row depends on in the layout.
func (l layout) key() [6]int {
	return [6]int{l.routeW, l.nameW, l.noteW, l.svcW*2 + btoi(l.short), l.cols, l.note}
}

func (m Model) layout() layout {
	var l layout
	l.bodyH = max(0, m.height-headerLines-len(m.footer()))
	l.tableW = m.width
	if m.detail && m.width >= wideDetailMin {
		l.detailSide = true
		l.detailW = min(72, m.width*2/5)
		l.tableW = m.width - l.detailW - 3
	}
	m.fitColumns(&l)

	nRoutes, nSvc := len(m.plan.Routes), len(m.plan.Services)
	avail := l.bodyH
	if m.detail && !l.detailSide {
		// The pane gets what it needs up to half the body; the matrix keeps at least a few rows.
		// The whole table when that leaves the pane a useful height, else the pane gets up to
		// half the body and the table keeps a few rows; the pane scrolls.
		want := len(m.detailLines(m.width)) + 1
		whole := tableChrome + nRoutes + 1 + btoi(l.cols < nSvc) // a packed best line, a position line
		least := tableChrome + min(nRoutes, 4) + 2
		switch {
		case l.bodyH-whole >= min(want, detailUseful):
			l.detailH = min(want, l.bodyH-whole)
		default:
			l.detailH = min(want, max(l.bodyH-least, l.bodyH/2))
		}
		l.detailH = max(l.detailH, 0)
		avail -= l.detailH
	}
	// Best routes: one line per service when everything fits, else packed onto a few lines,
	// as many as leave the table a few rows.
	l.bestLines = nSvc
	if tableChrome+nRoutes+nSvc > avail || m.detail {
		l.bestPacked = true
		keep := tableChrome + 1 + min(nRoutes, minRows)
		l.bestLines = min(bestMaxLines, len(m.packedBest(l.tableW, l.nameW)), max(1, avail-keep))
		if m.detail && !l.detailSide {
			l.bestLines = min(l.bestLines, 1)
		}
	}
	if nSvc == 0 || nRoutes == 0 {
		l.bestLines = 0
	}
	rowsH := avail - tableChrome - l.bestLines
	l.more = l.cols < nSvc || nRoutes > rowsH
	if l.more {
		rowsH--
	}
	if rowsH < 1 && l.bestLines > 0 {
		// A tiny screen: the table before the summary.
		give := min(l.bestLines, 1-rowsH)
		l.bestLines -= give
		rowsH += give
	}
	l.rows = max(1, min(nRoutes, rowsH))
	l.more = l.more || l.rows < nRoutes
	return l
}

// Levels of what follows a route's state glyph (see routeNote).
const (
	noteGlyphs   = iota // warning glyphs only
	noteWarnings        // warnings as glyph and word
	noteAll             // and a down route's failure in a word
)

// fitColumns picks column widths. The route column grows with the longest name (up to a
// third of the table) so names stay whole; services get full titles if everything fits, then
// short names, then as many columns as fit with horizontal scrolling. A warning's word
// matters more than a full title; a down route's reason less (it is in the detail).
func (m Model) fitColumns(l *layout) {
	n := len(m.plan.Services)
	nameW := 0
	var noteW [3]int
	for i, r := range m.plan.Routes {
		nameW = max(nameW, width(clean(r.Name)))
		for level := range noteW {
			noteW[level] = max(noteW[level], width(m.routeNote(i, level)))
		}
	}
	stateW := 2 // " ✓"
	extra := func(level int) int {
		if noteW[level] == 0 {
			return 0
		}
		return 1 + noteW[level]
	}
	tableWidth := func(routeW, svcW, cols int) int { return routeW + 4 + cols*(svcW+3) }
	set := func(routeW, level int) {
		l.routeW, l.note, l.noteW = routeW, level, noteW[level]
		l.nameW = max(1, routeW-stateW-extra(level))
	}

	fullW := cellWideW
	for _, s := range m.plan.Services {
		fullW = max(fullW, min(width(clean(s.Title)), 16))
	}
	for _, try := range []struct {
		short bool
		level int
	}{{false, noteAll}, {false, noteWarnings}, {true, noteWarnings}, {false, noteGlyphs}} {
		svcW := fullW
		if try.short {
			svcW = cellShortW
		}
		want := max(routeMinW, nameW+stateW+extra(try.level))
		if tableWidth(want, svcW, n) <= l.tableW {
			set(want, try.level)
			l.short, l.svcW, l.cols = try.short, svcW, n
			return
		}
	}
	l.short, l.svcW = true, cellShortW
	share := max(routeMinW+4, l.tableW/3)
	level := noteWarnings
	if max(routeMinW, nameW+stateW+extra(level)) > share {
		level = noteGlyphs
	}
	set(min(max(routeMinW, nameW+stateW+extra(level)), share), level)
	l.cols = max(1, min(n, (l.tableW-l.routeW-4)/(l.svcW+3)))
}
