package mtproto

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"
)

// The worked example of core.telegram.org/mtproto/samples-auth_key ("Creating an
// Authorization Key"), steps 1 and 2, transport headers omitted.
const (
	docReqPQ = `00 00 00 00 00 00 00 00 78 D5 05 00 8B 6E C8 68
14 00 00 00 F1 8E 7E BE 50 C8 61 45 2D E4 03 32
0D A6 38 89 D4 EF 03 AB`
	docResPQ = `00 00 00 00 00 00 00 00 01 14 72 77 8B 6E C8 68
50 00 00 00 63 24 16 05 50 C8 61 45 2D E4 03 32
0D A6 38 89 D4 EF 03 AB C0 BB 43 6F 82 EE 94 AE
CE AD 50 61 1E AC 51 6B 08 13 9C 39 A0 5D D1 F9
A3 00 00 00 15 C4 B5 1C 03 00 00 00 85 FD 64 DE
85 1D 9D D0 A5 B7 F7 09 35 5F C3 0B 21 6B E8 6C
02 2B B4 C3`
	docMsgID    = 0x68C86E8B0005D578
	docNonce    = "50C861452DE403320DA63889D4EF03AB"
	docSrvNonce = "C0BB436F82EE94AECEAD50611EAC516B"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func docNonceValue(t *testing.T) Nonce {
	var n Nonce
	copy(n[:], unhex(t, docNonce))
	return n
}

func TestEncodeReqPQMatchesTelegramsWorkedExample(t *testing.T) {
	got := EncodeReqPQ(docMsgID, docNonceValue(t))
	if want := unhex(t, docReqPQ); string(got) != string(want) {
		t.Fatalf("req_pq_multi\n got %x\nwant %x", got, want)
	}
	n, err := DecodeReqPQ(got)
	if err != nil || n != docNonceValue(t) {
		t.Fatalf("DecodeReqPQ = %x, %v", n, err)
	}
}

func TestDecodeResPQReadsTelegramsWorkedExample(t *testing.T) {
	p, err := DecodeResPQ(unhex(t, docResPQ), docNonceValue(t))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(p.ServerNonce[:]) != strings.ToLower(docSrvNonce) {
		t.Errorf("server nonce %x", p.ServerNonce)
	}
	if hex.EncodeToString(p.PQ) != "139c39a05dd1f9a3" {
		t.Errorf("pq %x", p.PQ)
	}
	want := []uint64{0xd09d1d85de64fd85, 0x0bc35f3509f7b7a5, 0xc3b42b026ce86b21}
	if len(p.Fingerprints) != len(want) {
		t.Fatalf("fingerprints %x", p.Fingerprints)
	}
	for i := range want {
		if p.Fingerprints[i] != want[i] {
			t.Errorf("fingerprint %d = %#x, want %#x", i, p.Fingerprints[i], want[i])
		}
	}
	if !p.HasProductionKey() {
		t.Error("the example lists the production key")
	}
	// Our encoder, given the decoded fields, writes the same bytes back.
	again := EncodeResPQ(0x68C86E8B77721401, p)
	if string(again) != string(unhex(t, docResPQ)) {
		t.Fatalf("EncodeResPQ\n got %x\nwant %x", again, unhex(t, docResPQ))
	}
}

func TestDecodeResPQRejectsAnotherNonce(t *testing.T) {
	other := docNonceValue(t)
	other[0] ^= 1
	if _, err := DecodeResPQ(unhex(t, docResPQ), other); !errors.Is(err, ErrNonce) {
		t.Fatalf("err = %v, want ErrNonce", err)
	}
}

func TestDecodeResPQRejectsWhatIsNotMTProto(t *testing.T) {
	full := unhex(t, docResPQ)
	for name, msg := range map[string][]byte{
		"http 404":      []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
		"html":          []byte("<html><body>Access to this resource is restricted</body></html>"),
		"truncated":     full[:60],
		"empty":         nil,
		"req_pq echoed": EncodeReqPQ(docMsgID, docNonceValue(t)),
	} {
		if _, err := DecodeResPQ(msg, docNonceValue(t)); !errors.Is(err, ErrNotMTProto) {
			t.Errorf("%s: err = %v, want ErrNotMTProto", name, err)
		}
	}
}

func TestMessageIDIsUnixTimeTimes2To32AndDivisibleBy4(t *testing.T) {
	at := time.Unix(0x68C86E8B, 500_000_000)
	id := MessageID(at)
	if id>>32 != 0x68C86E8B {
		t.Errorf("seconds %#x", id>>32)
	}
	if id%4 != 0 {
		t.Errorf("id %#x not divisible by 4", id)
	}
	if frac := uint32(id); frac < 0x7fff_fff0 || frac > 0x8000_0000 {
		t.Errorf("fraction %#x, want about half of 2^32", frac)
	}
}
