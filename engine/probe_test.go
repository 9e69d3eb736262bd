package engine_test

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// slack is how much longer than its deadline an operation may take before a test calls it a
// hang: generous, because the machine is shared.
const slack = 3 * time.Second

// directRoute is the host's own network, which is all loopback fixtures need.
func directRoute(t *testing.T) engine.Route {
	t.Helper()
	r, err := engine.NewRoute(checks.RouteSpec{Name: "direct", Kind: checks.RouteDirect})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// probeWithin runs one probe and fails the test if it outlives the step timeout plus slack.
func probeWithin(t *testing.T, r engine.Route, target checks.Target, opt engine.ProbeOptions) checks.TargetResult {
	t.Helper()
	start := time.Now()
	res := engine.Probe(context.Background(), r, target, opt)
	if took := time.Since(start); took > opt.StepTimeout+slack {
		t.Fatalf("probe took %v, step timeout is %v", took, opt.StepTimeout)
	}
	return res
}

// failureCase is a peer that fails a probe one way (addr starts it and returns its address)
// and how the probe must name the failure (see assertFailure).
type failureCase struct {
	name    string
	addr    func(*testing.T) string
	failure string
	op      string
	human   string
}

// assertFailure checks the failure string, the operation and the sentence a person reads
// about host; an empty human skips the sentence.
func assertFailure(t *testing.T, res checks.TargetResult, host, failure, op, human string) {
	t.Helper()
	if res.OK {
		t.Fatalf("probe of %s worked, want %s during %s", res.Target, failure, op)
	}
	if res.Err == nil {
		t.Fatalf("probe of %s failed without an error", res.Target)
	}
	if res.Err.Failure != failure || res.Err.Operation != op {
		t.Fatalf("got %s/%s (%v), want %s/%s", res.Err.Operation, res.Err.Failure, res.Err.Err, op, failure)
	}
	if got := res.Err.Human(host); human != "" && got != human {
		t.Fatalf("Human() = %q, want %q", got, human)
	}
}

// assertNoControl fails when s carries an escape or control character.
func assertNoControl(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x9b }) {
		t.Fatalf("%s carries control characters: %q", what, s)
	}
}

// faultAction is what a fault listener does once it has read the client's first bytes.
type faultAction int

const (
	faultReset  faultAction = iota // RST: SO_LINGER 0, then close
	faultClose                     // orderly close (FIN)
	faultSilent                    // keep the connection open and say nothing
)

// startFault listens on loopback and treats every connection the same way: it reads the
// client's first bytes (a ClientHello, an HTTP request) and then acts. It stands for a
// censor's middlebox.
func startFault(t *testing.T, action faultAction) string {
	t.Helper()
	return fixture.Serve(t, func(conn net.Conn) {
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4096)
		if _, err := conn.Read(buf); err != nil {
			return
		}
		switch action {
		case faultReset:
			conn.(*net.TCPConn).SetLinger(0)
		case faultSilent:
			// Read on without answering until the client gives up or the test ends.
			conn.SetReadDeadline(time.Time{})
			io.Copy(io.Discard, conn)
		}
	})
}

func TestProbeUnknownKindIsNamed(t *testing.T) {
	res := engine.Probe(context.Background(), directRoute(t), checks.Target{Kind: "gopher", Addr: "127.0.0.1:70"}, engine.ProbeOptions{})
	if res.OK || res.Err == nil || res.Err.Failure != checks.FailUnknown {
		t.Fatalf("unknown probe kind: got %+v", res)
	}
}

// A probe whose context ends first stops then, even if its step timeout is much longer.
func TestProbesRespectTheContext(t *testing.T) {
	r := directRoute(t)
	silent := startFault(t, faultSilent)
	for _, kind := range []string{checks.KindTLS, checks.KindHTTPPost} {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			res := engine.Probe(ctx, r, checks.Target{Kind: kind, Addr: silent}, engine.ProbeOptions{StepTimeout: time.Minute})
			if took := time.Since(start); took > 200*time.Millisecond+slack {
				t.Fatalf("probe took %v past a 200ms context", took)
			}
			if res.OK || res.Err == nil || res.Err.Failure != checks.FailGenericTimeout {
				t.Fatalf("got %+v, want generic_timeout_error", res.Err)
			}
		})
	}
}
