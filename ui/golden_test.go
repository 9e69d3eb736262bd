package ui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/lifeline-app/lifeline/checks"
)

var updateGolden = flag.Bool("update", false, "rewrite ui/testdata/*.golden from the current views")

// TestGoldenViews pins what a person sees at common sizes and in each mode.
func TestGoldenViews(t *testing.T) {
	cases := []struct {
		name string
		opt  Options
		w, h int
		keys []string
		more []checks.Event // after the full sweep
	}{
		{"matrix_80x24", Options{Title: "config.yaml"}, 80, 24, nil, nil},
		{"detail_80x24", Options{Title: "config.yaml"}, 80, 24, []string{"l", "enter"}, nil},
		{"detail_140x40", Options{Title: "config.yaml"}, 140, 40, []string{"l", "enter"}, nil},
		{"route_140x40", Options{Title: "config.yaml"}, 140, 40, []string{"G", "enter"}, nil},
		{"nocolor_80x24", Options{Title: "config.yaml", NoColor: true}, 80, 24, []string{"j", "l", "l"}, nil},
		{"ascii_80x24", Options{Title: "config.yaml", ASCII: true, NoColor: true}, 80, 24, []string{"l", "enter"}, nil},
		{"narrow_40x12", Options{Title: "embedded default"}, 40, 12, []string{"G", "l", "l", "l"}, nil},
		{"help_80x24", Options{}, 80, 24, []string{"?"}, nil},
		{"help_40x15_end", Options{}, 40, 15, []string{"?", "G"}, nil},
		{"warned_80x24", Options{Title: "config.yaml"}, 80, 24, nil, warnedRoutes()},
		{"na_80x24", Options{Title: "config.yaml"}, 80, 24, []string{"j", "j", "j", "j", "l", "l", "l", "enter"}, notCarried()},
		{"warned_ascii_50x16", Options{Title: "config.yaml", ASCII: true, NoColor: true}, 50, 16, nil, warnedRoutes()},
	}
	p := testPlan(6, 4)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, _ := testModel(p, c.opt, c.w, c.h)
			m = feed(m, fullSweep(p)...)
			m = feed(m, c.more...)
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

// warnedRoutes flag wg0 as not tunnelling, socks-de as resolving through the system resolver,
// and dead-proxy as offline.
func warnedRoutes() []checks.Event {
	off := routeChecked("dead-proxy", 1, false, nil)
	off.Route.State, off.Route.Reason = checks.RouteOffline, "offline: nothing answers, the control included"
	ev := routeChecked("wg0", 1, true, nil)
	ev.Route.Egress = &checks.Egress{IP: "198.51.100.7", Flags: []string{checks.NotTunnelling}}
	ev2 := routeChecked("socks-de", 1, true, nil)
	ev2.Route.Egress = &checks.Egress{IP: "203.0.113.5", Flags: []string{checks.LocalDNSFlag + " 192.168.1.1 (local ISP?)"}}
	return []checks.Event{ev, ev2, off}
}

// notCarried makes calls over tor (a proxy without UDP) a role the route cannot carry.
func notCarried() []checks.Event {
	ev := check("tor", "signal", 1, checks.VerdictNA, 0, nil)
	ev.Check.Reason = "calls need UDP; this SOCKS5 proxy does not relay it"
	return []checks.Event{ev}
}
