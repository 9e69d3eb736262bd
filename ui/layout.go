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

	tableW    int  // cells available to the matrix
	routeW    int  // content width of the route column
	nameW     int  // of which the route's name may take
	warnW     int  // and its warnings, after a space
	warnWords bool // warnings as glyph and word, not glyph only
	svcW      int  // content width of a service column
	short     bool
	cols      int // service columns shown
	rows      int // routes shown, one line each
	more      bool

	bestLines  int  // lines under the table for the best routes
	bestPacked bool // several services per line

	detailSide bool
	detailW    int
	detailH    int // lines of the pane below the matrix (its "more" line included)
}

// key is what a cached row depends on in the layout.
func (l layout) key() [6]int {
	return [6]int{l.routeW, l.nameW, l.warnW, l.svcW*2 + btoi(l.short), l.cols, btoi(l.warnWords)}
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

// fitColumns picks column widths. The route column grows with the longest name (up to two
// fifths of the table) so names stay whole; services get full titles if everything fits, then
// short names, then as many columns as fit with horizontal scrolling.
func (m Model) fitColumns(l *layout) {
	n := len(m.plan.Services)
	nameW, warnW, warnGlyphs := 0, 0, 0
	for i, r := range m.plan.Routes {
		nameW = max(nameW, width(clean(r.Name)))
		if ws := m.routeWarnings(i); len(ws) > 0 {
			warnW = max(warnW, width(m.warnText(ws, true)))
			warnGlyphs = max(warnGlyphs, width(m.warnText(ws, false)))
		}
	}
	stateW := 2 // " ✓"
	extra := func(wordy bool) int {
		switch {
		case warnW == 0:
			return 0
		case wordy:
			return 1 + warnW
		}
		return 1 + warnGlyphs
	}
	tableWidth := func(routeW, svcW, cols int) int { return routeW + 4 + cols*(svcW+3) }
	set := func(routeW int, wordy bool) {
		l.routeW, l.warnWords, l.warnW = routeW, wordy, 0
		if warnW > 0 {
			l.warnW = warnGlyphs
			if wordy {
				l.warnW = warnW
			}
		}
		l.nameW = max(1, routeW-stateW-extra(wordy))
	}

	// A route's warning words matter more than full service titles: try titles with words,
	// short names with words, then glyphs only.
	fullW := cellWideW
	for _, s := range m.plan.Services {
		fullW = max(fullW, min(width(clean(s.Title)), 16))
	}
	for _, try := range []struct {
		short, wordy bool
	}{{false, true}, {true, true}, {false, false}} {
		svcW := fullW
		if try.short {
			svcW = cellShortW
		}
		want := max(routeMinW, nameW+stateW+extra(try.wordy))
		if tableWidth(want, svcW, n) <= l.tableW {
			set(want, try.wordy)
			l.short, l.svcW, l.cols = try.short, svcW, n
			return
		}
	}
	l.short, l.svcW = true, cellShortW
	share := max(routeMinW+4, l.tableW/3)
	for _, wordy := range []bool{true, false} {
		want := max(routeMinW, nameW+stateW+extra(wordy))
		if want <= share || !wordy {
			set(min(want, share), wordy && want <= share)
			break
		}
	}
	l.cols = max(1, min(n, (l.tableW-l.routeW-4)/(l.svcW+3)))
}
