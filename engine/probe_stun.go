package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/pion/stun/v3"
)

// The burst after the first Binding answer: enough packets to see a count-based cut-off
// (RESEARCH.md: some UDP dies after ~25 packets) in well under a second.
var (
	stunBurst         = 30
	stunBurstInterval = 10 * time.Millisecond
	stunRetransmit    = 500 * time.Millisecond // first Binding request is resent this often
	stunMinWait       = 300 * time.Millisecond // wait for late burst answers at least this long
	// stunLossLimit is the loss above which calls count as broken: voice codecs conceal a few
	// percent, not a fifth of the packets.
	stunLossLimit = 0.2
)

// probeSTUN sends a Binding request through the route, then a short burst of them, and
// counts the target working when the first is answered and the burst loses little.
func probeSTUN(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	res := checks.TargetResult{Target: t}
	defer timeTotal(&res)()
	dialCtx, cancel := context.WithTimeout(ctx, opt.StepTimeout)
	conn, err := DialUDP(dialCtx, r, t.Addr)
	cancel()
	if err != nil {
		res.Err = checks.Classify(checks.OpConnect, err)
		return res
	}
	defer conn.Close()
	stop := bindDeadline(ctx, conn)
	defer stop()

	first, sent, serr := stunFirstBinding(ctx, conn, opt.StepTimeout)
	if serr != nil {
		res.Err = serr
		if serr.Failure == checks.FailSTUNNoAnswer || serr.Failure == checks.FailGenericTimeout {
			res.Err = checks.NewError(checks.FailSTUNNoAnswer, checks.OpSTUN, "STUN unanswered by "+t.Addr+" (UDP blocked?)")
			if _, relayed := conn.(*socksUDPConn); relayed {
				res.Err = relaySilent()
			}
		}
		return res
	}
	res.Phases.Connect = first.rtt
	stats := stunBurstRun(ctx, conn, first.rtt, sent)
	stats.Mapped = checks.Sanitize(first.mapped)
	res.UDP = &stats
	res.Peer = "mapped " + stats.Mapped
	if stats.Loss() > stunLossLimit {
		what := fmt.Sprintf("UDP loses %.0f%% of %d packets to %s", math.Round(stats.Loss()*100), stats.Sent, t.Addr)
		if stats.CutAfter > 0 {
			what = fmt.Sprintf("UDP to %s dies after %d packets", t.Addr, stats.CutAfter)
		}
		res.Err = checks.NewError(checks.FailUDPLoss, checks.OpSTUN, what)
		return res
	}
	res.OK = true
	return res
}

type stunAnswer struct {
	rtt    time.Duration
	mapped string
}

// stunFirstBinding sends a Binding request, resending it while unanswered, until step ends.
// It returns the answer and how many datagrams went out.
func stunFirstBinding(ctx context.Context, conn net.Conn, step time.Duration) (stunAnswer, int, *checks.Error) {
	req, err := stun.Build(stun.TransactionID, stun.BindingRequest, stun.Fingerprint)
	if err != nil {
		return stunAnswer{}, 0, &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpSTUN, Detail: checks.Sanitize(err.Error()), Err: err}
	}
	deadline := time.Now().Add(step)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	sent := 0
	start := time.Now()
	buf := make([]byte, 1500)
	for time.Now().Before(deadline) {
		if _, err := conn.Write(req.Raw); err != nil {
			return stunAnswer{}, sent, checks.Classify(checks.OpSTUN, err)
		}
		sent++
		conn.SetReadDeadline(minTime(deadline, time.Now().Add(stunRetransmit)))
		for {
			n, err := conn.Read(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break // resend
			}
			if err != nil {
				return stunAnswer{}, sent, checks.Classify(checks.OpSTUN, err)
			}
			m, ok := decodeSTUN(buf[:n])
			if !ok || m.TransactionID != req.TransactionID {
				continue
			}
			var xor stun.XORMappedAddress
			mapped := ""
			if xor.GetFrom(m) == nil {
				mapped = xor.String()
			}
			conn.SetReadDeadline(time.Time{})
			return stunAnswer{rtt: time.Since(start), mapped: mapped}, sent, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return stunAnswer{}, sent, checks.NewError(checks.FailSTUNNoAnswer, checks.OpSTUN, "")
}

// decodeSTUN parses a Binding success answer.
func decodeSTUN(b []byte) (*stun.Message, bool) {
	if !stun.IsMessage(b) {
		return nil, false
	}
	m := &stun.Message{Raw: append([]byte(nil), b...)}
	if m.Decode() != nil || m.Type != stun.BindingSuccess {
		return nil, false
	}
	return m, true
}

// stunBurstRun sends the burst and collects answers until a few round trips after the last.
// before is how many datagrams the flow carried already.
func stunBurstRun(ctx context.Context, conn net.Conn, rtt time.Duration, before int) checks.UDPStats {
	type pending struct {
		index int
		sent  time.Time
	}
	var mu sync.Mutex
	outstanding := map[[stun.TransactionIDSize]byte]pending{}
	answered := make([]bool, stunBurst)
	var rtts []time.Duration

	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		buf := make([]byte, 1500)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				// Loopback reports ICMP unreachable as refused reads: keep listening.
				if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
					return
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return
				}
				continue
			}
			m, ok := decodeSTUN(buf[:n])
			if !ok {
				continue
			}
			mu.Lock()
			if p, ok := outstanding[m.TransactionID]; ok {
				delete(outstanding, m.TransactionID)
				answered[p.index] = true
				rtts = append(rtts, time.Since(p.sent))
			}
			mu.Unlock()
		}
	}()

	sent := 0
	for i := range stunBurst {
		if ctx.Err() != nil {
			break
		}
		req, err := stun.Build(stun.TransactionID, stun.BindingRequest, stun.Fingerprint)
		if err != nil {
			break
		}
		mu.Lock()
		outstanding[req.TransactionID] = pending{index: i, sent: time.Now()}
		mu.Unlock()
		if _, err := conn.Write(req.Raw); err != nil {
			break
		}
		sent++
		time.Sleep(stunBurstInterval)
	}
	wait := max(3*rtt, stunMinWait)
	conn.SetReadDeadline(time.Now().Add(wait))
	<-readerDone
	conn.SetReadDeadline(time.Time{})

	mu.Lock()
	defer mu.Unlock()
	stats := checks.UDPStats{Sent: sent}
	last := -1
	for i, ok := range answered[:sent] {
		if ok {
			stats.Received++
			last = i
		}
	}
	// A cut-off: the flow carried packets, then nothing at all for the rest of the burst
	// (at least five in a row, so one late answer is not mistaken for one).
	if sent-last-1 >= 5 {
		stats.CutAfter = before + last + 1
	}
	if len(rtts) > 0 {
		slices.Sort(rtts)
		stats.RTT = rtts[len(rtts)/2]
	} else {
		stats.RTT = rtt
	}
	return stats
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
