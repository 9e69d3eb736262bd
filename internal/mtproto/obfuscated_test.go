package mtproto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"slices"
	"testing"
	"time"
)

// TestObfuscatedHeaderFollowsTheTransportRules checks what a DPI box sees: a random header
// whose first word looks like no other protocol, with the protocol tag hidden in its
// encrypted tail, decryptable with the keys the header itself carries.
func TestObfuscatedHeaderFollowsTheTransportRules(t *testing.T) {
	for range 200 {
		h, err := NewClientHeader(rand.Reader, TagIntermediate, 2)
		if err != nil {
			t.Fatal(err)
		}
		if h[0] == 0xef || bytes.Equal(h[4:8], []byte{0, 0, 0, 0}) {
			t.Fatalf("forbidden header %x", h[:8])
		}
		var wire bytes.Buffer
		if _, err := Client(&wire, h, nil); err != nil {
			t.Fatal(err)
		}
		sent := wire.Bytes()
		if !bytes.Equal(sent[:56], h[:56]) {
			t.Fatal("the first 56 bytes go out as drawn")
		}
		if binary.LittleEndian.Uint32(sent[56:]) == TagIntermediate {
			t.Fatal("the protocol tag went out in clear")
		}
		// Independently: AES-256-CTR keyed by bytes 8..40 with IV 40..56 recovers the tag.
		block, _ := aes.NewCipher(sent[8:40])
		plain := make([]byte, InitLen)
		cipher.NewCTR(block, sent[40:56]).XORKeyStream(plain, sent)
		if binary.LittleEndian.Uint32(plain[56:]) != TagIntermediate || binary.LittleEndian.Uint16(plain[60:]) != 2 {
			t.Fatalf("decrypted tail %x", plain[56:])
		}
	}
}

func TestObfuscatedValidHeaderRejectsOtherProtocols(t *testing.T) {
	base := [InitLen]byte{}
	for i := range base {
		base[i] = byte(i + 1)
	}
	if !validHeader(base) {
		t.Fatal("a plain random header is valid")
	}
	for _, start := range append(slices.Clone(forbiddenStarts), []byte{0xef, 1, 2, 3}) {
		h := base
		copy(h[:], start)
		if validHeader(h) {
			t.Errorf("header starting %x accepted", start)
		}
	}
	h := base
	copy(h[4:8], []byte{0, 0, 0, 0})
	if validHeader(h) {
		t.Error("zero second word accepted")
	}
}

// TestObfuscatedRoundTrip runs a req_pq_multi / resPQ exchange over a pipe, the server side
// deriving its keys from the header alone, as a data centre does.
func TestObfuscatedRoundTrip(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	nonce := Nonce{1, 2, 3}
	errc := make(chan error, 1)
	go func() {
		srv, tag, err := Server(s)
		if err != nil {
			errc <- err
			return
		}
		if tag != TagIntermediate {
			errc <- errors.New("wrong tag")
			return
		}
		msg, err := srv.ReadMessage()
		if err != nil {
			errc <- err
			return
		}
		n, err := DecodeReqPQ(msg)
		if err != nil {
			errc <- err
			return
		}
		errc <- srv.WriteMessage(EncodeResPQ(5, PQ{Nonce: n, PQ: []byte{0x17, 0xed}, Fingerprints: []uint64{ProductionKey}}))
	}()
	h, err := NewClientHeader(rand.Reader, TagIntermediate, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The header and the first message leave in one write, as the apps send them.
	cli, err := Client(c, h, EncodeReqPQ(MessageID(time.Now()), nonce))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cli.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeResPQ(msg, nonce)
	if err != nil || !p.HasProductionKey() {
		t.Fatalf("resPQ %+v, %v", p, err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// TestObfuscatedReadRejectsNoise: a peer that does not decrypt our stream (an HTTP server, a
// middlebox) answers in clear; decrypted, that is noise, and must not be read as a frame.
func TestObfuscatedReadRejectsNoise(t *testing.T) {
	h, _ := NewClientHeader(rand.Reader, TagIntermediate, 2)
	var rw struct {
		bytes.Buffer
	}
	cli, err := Client(&rw, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	rw.Reset()
	rw.WriteString("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	if _, err := cli.ReadMessage(); err == nil {
		t.Fatal("an HTTP answer read as an MTProto frame")
	}
}

// TestObfuscatedReadsATransportError: a data centre's bare error code, in our keys, is a
// TransportError, not noise.
func TestObfuscatedReadsATransportError(t *testing.T) {
	c, s := net.Pipe()
	defer c.Close()
	defer s.Close()
	go func() {
		srv, _, err := Server(s)
		if err != nil {
			return
		}
		srv.ReadMessage()
		code := int32(-429)
		srv.WriteMessage(binary.LittleEndian.AppendUint32(nil, uint32(code)))
	}()
	h, _ := NewClientHeader(rand.Reader, TagIntermediate, 2)
	cli, err := Client(c, h, EncodeReqPQ(MessageID(time.Now()), Nonce{}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cli.ReadMessage()
	var te TransportError
	if !errors.As(err, &te) || te.Code != 429 {
		t.Fatalf("err = %v, want transport error 429", err)
	}
}
