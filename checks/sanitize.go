package checks

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRemoteText bounds how much remote-controlled text one field may carry to a screen.
const maxRemoteText = 200

// Sanitize makes text written by a remote party (status lines, certificate names, error
// strings) safe for a terminal: escape sequences and control characters are removed, invalid
// UTF-8 is replaced, and the length is bounded.
func Sanitize(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = '?'
		case r == 0x1b || r == 0x9b: // ESC or CSI: drop the whole sequence
			i = skipEscape(s, i, r == 0x9b)
			continue
		case r == '\t' || r == '\n' || r == '\r':
			r = ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) && r != '\u200d':
			continue
		}
		if n >= maxRemoteText {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// skipEscape returns the index after the escape sequence that starts before i.
func skipEscape(s string, i int, csi bool) int {
	if !csi {
		if i >= len(s) {
			return i
		}
		switch s[i] {
		case '[':
			csi = true
			i++
		case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: up to BEL or ST
			for i++; i < len(s); i++ {
				if s[i] == 0x07 {
					return i + 1
				}
				if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
					return i + 2
				}
			}
			return i
		default:
			return i + 1
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x40 && s[i] <= 0x7e {
			return i + 1
		}
	}
	return i
}
