package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// ReadDeadline bounds how long reading one config or password file may take. A regular file
// on a local disk reads in microseconds; a stalled network mount must not stall a reload.
const ReadDeadline = time.Second

// errTooLarge says a file held more than the limit it was read with.
var errTooLarge = errors.New("too large")

// errNotRegular says a path names a FIFO, a device, a socket or a directory.
var errNotRegular = errors.New("not a regular file")

// readRegular reads the regular file at path through a hard limit of limit bytes, within
// ReadDeadline. The file is opened without blocking (a FIFO with no writer would otherwise
// block open itself) and checked on the open descriptor, so nothing swapped in between a stat
// and the open can be read: a FIFO, /dev/zero or a directory is refused before one byte is
// read. The size a file reports is not trusted: the limit applies to what is actually read.
func readRegular(path string, limit int64) ([]byte, error) {
	data, _, err := readRegularInfo(path, limit)
	return data, err
}

// readRegularInfo is readRegular that also returns what the open descriptor said about the
// file (its mode), so that a check of its permissions is about the very file read.
func readRegularInfo(path string, limit int64) ([]byte, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s, %w", fileKind(info.Mode()), errNotRegular)
	}
	type read struct {
		data []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(f, limit+1))
		done <- read{data, err}
	}()
	timer := time.NewTimer(ReadDeadline)
	defer timer.Stop()
	select {
	case r := <-done:
		f.Close()
		if r.err != nil {
			return nil, nil, r.err
		}
		if int64(len(r.data)) > limit {
			return nil, nil, errTooLarge
		}
		return r.data, info, nil
	case <-timer.C:
		// Closing the descriptor ends the read where the file system allows it; the reader
		// goroutine leaves on its own either way, and its result is dropped.
		f.Close()
		return nil, nil, fmt.Errorf("not read within %s", ReadDeadline)
	}
}

// fileKind names a non-regular file type for a message.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// writableByOthers says how every user can change a config: the file itself is
// world-writable, or its directory is (without the sticky bit, so anyone could replace the
// file); "" when neither.
func writableByOthers(path string, info os.FileInfo) string {
	if info.Mode().Perm()&0o002 != 0 {
		return "is writable by every user"
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err == nil && dir.Mode().Perm()&0o002 != 0 && dir.Mode()&os.ModeSticky == 0 {
		return "is in a directory every user can write to"
	}
	return ""
}
