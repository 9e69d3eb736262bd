package engine

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// stallFloor is the shortest silence counted as a stall (nanoseconds; the window is
// max(3×RTT, stallFloor)). Tests shorten it; it is atomic because probes read it concurrently.
var stallFloor atomic.Int64

func init() { stallFloor.Store(int64(1500 * time.Millisecond)) }

// stallWindow is how long a transfer may make no progress before it counts as stalled: three
// round trips (a retransmission or two), never less than the floor.
func stallWindow(rtt time.Duration) time.Duration {
	return max(3*rtt, time.Duration(stallFloor.Load()))
}

// probeTransfer moves opt.TransferBytes over one connection through the route and records
// how far it got and how fast.
func probeTransfer(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	want := opt.TransferBytes
	if want <= 0 {
		want = checks.DefaultTransferBytes
	}
	if t.Find != "" {
		return transferFound(ctx, r, t, opt, want)
	}
	u, err := url.Parse(t.Addr)
	if err != nil || u.Host == "" {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpConnect, "invalid transfer address")}
	}
	switch u.Scheme {
	case "http", "https":
		return transferHTTP(ctx, r, t, opt, want)
	case "tcp", "tls":
		return transferEcho(ctx, r, t, u.Host, u.Scheme == "tls", opt, want)
	}
	return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpConnect, "transfer needs an http(s)://, tcp:// or tls:// address")}
}

// transferHTTP GETs the URL (redirects followed, a 2xx answer required) and reads up to want
// bytes of its body, watching for stalls.
func transferHTTP(ctx context.Context, r Route, t checks.Target, opt ProbeOptions, want int64) checks.TargetResult {
	stats := &checks.TransferStats{Wanted: want}
	res := checks.TargetResult{Target: t, Transfer: stats}
	req, err := http.NewRequest(http.MethodGet, t.Addr, nil)
	if err != nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid URL")
		return res
	}
	// Ask for no more than we read, so a large object costs want bytes, not its size.
	req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", want-1))

	reqCtx, abort := context.WithCancel(ctx)
	defer abort()
	resp, rec, done, err := roundTrip(reqCtx, r, t, opt, req, true, &res)
	defer done()
	if err != nil {
		return res
	}
	defer resp.Body.Close()
	ready, remote := rec.snapshot()
	if resp.TLS != nil {
		res.Peer = peerName(*resp.TLS, remote)
	} else {
		res.Peer = checks.Sanitize(remote)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		res.Phases = ready
		res.Err = checks.NewError(checks.FailHTTPStatus, checks.OpHTTPRoundTrip, fmt.Sprintf("expected 2xx, got %d", resp.StatusCode))
		return res
	}
	stats.TTFB = ready.FirstByte

	w := readWatched(resp.Body, want, stallWindow(ready.Connect+ready.TLS), abort)
	rec.bodyRead()
	res.Phases, _ = rec.snapshot()
	finishTransfer(ctx, &res, w, rec.firstByteAt())
	return res
}

