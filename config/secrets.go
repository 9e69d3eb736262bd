package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// expandEnv replaces each ${VAR} in raw with the variable's value and remembers the name, so
// that no child process is handed it (Config.SecretEnv). escape, when non-nil, says whether
// the reference at a byte offset must be percent-encoded (inside a URL's userinfo, so a
// password with '@' or ':' still parses). Errors name the variable, never a value.
func (p *parser) expandEnv(raw string, escape func(offset int) bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(raw); {
		j := strings.Index(raw[i:], "${")
		if j < 0 {
			b.WriteString(raw[i:])
			break
		}
		b.WriteString(raw[i : i+j])
		start := i + j
		end := strings.IndexByte(raw[start:], '}')
		if end < 0 {
			return "", errors.New("unterminated ${ (write ${NAME})")
		}
		name := raw[start+2 : start+end]
		if !validEnvName(name) {
			// Not quoted: a malformed reference may well be a pasted secret.
			return "", errors.New("a ${…} reference is not a variable name (letters, digits and _)")
		}
		value, ok := os.LookupEnv(name)
		if !slices.Contains(p.secretEnv, name) {
			p.secretEnv = append(p.secretEnv, name)
		}
		if !ok {
			return "", fmt.Errorf("environment variable %s is not set", name)
		}
		if escape != nil && escape(start) {
			value = escapeUserinfo(value)
		}
		b.WriteString(value)
		i = start + end + 1
	}
	return b.String(), nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// userinfoSpan is the byte range of a URL's userinfo in raw ("alice:pw" in
// "http://alice:pw@host"), or an empty range when there is none.
func userinfoSpan(raw string) (start, end int) {
	start = 0
	if k := strings.Index(raw, "://"); k >= 0 {
		start = k + 3
	}
	authority := raw[start:]
	if k := strings.IndexAny(authority, "/?#"); k >= 0 {
		authority = authority[:k]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return start, start
	}
	return start, start + at
}

// escapeUserinfo percent-encodes everything but unreserved characters (RFC 3986), the safe
// form for a user name or password inside a URL.
func escapeUserinfo(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// noteInlinePassword remembers whether the userinfo of a URL ("user:pass" before any ${…}
// expansion) has a password written out, rather than only ${VAR} references.
func (p *parser) noteInlinePassword(userinfo string) {
	_, pass, ok := strings.Cut(userinfo, ":")
	if !ok {
		return
	}
	for {
		start := strings.Index(pass, "${")
		if start < 0 {
			break
		}
		end := strings.IndexByte(pass[start:], '}')
		if end < 0 {
			break
		}
		pass = pass[:start] + pass[start+end+1:]
	}
	if pass != "" {
		p.inlineSecret = true
	}
}

// sharedFile is true when people other than the owner (group or others) can read path.
func sharedFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().Perm()&0o044 != 0
}

// expandHome turns a leading ~ into the home directory.
func expandHome(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("cannot expand ~: no home directory")
	}
	return filepath.Join(home, path[1:]), nil
}

// resolvePath expands ~ and makes a relative path relative to the config file's directory.
func (p *parser) resolvePath(path string) (string, error) {
	path, err := expandHome(path)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(path) && p.dir != "" {
		path = filepath.Join(p.dir, path)
	}
	return path, nil
}

// maxPasswordFile bounds how much of a password file is read: a password, not a disk image.
const maxPasswordFile = 4 << 10

// readPasswordFile returns the password a file holds (trailing newline trimmed) and whether
// people other than the owner can read it. Errors never include the file's content.
// shown is the path as the config wrote it, for messages.
func readPasswordFile(path, shown string) (password string, shared bool, err error) {
	data, err := readRegular(path, maxPasswordFile)
	switch {
	case errors.Is(err, errTooLarge):
		return "", false, fmt.Errorf("password_file %s is too large for a password", clip(shown))
	case errors.Is(err, errNotRegular):
		return "", false, fmt.Errorf("password_file %s is %v", clip(shown), err)
	case err != nil:
		return "", false, fmt.Errorf("cannot read password_file %s: %w", clip(shown), pathErr(err))
	}
	password = strings.TrimRight(string(data), "\r\n")
	if password == "" {
		return "", false, fmt.Errorf("password_file %s is empty", clip(shown))
	}
	return password, sharedFile(path), nil
}

// pathErr keeps the reason of a file error without repeating the path.
func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
