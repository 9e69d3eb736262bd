package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// OONI failure strings (df-007-errors) plus the proxy-specific ones lifeline adds.
const (
	FailConnectionRefused    = "connection_refused"
	FailConnectionReset      = "connection_reset"
	FailHostUnreachable      = "host_unreachable"
	FailNetworkUnreachable   = "network_unreachable"
	FailTimedOut             = "timed_out"
	FailGenericTimeout       = "generic_timeout_error"
	FailEOF                  = "eof_error"
	FailDNSNXDomain          = "dns_nxdomain_error"
	FailDNSNoAnswer          = "dns_no_answer"
	FailDNSServerMisbehaving = "dns_server_misbehaving"
	FailDNSRefused           = "dns_refused_error"
	FailDNSServfail          = "dns_servfail_error"
	FailSSLInvalidHostname   = "ssl_invalid_hostname"
	FailSSLUnknownAuthority  = "ssl_unknown_authority"
	FailSSLInvalidCert       = "ssl_invalid_certificate"
	FailSSLFailedHandshake   = "ssl_failed_handshake"
	FailInterrupted          = "interrupted"
	FailHTTPStatus           = "http_unexpected_status"
	FailProxyAuth            = "proxy_auth_failed"
	FailProxyProtocol        = "proxy_protocol_error"
	FailSOCKSReply           = "socks_reply_error"
	FailConnectStatus        = "http_connect_error"
	FailInterfaceMissing     = "interface_not_found"
	FailInterfaceDown        = "interface_down"
	FailInterfaceNoAddress   = "interface_no_address"
	FailUnknown              = "unknown_failure"
)

// Operations: the step that failed.
const (
	OpResolve       = "resolve"
	OpConnect       = "connect"
	OpProxyGreeting = "proxy_greeting"
	OpProxyAuth     = "proxy_auth"
	OpProxyConnect  = "proxy_connect"
	OpTLSHandshake  = "tls_handshake"
	OpHTTPRoundTrip = "http_round_trip"
	OpRead          = "read"
	OpWrite         = "write"
	OpInterface     = "interface"
	OpRouteControl  = "control"
	OpUnknown       = "unknown"
)

// Error is a named failure: the OONI string, the operation it happened in, and a short,
// already-sanitized detail such as a SOCKS reply or a CONNECT status line.
type Error struct {
	Failure   string
	Operation string
	Detail    string
	Err       error
}

func (e *Error) Error() string {
	s := e.Operation + ": " + e.Failure
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// NewError builds a named failure with a sanitized detail.
func NewError(failure, op, detail string) *Error {
	return &Error{Failure: failure, Operation: op, Detail: Sanitize(detail)}
}

// Classify names err the OONI way for operation op. A *Error already inside err wins, so
// routes can name proxy failures precisely and probes keep that name.
func Classify(op string, err error) *Error {
	if err == nil {
		return nil
	}
	var named *Error
	if errors.As(err, &named) {
		return named
	}
	return &Error{Failure: failureString(err), Operation: op, Err: err}
}

func failureString(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return FailDNSNXDomain
		case dnsErr.IsTimeout:
			return FailGenericTimeout
		}
		msg := dnsErr.Err
		switch {
		case strings.Contains(msg, "no such host"):
			return FailDNSNXDomain
		case strings.Contains(msg, "no answer"), strings.Contains(msg, "no suitable address"):
			return FailDNSNoAnswer
		case strings.Contains(msg, "refused"):
			return FailDNSRefused
		case strings.Contains(msg, "server misbehaving"):
			return FailDNSServerMisbehaving
		}
		return FailDNSServfail
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		return FailSSLInvalidHostname
	}
	var authErr x509.UnknownAuthorityError
	if errors.As(err, &authErr) {
		return FailSSLUnknownAuthority
	}
	var certErr x509.CertificateInvalidError
	if errors.As(err, &certErr) {
		return FailSSLInvalidCert
	}
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &verifyErr) {
		return FailSSLInvalidCert
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return FailGenericTimeout
	case errors.Is(err, context.Canceled):
		return FailInterrupted
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailConnectionRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return FailConnectionReset
	case errors.Is(err, syscall.EHOSTUNREACH):
		return FailHostUnreachable
	case errors.Is(err, syscall.ENETUNREACH):
		return FailNetworkUnreachable
	case errors.Is(err, syscall.ETIMEDOUT):
		return FailTimedOut
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return FailEOF
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return FailGenericTimeout
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return FailSSLFailedHandshake
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection reset"):
		return FailConnectionReset
	case strings.Contains(msg, "connection refused"):
		return FailConnectionRefused
	case strings.Contains(msg, "tls:"):
		return FailSSLFailedHandshake
	}
	return FailUnknown
}

