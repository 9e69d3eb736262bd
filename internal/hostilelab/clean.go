package hostilelab

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unclean names the first byte or rune in s that must never reach a terminal or a status
// bar (ESC, a C0 or C1 control other than newline and tab, DEL, a bidi override or
// isolate, invalid UTF-8), or "" when s is clean. JSON escapes (\u001b) are decoded
// first, since a consumer decodes them before display.
func Unclean(s string) string {
	s = decodeJSONEscapes(s)
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return fmt.Sprintf("invalid UTF-8 at byte %d", i)
			}
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return fmt.Sprintf("control %U at byte %d", r, i)
		case isBidiControl(r):
			return fmt.Sprintf("bidi control %U at byte %d", r, i)
		case unicode.Is(unicode.Cf, r) && r != '\u200d':
			return fmt.Sprintf("format character %U at byte %d", r, i)
		}
	}
	return ""
}

func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// decodeJSONEscapes turns \uXXXX escapes into the runes they stand for, leaving the rest.
func decodeJSONEscapes(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+5 < len(s) && s[i+1] == 'u' {
			var r rune
			if _, err := fmt.Sscanf(s[i+2:i+6], "%04x", &r); err == nil {
				b.WriteRune(r)
				i += 5
				continue
			}
		}
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteByte(s[i])
			b.WriteByte(s[i+1])
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