// transferEcho writes want bytes to an echo server (over TLS for tls://) and reads them back,
// watching for stalls. Both directions share the connection, as a media upload would.
func transferEcho(ctx context.Context, r Route, t checks.Target, addr string, useTLS bool, opt ProbeOptions, want int64) checks.TargetResult {
	stats := &checks.TransferStats{Wanted: want}
	res := checks.TargetResult{Target: t, Transfer: stats}
	defer timeTotal(&res)()

	conn, trace, err := dialRecorded(ctx, r, addr, opt, &res)
	if err != nil {
		return res
	}
	defer conn.Close()
	var stream net.Conn = conn
	res.Peer = checks.Sanitize(trace.Remote)
	if useTLS {
		tlsConn, took, hsErr := handshakeStep(ctx, conn, tlsConfig(r, t, t.Host()), opt)
		res.Phases.TLS = took
		if hsErr != nil {
			res.Err = hsErr
			return res
		}
		stream = tlsConn
		res.Peer = peerName(tlsConn.ConnectionState(), trace.Remote)
	}
	// The check's deadline bounds both directions; closing the socket unblocks them.
	defer closeOnCancel(ctx, conn)()

	payload := make([]byte, want)
	rand.Read(payload) // looks like the encrypted media it stands for
	sent := time.Now()
	writeErr := make(chan error, 1)
	go func() {
		const chunk = 4 << 10
		for off := int64(0); off < want; off += chunk {
			if _, err := stream.Write(payload[off:min(off+chunk, want)]); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	w := readWatched(stream, want, stallWindow(trace.Connect+res.Phases.TLS), func() { conn.Close() })
	conn.Close() // ends the writer if the path stalled upstream
	if werr := <-writeErr; w.err == nil && werr != nil && w.bytes < want {
		w.err = werr
	}
	if !w.first.IsZero() {
		stats.TTFB = w.first.Sub(sent)
	}
	finishTransfer(ctx, &res, w, w.first)
	return res
}

// watched is what readWatched saw.
type watched struct {
	bytes       int64
	first, last time.Time // when the first and the last bytes arrived
	firstChunk  int64     // bytes of the first read, which goodput leaves out
	stalled     bool      // the stall window passed without progress
	err         error     // the read error that ended the transfer early, if any
	ended       time.Time
}

// readWatched reads up to want bytes from src. When no byte arrives for window, it calls
// abort (which must make the pending read return) and reports a stall.
func readWatched(src io.Reader, want int64, window time.Duration, abort func()) watched {
	var fired atomic.Bool
	timer := time.AfterFunc(window, func() {
		fired.Store(true)
		abort()
	})
	defer timer.Stop()
	var w watched
	buf := make([]byte, 16<<10)
	for w.bytes < want {
		n, err := src.Read(buf[:min(int64(len(buf)), want-w.bytes)])
		if n > 0 {
			now := time.Now()
			if w.first.IsZero() {
				w.first, w.firstChunk = now, int64(n)
			}
			w.last = now
			w.bytes += int64(n)
			timer.Reset(window)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				w.err = err
			}
			break
		}
	}
	w.ended = time.Now()
	w.stalled = fired.Load() && w.bytes < want
	return w
}

// finishTransfer turns what was read into the result: a stall is a failure; a transfer the
// check's deadline cut short while data still flowed is judged on its goodput, measured up to
// the cut so a silence at the end is not hidden. start is when the first byte was awaited
// from, used when everything came in one read.
func finishTransfer(ctx context.Context, res *checks.TargetResult, w watched, start time.Time) {
	stats := res.Transfer
	stats.Bytes = w.bytes
	deadline, hasDeadline := ctx.Deadline()
	cut := (ctx.Err() != nil || hasDeadline && !time.Now().Before(deadline)) && !w.stalled
	timedOut := w.err != nil && isTimeout(w.err) && !cut
	end := w.last
	if w.bytes < stats.Wanted {
		end = w.ended
	}
	stats.Goodput = goodput(w, start, end)
	switch {
	case w.stalled || timedOut:
		stats.Stalled = true
		res.Err = checks.NewError(checks.FailStalled, checks.OpRead, "after "+checks.FormatBytes(w.bytes))
	case cut && w.bytes > 0:
		res.OK = true
	case cut:
		res.Err = checks.NewError(checks.FailGenericTimeout, checks.OpRead, "no data before the check's deadline")
	case w.err == nil && w.bytes == 0:
		res.Err = checks.NewError(checks.FailEOF, checks.OpRead, "no data")
	case w.err != nil:
		named := *checks.Classify(checks.OpRead, w.err)
		named.Operation = checks.OpRead
		named.Detail = "after " + checks.FormatBytes(w.bytes)
		res.Err = &named
	default:
		res.OK = true
	}
}

// goodput is bits per second from the first byte to end, leaving out the first read (it
// arrived at once, with the answer's head). When everything came in that first read, it is
// measured over the whole wait from start instead.
func goodput(w watched, start, end time.Time) float64 {
	bytes, span := w.bytes-w.firstChunk, end.Sub(w.first)
	if bytes <= 0 || span <= 0 {
		bytes, span = w.bytes, end.Sub(start)
	}
	if bytes <= 0 || span <= 0 || start.IsZero() {
		return 0
	}
	return float64(bytes*8) / span.Seconds()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}
