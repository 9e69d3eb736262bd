package wanoise

import (
	"crypto/ecdh"
	"fmt"
	"io"
)

// Hello is a client's side of the first handshake message pair.
type Hello struct {
	header []byte
	eph    *ecdh.PrivateKey
	state  *state
}

// NewHello draws an ephemeral key from rnd for a handshake opened with header (WebHeader or
// MobileHeader), which is also the Noise prologue.
func NewHello(rnd io.Reader, header []byte) (*Hello, error) {
	eph, err := ecdh.X25519().GenerateKey(rnd)
	if err != nil {
		return nil, err
	}
	return &Hello{header: header, eph: eph, state: newState(header)}, nil
}

// Bytes is what the client sends first: the prologue and a frame carrying a ClientHello with
// its ephemeral key (43 bytes). Call it once.
func (h *Hello) Bytes() []byte {
	pub := h.eph.PublicKey().Bytes()
	h.state.mixHash(pub)
	msg := encodeHello(fieldClientHello, pub, nil, nil)
	out := append([]byte{}, h.header...)
	out = append(out, byte(len(msg)>>16), byte(len(msg)>>8), byte(len(msg)))
	return append(out, msg...)
}

// ServerHello is what a server's first message proved.
type ServerHello struct {
	// Static is the server's long-term public key, decrypted.
	Static []byte
	// Payload is the server's certificate chain, decrypted (not verified here).
	Payload []byte
}

// Read reads the server's answer from r and checks it: a ServerHello whose ephemeral key is
// a curve point, whose static key decrypts under DH(our ephemeral, its ephemeral) and whose
// payload decrypts under DH(our ephemeral, its static).
func (h *Hello) Read(r io.Reader) (ServerHello, error) {
	var sh ServerHello
	frame, err := ReadFrame(r)
	if err != nil {
		return sh, err
	}
	eph, static, payload, err := decodeHello(frame, fieldServerHello)
	if err != nil {
		return sh, err
	}
	if len(eph) != 32 || len(static) == 0 || len(payload) == 0 {
		return sh, fmt.Errorf("%w: server hello lacks a key or payload", ErrNotNoise)
	}
	h.state.mixHash(eph)
	secret, err := dh(h.eph, eph)
	if err != nil {
		return sh, fmt.Errorf("%w: server ephemeral: %v", ErrNotNoise, err)
	}
	if err := h.state.mixKey(secret); err != nil {
		return sh, err
	}
	if sh.Static, err = h.state.decrypt(static); err != nil || len(sh.Static) != 32 {
		return sh, fmt.Errorf("%w: the static key does not decrypt for our ephemeral", ErrNotNoise)
	}
	if secret, err = dh(h.eph, sh.Static); err != nil {
		return sh, fmt.Errorf("%w: server static: %v", ErrNotNoise, err)
	}
	if err := h.state.mixKey(secret); err != nil {
		return sh, err
	}
	if sh.Payload, err = h.state.decrypt(payload); err != nil {
		return sh, fmt.Errorf("%w: the certificate does not decrypt", ErrNotNoise)
	}
	return sh, nil
}
