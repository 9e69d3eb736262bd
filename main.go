// Command lifeline shows, for each way out (direct, VPN interfaces, SOCKS5 and HTTP proxies),
// whether each messenger is reachable through it and how fast.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/config"
)

const usage = `lifeline — which of your ways out still reaches your messengers, and how fast.

Usage:
  lifeline [--config FILE] [--ascii] [--no-alt-screen]   live dashboard (status lines when stdout is not a terminal)
  lifeline check [-v] [--json] [--config FILE]           one sweep, a full report; exit 0 ok, 1 degraded, 2 down, 3 error
  lifeline status [--once] [--format F] [--config FILE]  headless status line, one per sweep
  lifeline config init|check|path [--config FILE]        write a starter config, validate one, show where it is read from
  lifeline history [--since 24h|7d] [--format F]         what the stored results say: hourly strips, uptime, incidents

Config is read from --config, else $LIFELINE_CONFIG, else the user config directory
(lifeline/config.yaml). With none, lifeline runs on its embedded default: the direct route,
VPN-looking interfaces and proxies on well-known local ports, and WhatsApp, Telegram, Signal, MAX.

The dashboard and status keep every result in a history store in the user state directory
(--state DIR or state: moves it, off disables it); they start where the last run left off.

SIGHUP (or ctrl+r in the dashboard) reloads the config of a running dashboard or status;
SIGINT and SIGTERM end any mode cleanly.

Run 'lifeline COMMAND --help' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// SIGHUP reloads the config in the modes that keep running and stops the one-shot ones
	// (signals.go); caught here so that it never kills the process outright.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ctx = withHangups(ctx, hup)
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCheck(ctx, args[1:], stdout, stderr)
		case "status":
			return runStatus(ctx, args[1:], stdout, stderr)
		case "config":
			return runConfig(ctx, args[1:], stdout, stderr)
		case "history":
			return runHistory(ctx, args[1:], stdout, stderr)
		case "help", "-h", "--help", "-help":
			fmt.Fprint(stdout, usage)
			return 0
		}
	}
	return runDashboard(ctx, args, stdout, stderr)
}

// newFlags makes a subcommand's flag set that reports errors on stderr without exiting.
func newFlags(name string, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\nFlags:\n", help)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns a non-negative exit code when the command should stop.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return checks.ExitUnknown
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return checks.ExitUnknown
	}
	return -1
}

// loadConfig reads the configuration (or the embedded default) and prints its notes on stderr.
func loadConfig(ctx context.Context, path string, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.LoadOrDefault(ctx, path)
	if err != nil {
		return nil, err
	}
	for _, note := range cfg.Notes {
		fmt.Fprintln(stderr, "lifeline:", checks.Sanitize(note))
	}
	return cfg, nil
}

// configError prints a configuration problem and returns the exit code for it.
func configError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "lifeline:", err)
	return checks.ExitUnknown
}
