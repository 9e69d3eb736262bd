package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
)

// DefaultLogMaxBytes bounds the results log before it rotates.
const DefaultLogMaxBytes = 10 << 20

// DefaultLogKeep is how many rotated files (file.1 … file.N) are kept.
const DefaultLogKeep = 3

// ResultLog appends one JSON line per finished check (the public ResultJSON shape). Each line
// goes out in a single write() on an O_APPEND descriptor, so several writers never interleave
// inside a line, and a record is in the file whole or not at all: when a write is cut short (a
// full disk, a file size limit) the file is cut back to its last newline, the record counted
// as lost (Lost, lifeline_log_records_lost_total) and the loss said on Diagnostics. When the
// file would pass maxBytes it is rotated: file → file.1 → … → file.keep, the oldest dropped.
// Files are created 0600 (results reveal which routes a person has), a symbolic link is never
// followed, and only a regular file is written to.
type ResultLog struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
	// Diagnostics receives write errors and losses; nil discards them.
	Diagnostics io.Writer
	failing     bool // the last write failed; the next good one says how many were lost
	lost        atomic.Uint64
	// write is f.Write; tests replace it to cut writes short.
	write func(f *os.File, p []byte) (int, error)
}

// OpenResultLog opens (creating if needed) the log at path. maxBytes <= 0 means
// DefaultLogMaxBytes; keep < 1 means DefaultLogKeep.
func OpenResultLog(path string, maxBytes int64, keep int) (*ResultLog, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultLogMaxBytes
	}
	if keep < 1 {
		keep = DefaultLogKeep
	}
	l := &ResultLog{path: path, maxBytes: maxBytes, keep: keep, write: (*os.File).Write}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *ResultLog) open() error {
	if openNoFollow == 0 && isSymlink(l.path) {
		return fmt.Errorf("results log %s is a symbolic link; refusing to follow it (give the target's own path)", l.path)
	}
	// O_NOFOLLOW: a link planted where the log goes must not make lifeline append to (or
	// create) whatever it points at. O_NONBLOCK: a FIFO there must not block the open.
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_APPEND|os.O_CREATE|openNoFollow|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		if isSymlink(l.path) {
			return fmt.Errorf("results log %s is a symbolic link; refusing to follow it (give the target's own path)", l.path)
		}
		return fmt.Errorf("results log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("results log: %w", err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return fmt.Errorf("results log %s is not a regular file", l.path)
	}
	if info.Mode().Perm() != 0o600 {
		// An older file others could read: results are as private as a new one.
		f.Chmod(0o600)
	}
	l.f, l.size = f, info.Size()
	return nil
}

// isSymlink is true when path itself is a symbolic link.
func isSymlink(path string) bool {
	info, err := os.Lstat(path)
	return err == nil && info.Mode()&os.ModeSymlink != 0
}

// Observe logs every finished check.
func (l *ResultLog) Observe(e checks.Event) {
	if e.Kind != checks.EventCheckDone {
		return
	}
	l.Write(e.Check)
}

// Lost is how many records could not be written whole since the log was opened.
func (l *ResultLog) Lost() uint64 { return l.lost.Load() }

// Write appends one result as a JSON line, whole or not at all.
func (l *ResultLog) Write(r checks.CheckResult) error {
	line, err := json.Marshal(r.JSON())
	if err != nil {
		return fmt.Errorf("results log: %w", err)
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("results log: closed")
	}
	if l.size > 0 && l.size+int64(len(line)) > l.maxBytes {
		if err := l.rotate(); err != nil {
			return l.lose(err)
		}
	}
	n, err := l.write(l.f, line)
	if err == nil && n < len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		if n > 0 {
			l.cutTorn()
		}
		return l.lose(err)
	}
	l.size += int64(n)
	if l.failing {
		l.failing = false
		l.diagf("results log: writing again; %d records lost in all", l.lost.Load())
	}
	return nil
}

// lose counts a record that is not in the file and says so on the first of a run of failures.
func (l *ResultLog) lose(err error) error {
	n := l.lost.Add(1)
	if !l.failing {
		// Once per run of failures: a full disk would otherwise repeat this every check.
		l.failing = true
		l.diagf("results log: %v; record lost (%d in all), the log keeps whole records only", err, n)
	}
	return fmt.Errorf("results log: %w", err)
}

// cutTorn truncates the file back to just after its last newline, removing the part of a
// record a short write left behind. Only the tail the torn write can have touched is read.
func (l *ResultLog) cutTorn() {
	info, err := l.f.Stat()
	if err != nil {
		return
	}
	end := info.Size()
	const chunk = 64 << 10
	for end > 0 {
		from := max(0, end-chunk)
		buf := make([]byte, end-from)
		if _, err := l.f.ReadAt(buf, from); err != nil && err != io.EOF {
			return
		}
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			end = from + int64(i) + 1
			break
		}
		end = from
	}
	if l.f.Truncate(end) == nil {
		l.size = end
	}
}

func (l *ResultLog) diagf(format string, args ...any) {
	if l.Diagnostics != nil {
		fmt.Fprintf(l.Diagnostics, "lifeline: "+format+"\n", args...)
	}
}

// rotate shifts file.i to file.i+1, the current file to file.1, and starts a new file.
func (l *ResultLog) rotate() error {
	l.f.Close()
	l.f = nil
	os.Remove(l.rotated(l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		os.Rename(l.rotated(i), l.rotated(i+1))
	}
	if err := os.Rename(l.path, l.rotated(1)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("results log: rotate: %w", err)
	}
	return l.open()
}

func (l *ResultLog) rotated(i int) string { return l.path + "." + strconv.Itoa(i) }

// Close closes the file.
func (l *ResultLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
