package export

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"

	"github.com/lifeline-app/lifeline/checks"
)

// DefaultLogMaxBytes bounds the results log before it rotates.
const DefaultLogMaxBytes = 10 << 20

// DefaultLogKeep is how many rotated files (file.1 … file.N) are kept.
const DefaultLogKeep = 3

// ResultLog appends one JSON line per finished check (the public ResultJSON shape). Each line
// goes out in a single write() on an O_APPEND descriptor, so a process killed at any moment
// leaves only whole lines, and several writers never interleave inside a line. When the file
// would pass maxBytes it is rotated: file → file.1 → … → file.keep, the oldest dropped.
// Files are created 0600: results reveal which routes a person has.
type ResultLog struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
	// Diagnostics receives write errors; nil discards them.
	Diagnostics io.Writer
	warned      bool
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
	l := &ResultLog{path: path, maxBytes: maxBytes, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *ResultLog) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("results log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("results log: %w", err)
	}
	l.f, l.size = f, info.Size()
	return nil
}

// Observe logs every finished check.
func (l *ResultLog) Observe(e checks.Event) {
	if e.Kind != checks.EventCheckDone {
		return
	}
	if err := l.Write(e.Check); err != nil && !l.warned && l.Diagnostics != nil {
		// Once is enough: a full disk would otherwise repeat this every check.
		l.warned = true
		fmt.Fprintln(l.Diagnostics, "lifeline:", err)
	}
}

// Write appends one result as a JSON line.
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
			return err
		}
	}
	n, err := l.f.Write(line)
	l.size += int64(n)
	if err != nil {
		return fmt.Errorf("results log: %w", err)
	}
	return nil
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
