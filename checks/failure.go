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

// The failure vocabulary: OONI's failure strings (df-007-errors) and the ones lifeline adds.
// Each has one row in failureTable below, which gives its words.
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
	FailUnknown              = "unknown_failure"
	// FailInternal is lifeline's own failure, not the network's: it ran out of descriptors
	// ("too many open files") or memory. It is never a verdict about a route or a service.
	FailInternal = "internal_error"
	// FailNotMeasured names a check that never got its slots before its deadline: the route's
	// other checks held them. Like FailInternal it is no verdict about the route or service.
	FailNotMeasured = "not_measured"

	// Proxies and interfaces.
	FailProxyAuth          = "proxy_auth_failed"
	FailProxyProtocol      = "proxy_protocol_error"
	FailSOCKSReply         = "socks_reply_error"
	FailConnectStatus      = "http_connect_error"
	FailInterfaceMissing   = "interface_not_found"
	FailInterfaceDown      = "interface_down"
	FailInterfaceNoAddress = "interface_no_address"

	// FailTooManyRedirects names an HTTP exchange that kept being redirected (a loop, or a
	// portal sending the client in circles).
	FailTooManyRedirects = "http_too_many_redirects"
	// FailDNSTampered names a direct-route lookup that a comparison through another route
	// shows to be forged: NXDOMAIN or empty here while the name resolves elsewhere, or a
	// bogon answer.
	FailDNSTampered = "dns_tampered"
	// FailStalled names a transfer that stopped making progress without the connection
	// closing: the "TCP 16-20" freeze. Its Detail says how far it got, e.g. "after 17 KB".
	FailStalled = "stalled"

	// UDP probes (calls). Their Detail is already the sentence a person reads.
	FailUDPUnsupported = "udp_unsupported" // the route cannot carry UDP at all
	FailSTUNNoAnswer   = "stun_no_answer"  // no STUN Binding answer: UDP (or STUN) dropped
	FailUDPLoss        = "udp_loss"        // STUN answers, but a short burst loses too much

	// Proof from the far end.
	// FailBlockPage names a plain-HTTP answer that redirects to another host or carries a
	// block page: a censor or portal answered in the service's place.
	FailBlockPage = "http_block_page"
	// FailNotService names an answer that is not the service's protocol: an HTTP page where
	// MTProto was due, noise where a Noise hello was, a resPQ for someone else's nonce.
	FailNotService = "not_the_service"
)

// failureWords are a failure's words. In a sentence, {on} stands for " on <host>", {for} for
// " for <host>", {host} for " <host>", {detail} for ": <detail>" and {d} for the bare detail,
// each empty when there is none.
type failureWords struct {
	short    string // the word a narrow cell shows
	what     string // what happened, after the step: "TLS handshake <what> on <host>"
	sentence string // the whole sentence instead, when the failure says more than the step
	ifDetail bool   // the sentence only when there is a detail; otherwise the step's words
	answer   string // how a DNS answer summary words it ("" for the failure string itself)
}