// Human says what happened in plain words, naming host, e.g.
// "TLS reset after ClientHello on chat.signal.org" or "DNS: NXDOMAIN for web.whatsapp.com".
func (e *Error) Human(host string) string {
	on := ""
	if host != "" {
		on = " on " + Sanitize(host)
	}
	for_ := ""
	if host != "" {
		for_ = " for " + Sanitize(host)
	}
	detail := ""
	if e.Detail != "" {
		detail = ": " + e.Detail
	}
	switch e.Failure {
	case FailDNSNXDomain:
		return "DNS: NXDOMAIN" + for_
	case FailDNSNoAnswer:
		return "DNS: no answer" + for_
	case FailDNSRefused, FailDNSServfail, FailDNSServerMisbehaving:
		return "DNS: server failure" + for_
	case FailSSLUnknownAuthority:
		return "untrusted certificate" + on + " (interception?)"
	case FailSSLInvalidHostname:
		return "certificate for another name" + on
	case FailSSLInvalidCert:
		return "invalid certificate" + on
	case FailSSLFailedHandshake:
		return "TLS handshake failed" + on
	case FailHTTPStatus:
		return "unexpected HTTP status" + on + detail
	case FailTooManyRedirects:
		return "too many redirects" + on
	case FailProxyAuth:
		return "proxy rejected the credentials" + detail
	case FailProxyProtocol:
		return "proxy spoke garbage" + detail
	case FailSOCKSReply:
		return "proxy could not reach" + strings.TrimPrefix(on, " on") + detail
	case FailConnectStatus:
		return "proxy refused CONNECT" + for_ + detail
	case FailInterfaceMissing, FailInterfaceDown, FailInterfaceNoAddress:
		return e.Detail
	case FailDNSTampered:
		return "DNS tampered" + for_ + detail
	case FailStalled:
		return "stalls " + e.Detail + on
	case FailUDPUnsupported, FailSTUNNoAnswer, FailUDPLoss:
		if e.Detail != "" {
			return e.Detail
		}
	}
	what := map[string]string{
		FailConnectionRefused:  "connection refused",
		FailConnectionReset:    "reset",
		FailHostUnreachable:    "host unreachable",
		FailNetworkUnreachable: "network unreachable",
		FailTimedOut:           "timed out",
		FailGenericTimeout:     "timed out",
		FailEOF:                "closed by peer",
		FailInterrupted:        "interrupted",
	}[e.Failure]
	if what == "" {
		what = "failed (" + e.Failure + ")"
	}
	switch e.Operation {
	case OpTLSHandshake:
		if e.Failure == FailConnectionReset || e.Failure == FailEOF {
			return "TLS " + what + " after ClientHello" + on
		}
		return "TLS handshake " + what + on
	case OpConnect:
		return "connect " + what + on
	case OpProxyConnect:
		if host != "" && e.Detail != "" {
			return "proxy could not reach " + Sanitize(host) + ": " + e.Detail
		}
		if host != "" {
			return "proxy could not reach " + Sanitize(host) + ": " + what
		}
		return "proxy " + what + detail
	case OpProxyGreeting, OpProxyAuth:
		return "proxy " + what + detail
	case OpHTTPRoundTrip:
		return "HTTP " + what + on
	case OpRead:
		return "read " + what + on
	case OpWrite:
		return "write " + what + on
	case OpResolve:
		return "DNS " + what + for_
	}
	return fmt.Sprintf("%s %s%s", e.Operation, what, on)
}

// Short is the word a narrow cell shows: "reset", "timeout", "dns", "refused", "cert"…
func (e *Error) Short() string {
	switch e.Failure {
	case FailConnectionReset:
		return "reset"
	case FailConnectionRefused:
		return "refused"
	case FailGenericTimeout, FailTimedOut:
		return "timeout"
	case FailEOF:
		return "eof"
	case FailHostUnreachable, FailNetworkUnreachable:
		return "unreach"
	case FailSSLUnknownAuthority, FailSSLInvalidHostname, FailSSLInvalidCert:
		return "cert"
	case FailSSLFailedHandshake:
		return "tls"
	case FailHTTPStatus, FailTooManyRedirects:
		return "status"
	case FailProxyAuth:
		return "auth"
	case FailProxyProtocol, FailSOCKSReply, FailConnectStatus:
		return "proxy"
	case FailInterfaceMissing, FailInterfaceDown, FailInterfaceNoAddress:
		return "iface"
	case FailUDPUnsupported, FailSTUNNoAnswer, FailUDPLoss:
		return "udp"
	case FailStalled:
		return "stall"
	}
	if strings.HasPrefix(e.Failure, "dns_") {
		return "dns"
	}
	return "error"
}

// FailTooManyRedirects names an HTTP exchange that kept being redirected (a loop, or a
// portal sending the client in circles).
const FailTooManyRedirects = "http_too_many_redirects"

// Failures and the operation of UDP probes (calls). They are not in OONI's list; their
// Detail is already the sentence a person reads.
const (
	FailUDPUnsupported = "udp_unsupported" // the route cannot carry UDP at all
	FailSTUNNoAnswer   = "stun_no_answer"  // no STUN Binding answer: UDP (or STUN) dropped
	FailUDPLoss        = "udp_loss"        // STUN answers, but a short burst loses too much
	OpSTUN             = "stun"
)

// FailStalled names a transfer that stopped making progress without the connection closing:
// the "TCP 16-20" freeze. Its Detail says how far it got, e.g. "after 17 KB".
const FailStalled = "stalled"

// FailDNSTampered names a direct-route lookup that a comparison through another route shows
// to be forged: NXDOMAIN or empty here while the name resolves elsewhere, or a bogon answer.
const FailDNSTampered = "dns_tampered"
