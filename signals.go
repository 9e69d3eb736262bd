package main

import (
	"context"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// SIGINT and SIGTERM cancel the context run() hands every mode. SIGHUP means "read the config
// again" to the modes that keep running (the dashboard, status watch), and "stop" to the
// one-shot ones (check, status --once), which have nothing to reload.

type hangupKey struct{}

// withHangups makes ch the SIGHUP stream the modes of this run see.
func withHangups(ctx context.Context, ch <-chan os.Signal) context.Context {
	return context.WithValue(ctx, hangupKey{}, ch)
}

// hangups is the SIGHUP stream run() installed; nil (never receives) when a mode is called
// directly, as tests do.
func hangups(ctx context.Context) <-chan os.Signal {
	ch, _ := ctx.Value(hangupKey{}).(<-chan os.Signal)
	return ch
}

// stopOnHangup is for one-shot modes: SIGHUP ends them like SIGTERM.
func stopOnHangup(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	hup := hangups(ctx)
	go func() {
		select {
		case <-hup:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// nextReload waits for a SIGHUP that asks for a reload. It reports false when ctx ends, or
// when the SIGHUP came from a terminal that hung up, which stops lifeline instead.
func nextReload(ctx context.Context, hup <-chan os.Signal, stop context.CancelFunc, stdout io.Writer) bool {
	select {
	case <-ctx.Done():
		return false
	case <-hup:
	}
	if terminalGone(stdout) {
		stop()
		return false
	}
	return true
}

// terminalGone reports whether w is a terminal that has hung up: a SIGHUP then means the
// window closed or the SSH link dropped, and lifeline should stop rather than reload.
func terminalGone(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return false
	}
	_, _, err := term.GetSize(f.Fd())
	return err != nil
}
