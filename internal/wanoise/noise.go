// Package wanoise speaks the opening of WhatsApp's chat protocol: the `WA` prologue and the
// first message pair of the Noise_XX_25519_AESGCM_SHA256 handshake that WhatsApp's servers
// (e*.whatsapp.net on 443 and 5222, and the web gateway) run, as open-source clients such as
// whatsmeow send it. The client sends its ephemeral key; a WhatsApp server answers with its
// own ephemeral key, its static key encrypted under the Diffie-Hellman of the two ephemerals,
// and an encrypted certificate. Decrypting the static key proves the answer was computed for
// our ephemeral by a Noise responder: no middlebox, proxy or block page can produce it.
package wanoise

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Prologues a client sends before its first frame, "WA" and two version bytes: WebHeader is
// the web client's (protocol magic 6, binary dictionary 3), sent inside the WebSocket to
// web.whatsapp.com; MobileHeader is the phone apps' (protocol 5.2), sent on raw TCP to the
// chat servers (g.whatsapp.net, e*.whatsapp.net on 443 and 5222).
var (
	WebHeader    = []byte{'W', 'A', 6, 3}
	MobileHeader = []byte{'W', 'A', 5, 2}
)

// headerLen is the length of every prologue.
const headerLen = 4

// protocolName is exactly 32 bytes, so it is the initial hash itself (Noise §5.2).
const protocolName = "Noise_XX_25519_AESGCM_SHA256\x00\x00\x00\x00"

// maxFrame bounds a handshake frame we read: a server hello is a few hundred bytes.
const maxFrame = 16 << 10

// ErrNotNoise says the peer answered, but not with a WhatsApp Noise handshake.
var ErrNotNoise = errors.New("not a WhatsApp Noise handshake")

// state is the symmetric state of the handshake (Noise §5.2): the running hash, the chaining
// key and the current cipher with its counter.
type state struct {
	hash    [32]byte
	chain   []byte
	aead    cipher.AEAD
	counter uint32
}

func newState(prologue []byte) *state {
	s := &state{}
	copy(s.hash[:], protocolName)
	s.chain = s.hash[:]
	s.aead = gcm(s.hash[:])
	s.mixHash(prologue)
	return s
}

func (s *state) mixHash(data []byte) {
	h := sha256.New()
	h.Write(s.hash[:])
	h.Write(data)
	copy(s.hash[:], h.Sum(nil))
}

// mixKey feeds a Diffie-Hellman result into the chaining key and takes a new cipher.
func (s *state) mixKey(secret []byte) error {
	out, err := hkdf.Key(sha256.New, secret, s.chain, "", 64)
	if err != nil {
		return err
	}
	s.chain, s.aead, s.counter = out[:32], gcm(out[32:]), 0
	return nil
}

func (s *state) nonce() []byte {
	iv := make([]byte, 12)
	binary.BigEndian.PutUint32(iv[8:], s.counter)
	s.counter++
	return iv
}

func (s *state) encrypt(plain []byte) []byte {
	ct := s.aead.Seal(nil, s.nonce(), plain, s.hash[:])
	s.mixHash(ct)
	return ct
}

func (s *state) decrypt(ct []byte) ([]byte, error) {
	plain, err := s.aead.Open(nil, s.nonce(), ct, s.hash[:])
	if err != nil {
		return nil, err
	}
	s.mixHash(ct)
	return plain, nil
}

func gcm(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // keys here are always 32 bytes
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// WriteFrame writes one handshake frame: a 3-byte big-endian length and the message.
func WriteFrame(w io.Writer, msg []byte) error {
	frame := append([]byte{byte(len(msg) >> 16), byte(len(msg) >> 8), byte(len(msg))}, msg...)
	_, err := w.Write(frame)
	return err
}

// ReadFrame reads one handshake frame. A length no handshake has (an HTTP or TLS answer read
// as a frame) is ErrNotNoise.
func ReadFrame(r io.Reader) ([]byte, error) {
	var head [3]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := int(head[0])<<16 | int(head[1])<<8 | int(head[2])
	if n == 0 || n > maxFrame {
		return nil, fmt.Errorf("%w: frame of %d bytes (starts %q)", ErrNotNoise, n, head[:])
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

func dh(priv *ecdh.PrivateKey, pub []byte) ([]byte, error) {
	p, err := ecdh.X25519().NewPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return priv.ECDH(p)
}
