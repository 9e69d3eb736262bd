package main

import (
	"context"
	"io"
)

// runDashboard opens the live dashboard; without a terminal it prints status lines instead.
func runDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runStatus(ctx, args, stdout, stderr)
}
