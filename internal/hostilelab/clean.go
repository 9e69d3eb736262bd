package hostilelab

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Unclean names the first byte or rune in s that must never reach a terminal or a status
// bar (ESC, a C0 or C1 control other than newline and tab, DEL, a bidi override or
// isolate, another invisible format character, invalid UTF-8), or "" when s is clean.
func Unclean(s string) string {
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

// UncleanJSON is Unclean for a JSON document: every string in it, as a consumer decodes it
// (\u001b is an ESC once decoded), must be clean. Invalid JSON is reported too.
func UncleanJSON(doc string) string {
	if bad := Unclean(doc); bad != "" {
		return bad
	}
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return "invalid JSON: " + err.Error()
	}
	return uncleanValue(v)
}

func uncleanValue(v any) string {
	switch v := v.(type) {
	case string:
		if bad := Unclean(v); bad != "" {
			return fmt.Sprintf("%s in the decoded string %q", bad, v)
		}
	case []any:
		for _, e := range v {
			if bad := uncleanValue(e); bad != "" {
				return bad
			}
		}
	case map[string]any:
		for k, e := range v {
			if bad := uncleanValue(k); bad != "" {
				return bad
			}
			if bad := uncleanValue(e); bad != "" {
				return bad
			}
		}
	}
	return ""
}

func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c'
}
