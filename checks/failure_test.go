package checks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// A failure added to the vocabulary without its row of words would read "failed (x)" and
// "error" everywhere: every Fail constant must have a row with its narrow-cell word.
func TestEveryFailureHasItsWords(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "failure.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		spec, ok := node.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range spec.Names {
			if !strings.HasPrefix(name.Name, "Fail") || i >= len(spec.Values) {
				continue
			}
			lit, ok := spec.Values[i].(*ast.BasicLit)
			if !ok {
				continue
			}
			value, _ := strconv.Unquote(lit.Value)
			n++
			if failureTable[value].short == "" {
				t.Errorf("%s (%q) has no row in failureTable", name.Name, value)
			}
		}
		return true
	})
	if n < 30 {
		t.Fatalf("found %d failure constants in failure.go; the vocabulary has moved", n)
	}
	if len(failureTable) != n {
		t.Errorf("failureTable has %d rows for %d failures", len(failureTable), n)
	}
}

func TestFailureWordsReadAsBefore(t *testing.T) {
	for _, tc := range []struct {
		err         *Error
		host, human string
		short       string
	}{
		{NewError(FailConnectionReset, OpTLSHandshake, ""), "chat.signal.org", "TLS reset after ClientHello on chat.signal.org", "reset"},
		{NewError(FailDNSNXDomain, OpResolve, ""), "web.whatsapp.com", "DNS: NXDOMAIN for web.whatsapp.com", "dns"},
		{NewError(FailSOCKSReply, OpProxyConnect, "socks5: TTL expired"), "t.me", "proxy could not reach t.me: socks5: TTL expired", "proxy"},
		{NewError(FailGenericTimeout, OpProxyConnect, ""), "t.me", "proxy could not reach t.me: timed out", "timeout"},
		{NewError(FailSTUNNoAnswer, OpSTUN, ""), "stun.l.google.com", "stun failed (stun_no_answer) on stun.l.google.com", "udp"},
		{NewError(FailSTUNNoAnswer, OpSTUN, "STUN unanswered"), "", "STUN unanswered", "udp"},
		{NewError(FailStalled, OpRead, "after 17 KB"), "media.example.org", "stalls after 17 KB on media.example.org", "stall"},
		{NewError(FailInterrupted, OpConnect, ""), "", "connect interrupted", "error"},
	} {
		if got := tc.err.Human(tc.host); got != tc.human {
			t.Errorf("%v: Human %q, want %q", tc.err, got, tc.human)
		}
		if got := tc.err.Short(); got != tc.short {
			t.Errorf("%v: Short %q, want %q", tc.err, got, tc.short)
		}
	}
}
