package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/mtproto"
)

// telegramDCs maps the data centres' published addresses to their numbers, which the
// obfuscated header carries as the official apps send it; other addresses send 0.
var telegramDCs = map[string]int16{
	"149.154.175.50": 1, "149.154.175.53": 1, "2001:b28:f23d:f001::a": 1,
	"149.154.167.51": 2, "149.154.167.50": 2, "95.161.76.100": 2, "2001:67c:4e8:f002::a": 2,
	"149.154.175.100": 3, "2001:b28:f23d:f003::a": 3,
	"149.154.167.91": 4, "149.154.167.92": 4, "2001:67c:4e8:f004::a": 4,
	"149.154.171.5": 5, "91.108.56.130": 5, "2001:b28:f23f:f005::a": 5,
}

// probeMTProto asks a Telegram data centre for resPQ over the obfuscated TCP transport the
// official apps use against DPI (a random 64-byte header, AES-256-CTR both ways, intermediate
// framing inside). Only a resPQ echoing our nonce counts: a block page, a portal or a tunnel
// that reaches nothing cannot produce one.
func probeMTProto(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) (res checks.TargetResult) {
	res.Target = t
	defer timeTotal(&res)()

	host, _, _ := net.SplitHostPort(t.Addr)
	header, err := mtproto.NewClientHeader(rand.Reader, mtproto.TagIntermediate, telegramDCs[host])
	if err != nil {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpWrite, err.Error())
		return res
	}
	var nonce mtproto.Nonce
	rand.Read(nonce[:])

	conn, trace, done := converse(ctx, r, t.Addr, opt, &res)
	if conn == nil {
		return res
	}
	defer done()
	sent := time.Now()
	obf, err := mtproto.Client(conn, header, mtproto.EncodeReqPQ(mtproto.MessageID(sent), nonce))
	if err != nil {
		res.Err = checks.Classify(checks.OpWrite, err)
		return res
	}
	msg, err := obf.ReadMessage()
	res.Phases.FirstByte = time.Since(sent) // request sent → first byte, a duration of its own
	var refused mtproto.TransportError
	if errors.As(err, &refused) {
		// Only a data centre holding our keys can say no in them: Telegram answered.
		res.OK, res.Peer = true, checks.Sanitize(trace.Remote)
		res.Proof = fmt.Sprintf("MTProto transport error %d from %s (a data centre answered, refusing)", refused.Code, checks.Sanitize(t.Addr))
		return res
	}
	if err != nil {
		res.Err = mtprotoFailure(err)
		return res
	}
	return resPQResult(res, msg, nonce, trace, "MTProto resPQ")
}

// probeMTProtoHTTP asks for resPQ over MTProto's plain HTTP transport, POST /api, as OONI's
// telegram test reaches the data centres (without TLS, even on port 443). An HTTP answer
// without our resPQ is not Telegram, and one that redirects elsewhere or carries a block page
// is named so.
func probeMTProtoHTTP(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) checks.TargetResult {
	var nonce mtproto.Nonce
	rand.Read(nonce[:])
	body := mtproto.EncodeReqPQ(mtproto.MessageID(time.Now()), nonce)
	req, err := http.NewRequest(http.MethodPost, "http://"+t.Addr+mtproto.HTTPPath, bytes.NewReader(body))
	if err != nil {
		return checks.TargetResult{Target: t, Err: checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "invalid address")}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded") // what the apps send
	res, answer := plainExchange(ctx, r, t, opt, req)
	if res.Err != nil {
		return res
	}
	if res.Status == http.StatusOK {
		if _, err := mtproto.DecodeResPQ(answer.body, nonce); err == nil {
			return resPQResult(res, answer.body, nonce, DialTrace{Remote: answer.remote}, "MTProto resPQ over HTTP")
		}
	}
	res.OK = false
	if sign := blockPageSign(t.AddrHost(), answer); sign != "" {
		res.Err = checks.NewError(checks.FailBlockPage, checks.OpHTTPRoundTrip, fmt.Sprintf("HTTP %d, %s", res.Status, sign))
		return res
	}
	res.Err = checks.NewError(checks.FailNotService, checks.OpHTTPRoundTrip, fmt.Sprintf("not Telegram: HTTP %d without resPQ", res.Status))
	return res
}

// resPQResult judges msg: working only when it is a resPQ for nonce.
func resPQResult(res checks.TargetResult, msg []byte, nonce mtproto.Nonce, trace DialTrace, what string) checks.TargetResult {
	p, err := mtproto.DecodeResPQ(msg, nonce)
	if err != nil {
		res.OK = false
		res.Err = mtprotoFailure(err)
		return res
	}
	res.OK, res.Err = true, nil
	res.Peer = checks.Sanitize(trace.Remote)
	res.Proof = what + " from " + checks.Sanitize(res.Target.Addr)
	if p.HasProductionKey() {
		res.Proof += " (Telegram's production key)"
	} else {
		res.Proof += " (not listing Telegram's production key)"
	}
	return res
}

// mtprotoFailure names what went wrong reading an answer: a protocol mismatch is "not
// Telegram", anything else the usual network failure.
func mtprotoFailure(err error) *checks.Error {
	switch {
	case errors.Is(err, mtproto.ErrNonce):
		return checks.NewError(checks.FailNotService, checks.OpRead, "not Telegram: a resPQ for another nonce")
	case errors.Is(err, mtproto.ErrNotMTProto):
		return &checks.Error{Failure: checks.FailNotService, Operation: checks.OpRead, Detail: "not Telegram: the answer is not MTProto", Err: err}
	}
	return checks.Classify(checks.OpRead, err)
}
