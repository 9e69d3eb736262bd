//go:build linux

package export

import (
	"bytes"
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

// TestResultLogOnAFullDiskHoldsWholeRecordsOnly writes to a 40 KB tmpfs until it is full, then
// frees room: the file holds only whole lines (a torn one is cut back), every record not in
// the file is counted as lost and said on the diagnostics, and writing resumes on a line of
// its own. Needs root to mount the tmpfs.
func TestResultLogOnAFullDiskHoldsWholeRecordsOnly(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=40k"); err != nil {
		t.Skip("cannot mount a small tmpfs (needs root):", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	path := filepath.Join(dir, "results.jsonl")
	l, err := OpenResultLog(path, 1<<30, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var diag bytes.Buffer
	l.Diagnostics = &diag
	written, failed := 0, 0
	for i := 0; failed < 3 && i < 10000; i++ {
		if l.Write(bigResult(i)) != nil {
			failed++
		} else {
			written++
		}
	}
	lines := logLines(t, path) // fails on a torn line
	if len(lines) != written || l.Lost() != uint64(failed) {
		t.Errorf("%d records written, %d in the file; %d failed, %d counted lost", written, len(lines), failed, l.Lost())
	}
	if !strings.Contains(diag.String(), "record lost") {
		t.Errorf("the loss was not said: %q", diag.String())
	}
	// Room again: the next record starts a line of its own.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	l.size = 0
	if err := l.Write(bigResult(-1)); err != nil {
		t.Fatalf("after freeing room: %v", err)
	}
	if got := logLines(t, path); len(got) != 1 {
		t.Errorf("%d lines after freeing room, want 1", len(got))
	}
	if !strings.Contains(diag.String(), "writing again") {
		t.Errorf("recovery not said: %q", diag.String())
	}
	t.Logf("%d records fit in 40 KB, %d lost; diagnostics: %q", written, l.Lost(), diag.String())
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
