//go:build linux

package export

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

// bigResult is a check result whose JSON line is a few hundred bytes.
func bigResult(i int) checks.CheckResult {
	return checks.CheckResult{Route: "route", Service: "svc", Sweep: uint64(i), Verdict: checks.VerdictBlocked,
		Reason: strings.Repeat("reset during the TLS handshake ", 12)}
}

// TestResultLogCutsATornWriteBack: a write the system cuts short (as on a full disk or past a
// file size limit) leaves no partial line, and the next record is whole.
func TestResultLogCutsATornWriteBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.jsonl")
	l, err := OpenResultLog(path, 1<<30, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Write(bigResult(1)); err != nil {
		t.Fatal(err)
	}
	l.write = func(f *os.File, p []byte) (int, error) {
		n, _ := f.Write(p[:len(p)/2])
		return n, syscall.ENOSPC
	}
	if err := l.Write(bigResult(2)); err == nil {
		t.Fatal("a short write reported no error")
	}
	l.write = (*os.File).Write
	if err := l.Write(bigResult(3)); err != nil {
		t.Fatal(err)
	}
	lines := logLines(t, path)
	if len(lines) != 2 || lines[0].Sweep != 1 || lines[1].Sweep != 3 || l.Lost() != 1 {
		t.Errorf("sweeps %v in the file, %d lost; want 1 and 3, 1 lost", lines, l.Lost())
	}
}

// TestResultLogRefusesASymlinkAndIsPrivate: a link where the log goes is refused (nothing is
// appended to its target), and the log is 0600 even when it existed with wider permissions.
func TestResultLogRefusesASymlinkAndIsPrivate(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "victim")
	if err := os.WriteFile(target, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "results.jsonl")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if l, err := OpenResultLog(link, 0, 0); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a symlink was opened: %v", err)
		if l != nil {
			l.Write(bigResult(1))
			l.Close()
		}
	}
	if data, _ := os.ReadFile(target); string(data) != "keep\n" {
		t.Errorf("the link's target was written: %q", data)
	}
	l, err := OpenResultLog(target, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", info.Mode().Perm())
	}
}
