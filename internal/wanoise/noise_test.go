package wanoise

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"testing"
)

// TestClientHelloIsWhatWhatsAppClientsSend checks the bytes on the wire: the WA prologue,
// a 3-byte frame length, and HandshakeMessage{clientHello{ephemeral: 32 bytes}}.
func TestClientHelloIsWhatWhatsAppClientsSend(t *testing.T) {
	h, err := NewHello(rand.Reader, WebHeader)
	if err != nil {
		t.Fatal(err)
	}
	b := h.Bytes()
	if len(b) != 4+3+36 {
		t.Fatalf("hello is %d bytes: %x", len(b), b)
	}
	want := []byte{'W', 'A', 6, 3, 0, 0, 36, 0x12, 34, 0x0a, 32}
	if !bytes.Equal(b[:len(want)], want) {
		t.Fatalf("hello starts %x, want %x", b[:len(want)], want)
	}
	if !bytes.Equal(b[len(want):], h.eph.PublicKey().Bytes()) {
		t.Fatal("the ephemeral key is not the one sent")
	}
}

func handshake(t *testing.T, respond func(rw io.ReadWriter) error) (ServerHello, error) {
	t.Helper()
	c, s := net.Pipe()
	defer c.Close()
	go func() {
		defer s.Close()
		respond(s)
	}()
	h, err := NewHello(rand.Reader, MobileHeader)
	if err != nil {
		t.Fatal(err)
	}
	go c.Write(h.Bytes())
	return h.Read(c)
}

func TestHandshakeWithANoiseResponder(t *testing.T) {
	static, _ := ecdh.X25519().GenerateKey(rand.Reader)
	sh, err := handshake(t, func(rw io.ReadWriter) error {
		return Respond(rw, rand.Reader, static, []byte("certificate chain"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sh.Static, static.PublicKey().Bytes()) || string(sh.Payload) != "certificate chain" {
		t.Fatalf("server hello %x %q", sh.Static, sh.Payload)
	}
}

// TestHandshakeRejectsLookalikes: well-formed frames that were not computed for our
// ephemeral key, and answers of other protocols, do not pass.
func TestHandshakeRejectsLookalikes(t *testing.T) {
	junk := make([]byte, 48)
	eph := make([]byte, 32)
	rand.Read(eph)
	rand.Read(junk)
	cases := map[string][]byte{
		"replayed-shape hello": frame(encodeHello(fieldServerHello, eph, junk, junk)),
		"client hello echoed":  frame(encodeHello(fieldClientHello, eph, nil, nil)),
		"http":                 []byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
		"tls alert":            {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46},
	}
	for name, answer := range cases {
		_, err := handshake(t, func(rw io.ReadWriter) error {
			io.ReadFull(rw, make([]byte, 43))
			_, err := rw.Write(answer)
			return err
		})
		if !errors.Is(err, ErrNotNoise) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Errorf("%s: err = %v, want a rejection", name, err)
		}
		if err == nil {
			t.Errorf("%s passed for a WhatsApp server", name)
		}
	}
}

func frame(msg []byte) []byte {
	var b bytes.Buffer
	WriteFrame(&b, msg)
	return b.Bytes()
}
