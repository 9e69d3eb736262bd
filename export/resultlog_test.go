package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// logLines parses every line of path as a ResultJSON, failing on any torn line.
func logLines(t *testing.T, path string) []checks.ResultJSON {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []checks.ResultJSON
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var r checks.ResultJSON
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s line %d does not parse (%v): %q", path, n, err, sc.Text())
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestResultLogWritesOneLinePerCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.jsonl")
	l, err := OpenResultLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	l.Observe(checks.Event{Kind: checks.EventSweepStarted})
	l.Observe(done(result("direct", "whatsapp", checks.VerdictBlocked, 0, "reset\x1b]0;pwned\x07")))
	l.Observe(done(result("direct", "signal", checks.VerdictOK, 120*time.Millisecond, "")))
	l.Observe(checks.Event{Kind: checks.EventSweepFinished})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	lines := logLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per finished check", len(lines))
	}
	if lines[0].Service != "whatsapp" || lines[0].Verdict != checks.VerdictBlocked || strings.ContainsAny(string(lines[0].Reason), "\x1b\x07") {
		t.Errorf("first line %+v", lines[0])
	}
	if lines[1].LatencyMS == nil || *lines[1].LatencyMS != 120 {
		t.Errorf("second line latency %v, want 120", lines[1].LatencyMS)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}

	// Reopening appends instead of truncating.
	l, err = OpenResultLog(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	l.Observe(done(result("tor", "signal", checks.VerdictOK, time.Millisecond, "")))
	l.Close()
	if n := len(logLines(t, path)); n != 3 {
		t.Errorf("%d lines after reopening, want 3", n)
	}
}

func TestResultLogRotationKeepsTheSizeBound(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.jsonl")
	const maxBytes, keep = 2000, 2
	l, err := OpenResultLog(path, maxBytes, keep)
	if err != nil {
		t.Fatal(err)
	}
	const written = 100
	for i := range written {
		if err := l.Write(result("direct", fmt.Sprintf("svc%03d", i), checks.VerdictOK, time.Millisecond, "")); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	want := map[string]bool{path: true, path + ".1": true, path + ".2": true}
	if len(names) != len(want) {
		t.Fatalf("files %v, want the log and %d rotated ones", names, keep)
	}
	var last []checks.ResultJSON
	for _, name := range names {
		if !want[name] {
			t.Errorf("unexpected file %s", name)
		}
		info, _ := os.Stat(name)
		if info.Size() > maxBytes {
			t.Errorf("%s has %d bytes, over the %d bound", name, info.Size(), maxBytes)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", name, info.Mode().Perm())
		}
		lines := logLines(t, name)
		if name == path {
			last = lines
		}
	}
	if len(last) == 0 || string(last[len(last)-1].Service) != fmt.Sprintf("svc%03d", written-1) {
		t.Errorf("the newest result should end the current file")
	}
}

// TestResultLogSurvivesKill runs a writer in a child process, kills it with SIGKILL while it
// writes as fast as it can, and checks that every line left behind parses.
func TestResultLogSurvivesKill(t *testing.T) {
	if fixture.PlayChild("LIFELINE_TEST_LOG_WRITER", writeLogForever) {
		return
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	cmd := fixture.RerunAsChild(t, "LIFELINE_TEST_LOG_WRITER", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the writer to get going", func() bool {
		info, err := os.Stat(path)
		return err == nil && info.Size() > 256<<10
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	lines := logLines(t, path)
	if len(lines) < 100 {
		t.Fatalf("only %d lines before the kill", len(lines))
	}
}

// writeLogForever writes results with long, varied reasons until killed, or gives up after a
// bounded time so an orphan cannot run on.
func writeLogForever(path string) {
	l, err := OpenResultLog(path, 1<<40, 1)
	if err != nil {
		os.Exit(1)
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		r := result("direct", "whatsapp", checks.VerdictBlocked, 0, strings.Repeat("x", i%180))
		r.Targets = make([]checks.TargetResult, 1+i%8)
		for j := range r.Targets {
			r.Targets[j] = checks.TargetResult{Target: checks.Target{Kind: checks.KindTCP, Addr: fmt.Sprintf("host%d.test:443", j)}}
		}
		l.Write(r)
	}
	os.Exit(0)
}
