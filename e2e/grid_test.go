//go:build unix

package e2e

import (
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// gridFast is the one route that reaches the services without a delay: the best route of
// every service.
const gridFast = 7

// gridName is a long route name; only its last two digits tell it from the others, so a
// table that cuts names at the end shows twenty identical rows.
func gridName(i int) string { return fmt.Sprintf("proxy-frankfurt-am-main-datacenter-%02d", i) }

// writeGridConfig writes routes × services over loopback: every route a SOCKS5 proxy that
// resolves the services' names; route gridFast reaches it directly, three are refused, the
// rest go through a relay that adds 40 ms each way. Each service has three targets, so a
// cell's detail is longer than a small screen. Nothing leaves loopback: the names resolve at
// the proxy only, and there is no direct route.
func writeGridConfig(t *testing.T, routes, services int, interval string) string {
	t.Helper()
	dir := t.TempDir()
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.grid.test")})
	hosts := map[string]string{}
	for j := range services {
		for _, role := range []string{"chat", "web", "media"} {
			hosts[fmt.Sprintf("%s%d.grid.test", role, j+1)] = srv.Addr
		}
	}
	socks := fixture.NewSOCKS5(t, fixture.SOCKS5Options{Hosts: hosts})
	slow := fixture.DelayRelay(t, socks.Addr, 40*time.Millisecond)
	dead := fixture.RefusedAddr(t)

	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "interval: %s\ntimeout: 5s\nstep_timeout: 4s\ncontrol: none\nca_files: [%q]\nroutes:\n", interval, ca)
	for i := 1; i <= routes; i++ {
		addr := slow
		switch {
		case i == gridFast:
			addr = socks.Addr
		case i > routes-3:
			addr = dead
		}
		fmt.Fprintf(&b, "  - {name: %s, proxy: \"socks5://%s\"}\n", gridName(i), addr)
	}
	b.WriteString("services:\n")
	for j := 1; j <= services; j++ {
		fmt.Fprintf(&b, "  - name: svc%d\n    title: Service%d\n    short: S%d\n    targets:\n", j, j, j)
		for _, role := range []string{"chat", "web", "media"} {
			fmt.Fprintf(&b, "      - {role: %s, tls: \"%s%d.grid.test:443\", sni: chat.grid.test}\n", role, role, j)
		}
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// routeRow matches a table row and captures its route cell.
var routeRow = regexp.MustCompile(`^[│|][ \[](.+?)[ \]][│|]`)

// visibleRoutes lists the route cells of the table rows on screen.
func visibleRoutes(scr string) []string {
	var out []string
	for _, line := range strings.Split(scr, "\n") {
		m := routeRow.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(strings.TrimSpace(m[1]), "route") {
			continue
		}
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// checkDistinct fails unless every route cell on screen names exactly one route: its two
// digits are there, and no two cells read the same.
func checkDistinct(t *testing.T, size string, scr string, seen map[int]bool) {
	t.Helper()
	cells := visibleRoutes(scr)
	if len(cells) == 0 {
		t.Fatalf("%s: no route rows on screen:\n%s", size, scr)
	}
	byText := map[string]bool{}
	digits := regexp.MustCompile(`(\d\d)\s*[^\d]*$`)
	for _, c := range cells {
		name := strings.Fields(c)[0]
		if byText[name] {
			t.Errorf("%s: two rows read %q:\n%s", size, name, scr)
		}
		byText[name] = true
		m := digits.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("%s: route cell %q lost the digits that tell it apart:\n%s", size, c, scr)
			continue
		}
		var n int
		fmt.Sscanf(m[1], "%d", &n)
		seen[n] = true
	}
}

// capture saves a screen for README when LIFELINE_E2E_CAPTURE names a directory.
func capture(t *testing.T, name, scr string) {
	dir := os.Getenv("LIFELINE_E2E_CAPTURE")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(scr), 0o644); err != nil {
		t.Error(err)
	}
}

func waitSettled(s *session, what string) string {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		if strings.Contains(scr, "next sweep in") && !strings.Contains(scr, "pending") {
			return scr
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.t.Fatalf("%s: the sweep never settled:\n%s", what, scr)
	return ""
}

// Twenty routes × eight services, as issue reports saw them: every route name must stay
// distinguishable, the best route must be named under the table, the detail of a long cell
// and the help must scroll to their ends, and nothing may stay behind after a resize and q.
func TestGridOfTwentyRoutesInTmux(t *testing.T) {
	needTmux(t)
	bin := build(t)
	cfg := writeGridConfig(t, 20, 8, "10m")
	best := gridName(gridFast)
	// open runs the dashboard in a w×h terminal until its first sweep settles, keeps the
	// screen and checks the routes on it are told apart; seen holds the routes shown.
	open := func(t *testing.T, w, h int) (s *session, scr string, seen map[int]bool) {
		size := fmt.Sprintf("%dx%d", w, h)
		s = newSession(t, w, h, "sh")
		s.keys(fmt.Sprintf("%s --config %s; echo lifeline-exited-$?", bin, cfg), "Enter")
		s.waitForDashboard()
		scr = waitSettled(s, size)
		capture(t, "grid_"+size, scr)
		seen = map[int]bool{}
		checkDistinct(t, size, scr, seen)
		return s, scr, seen
	}

	t.Run("80x24", func(t *testing.T) {
		s, scr, seen := open(t, 80, 24)
		if line := bestLine(scr); !strings.Contains(line, "S1") || !regexp.MustCompile(`→ proxy-\S*07\b`).MatchString(line) {
			t.Errorf("80x24: the best-route line does not name route 07 for S1:\n%s", scr)
		}
		// Scroll to the last routes: together the screens show all twenty, each told apart.
		s.keys("G")
		scr = s.waitFor("last route", "-20 of 20")
		checkDistinct(t, "80x24 scrolled", scr, seen)
		for i := 1; i <= 20; i++ {
			if !seen[i] && i > 13 { // the first screen shows the first rows
				t.Errorf("route %02d never appeared", i)
			}
		}

		// The detail of a long cell scrolls to its last line, with a marker until then.
		s.keys("g", "l", "Enter")
		scr = s.waitFor("detail", "Service1 via", "lines 1-")
		for k := 0; k < 10 && !regexp.MustCompile(`lines \d+-(\d+) of (\d+)`).MatchString(lastMarker(scr)); k++ {
			time.Sleep(100 * time.Millisecond)
			scr = s.screen()
		}
		for k := 0; k < 20 && !atEnd(scr); k++ {
			s.keys("NPage")
			time.Sleep(150 * time.Millisecond)
			scr = s.screen()
		}
		if !atEnd(scr) || !strings.Contains(scr, "checked ") {
			t.Errorf("the detail did not scroll to its last line:\n%s", scr)
		}
		capture(t, "detail_80x24_end", scr)
		s.keys("Escape")
		// Wait for the pane (and its marker) to close: a key sent right after Escape would
		// read as alt+key.
		s.waitGone("detail closed", "pgup/pgdn")

		// Help at 40×15 scrolls to its end.
		s.tmux("resize-window", "-t", "e2e", "-x", "40", "-y", "15")
		s.keys("?")
		s.waitFor("help", "keys")
		s.keys("G")
		scr = s.waitFor("help end", "won by recent", "of ")
		if !atEnd(scr) {
			t.Errorf("help did not reach its end at 40x15:\n%s", scr)
		}
		s.keys("Escape")
		s.waitGone("help closed", "won by recent")

		s.keys("q")
		scr = s.waitFor("quit", "lifeline-exited-0")
		if strings.Contains(scr, "frankfurt") {
			t.Errorf("rows of the dashboard stayed on the screen after quitting:\n%s", scr)
		}
	})

	t.Run("200x50", func(t *testing.T) {
		s, scr, _ := open(t, 200, 50)
		for i := 1; i <= 20; i++ {
			if !strings.Contains(scr, gridName(i)) {
				t.Errorf("200x50: route %s is not shown whole", gridName(i))
			}
		}
		for j := 1; j <= 8; j++ {
			if !strings.Contains(scr, fmt.Sprintf("best Service%d → %s", j, best)) {
				t.Errorf("200x50: no best-route line naming %s for Service%d:\n%s", best, j, scr)
			}
		}
		s.keys("q")
		s.waitFor("quit", "lifeline-exited-0")
	})

	t.Run("normal screen: resize then q leaves no stale rows", func(t *testing.T) {
		s := newSession(t, 100, 30, "sh")
		s.keys(fmt.Sprintf("clear; %s --no-alt-screen --config %s; echo lifeline-exited-$?", bin, cfg), "Enter")
		s.waitForDashboard()
		waitSettled(s, "normal screen")
		s.tmux("resize-window", "-t", "e2e", "-x", "80", "-y", "20")
		s.waitFor("resized", "of 20")
		s.keys("q")
		scr := s.waitFor("quit", "lifeline-exited-0")
		// On the normal screen at most the last frame may stay, whole and once: no rows of the
		// frame drawn before the resize, no second table.
		if n := strings.Count(scr, "╭"); n > 1 {
			t.Errorf("%d table tops on the screen after resize and q: rows of an old frame stayed:\n%s", n, scr)
		}
		if n := strings.Count(scr, "last sweep"); n > 1 {
			t.Errorf("%d headers on the screen after resize and q:\n%s", n, scr)
		}
		for _, line := range strings.Split(scr, "\n") {
			if (strings.HasPrefix(line, "│") || strings.HasPrefix(line, "|")) && !routeRow.MatchString(line) {
				t.Errorf("a broken row stayed after resize and q: %q\n%s", line, scr)
			}
		}
	})
}

// lastMarker is the pane's "lines a-b of n" line, if any.
func lastMarker(scr string) string {
	for _, line := range strings.Split(scr, "\n") {
		if strings.Contains(line, "lines ") && strings.Contains(line, " of ") {
			return line
		}
	}
	return ""
}

// atEnd reports whether the pane's marker says its last line is on screen.
func atEnd(scr string) bool {
	m := regexp.MustCompile(`lines \d+-(\d+) of (\d+)`).FindStringSubmatch(lastMarker(scr))
	return m != nil && m[1] == m[2]
}

// bestLine is the packed best-route line under the table.
func bestLine(scr string) string {
	for _, line := range strings.Split(scr, "\n") {
		if strings.HasPrefix(line, "best:") {
			return line
		}
	}
	return ""
}

// waitMatch polls the screen until re matches it, or fails after a bounded time.
func (s *session) waitMatch(what string, re *regexp.Regexp) string {
	s.t.Helper()
	deadline := time.Now().Add(wait)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		if re.MatchString(scr) {
			return scr
		}
		time.Sleep(150 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen never matched %s within %s:\n%s", what, re, wait, scr)
	return ""
}
