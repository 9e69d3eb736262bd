package mtproto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Protocol tags a client announces inside the obfuscated header
// (core.telegram.org/mtproto/mtproto-transports).
const (
	TagAbridged     uint32 = 0xefefefef
	TagIntermediate uint32 = 0xeeeeeeee
	TagPadded       uint32 = 0xdddddddd
)

// InitLen is the size of the obfuscated transport's opening header.
const InitLen = 64

// forbiddenStarts are first words a header may not begin with, so that the random header is
// never taken for another protocol (plain HTTP, TLS, or an unobfuscated MTProto transport).
var forbiddenStarts = [][]byte{
	[]byte("HEAD"), []byte("POST"), []byte("GET "), []byte("OPTI"),
	{0xdd, 0xdd, 0xdd, 0xdd}, {0xee, 0xee, 0xee, 0xee}, {0x16, 0x03, 0x01, 0x02},
}

// Obfuscated is one end of the obfuscated transport: everything written is AES-256-CTR
// encrypted with keys taken from the 64-byte header, everything read is decrypted with keys
// taken from the same header reversed. Messages are framed by the intermediate transport
// (a 4-byte little-endian length before each).
type Obfuscated struct {
	rw  io.ReadWriter
	enc cipher.Stream
	dec cipher.Stream
}

// NewClientHeader draws a valid random header from rnd for protocol tag and data centre dc
// (a negative dc asks for a media DC; 0 leaves it unset).
func NewClientHeader(rnd io.Reader, tag uint32, dc int16) ([InitLen]byte, error) {
	var h [InitLen]byte
	for range 100 {
		if _, err := io.ReadFull(rnd, h[:]); err != nil {
			return h, err
		}
		if validHeader(h) {
			binary.LittleEndian.PutUint32(h[56:], tag)
			binary.LittleEndian.PutUint16(h[60:], uint16(dc))
			return h, nil
		}
	}
	return h, errors.New("mtproto: no valid obfuscation header drawn")
}

func validHeader(h [InitLen]byte) bool {
	if h[0] == 0xef || bytes.Equal(h[4:8], []byte{0, 0, 0, 0}) {
		return false
	}
	return !slices.ContainsFunc(forbiddenStarts, func(s []byte) bool { return bytes.Equal(h[:4], s) })
}

// Client starts the obfuscated transport on rw: it sends header (from NewClientHeader) with
// its last 8 bytes encrypted, as the official apps do, followed in the same write by first
// framed as a message when first is not nil, and returns the framed connection.
func Client(rw io.ReadWriter, header [InitLen]byte, first []byte) (*Obfuscated, error) {
	enc, dec := keys(header)
	o := &Obfuscated{rw: rw, enc: enc, dec: dec}
	var encrypted [InitLen]byte
	enc.XORKeyStream(encrypted[:], header[:])
	out := append(header[:56:56], encrypted[56:]...)
	if first != nil {
		out = append(out, o.frame(first)...)
	}
	if _, err := rw.Write(out); err != nil {
		return nil, err
	}
	return o, nil
}

// Server reads a client's header from rw and returns the server's end with its protocol tag
// (for fixtures).
func Server(rw io.ReadWriter) (*Obfuscated, uint32, error) {
	var h [InitLen]byte
	if _, err := io.ReadFull(rw, h[:]); err != nil {
		return nil, 0, err
	}
	// The client encrypts with the header's keys: that is the server's decryption.
	clientEnc, clientDec := keys(h)
	var plain [InitLen]byte
	clientEnc.XORKeyStream(plain[:], h[:])
	tag := binary.LittleEndian.Uint32(plain[56:])
	if tag != TagAbridged && tag != TagIntermediate && tag != TagPadded {
		return nil, tag, fmt.Errorf("mtproto: unknown protocol tag %#08x", tag)
	}
	return &Obfuscated{rw: rw, enc: clientDec, dec: clientEnc}, tag, nil
}

// keys derives the client's encryption and decryption streams from a header.
func keys(h [InitLen]byte) (enc, dec cipher.Stream) {
	rev := h
	slices.Reverse(rev[:])
	return ctr(h[8:40], h[40:56]), ctr(rev[8:40], rev[40:56])
}

func ctr(key, iv []byte) cipher.Stream {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // the key is always 32 bytes
	}
	return cipher.NewCTR(block, iv)
}

// TransportError is a data centre's 4-byte error answer, e.g. 404 (no such auth key) or 429
// (too many connections).
type TransportError struct{ Code int32 }

func (e TransportError) Error() string { return fmt.Sprintf("mtproto: transport error %d", e.Code) }

// WriteMessage sends one message in an intermediate frame.
func (o *Obfuscated) WriteMessage(msg []byte) error {
	_, err := o.rw.Write(o.frame(msg))
	return err
}

// frame encrypts msg with its length in front.
func (o *Obfuscated) frame(msg []byte) []byte {
	frame := binary.LittleEndian.AppendUint32(nil, uint32(len(msg)))
	frame = append(frame, msg...)
	o.enc.XORKeyStream(frame, frame)
	return frame
}

// ReadMessage reads one intermediate frame. A length that no MTProto message has (a peer
// that is not decrypting our stream sees noise) is ErrNotMTProto, not a read of gigabytes.
func (o *Obfuscated) ReadMessage() ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(o.rw, head[:]); err != nil {
		return nil, err
	}
	o.dec.XORKeyStream(head[:], head[:])
	n := binary.LittleEndian.Uint32(head[:])
	if n < 4 || n > maxMessage {
		return nil, fmt.Errorf("%w: frame of %d bytes", ErrNotMTProto, n)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(o.rw, msg); err != nil {
		return nil, err
	}
	o.dec.XORKeyStream(msg, msg)
	if n == 4 {
		// Telegram answers a transport error (a missing auth key, a flood) with a bare
		// negative 4-byte code. It is still an answer in our keys: only an MTProto server
		// can produce it.
		return nil, TransportError{Code: -int32(binary.LittleEndian.Uint32(msg))}
	}
	return msg, nil
}
