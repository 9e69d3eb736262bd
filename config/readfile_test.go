//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFilesThatAreNotRegularAreRefusedUnread: a FIFO with no writer (which would block an
// open or a read forever) and /dev/zero (which never ends and reports size 0) are refused as
// a config, a password_file and a CA file, without reading them.
func TestFilesThatAreNotRegularAreRefusedUnread(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, path := range []string{fifo, "/dev/zero", dir} {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("Load(%s) = %v, want a refusal naming a non-regular file", path, err)
		}
		cfg := "routes:\n  - name: a\n    proxy: socks5://u@127.0.0.1:1\n    password_file: " + path +
			"\nservices:\n  - name: s\n    targets: [{role: chat, tcp: \"127.0.0.1:1\"}]\n"
		if _, err := Parse(filepath.Join(dir, "c.yaml"), []byte(cfg)); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("password_file %s: %v", path, err)
		}
	}
}

// TestAFileLargerThanItsLimitIsCutAtTheLimit: the limit applies to the bytes read, not to the
// size the file reports.
func TestAFileLargerThanItsLimitIsCutAtTheLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, make([]byte, maxConfigSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readRegular(path, maxConfigSize); !errors.Is(err, errTooLarge) {
		t.Errorf("a file one byte over the limit: %v", err)
	}
	data, err := readRegular(path, maxConfigSize+1)
	if err != nil || len(data) != maxConfigSize+1 {
		t.Errorf("a file at the limit: %d bytes, %v", len(data), err)
	}
}
