package engine

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// websocketGUID is RFC 6455's fixed suffix of the accept key.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// probeWebSocket opens a WebSocket to a wss:// URL over verified TLS, as a web client opens
// its chat gateway (WhatsApp Web's wss://web.whatsapp.com/ws/chat), and counts only
// 101 Switching Protocols whose Sec-WebSocket-Accept answers our key. The probe needs the
// upgrade alone, so it writes the request itself and closes once the 101 is in.
func probeWebSocket(ctx context.Context, r Route, t checks.Target, opt ProbeOptions) (res checks.TargetResult) {
	res.Target = t
	defer timeTotal(&res)()

	u, addr, ok := tlsURL(t.Addr, "wss")
	if !ok {
		res.Err = checks.NewError(checks.FailUnknown, checks.OpHTTPRoundTrip, "not a wss:// URL")
		return res
	}
	conn, trace, done := converse(ctx, r, addr, opt, &res)
	if conn == nil {
		return res
	}
	defer done()
	serverName := u.Hostname()
	if t.SNI != "" {
		serverName = t.SNI
	}
	tlsConn, took, hsErr := handshakeStep(ctx, conn, tlsConfig(r, t, serverName), opt)
	res.Phases.TLS = took
	if hsErr != nil {
		res.Err = hsErr
		res.HandshakeAddr = contrastAddr(r, addr, trace)
		return res
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: " + userAgent +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Version: 13\r\n"
	if t.Origin != "" {
		req += "Origin: " + t.Origin + "\r\n"
	}
	sent := time.Now()
	if _, err := tlsConn.Write([]byte(req + "\r\n")); err != nil {
		res.Err = checks.Classify(checks.OpWrite, err)
		return res
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(&limitedReader{r: tlsConn, n: maxResponseHeaderBytes}, 4096), nil)
	res.Phases.FirstByte = time.Since(sent) // request sent → first byte, a duration of its own
	if err != nil {
		res.Err = checks.Classify(checks.OpHTTPRoundTrip, err)
		return res
	}
	resp.Body.Close()
	res.Status = resp.StatusCode
	res.Peer = peerName(tlsConn.ConnectionState(), trace.Remote)
	if resp.StatusCode != http.StatusSwitchingProtocols {
		res.Err = checks.NewError(checks.FailHTTPStatus, checks.OpHTTPRoundTrip, fmt.Sprintf("expected 101 Switching Protocols, got %d", resp.StatusCode))
		return res
	}
	sum := sha1.Sum([]byte(key + websocketGUID))
	if !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		res.Err = checks.NewError(checks.FailNotService, checks.OpHTTPRoundTrip, "a 101 without a valid WebSocket accept key")
		return res
	}
	res.OK = true
	res.Proof = "WebSocket 101 from " + checks.Sanitize(serverName)
	return res
}

// limitedReader ends with an error after n bytes, so a server cannot feed headers forever.
type limitedReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("response headers over %d bytes", maxResponseHeaderBytes)
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}
