package engine

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

func init() { probes[checks.KindUpload] = confirmStall(probeUpload) }

// uploadPoll is how often an upload's progress is looked at.
const uploadPoll = 50 * time.Millisecond

// probeUpload POSTs opt.TransferBytes of random data in one request to the target's HTTPS
// URL over a verified TLS connection through the route, and waits for the answer. It stalls
// when no byte makes progress (and no answer comes) for the stall window; any HTTP answer
// after the whole body counts as the exchange completing.
func probeUpload(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	want := opt.TransferBytes
	if want <= 0 {
		want = checks.DefaultTransferBytes
	}
	stats := &checks.TransferStats{Wanted: want, Upload: true}
	res := checks.TargetResult{Target: t, Transfer: stats}
	defer timeTotal(&res)()
	u, addr, ok := tlsURL(t.Addr, "https")
	if !ok {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpConnect, "upload needs an https:// URL")
		return res
	}

	conn, trace, err := dialRecorded(ctx, r, addr, opt, &res)
	if err != nil {
		return res
	}
	defer conn.Close()
	res.Peer = checks.Sanitize(trace.Remote)
	tlsConn, took, hsErr := handshakeStep(ctx, conn, tlsConfig(r, t, t.Host()), opt)
	res.Phases.TLS = took
	if hsErr != nil {
		res.Err = hsErr
		return res
	}
	res.Peer = peerName(tlsConn.ConnectionState(), trace.Remote)
	defer closeOnCancel(ctx, conn)()

	path := u.RequestURI()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nContent-Type: application/octet-stream\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n", path, hostHeader(t, u), userAgent, want)
	body := make([]byte, want)
	rand.Read(body) // looks like the encrypted media it stands for

	var written atomic.Int64 // body bytes handed to the TLS connection
	writeDone := make(chan error, 1)
	sent := time.Now()
	go func() {
		if _, err := tlsConn.Write([]byte(head)); err != nil {
			writeDone <- err
			return
		}
		const chunk = 4 << 10
		for off := int64(0); off < want; off += chunk {
			n, err := tlsConn.Write(body[off:min(off+chunk, want)])
			written.Add(int64(n))
			if err != nil {
				writeDone <- err
				return
			}
		}
		writeDone <- nil
	}()
	type answer struct {
		status int
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReaderSize(tlsConn, 512).ReadString('\n')
		answered <- answer{parseStatusLine(line), err}
	}()

	window := stallWindow(trace.Connect + took)
	// Once the whole body is out (acknowledged, where this host can see acknowledgements) the
	// server may take up to a step to answer. Through a proxy what the path took is unknown
	// once the proxy buffers it, so a missing answer then counts as the stall; on a socket of
	// this host every byte acknowledged proves the upload crossed, and a missing answer is
	// the server's silence, not a freeze.
	answerWait := max(window, opt.StepTimeout)
	acksSeen := unsent(conn) >= 0
	progress := func() int64 {
		w := written.Load()
		if q := unsent(conn); q > 0 {
			w -= q
		}
		return max(w, 0)
	}
	var (
		moved, lastMoved = int64(0), time.Now()
		writeErr         error
		allWritten       bool
		ans              answer
		got              bool
		silent           bool // everything acknowledged, no answer within a step
	)
	tick := time.NewTicker(uploadPoll)
	defer tick.Stop()
wait:
	for {
		select {
		case ans = <-answered:
			got = true
			break wait
		case writeErr = <-writeDone:
			writeDone = nil
			allWritten = writeErr == nil
			if writeErr != nil {
				break wait
			}
		case <-tick.C:
		}
		if p := progress(); p > moved {
			moved, lastMoved = p, time.Now()
		}
		limit := window
		if allWritten && moved >= written.Load() {
			limit = answerWait
		}
		if time.Since(lastMoved) > limit {
			silent = acksSeen && allWritten && moved >= written.Load()
			stats.Stalled = !silent
			break
		}
	}
	if p := progress(); p > moved {
		moved = p
	}
	conn.Close() // ends the writer and reader if the path stalled
	end := time.Now()
	if got && ans.status > 0 {
		moved = written.Load() // the server answered: what was written has arrived
	}
	stats.Bytes = moved
	res.Phases.FirstByte = end.Sub(sent) // upload sent → the answer, a duration of its own
	if span := end.Sub(sent); moved > 0 && span > 0 {
		stats.Goodput = float64(moved*8) / span.Seconds()
	}
	switch {
	case stats.Stalled:
		res.Err = checks.NewError(checks.FailStalled, checks.OpWrite, "after "+checks.FormatBytes(moved))
	case silent:
		res.Err = checks.NewError(checks.FailGenericTimeout, checks.OpRead, "no answer to the upload after all "+checks.FormatBytes(moved)+" arrived")
	case got && ans.status > 0:
		res.Status = ans.status
		if written.Load() < want {
			// The server answered before taking the whole body: the path is proven only
			// for what went through, and goodput is not measured.
			stats.Goodput = 0
		}
		res.OK = true
	case writeErr != nil:
		named := *checks.Classify(checks.OpWrite, writeErr)
		named.Operation, named.Detail = checks.OpWrite, "after "+checks.FormatBytes(moved)
		res.Err = &named
	case got && ans.err != nil:
		named := *checks.Classify(checks.OpRead, ans.err)
		named.Operation, named.Detail = checks.OpRead, "no answer to the upload"
		res.Err = &named
	default:
		res.Err = checks.NewError(checks.FailEOF, checks.OpRead, "no answer to the upload")
	}
	if ctx.Err() != nil && !res.OK && !stats.Stalled {
		res.Err = checks.NewError(checks.FailGenericTimeout, checks.OpWrite, "upload unfinished at the check's deadline, after "+checks.FormatBytes(moved))
	}
	return res
}

// parseStatusLine reads the status of "HTTP/1.1 200 OK", or 0 when line is not one.
func parseStatusLine(line string) int {
	proto, rest, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/") || len(rest) < 3 {
		return 0
	}
	code, err := strconv.Atoi(rest[:3])
	if err != nil || code < 100 || code > 599 {
		return 0
	}
	return code
}

// hostHeader is the Host an upload names: the URL's, or the SNI's when one stands for it.
func hostHeader(t checks.Target, u *url.URL) string {
	if t.SNI == "" {
		return u.Host
	}
	if port := u.Port(); port != "" && port != "443" {
		return net.JoinHostPort(t.SNI, port)
	}
	return t.SNI
}
