package ui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

// styles are every look the dashboard uses. With NoColor they are all empty, so the content
// carries no escape sequence at all; glyphs, words and brackets still carry the meaning.
type styles struct {
	title, header, dim, border, selected, warn lipgloss.Style
	verdict                                    map[checks.Verdict]lipgloss.Style
	// inks are the same looks as plain prefixes and suffixes, for the table's cells: drawing a
	// row then costs string joins, not a lipgloss render per cell.
	ink struct {
		header, dim, border, selected ink
		verdict                       map[checks.Verdict]ink
	}
}

// ink is a one-line style as the escape sequences around its text.
type ink struct{ pre, post string }

// inkOf captures what st puts around a single line of text without padding or margins.
func inkOf(st lipgloss.Style) ink {
	const mark = "\ue000"
	pre, post, _ := strings.Cut(st.Render(mark), mark)
	return ink{pre: pre, post: post}
}

func (k ink) paint(s string) string {
	if k.pre == "" && k.post == "" {
		return s
	}
	return k.pre + s + k.post
}

// withInks fills in the inks of s's styles.
func (s styles) withInks() styles {
	s.ink.header, s.ink.dim, s.ink.border, s.ink.selected = inkOf(s.header), inkOf(s.dim), inkOf(s.border), inkOf(s.selected)
	s.ink.verdict = map[checks.Verdict]ink{}
	for v, st := range s.verdict {
		s.ink.verdict[v] = inkOf(st)
	}
	return s
}

// inkFor is the ink of a verdict; unknown verdicts look pending.
func (s styles) inkFor(v checks.Verdict) ink {
	if k, ok := s.ink.verdict[v]; ok {
		return k
	}
	return s.ink.verdict[checks.VerdictPending]
}

// newStyles builds the looks for a background and the terminal's colour profile.
func newStyles(noColor, dark bool, profile colorprofile.Profile) styles {
	s := styles{verdict: map[checks.Verdict]lipgloss.Style{}}
	verdicts := checks.Verdicts()
	if noColor {
		for _, v := range verdicts {
			s.verdict[v] = lipgloss.NewStyle()
		}
		return s.withInks()
	}
	pick := func(light, darkHex string) color.Color {
		return lipgloss.LightDark(dark)(lipgloss.Color(light), lipgloss.Color(darkHex))
	}
	for _, v := range verdicts {
		info := v.Info()
		fg := pick(info.HexLight, info.Hex)
		if profile == colorprofile.ANSI {
			// Downsampling the RGB palette would paint slow, partial and blocked the same red:
			// the table gives each verdict its own basic colour.
			fg = lipgloss.LightDark(dark)(ansi.BasicColor(info.Basic[0]), ansi.BasicColor(info.Basic[1]))
		}
		s.verdict[v] = lipgloss.NewStyle().Foreground(fg)
	}
	s.title = lipgloss.NewStyle().Bold(true)
	s.header = lipgloss.NewStyle().Bold(true)
	s.dim = lipgloss.NewStyle().Foreground(pick("#57606a", "#8b949e"))
	s.border = lipgloss.NewStyle().Foreground(pick("#afb8c1", "#484f58"))
	s.selected = lipgloss.NewStyle().Reverse(true).Bold(true)
	s.warn = lipgloss.NewStyle().Bold(true).Foreground(pick("#9a6700", "#d29922"))
	return s.withInks()
}

// forVerdict is the style of a verdict; unknown verdicts look pending.
func (s styles) forVerdict(v checks.Verdict) lipgloss.Style {
	if st, ok := s.verdict[v]; ok {
		return st
	}
	return s.verdict[checks.VerdictPending]
}
