package ui

import (
	"image/color"

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
}

// newStyles builds the looks for a background and the terminal's colour profile.
func newStyles(noColor, dark bool, profile colorprofile.Profile) styles {
	s := styles{verdict: map[checks.Verdict]lipgloss.Style{}}
	verdicts := checks.Verdicts()
	if noColor {
		for _, v := range verdicts {
			s.verdict[v] = lipgloss.NewStyle()
		}
		return s
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
	return s
}

// forVerdict is the style of a verdict; unknown verdicts look pending.
func (s styles) forVerdict(v checks.Verdict) lipgloss.Style {
	if st, ok := s.verdict[v]; ok {
		return st
	}
	return s.verdict[checks.VerdictPending]
}
