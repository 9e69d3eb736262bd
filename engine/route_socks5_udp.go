package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
)

// socksCmdUDPAssociate is RFC 1928's UDP ASSOCIATE command; x/net/proxy has no UDP, so the
// exchange is written here.
const socksCmdUDPAssociate = 3

// DialUDP asks the proxy for a UDP relay (RFC 1928 §7). The TCP control connection stays open
// for as long as the returned conn: the proxy ends the association when it closes. A proxy
// answering "command not supported" does not carry UDP.
func (s *socks5Route) DialUDP(ctx context.Context, addr string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &checks.Error{Failure: checks.FailUnknown, Operation: checks.OpResolve, Detail: checks.Sanitize(err.Error()), Err: err}
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return nil, checks.NewError(checks.FailUnknown, checks.OpResolve, "bad port in "+addr)
	}
	if len(host) > 255 {
		return nil, checks.NewError(checks.FailUnknown, checks.OpResolve, "host name too long for SOCKS5")
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	ctrl, derr := dialProxy(ctx, s.proxy)
	if derr != nil {
		return nil, derr
	}
	stop := bindDeadline(ctx, ctrl)
	relay, nerr := s.associate(ctrl)
	stop()
	if nerr != nil {
		ctrl.Close()
		return nil, nerr
	}
	var d net.Dialer
	udp, err := d.DialContext(ctx, "udp", relay)
	if err != nil {
		ctrl.Close()
		return nil, checks.Classify(checks.OpConnect, err)
	}
	c := &socksUDPConn{Conn: udp, ctrl: ctrl, header: socksUDPHeader(host, port)}
	// The proxy closing the control connection ends the association: unblock readers then.
	go func() {
		io.Copy(io.Discard, ctrl)
		c.Close()
	}()
	return c, nil
}

// associate greets the proxy, sends UDP ASSOCIATE and returns the relay's host:port.
func (s *socks5Route) associate(ctrl net.Conn) (string, *checks.Error) {
	if err := s.greet(ctrl); err != nil {
		return "", err
	}
	// The client's address is left 0.0.0.0:0: behind NAT it cannot know the one the proxy sees.
	if _, err := ctrl.Write([]byte{5, socksCmdUDPAssociate, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		return "", checks.Classify(checks.OpProxyConnect, err)
	}
	var head [4]byte
	if _, err := io.ReadFull(ctrl, head[:]); err != nil {
		// The greeting went through, so the proxy is up: closing on this command (as
		// OpenSSH's ssh -D does for anything but CONNECT) means it does not relay UDP.
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return "", &checks.Error{Failure: checks.FailUDPUnsupported, Operation: checks.OpProxyConnect,
				Detail: "the SOCKS5 proxy closed the connection when asked for UDP ASSOCIATE, as ssh -D does", Err: err}
		}
		return "", checks.Classify(checks.OpProxyConnect, err)
	}
	if head[0] != 5 {
		return "", checks.NewError(checks.FailProxyProtocol, checks.OpProxyConnect, fmt.Sprintf("socks5: unexpected reply % x", head[:2]))
	}
	switch head[1] {
	case 0:
	case 7: // command not supported
		return "", checks.NewError(checks.FailUDPUnsupported, checks.OpProxyConnect, "the SOCKS5 proxy does not offer UDP ASSOCIATE")
	default:
		return "", socksReplyError(socksReplyText(head[1]), errors.New("socks5 reply "+strconv.Itoa(int(head[1]))))
	}
	ip, err := readSOCKSAddr(ctrl, head[3])
	if err != nil {
		return "", err
	}
	var port [2]byte
	if _, err := io.ReadFull(ctrl, port[:]); err != nil {
		return "", checks.Classify(checks.OpProxyConnect, err)
	}
	// A relay on the unspecified address means "the proxy's own address".
	if ip == nil || ip.IsUnspecified() {
		proxyHost, _, _ := net.SplitHostPort(s.proxy)
		return net.JoinHostPort(proxyHost, strconv.Itoa(int(binary.BigEndian.Uint16(port[:])))), nil
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(int(binary.BigEndian.Uint16(port[:])))), nil
}

