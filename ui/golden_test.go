package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var updateGolden = flag.Bool("update", false, "rewrite ui/testdata/*.golden from the current views")

// TestGoldenViews pins what a person sees at common sizes and in each mode.
func TestGoldenViews(t *testing.T) {
	cases := []struct {
		name string
		opt  Options
		w, h int
		keys []string
	}{
		{"matrix_80x24", Options{Title: "config.yaml"}, 80, 24, nil},
		{"detail_80x24", Options{Title: "config.yaml"}, 80, 24, []string{"l", "enter"}},
		{"detail_140x40", Options{Title: "config.yaml"}, 140, 40, []string{"l", "enter"}},
		{"route_140x40", Options{Title: "config.yaml"}, 140, 40, []string{"G", "enter"}},
		{"nocolor_80x24", Options{Title: "config.yaml", NoColor: true}, 80, 24, []string{"j", "l", "l"}},
		{"ascii_80x24", Options{Title: "config.yaml", ASCII: true, NoColor: true}, 80, 24, []string{"l", "enter"}},
		{"narrow_40x12", Options{Title: "embedded default"}, 40, 12, []string{"G", "l", "l", "l"}},
		{"help_80x24", Options{}, 80, 24, []string{"?"}},
	}
	p := testPlan(6, 4)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := testModel(p, c.opt, c.w, c.h)
			m = feed(m, fullSweep(p)...)
			m = press(m, c.keys...)
			raw := m.View().Content
			if c.opt.NoColor && strings.ContainsRune(raw, '\x1b') {
				t.Fatal("NoColor view contains an escape sequence")
			}
			got := ansi.Strip(raw) + "\n"
			path := filepath.Join("testdata", c.name+".golden")
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -run TestGoldenViews -update)", err)
			}
			if got != string(want) {
				t.Errorf("view differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}
