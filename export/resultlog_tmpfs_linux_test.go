package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

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
