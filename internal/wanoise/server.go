package wanoise

import (
	"bytes"
	"crypto/ecdh"
	"fmt"
	"io"
)

// Respond is the server's side of the first message pair, for test servers: it reads the
// prologue and the ClientHello from rw and answers with a ServerHello for static, carrying
// payload as the encrypted certificate.
func Respond(rw io.ReadWriter, rnd io.Reader, static *ecdh.PrivateKey, payload []byte) error {
	prologue := make([]byte, headerLen)
	if _, err := io.ReadFull(rw, prologue); err != nil {
		return err
	}
	if !bytes.HasPrefix(prologue, []byte("WA")) {
		return fmt.Errorf("%w: prologue %q", ErrNotNoise, prologue)
	}
	frame, err := ReadFrame(rw)
	if err != nil {
		return err
	}
	clientEph, _, _, err := decodeHello(frame, fieldClientHello)
	if err != nil {
		return err
	}
	if len(clientEph) != 32 {
		return fmt.Errorf("%w: client ephemeral of %d bytes", ErrNotNoise, len(clientEph))
	}
	s := newState(prologue)
	s.mixHash(clientEph)
	eph, err := ecdh.X25519().GenerateKey(rnd)
	if err != nil {
		return err
	}
	s.mixHash(eph.PublicKey().Bytes())
	secret, err := dh(eph, clientEph)
	if err != nil {
		return err
	}
	if err := s.mixKey(secret); err != nil {
		return err
	}
	staticCT := s.encrypt(static.PublicKey().Bytes())
	if secret, err = dh(static, clientEph); err != nil {
		return err
	}
	if err := s.mixKey(secret); err != nil {
		return err
	}
	payloadCT := s.encrypt(payload)
	return WriteFrame(rw, encodeHello(fieldServerHello, eph.PublicKey().Bytes(), staticCT, payloadCT))
}
