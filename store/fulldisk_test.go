//go:build linux

package store

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

const fullDiskChildEnv = "LIFELINE_STORE_FULL_DISK_CHILD"

// A full disk (here: a file-size limit the store soon reaches) makes the recorder warn once
// and drop results, while the checks (here: a stream of Observe calls) go on.
func TestFullDiskWarnsAndGoesOn(t *testing.T) {
	if fixture.PlayChild(fullDiskChildEnv, fullDiskChild) {
		return
	}
	dir := t.TempDir()
	openTest(t, dir, Options{}).Close()
	cmd := fixture.RerunAsChild(t, fullDiskChildEnv, dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	text := string(out)
	t.Log(text)
	if strings.Count(text, "going on without history") != 1 || !strings.Contains(text, "observed 20000") {
		t.Fatalf("want one warning and every result observed:\n%s", text)
	}
}

// fullDiskChild limits the size of any file it writes to 256 KB (the Go runtime ignores
// SIGXFSZ, so writes past it fail like on a full disk) and records 20000 results.
func fullDiskChild(dir string) {
	lim := syscall.Rlimit{Cur: 256 << 10, Max: 256 << 10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(1)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	rec := NewRecorder(s, RecorderOptions{Diagnostics: os.Stdout, BatchSize: 100, FlushEvery: time.Millisecond})
	n := 0
	for i := range 20000 {
		c := result(fmt.Sprintf("route-%d", i%50), "whatsapp", t0.Add(time.Duration(i)*time.Second), 100+i%50)
		c.Reason = strings.Repeat("long reason ", 8)
		rec.Observe(checks.Event{Kind: checks.EventCheckDone, Check: c})
		n++
		if i%1000 == 0 {
			time.Sleep(5 * time.Millisecond) // let the writer reach the limit while results still come
		}
	}
	rec.Close()
	s.Close()
	fmt.Printf("observed %d\n", n)
}
