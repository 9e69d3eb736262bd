package ui

// Sizes of the fixed parts of the screen.
const (
	headerLines   = 2
	tableChrome   = 4   // top border, header row, header rule, bottom border
	wideDetailMin = 140 // from this width the detail pane sits beside the matrix
	cellWideW     = 12  // "— route down"
	cellShortW    = 9   // "✗ timeout"
	routeMinW     = 8
	routeMaxW     = 28
)

// layout is how the screen is divided for the current size and state.
type layout struct {
	bodyH int // lines between header and footer

	tableW int // cells available to the matrix
	routeW int // content width of the route column
	svcW   int // content width of a service column
	short  bool
	cols   int  // service columns shown
	rows   int  // routes shown
	tall   bool // two lines per route: name, then endpoint and state
	more   bool // something is scrolled out of view: show the position line

	detailSide bool
	detailW    int
	detailH    int
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

	nRoutes := len(m.plan.Routes)
	tableH := l.bodyH
	if m.detail && !l.detailSide {
		want := len(m.detailLines(m.width)) + 1
		oneLine := nRoutes + tableChrome + 1
		if l.bodyH >= oneLine+want {
			l.detailH = want
		} else {
			l.detailH = max(l.bodyH-oneLine, l.bodyH/2)
		}
		tableH = l.bodyH - l.detailH
	}
	rowsH := tableH - tableChrome
	l.more = l.cols < len(m.plan.Services) || nRoutes > rowsH
	if l.more {
		rowsH--
	}
	l.tall = nRoutes*2 <= rowsH
	if l.tall {
		l.rows = nRoutes
	} else {
		l.rows = max(1, min(nRoutes, rowsH))
	}
	l.more = l.more || l.rows < nRoutes
	return l
}

// fitColumns picks column widths: full titles if everything fits, then short names, then
// as many columns as fit with horizontal scrolling.
func (m Model) fitColumns(l *layout) {
	n := len(m.plan.Services)
	want := routeMinW
	for i, r := range m.plan.Routes {
		want = max(want, width(clean(r.Name)), width(m.routeSubline(i)))
	}
	want = min(want, routeMaxW)
	tableWidth := func(routeW, svcW, cols int) int { return routeW + 4 + cols*(svcW+3) }

	l.svcW = cellWideW
	for _, s := range m.plan.Services {
		l.svcW = max(l.svcW, min(width(clean(s.Title)), 16))
	}
	for routeW := want; routeW >= 12; routeW-- {
		if tableWidth(routeW, l.svcW, n) <= l.tableW {
			l.routeW, l.cols = routeW, n
			return
		}
	}
	l.short, l.svcW = true, cellShortW
	for routeW := min(want, 16); routeW >= routeMinW; routeW-- {
		if tableWidth(routeW, l.svcW, n) <= l.tableW {
			l.routeW, l.cols = routeW, n
			return
		}
	}
	l.routeW = min(want, 16, max(routeMinW, l.tableW/4))
	l.cols = max(1, min(n, (l.tableW-l.routeW-4)/(l.svcW+3)))
}