// readSOCKSAddr reads BND.ADDR of type atyp; a name is answered as nil (not used for relays).
func readSOCKSAddr(r io.Reader, atyp byte) (net.IP, *checks.Error) {
	switch atyp {
	case 1, 4:
		ip := make(net.IP, 4)
		if atyp == 4 {
			ip = make(net.IP, 16)
		}
		if _, err := io.ReadFull(r, ip); err != nil {
			return nil, checks.Classify(checks.OpProxyConnect, err)
		}
		return ip, nil
	case 3:
		var n [1]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			return nil, checks.Classify(checks.OpProxyConnect, err)
		}
		if _, err := io.ReadFull(r, make([]byte, n[0])); err != nil {
			return nil, checks.Classify(checks.OpProxyConnect, err)
		}
		return nil, nil
	}
	return nil, checks.NewError(checks.FailProxyProtocol, checks.OpProxyConnect, fmt.Sprintf("socks5: unknown address type %d", atyp))
}

// socksReplyText is RFC 1928's wording for a reply code, as x/net prints it.
func socksReplyText(code byte) string {
	texts := map[byte]string{
		1: "general SOCKS server failure", 2: "connection not allowed by ruleset",
		3: "network unreachable", 4: "host unreachable", 5: "connection refused",
		6: "TTL expired", 8: "address type not supported",
	}
	if t, ok := texts[code]; ok {
		return t
	}
	return "reply " + strconv.Itoa(int(code))
}

// socksUDPHeader is the RFC 1928 §7 header for datagrams to host:port; the name goes to the
// proxy as it is, like TCP targets, so nothing is resolved locally.
func socksUDPHeader(host string, port int) []byte {
	h := []byte{0, 0, 0}
	if ip := net.ParseIP(host); ip != nil {
		if ip4 := ip.To4(); ip4 != nil {
			h = append(h, 1)
			h = append(h, ip4...)
		} else {
			h = append(h, 4)
			h = append(h, ip.To16()...)
		}
	} else {
		h = append(h, 3, byte(len(host)))
		h = append(h, host...)
	}
	return binary.BigEndian.AppendUint16(h, uint16(port))
}

// socksUDPConn wraps and unwraps the SOCKS5 UDP header on each datagram.
type socksUDPConn struct {
	net.Conn           // the UDP socket to the relay
	ctrl      net.Conn // the TCP association; closing it ends the relay
	header    []byte
	closeOnce sync.Once
}

func (c *socksUDPConn) Write(p []byte) (int, error) {
	msg := make([]byte, 0, len(c.header)+len(p))
	msg = append(append(msg, c.header...), p...)
	if _, err := c.Conn.Write(msg); err != nil {
		return 0, relayFailure(err)
	}
	return len(p), nil
}

// relayFailure names a refused datagram to the relay (ICMP port unreachable): the proxy
// granted UDP ASSOCIATE but nothing listens there, as with ss-local started without -u.
func relayFailure(err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &checks.Error{Failure: checks.FailUDPUnsupported, Operation: checks.OpSTUN,
			Detail: "the SOCKS5 proxy granted UDP ASSOCIATE, but nothing listens on its relay", Err: err}
	}
	return err
}

// relaySilent is the failure of a STUN exchange that got no answer through the relay: the
// proxy granted UDP ASSOCIATE and took the datagrams, but nothing came back.
func relaySilent() *checks.Error {
	return checks.NewError(checks.FailUDPUnsupported, checks.OpSTUN, "the SOCKS5 proxy granted UDP ASSOCIATE, but no datagram came back through its relay")
}

// Read returns the payload of the next datagram; fragments and malformed datagrams are
// dropped, as RFC 1928 allows.
func (c *socksUDPConn) Read(p []byte) (int, error) {
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Conn.Read(buf)
		if err != nil {
			return 0, relayFailure(err)
		}
		off, ok := socksUDPPayload(buf[:n])
		if !ok {
			continue
		}
		return copy(p, buf[off:n]), nil
	}
}

// socksUDPPayload finds where the payload starts in a relayed datagram.
func socksUDPPayload(b []byte) (int, bool) {
	if len(b) < 4 || b[2] != 0 { // fragmented datagrams are not reassembled
		return 0, false
	}
	off := 4
	switch b[3] {
	case 1:
		off += 4
	case 4:
		off += 16
	case 3:
		if len(b) < 5 {
			return 0, false
		}
		off += 1 + int(b[4])
	default:
		return 0, false
	}
	off += 2
	if off > len(b) {
		return 0, false
	}
	return off, true
}

func (c *socksUDPConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		err = c.Conn.Close()
		c.ctrl.Close()
	})
	return err
}
