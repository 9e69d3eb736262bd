package config

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
)

// Error is a config problem with its place: Error() = "file:line:col: message". Line and Col
// are 1-based; zero when the problem has no place inside the file (e.g. it cannot be read).
// Msg never carries a secret: no password, URL userinfo, environment value or webhook URL.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Err       error // the underlying error, if any (e.g. fs.ErrNotExist); never printed
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.File != "":
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	case e.File != "":
		return e.File + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// errorAt builds an Error placed at node n (the start of the file when n is nil).
func (p *parser) errorAt(n ast.Node, format string, args ...any) *Error {
	line, col := 1, 1
	if n != nil {
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			line, col = tk.Position.Line, tk.Position.Column
		}
	}
	return &Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}
