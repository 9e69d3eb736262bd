package ui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// paintedScreen runs the real program for one finished 6×4 sweep with the given colour
// profile (and a light background if asked) and returns the bytes it sent.
func paintedScreen(t *testing.T, profile colorprofile.Profile, opt Options, light bool) string {
	t.Helper()
	p := testPlan(6, 4)
	r := newFakeRunner()
	tape := &fixture.SyncBuffer{} // everything the dashboard writes to the terminal
	meter := &terminalMeter{}
	ctx, cancel := context.WithCancel(context.Background())
	opts := append(programOptions(ctx, opt),
		tea.WithInput(nil), tea.WithOutput(teeWriter{tape, meter}), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(profile))
	// The size, colour profile, background and sweep are in the model before the program
	// starts, so the first frame is the whole painted screen as it stays: fed live, a starved machine draws it over several
	// frames, and a pause between them would pass for the end of the screen.
	m := update(update(NewModel(p, r, opt), tea.WindowSizeMsg{Width: 80, Height: 24}), tea.ColorProfileMsg{Profile: profile})
	if light {
		m = update(m, tea.BackgroundColorMsg{Color: lipglossWhite})
	}
	prog := tea.NewProgram(feed(m, fullSweep(p)...), opts...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		prog.Run()
	}()
	meter.settle(t, 300*time.Millisecond, 30*time.Second)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the dashboard did not stop when its context ended")
	}
	return tape.String()
}

type teeWriter struct {
	a, b interface{ Write([]byte) (int, error) }
}

func (w teeWriter) Write(p []byte) (int, error) {
	w.a.Write(p)
	return w.b.Write(p)
}

// foregrounds walks the SGR sequences of out and returns, for each glyph, the foreground
// parameters in effect each time it is drawn ("" for the terminal's default).
func foregrounds(out string, glyphs ...string) map[string][]string {
	seen := map[string][]string{}
	fg := ""
	for i := 0; i < len(out); {
		if strings.HasPrefix(out[i:], "\x1b[") {
			j := i + 2
			for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
				j++
			}
			if j < len(out) && out[j] == 'm' {
				fg = applySGR(fg, out[i+2:j])
			}
			i = j + 1
			continue
		}
		for _, g := range glyphs {
			if strings.HasPrefix(out[i:], g) {
				seen[g] = append(seen[g], fg)
			}
		}
		i++
	}
	return seen
}

func applySGR(fg, params string) string {
	ps := strings.Split(params, ";")
	for k := 0; k < len(ps); k++ {
		n, _ := strconv.Atoi(ps[k])
		switch {
		case ps[k] == "" || n == 0 || n == 39:
			fg = ""
		case (n >= 30 && n <= 37) || (n >= 90 && n <= 97):
			fg = ps[k]
		case n == 38 && k+1 < len(ps) && ps[k+1] == "5" && k+2 < len(ps):
			fg = "38;5;" + ps[k+2]
			k += 2
		case n == 38 && k+1 < len(ps) && ps[k+1] == "2" && k+4 < len(ps):
			fg = "38;2;" + strings.Join(ps[k+2:k+5], ";")
			k += 4
		case n == 48 && k+1 < len(ps) && ps[k+1] == "5":
			k += 2
		case n == 48 && k+1 < len(ps) && ps[k+1] == "2":
			k += 4
		}
	}
	return fg
}

// colourForms names the colour encodings out uses: "basic" (16 colours), "256" and "rgb".
func colourForms(out string) map[string]bool {
	forms := map[string]bool{}
	for _, seq := range sgrPattern.FindAllStringSubmatch(out, -1) {
		ps := strings.Split(seq[1], ";")
		for k := 0; k < len(ps); k++ {
			n, _ := strconv.Atoi(ps[k])
			switch {
			case (n == 38 || n == 48) && k+1 < len(ps) && ps[k+1] == "5":
				forms["256"] = true
				k += 2
			case (n == 38 || n == 48) && k+1 < len(ps) && ps[k+1] == "2":
				forms["rgb"] = true
				k += 4
			case (n >= 30 && n <= 37) || (n >= 40 && n <= 47) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107):
				forms["basic"] = true
			}
		}
	}
	return forms
}

var sgrPattern = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// mostCommon is the value seen most often ("" when none).
func mostCommon(values []string) string {
	count := map[string]int{}
	best := ""
	for _, v := range values {
		count[v]++
		if count[v] > count[best] || best == "" {
			best = v
		}
	}
	return best
}

// A terminal with 16 or 256 colours gets colours it can show, and the five verdicts stay
// five different colours at every depth and on either background: downsampling the RGB
// palette to 16 colours once painted slow, partial and blocked the same red.
func TestEveryColourDepthKeepsVerdictsApart(t *testing.T) {
	verdictGlyphs := []string{UnicodeGlyphs.OK, UnicodeGlyphs.Slow, UnicodeGlyphs.Partial, UnicodeGlyphs.Blocked, UnicodeGlyphs.RouteDown}
	cases := []struct {
		name    string
		profile colorprofile.Profile
		light   bool
		allowed map[string]bool
	}{
		{"truecolor", colorprofile.TrueColor, false, map[string]bool{"rgb": true}},
		{"256 colours", colorprofile.ANSI256, false, map[string]bool{"256": true}},
		{"16 colours, dark background", colorprofile.ANSI, false, map[string]bool{"basic": true}},
		{"16 colours, light background", colorprofile.ANSI, true, map[string]bool{"basic": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := paintedScreen(t, tc.profile, Options{}, tc.light)
			for form := range colourForms(out) {
				if !tc.allowed[form] {
					t.Errorf("a %v terminal was sent %s colour codes", tc.profile, form)
				}
			}
			seen := foregrounds(out, verdictGlyphs...)
			colourOf := map[string]string{}
			for _, g := range verdictGlyphs {
				c := mostCommon(seen[g])
				if c == "" {
					t.Errorf("verdict glyph %s drawn without a colour (%q)", g, seen[g])
					continue
				}
				if other, clash := colourOf[c]; clash {
					t.Errorf("verdicts %s and %s share the colour %q", other, g, c)
				}
				colourOf[c] = g
			}
			t.Logf("colour per verdict: %v", colourOf)
		})
	}
}

// NO_COLOR: not one colour code reaches the terminal, and the glyphs still do.
func TestNoColorSendsNoColourCodes(t *testing.T) {
	out := paintedScreen(t, colorprofile.Ascii, Options{NoColor: true}, false)
	if forms := colourForms(out); len(forms) > 0 {
		t.Errorf("NO_COLOR output carries colour codes: %v", forms)
	}
	for _, g := range []string{UnicodeGlyphs.OK, UnicodeGlyphs.Blocked, UnicodeGlyphs.RouteDown} {
		if !strings.Contains(out, g) {
			t.Errorf("NO_COLOR screen lacks the glyph %s", g)
		}
	}
}
