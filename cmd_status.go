package main

import (
	"context"
	"fmt"
	"io"

	"github.com/lifeline-app/lifeline/checks"
)

// runStatus prints a status line per sweep.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "lifeline status: not available yet")
	return checks.ExitUnknown
}
