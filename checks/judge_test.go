package checks

import (
	"strings"
	"testing"
	"time"
)

func okResult(role, addr string, ready time.Duration) TargetResult {
	return TargetResult{Target: Target{Role: role, Kind: KindTLS, Addr: addr}, OK: true, Phases: Phases{Connect: ready / 2, TLS: ready / 2, Total: ready}}
}

func failed(role, addr, failure, op string) TargetResult {
	return TargetResult{Target: Target{Role: role, Kind: KindTLS, Addr: addr}, Err: NewError(failure, op, "")}
}

func TestJudgeVerdicts(t *testing.T) {
	svc := Service{Name: "signal"}
	cases := []struct {
		name        string
		results     []TargetResult
		wantVerdict Verdict
		wantLatency time.Duration
		wantReason  string
	}{
		{
			name:        "every role works, fast",
			results:     []TargetResult{okResult(RoleChat, "chat.signal.org:443", 140*time.Millisecond), okResult(RoleWeb, "signal.org:443", 90*time.Millisecond)},
			wantVerdict: VerdictOK, wantLatency: 140 * time.Millisecond,
			wantReason: "140ms to chat.signal.org",
		},
		{
			name: "latency is the fastest working chat target",
			results: []TargetResult{
				okResult(RoleChat, "e1.whatsapp.net:443", 300*time.Millisecond),
				okResult(RoleChat, "e2.whatsapp.net:443", 120*time.Millisecond),
				failed(RoleChat, "g.whatsapp.net:5222", FailConnectionReset, OpConnect),
			},
			wantVerdict: VerdictOK, wantLatency: 120 * time.Millisecond,
			wantReason: "120ms to e2.whatsapp.net",
		},
		{
			name:        "works but past the slow threshold",
			results:     []TargetResult{okResult(RoleChat, "chat.signal.org:443", 1400*time.Millisecond)},
			wantVerdict: VerdictSlow, wantLatency: 1400 * time.Millisecond,
			wantReason: "1.4s to chat.signal.org, slower than 1.0s",
		},
		{
			name: "chat works, web blocked by DNS",
			results: []TargetResult{
				okResult(RoleChat, "e1.whatsapp.net:443", 100*time.Millisecond),
				{Target: Target{Role: RoleWeb, Kind: KindHTTPS, Addr: "https://web.whatsapp.com/"}, Err: NewError(FailDNSNXDomain, OpResolve, "")},
			},
			wantVerdict: VerdictPartial, wantLatency: 100 * time.Millisecond,
			wantReason: "web blocked: DNS: NXDOMAIN for web.whatsapp.com",
		},
		{
			name: "nothing works: the named interference wins over a timeout",
			results: []TargetResult{
				failed(RoleWeb, "signal.org:443", FailGenericTimeout, OpTLSHandshake),
				failed(RoleChat, "chat.signal.org:443", FailConnectionReset, OpTLSHandshake),
			},
			wantVerdict: VerdictBlocked,
			wantReason:  "TLS reset after ClientHello on chat.signal.org",
		},
		{
			name:        "a middlebox certificate is never ok",
			results:     []TargetResult{failed(RoleChat, "chat.signal.org:443", FailSSLUnknownAuthority, OpTLSHandshake)},
			wantVerdict: VerdictBlocked,
			wantReason:  "untrusted certificate on chat.signal.org (interception?)",
		},
		{
			name:        "no results yet",
			wantVerdict: VerdictPending, wantReason: "no result yet",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, latency, reason, cause := Judge(svc, tc.results, time.Second)
			if v != tc.wantVerdict || latency != tc.wantLatency || reason != tc.wantReason {
				t.Errorf("Judge = %s %v %q, want %s %v %q", v, latency, reason, tc.wantVerdict, tc.wantLatency, tc.wantReason)
			}
			if (cause != nil) != (v == VerdictBlocked || v == VerdictPartial) {
				t.Errorf("cause = %v for verdict %s", cause, v)
			}
		})
	}
}

func TestSummaryExitCodes(t *testing.T) {
	r := func(vs ...Verdict) []CheckResult {
		var out []CheckResult
		for _, v := range vs {
			out = append(out, CheckResult{Verdict: v})
		}
		return out
	}
	cases := []struct {
		results []CheckResult
		want    int
	}{
		{r(VerdictOK, VerdictOK), ExitOK},
		{r(VerdictOK, VerdictSlow), ExitDegraded},
		{r(VerdictOK, VerdictPartial), ExitDegraded},
		{r(VerdictOK, VerdictBlocked), ExitDown},
		{r(VerdictSlow, VerdictRouteDown), ExitDown},
		{r(VerdictOK, VerdictPending), ExitDegraded},
		{r(VerdictPending), ExitUnknown},
		{nil, ExitUnknown},
	}
	for _, tc := range cases {
		if got := Summarize(tc.results).ExitCode(); got != tc.want {
			t.Errorf("exit code for %v = %d, want %d", tc.results, got, tc.want)
		}
	}
}

func TestSanitizeRemovesEscapesAndControls(t *testing.T) {
	cases := map[string]string{
		"plain reset":                     "plain reset",
		"\x1b]0;pwned\x07title":           "title",
		"red\x1b[31mtext\x1b[0m":          "redtext",
		"csi\u009b2Jclear":                "csiclear",
		"bell\x07 and null\x00":           "bell and null",
		"tabs\tand\nnewlines":             "tabs and newlines",
		"dcs\x1bPq#0;2;0;0;0\x1b\\ after": "dcs after",
		"bidi\u202eevil":                  "bidievil",
		"invalid \xff utf8":               "invalid ? utf8",
		"Подключение сброшено ✓":          "Подключение сброшено ✓",
	}
	for in, want := range cases {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
	long := Sanitize(strings.Repeat("a", 1000))
	if n := len([]rune(long)); n > maxRemoteText+1 {
		t.Errorf("sanitized text keeps %d runes, bound is %d", n, maxRemoteText)
	}
}