// failureTable is the one table of failure words, one row per failure.
var failureTable = map[string]failureWords{
	FailConnectionRefused:    {short: "refused", what: "connection refused"},
	FailConnectionReset:      {short: "reset", what: "reset"},
	FailHostUnreachable:      {short: "unreach", what: "host unreachable"},
	FailNetworkUnreachable:   {short: "unreach", what: "network unreachable"},
	FailTimedOut:             {short: "timeout", what: "timed out"},
	FailGenericTimeout:       {short: "timeout", what: "timed out"},
	FailEOF:                  {short: "eof", what: "closed by peer"},
	FailInterrupted:          {short: "error", what: "interrupted"},
	FailDNSNXDomain:          {short: "dns", sentence: "DNS: NXDOMAIN{for}", answer: "NXDOMAIN"},
	FailDNSNoAnswer:          {short: "dns", sentence: "DNS: no answer{for}", answer: "no answer"},
	FailDNSRefused:           {short: "dns", sentence: "DNS: server failure{for}"},
	FailDNSServfail:          {short: "dns", sentence: "DNS: server failure{for}"},
	FailDNSServerMisbehaving: {short: "dns", sentence: "DNS: server failure{for}"},
	FailDNSTampered:          {short: "dns", sentence: "DNS tampered{for}{detail}"},
	FailSSLUnknownAuthority:  {short: "cert", sentence: "untrusted certificate{on} (interception?)"},
	FailSSLInvalidHostname:   {short: "cert", sentence: "certificate for another name{on}"},
	FailSSLInvalidCert:       {short: "cert", sentence: "invalid certificate{on}"},
	FailSSLFailedHandshake:   {short: "tls", sentence: "TLS handshake failed{on}"},
	FailHTTPStatus:           {short: "status", sentence: "unexpected HTTP status{on}{detail}"},
	FailTooManyRedirects:     {short: "status", sentence: "too many redirects{on}"},
	FailBlockPage:            {short: "blockpage", sentence: "block page{on}{detail}"},
	FailNotService:           {short: "fake", sentence: "{d}{on}", ifDetail: true, what: "answer is not the service"},
	FailProxyAuth:            {short: "auth", sentence: "proxy rejected the credentials{detail}"},
	FailProxyProtocol:        {short: "proxy", sentence: "proxy spoke garbage{detail}"},
	FailSOCKSReply:           {short: "proxy", sentence: "proxy could not reach{host}{detail}"},
	FailConnectStatus:        {short: "proxy", sentence: "proxy refused CONNECT{for}{detail}"},
	FailInterfaceMissing:     {short: "iface", sentence: "{d}"},
	FailInterfaceDown:        {short: "iface", sentence: "{d}"},
	FailInterfaceNoAddress:   {short: "iface", sentence: "{d}"},
	FailStalled:              {short: "stall", sentence: "stalls {d}{on}"},
	FailUDPUnsupported:       {short: "udp", sentence: "{d}", ifDetail: true},
	FailSTUNNoAnswer:         {short: "udp", sentence: "{d}", ifDetail: true},
	FailUDPLoss:              {short: "udp", sentence: "{d}", ifDetail: true},
	FailUnknown:              {short: "error"},
	FailInternal: {short: "internal", sentence: "internal error: lifeline {d}, not a verdict about the route", ifDetail: true,
		what: "failed: lifeline ran out of descriptors or memory (internal error)"},
	FailNotMeasured: {short: "busy", sentence: "not measured: {d}", ifDetail: true, what: "not measured: the route was busy"},
}

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
	OpSTUN          = "stun"
	OpUnknown       = "unknown"
	OpQueue         = "queue" // waiting for the route's slots
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
	named = &Error{Failure: failureString(err), Operation: op, Err: err}
	if named.Failure == FailInternal {
		named.Detail = exhaustion(err) + " (" + op + ")"
	}
	return named
}

// exhaustion names what of lifeline's own an error says ran out, "" when it is about
// something else.
func exhaustion(err error) string {
	switch {
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "too many open files"
	case errors.Is(err, syscall.ENOMEM):
		return "out of memory"
	}
	if strings.Contains(err.Error(), "too many open files") {
		return "too many open files"
	}
	return ""
}

// Internal is true for lifeline's own failure (FailInternal): no verdict may rest on it.
func (e *Error) Internal() bool { return e != nil && e.Failure == FailInternal }

// NotMeasured is true for a check that never ran (FailNotMeasured): no verdict rests on it.
func (e *Error) NotMeasured() bool { return e != nil && e.Failure == FailNotMeasured }

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
	if exhaustion(err) != "" {
		return FailInternal
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
	on, for_, at := "", "", ""
	if host != "" {
		on, for_, at = " on "+Sanitize(host), " for "+Sanitize(host), " "+Sanitize(host)
	}
	detail := ""
	if e.Detail != "" {
		detail = ": " + e.Detail
	}
	words := failureTable[e.Failure]
	if words.sentence != "" && (!words.ifDetail || e.Detail != "") {
		return strings.NewReplacer("{on}", on, "{for}", for_, "{host}", at, "{detail}", detail, "{d}", e.Detail).Replace(words.sentence)
	}
	what := words.what
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
	if w := failureTable[e.Failure].short; w != "" {
		return w
	}
	if strings.HasPrefix(e.Failure, "dns_") {
		return "dns"
	}
	return "error"
}

// DNSFailureWord is how a DNS answer summary words a failed lookup, e.g. "NXDOMAIN".
func DNSFailureWord(failure string) string {
	if w := failureTable[failure].answer; w != "" {
		return w
	}
	return failure
}
