// Package mtproto speaks the first step of Telegram's MTProto key exchange, the one step a
// client can take without keys: an unencrypted req_pq_multi and the resPQ a data centre
// answers it with (core.telegram.org/mtproto/auth_key). Only a real data centre, or a faithful
// server of the user's, can answer with a resPQ that echoes the client's random nonce; a block
// page, a captive portal or a transparent proxy cannot. The package also carries the
// transports the probes use: the obfuscated TCP transport of the official apps and plain HTTP.
package mtproto

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// TL constructors of the first exchange, as they appear on the wire (little-endian).
const (
	ReqPQMulti uint32 = 0xbe7e8ef1
	ResPQ      uint32 = 0x05162463
	vectorID   uint32 = 0x1cb5c415
)

// ProductionKey is the fingerprint of the RSA key of Telegram's production data centres,
// the one open-source clients pin. A resPQ that lists it comes from a server that claims
// Telegram's own key.
const ProductionKey uint64 = 0xd09d1d85de64fd85

// headerLen is auth_key_id (8, zero for unencrypted messages), message_id (8) and
// message_length (4).
const headerLen = 20

// maxMessage bounds an answer we accept: a resPQ is about 100 bytes.
const maxMessage = 4096

// Nonce is the client's 128-bit random number that the server must echo.
type Nonce [16]byte

// MessageID is the id of an unencrypted client message sent at t: unix time times 2^32,
// divisible by 4 as client messages must be.
func MessageID(t time.Time) uint64 {
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return (uint64(t.Unix())<<32 | frac) &^ 3
}

// EncodeReqPQ builds the unencrypted req_pq_multi message carrying nonce with the given
// message id: 40 bytes, before any transport framing.
func EncodeReqPQ(msgID uint64, nonce Nonce) []byte {
	b := make([]byte, headerLen+20)
	binary.LittleEndian.PutUint64(b[8:], msgID)
	binary.LittleEndian.PutUint32(b[16:], 20)
	binary.LittleEndian.PutUint32(b[20:], ReqPQMulti)
	copy(b[24:], nonce[:])
	return b
}

// DecodeReqPQ reads a req_pq_multi message and returns its nonce (the server's side, for
// fixtures).
func DecodeReqPQ(msg []byte) (Nonce, error) {
	var n Nonce
	body, err := plainBody(msg)
	if err != nil {
		return n, err
	}
	if len(body) != 20 || binary.LittleEndian.Uint32(body) != ReqPQMulti {
		return n, errors.New("not a req_pq_multi")
	}
	copy(n[:], body[4:])
	return n, nil
}

// PQ is a decoded resPQ.
type PQ struct {
	Nonce        Nonce
	ServerNonce  [16]byte
	PQ           []byte
	Fingerprints []uint64
}

// HasProductionKey reports whether the answer lists Telegram's production RSA key.
func (p PQ) HasProductionKey() bool {
	for _, f := range p.Fingerprints {
		if f == ProductionKey {
			return true
		}
	}
	return false
}

// ErrNotMTProto says the bytes are not an unencrypted MTProto message at all.
var ErrNotMTProto = errors.New("not an MTProto message")

// ErrNonce says a well-formed resPQ came back for another nonce: a replay, not an answer.
var ErrNonce = errors.New("resPQ does not echo our nonce")

// DecodeResPQ reads an unencrypted resPQ message and checks that it echoes want.
func DecodeResPQ(msg []byte, want Nonce) (PQ, error) {
	var p PQ
	body, err := plainBody(msg)
	if err != nil {
		return p, err
	}
	r := reader{b: body}
	if id := r.u32(); id != ResPQ {
		if r.err != nil {
			return p, r.err
		}
		return p, fmt.Errorf("%w: constructor %#08x, not resPQ", ErrNotMTProto, id)
	}
	copy(p.Nonce[:], r.next(16))
	copy(p.ServerNonce[:], r.next(16))
	p.PQ = r.bytes()
	if id := r.u32(); id != vectorID && r.err == nil {
		return p, fmt.Errorf("%w: fingerprints are not a vector", ErrNotMTProto)
	}
	n := r.u32()
	if n > 64 {
		return p, fmt.Errorf("%w: %d fingerprints", ErrNotMTProto, n)
	}
	for range n {
		p.Fingerprints = append(p.Fingerprints, r.u64())
	}
	if r.err != nil {
		return p, r.err
	}
	if p.Nonce != want {
		return p, ErrNonce
	}
	return p, nil
}

// EncodeResPQ builds an unencrypted resPQ message (the server's side, for fixtures).
func EncodeResPQ(msgID uint64, p PQ) []byte {
	body := binary.LittleEndian.AppendUint32(nil, ResPQ)
	body = append(body, p.Nonce[:]...)
	body = append(body, p.ServerNonce[:]...)
	body = appendBytes(body, p.PQ)
	body = binary.LittleEndian.AppendUint32(body, vectorID)
	body = binary.LittleEndian.AppendUint32(body, uint32(len(p.Fingerprints)))
	for _, f := range p.Fingerprints {
		body = binary.LittleEndian.AppendUint64(body, f)
	}
	b := make([]byte, headerLen, headerLen+len(body))
	binary.LittleEndian.PutUint64(b[8:], msgID)
	binary.LittleEndian.PutUint32(b[16:], uint32(len(body)))
	return append(b, body...)
}

// plainBody checks the unencrypted-message header and returns the body.
func plainBody(msg []byte) ([]byte, error) {
	if len(msg) < headerLen+4 {
		return nil, fmt.Errorf("%w: %d bytes", ErrNotMTProto, len(msg))
	}
	if binary.LittleEndian.Uint64(msg) != 0 {
		return nil, fmt.Errorf("%w: auth_key_id is not zero", ErrNotMTProto)
	}
	n := binary.LittleEndian.Uint32(msg[16:])
	if int(n) != len(msg)-headerLen {
		return nil, fmt.Errorf("%w: length %d for a %d-byte body", ErrNotMTProto, n, len(msg)-headerLen)
	}
	return msg[headerLen:], nil
}

// appendBytes appends a TL string: a length byte (or 0xfe and three length bytes), the
// bytes, and zero padding to a multiple of four.
func appendBytes(b, s []byte) []byte {
	start := len(b)
	if len(s) < 254 {
		b = append(b, byte(len(s)))
	} else {
		b = append(b, 0xfe, byte(len(s)), byte(len(s)>>8), byte(len(s)>>16))
	}
	b = append(b, s...)
	for (len(b)-start)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// reader walks a TL body, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) next(n int) []byte {
	if r.err != nil || n > len(r.b) {
		if r.err == nil {
			r.err = fmt.Errorf("%w: truncated", ErrNotMTProto)
		}
		return make([]byte, n)
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u32() uint32 { return binary.LittleEndian.Uint32(r.next(4)) }
func (r *reader) u64() uint64 { return binary.LittleEndian.Uint64(r.next(8)) }

func (r *reader) bytes() []byte {
	n, head := int(r.next(1)[0]), 1
	if n == 254 {
		l := r.next(3)
		n, head = int(l[0])|int(l[1])<<8|int(l[2])<<16, 4
	}
	if n > maxMessage {
		r.err = fmt.Errorf("%w: string of %d bytes", ErrNotMTProto, n)
		return nil
	}
	s := r.next(n)
	if pad := (head + n) % 4; pad != 0 {
		r.next(4 - pad)
	}
	return s
}
