package wanoise

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of WhatsApp's HandshakeMessage: clientHello = 2, serverHello = 3,
// clientFinish = 4; a hello carries ephemeral = 1, static = 2, payload = 3.
const (
	fieldClientHello protowire.Number = 2
	fieldServerHello protowire.Number = 3
	fieldEphemeral   protowire.Number = 1
	fieldStatic      protowire.Number = 2
	fieldPayload     protowire.Number = 3
)

// encodeHello builds a HandshakeMessage with one hello in field which.
func encodeHello(which protowire.Number, eph, static, payload []byte) []byte {
	var inner []byte
	for _, f := range []struct {
		n protowire.Number
		b []byte
	}{{fieldEphemeral, eph}, {fieldStatic, static}, {fieldPayload, payload}} {
		if f.b != nil {
			inner = protowire.AppendTag(inner, f.n, protowire.BytesType)
			inner = protowire.AppendBytes(inner, f.b)
		}
	}
	msg := protowire.AppendTag(nil, which, protowire.BytesType)
	return protowire.AppendBytes(msg, inner)
}

// decodeHello reads the hello in field which of a HandshakeMessage.
func decodeHello(msg []byte, which protowire.Number) (eph, static, payload []byte, err error) {
	hello, found, err := bytesField(msg, which)
	if err != nil {
		return nil, nil, nil, err
	}
	if !found {
		return nil, nil, nil, fmt.Errorf("%w: no hello in field %d", ErrNotNoise, which)
	}
	for _, f := range []struct {
		n   protowire.Number
		dst *[]byte
	}{{fieldEphemeral, &eph}, {fieldStatic, &static}, {fieldPayload, &payload}} {
		if *f.dst, _, err = bytesField(hello, f.n); err != nil {
			return nil, nil, nil, err
		}
	}
	return eph, static, payload, nil
}

// bytesField returns the last bytes-typed field n of a protobuf message; any malformed
// encoding is ErrNotNoise.
func bytesField(msg []byte, n protowire.Number) ([]byte, bool, error) {
	var out []byte
	found := false
	for len(msg) > 0 {
		num, typ, l := protowire.ConsumeTag(msg)
		if l < 0 {
			return nil, false, fmt.Errorf("%w: bad protobuf tag", ErrNotNoise)
		}
		msg = msg[l:]
		if num == n && typ == protowire.BytesType {
			b, l := protowire.ConsumeBytes(msg)
			if l < 0 {
				return nil, false, fmt.Errorf("%w: bad protobuf field", ErrNotNoise)
			}
			out, found, msg = b, true, msg[l:]
			continue
		}
		l = protowire.ConsumeFieldValue(num, typ, msg)
		if l < 0 {
			return nil, false, fmt.Errorf("%w: bad protobuf field", ErrNotNoise)
		}
		msg = msg[l:]
	}
	return out, found, nil
}
