package checks

import (
	"net"
	"os"
	"syscall"
	"testing"
)

// TestRunningOutOfDescriptorsIsLifelinesOwnFailure: "too many open files" and "out of memory"
// are named internal_error, and a check they touch is left unknown (pending) rather than
// judged blocked; the summary's exit code says unknown unless something is truly down.
func TestRunningOutOfDescriptorsIsLifelinesOwnFailure(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM} {
		err := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", errno)}
		if got := Classify(OpConnect, err); got.Failure != FailInternal || !got.Internal() {
			t.Errorf("%v: %s, want %s", errno, got.Failure, FailInternal)
		}
	}
	internal := Classify(OpConnect, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", syscall.EMFILE)})
	if h := internal.Human("chat.example"); h != "internal error: lifeline too many open files (connect), not a verdict about the route" {
		t.Errorf("human: %q", h)
	}
	svc := Service{Name: "s"}
	chat := Target{Role: RoleChat, Kind: KindTCP, Addr: "a:1"}
	web := Target{Role: RoleWeb, Kind: KindTCP, Addr: "b:1"}
	refused := NewError(FailConnectionRefused, OpConnect, "")
	cases := []struct {
		name    string
		results []TargetResult
		want    Verdict
	}{
		{"every target out of descriptors", []TargetResult{{Target: chat, Err: internal}}, VerdictPending},
		{"one role out of descriptors, one refused", []TargetResult{{Target: chat, OK: true}, {Target: web, Err: internal}}, VerdictPending},
		{"refused beside out of descriptors", []TargetResult{{Target: chat, Err: refused}, {Target: chat, Err: internal}}, VerdictPending},
		{"working despite one target out of descriptors", []TargetResult{{Target: chat, OK: true}, {Target: chat, Err: internal}}, VerdictOK},
		{"refused alone", []TargetResult{{Target: chat, Err: refused}}, VerdictBlocked},
	}
	for _, c := range cases {
		v, _, reason, _ := Judge(svc, c.results, 0)
		if v != c.want {
			t.Errorf("%s: %s (%s), want %s", c.name, v, reason, c.want)
		}
	}
	unknown := CheckResult{Verdict: VerdictPending, Cause: internal}
	ok := CheckResult{Verdict: VerdictOK}
	down := CheckResult{Verdict: VerdictBlocked, Cause: refused}
	if code := Summarize([]CheckResult{ok, unknown}).ExitCode(); code != ExitUnknown {
		t.Errorf("ok and internal: exit %d, want %d", code, ExitUnknown)
	}
	if code := Summarize([]CheckResult{down, unknown}).ExitCode(); code != ExitDown {
		t.Errorf("blocked and internal: exit %d, want %d", code, ExitDown)
	}
}
